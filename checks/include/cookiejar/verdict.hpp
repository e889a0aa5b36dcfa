#pragma once
// A check's verdict, as data: the type every harness fills and the record it writes.
//
// A check passes only on positive evidence. Student code runs inside the check's own
// process and may exit, print, crash or hang, so an exit status proves nothing: the
// runner (checks/tools/run_check.cpp) gives each run a file and a token, and the
// check's harnesses append one JSON record per line to that file. The runner then
// judges: a check passed only when a record with its token says so and was written
// after its test case ended (docs/verdicts.md has the schema).
//
// Who writes what:
//   the Catch2 listener (checks/common/catch_main.cpp)  a record per test case, at its end:
//                                                       assertions with their expansions, and
//                                                       the findings the harnesses handed it
//   model checker, schedule explorer, stress harness     a finding each (cj::verdict::report)
//   ThreadSanitizer's report callback, the relock        a record at once, then they end the
//   detector, the deadlock detector, both watchdogs      process (exit_code below)
//
// Guarantees:
//   * Bounded: a record is at most record_capacity bytes; every string in it at most
//     max_string bytes (longer ones keep their head and say how much was cut); at most
//     max_findings findings and max_steps steps. What a program prints never reaches a
//     record.
//   * The writer (json_writer, emit_*) never allocates: it runs inside ThreadSanitizer's
//     report callback, in watchdogs that fire while the program is stuck, and in model
//     builds where Relacy owns operator new. Records go out in one write(2) each.
//   * Without a record file (a demo, a check run by hand) nothing is written.
//
// Not promised: secrecy against code that reads the process's own memory. The token is
// taken out of the environment before any student code runs, and the policy check
// (checks/tools/policy_check.cpp) refuses files that end or fork the process.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace cj::verdict {

inline constexpr int schema_version = 1;
inline constexpr const char* schema_name = "cookiejar-verdict";

// Where the runner tells a check to write, and the token it must carry.
inline constexpr const char* record_file_variable = "COOKIEJAR_RECORD_FILE";
inline constexpr const char* record_token_variable = "COOKIEJAR_RECORD_TOKEN";

// The exit codes a harness ends a check's process with when it must stop at once. The
// record it wrote first is what counts; the code only tells a reader of a shell.
namespace exit_code {
inline constexpr int tsan_report = 66;    // ThreadSanitizer reported (halt_on_error)
inline constexpr int watchdog_hang = 70;  // a watchdog ended a hang
inline constexpr int relock = 71;         // a thread locked a cj::mutex it already holds
inline constexpr int deadlock = 72;       // the deadlock detector: no thread of the check can move
}  // namespace exit_code
// The same number for ThreadSanitizer's option string, which must be a literal.
#define COOKIEJAR_TSAN_EXIT_CODE_TEXT "66"

inline constexpr std::size_t record_capacity = 192 * 1024;
inline constexpr std::size_t max_string = 4096;
inline constexpr std::size_t max_findings = 16;
inline constexpr std::size_t max_steps = 400;

// ---------------------------------------------------------------- closed sets ----

enum class analysis : unsigned char { unit, property, stress, model, policy, build };
enum class outcome : unsigned char { passed, failed, hang, crashed, ended_early, did_not_build };
// Which harness found a problem.
enum class source : unsigned char {
    assertion,  // a Catch2 assertion that did not hold
    exception,  // an exception escaped a test case
    model,      // the Relacy model checker
    schedule,   // the event loop's schedule explorer
    stress,     // the stress harness's own checks (exactly once, FIFO, capacity)
    tsan,       // ThreadSanitizer
    relock,     // the stress backend's relock detector
    watchdog,   // a watchdog (a test case over its time, or a stress run that stopped moving)
    deadlock,   // the stress backend's deadlock detector (no thread of the check can move)
    policy,     // the policy check of the student's file
    runner,     // the runner itself (the process ended early, crashed, made no record)
};

// The one vocabulary of bug classes: records, mutants/manifest.json and the command.
enum class bug : unsigned char {
    none,
    wrap_around,
    full_off_by_one,
    empty_off_by_one,
    reordered_items,
    lost_items,
    moved_from_when_refused,
    capacity_exceeded,
    data_race,
    check_then_act,
    lock_never_released,
    lock_order_inversion,
    lock_held_while_waiting,
    wrong_initial_count,
    wrong_semaphore_released,
    release_before_write,
    if_instead_of_while,
    lost_wake_up,
    close_leaves_waiter,
    deadlock,
    waiter_never_resumed,
    check_then_co_await,
    resumed_inline,
    use_after_free,
    wrong_result,
    busy_loop,
    process_ended,
    crash,
    policy_violation,
    compile_error,
};

struct bug_info {
    bug id;
    const char* key;    // in records and manifests
    const char* words;  // what a student reads
};

inline constexpr bug_info bug_classes[] = {
    {bug::none, "", ""},
    {bug::wrap_around, "wrap_around", "wrap-around (an index that does not wrap at the end of the ring)"},
    {bug::full_off_by_one, "full_off_by_one", "full off-by-one"},
    {bug::empty_off_by_one, "empty_off_by_one", "empty off-by-one"},
    {bug::reordered_items, "reordered_items", "items out of order (FIFO broken)"},
    {bug::lost_items, "lost_items", "lost or duplicated items"},
    {bug::moved_from_when_refused, "moved_from_when_refused", "moved-from when refused"},
    {bug::capacity_exceeded, "capacity_exceeded", "capacity exceeded"},
    {bug::data_race, "data_race", "data race"},
    {bug::check_then_act, "check_then_act", "check-then-act (atomicity violation)"},
    {bug::lock_never_released, "lock_never_released", "lock never released"},
    {bug::lock_order_inversion, "lock_order_inversion", "lock-order inversion (deadlock)"},
    {bug::lock_held_while_waiting, "lock_held_while_waiting", "a lock held while waiting (deadlock)"},
    {bug::wrong_initial_count, "wrong_initial_count", "wrong initial count"},
    {bug::wrong_semaphore_released, "wrong_semaphore_released", "the wrong semaphore released"},
    {bug::release_before_write, "release_before_write", "a cookie announced before it is in the jar (release before write)"},
    {bug::if_instead_of_while, "if_instead_of_while", "if instead of while"},
    {bug::lost_wake_up, "lost_wake_up", "lost wake-up"},
    {bug::close_leaves_waiter, "close_leaves_waiter", "close() that leaves a waiter asleep"},
    {bug::deadlock, "deadlock", "deadlock"},
    {bug::waiter_never_resumed, "waiter_never_resumed", "waiter never resumed"},
    {bug::check_then_co_await, "check_then_co_await", "check-then-co_await"},
    {bug::resumed_inline, "resumed_inline", "waiter resumed inline (re-entrance)"},
    {bug::use_after_free, "use_after_free", "use after free"},
    {bug::wrong_result, "wrong_result", "wrong result"},
    {bug::busy_loop, "busy_loop", "a call that never returns (a busy loop)"},
    {bug::process_ended, "process_ended", "the process ended in the middle of a check"},
    {bug::crash, "crash", "crash"},
    {bug::policy_violation, "policy_violation", "breaks the course's rules for the file"},
    {bug::compile_error, "compile_error", "compile error"},
};

[[nodiscard]] constexpr const bug_info& info_of(bug b) noexcept {
    for (const auto& i : bug_classes)
        if (i.id == b) return i;
    return bug_classes[0];
}
[[nodiscard]] constexpr const char* key_of(bug b) noexcept { return info_of(b).key; }
[[nodiscard]] inline std::optional<bug> bug_from_key(std::string_view key) noexcept {
    for (const auto& i : bug_classes)
        if (key == i.key) return i.id;
    return std::nullopt;
}

[[nodiscard]] constexpr const char* key_of(analysis a) noexcept {
    switch (a) {
    case analysis::unit: return "unit";
    case analysis::property: return "property";
    case analysis::stress: return "stress";
    case analysis::model: return "model";
    case analysis::policy: return "policy";
    case analysis::build: return "build";
    }
    return "unit";
}
[[nodiscard]] constexpr const char* key_of(outcome o) noexcept {
    switch (o) {
    case outcome::passed: return "passed";
    case outcome::failed: return "failed";
    case outcome::hang: return "hang";
    case outcome::crashed: return "crashed";
    case outcome::ended_early: return "ended_early";
    case outcome::did_not_build: return "did_not_build";
    }
    return "failed";
}
[[nodiscard]] constexpr const char* key_of(source s) noexcept {
    switch (s) {
    case source::assertion: return "assertion";
    case source::exception: return "exception";
    case source::model: return "model";
    case source::schedule: return "schedule";
    case source::stress: return "stress";
    case source::tsan: return "tsan";
    case source::relock: return "relock";
    case source::watchdog: return "watchdog";
    case source::deadlock: return "deadlock";
    case source::policy: return "policy";
    case source::runner: return "runner";
    }
    return "runner";
}
template <class E, std::size_t N>
[[nodiscard]] std::optional<E> from_key(std::string_view key, const E (&all)[N]) noexcept {
    for (E e : all)
        if (key == key_of(e)) return e;
    return std::nullopt;
}
inline constexpr analysis all_analyses[] = {analysis::unit,  analysis::property, analysis::stress,
                                            analysis::model, analysis::policy,   analysis::build};
inline constexpr outcome all_outcomes[] = {outcome::passed,  outcome::failed,      outcome::hang,
                                           outcome::crashed, outcome::ended_early, outcome::did_not_build};
inline constexpr source all_sources[] = {source::assertion, source::exception, source::model, source::schedule,
                                         source::stress,    source::tsan,      source::relock, source::watchdog,
                                         source::deadlock,  source::policy, source::runner};

// The analysis a test case belongs to, from its Catch2 tags ("[lesson02][model]").
[[nodiscard]] inline analysis analysis_of_tags(std::string_view tags) noexcept {
    if (tags.find("[property]") != std::string_view::npos) return analysis::property;
    if (tags.find("[stress]") != std::string_view::npos) return analysis::stress;
    if (tags.find("[model]") != std::string_view::npos) return analysis::model;
    return analysis::unit;
}
// The bug class a test case's tags name ("[bug:full_off_by_one]"): what its failure means.
[[nodiscard]] inline bug bug_of_tags(std::string_view tags) noexcept {
    const auto at = tags.find("[bug:");
    if (at == std::string_view::npos) return bug::none;
    const auto end = tags.find(']', at);
    if (end == std::string_view::npos) return bug::none;
    return bug_from_key(tags.substr(at + 5, end - at - 5)).value_or(bug::none);
}

// ---------------------------------------------------------------- the record ----

struct place {
    std::string file;  // relative to the repository ("lessons/02-lock/bounded_buffer.hpp")
    unsigned line = 0;
    [[nodiscard]] bool known() const noexcept { return !file.empty() && line > 0; }
};

// One step of an interleaving: in the column of `thread`, `text`, at file:line (if any).
struct step {
    std::size_t thread = 0;  // index into finding::threads
    std::string text;        // "lock mutex #1", "try_put(1) begins"
    place at;
};

// Who waits for what: a wait-for edge of a deadlock or a hang.
struct wait_edge {
    std::string thread;       // "producer 0"
    std::string action;       // lock | wait | acquire | await
    std::string object;       // "mutex #1", "condvar #2", "sem #1", "the jar's getters"
    place at;                 // where it waits
    std::string holder;       // who holds `object` ("" when nobody or not a mutex)
    place held_at;            // where the holder locked it
    bool holder_finished = false;
    // An edge of a lock-order cycle (ThreadSanitizer's lock-order inversion): `thread`
    // locked `object` at `at` while it held `while_holding` ("M0"), locked since
    // `holding_since`. Empty for a wait that is not such an edge.
    std::string while_holding;
    place holding_since;
};

// A mutex a ThreadSanitizer report names, and where it was made (the student's line of
// the member, so a reader can name it: "mutex_").
struct lock_ref {
    std::string id;     // the report's name: "M0"
    place created_at;
};

// One memory access of a ThreadSanitizer report.
struct memory_access {
    std::string thread;          // "producer 0 (T2)", "the check's main thread"
    bool write = false;
    std::string function;        // the student's function, "size()"
    place at;                    // the student's line (the first frame in a student's file)
    std::vector<lock_ref> locks;  // the mutexes it held
};

struct finding {
    source from = source::assertion;
    std::string promise;                // the broken promise in words
    bug bug_class = bug::none;
    place location;                     // the student's line, where it can be known
    place check_location;               // the check's line (the assertion), where there is one
    std::string expression;             // an assertion: "REQUIRE( jar.try_get() == 1 )"
    std::string expansion;              // its expansion: "2 == 1"
    std::vector<std::string> messages;  // INFO/CAPTURE messages, an exception's what()
    std::vector<std::string> threads;   // the columns of `steps`
    std::vector<step> steps;            // the failing interleaving, time running down
    std::vector<wait_edge> waits;       // deadlock / hang: who waits for what
    std::vector<memory_access> accesses;  // a data race: the two accesses
    std::string found_by;               // "the bounded search (every schedule with at most 2 preemptions), schedule 12"
    std::string conclusion;             // the last word of a model report ("DEADLOCK")
    std::string replay;                 // the string that replays the schedule ("bounded2:..." / "order:1.0")
    std::string replay_command;         // the whole command
    std::string report;                 // the console report, rendered from this finding
};

// What one search of the model checker covered (a model check's record has one per
// search it ran, failed or not). A search stopped by its budget found nothing in what it
// covered, but did not cover everything: `exhaustive` is false and `stopped_by` says why.
struct search_coverage {
    std::string search;           // "bounded", "random"
    unsigned long long schedules = 0;  // explored
    double seconds = 0;
    unsigned context_bound = 0;   // bounded: preemptions per schedule
    unsigned early_timeouts = 0;  // timed waits that could time out at once, per schedule
    bool exhaustive = false;      // every schedule within the bounds (only a bounded search that finished)
    std::string stopped_by;       // "" (ran to its end or to a failure), "time budget", "schedule budget"
};

struct record {
    std::string check;                  // the Catch2 test case ("two consumers racing for one cookie")
    analysis of = analysis::unit;
    outcome result = outcome::failed;
    bool ended = false;                 // written after its test case ended (else: at the moment of failure)
    unsigned assertions_passed = 0;
    unsigned assertions_failed = 0;
    std::vector<finding> findings;
    std::vector<search_coverage> searches;  // a model check: what each search covered
};

// ---------------------------------------------------------------- the writer ----

// JSON into a fixed buffer: no allocation, bounded, always well formed (containers left
// open are closed by finish()). A value that no longer fits is left out and the record
// says "truncated": true.
class json_writer {
public:
    // constexpr: the ending records' writer (a static) is then constant-initialised, so
    // an ending path takes no initialisation guard (a lock) on its way out.
    constexpr json_writer(char* buffer, std::size_t capacity) noexcept : out_(buffer), capacity_(capacity) {}

    void begin_object(const char* key = nullptr) noexcept { begin('{', key); }
    void end_object() noexcept { end('}'); }
    void begin_array(const char* key = nullptr) noexcept { begin('[', key); }
    void end_array() noexcept { end(']'); }

    void field(const char* key, std::string_view value) noexcept {
        // Room for the kept part at its worst (every byte escaped as \u00XX) and the note
        // on what was cut.
        const std::size_t kept = value.size() < max_string ? value.size() : max_string;
        if (!room(key, kept * 6 + 48)) return;
        separate(key);
        string(value);
    }
    void field(const char* key, const char* value) noexcept { field(key, std::string_view(value ? value : "")); }
    void field(const char* key, long long value) noexcept {
        if (!room(key, 24)) return;
        separate(key);
        number(value);
    }
    void field(const char* key, unsigned value) noexcept { field(key, static_cast<long long>(value)); }
    void field(const char* key, int value) noexcept { field(key, static_cast<long long>(value)); }
    void field(const char* key, std::size_t value) noexcept { field(key, static_cast<long long>(value)); }
    void field(const char* key, bool value) noexcept {
        if (!room(key, 6)) return;
        separate(key);
        raw(value ? "true" : "false");
    }
    // An array element.
    void value(std::string_view v) noexcept { field(nullptr, v); }

    // Closes what is open; returns the text (not terminated by a newline).
    std::string_view finish() noexcept {
        while (depth_ > 0) end(closers_[depth_ - 1]);
        return {out_, size_};
    }
    [[nodiscard]] bool truncated() const noexcept { return truncated_; }

private:
    static constexpr int max_depth = 24;

    bool room(const char* key, std::size_t need) noexcept {
        if (skip_from_ >= 0) return false;
        const std::size_t key_size = key ? std::strlen(key) + 4 : 0;
        // Keep space for closing every open container.
        if (size_ + key_size + need + static_cast<std::size_t>(depth_) + 2 > capacity_) {
            truncated_ = true;
            return false;
        }
        return true;
    }
    void begin(char open, const char* key) noexcept {
        if (depth_ >= max_depth || !room(key, 2)) {
            if (skip_from_ < 0) skip_from_ = depth_;
            ++depth_;
            return;
        }
        separate(key);
        put(open);
        closers_[depth_] = open == '{' ? '}' : ']';
        first_[depth_] = true;
        ++depth_;
    }
    void end(char close) noexcept {
        if (depth_ == 0) return;
        --depth_;
        if (skip_from_ >= 0) {
            if (depth_ == skip_from_) skip_from_ = -1;
            return;
        }
        put(close);
    }
    void separate(const char* key) noexcept {
        if (depth_ > 0) {
            if (!first_[depth_ - 1]) put(',');
            first_[depth_ - 1] = false;
        }
        if (key) {
            string(key);
            put(':');
        }
    }
    void put(char c) noexcept {
        if (size_ < capacity_) out_[size_++] = c;
    }
    void raw(const char* s) noexcept {
        while (*s) put(*s++);
    }
    void number(long long v) noexcept {
        char digits[24];
        int n = 0;
        const bool negative = v < 0;
        unsigned long long u = negative ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
        do {
            digits[n++] = static_cast<char>('0' + u % 10);
            u /= 10;
        } while (u != 0);
        if (negative) put('-');
        while (n > 0) put(digits[--n]);
    }
    // A string, escaped; longer than max_string: its head, then how much was cut.
    void string(std::string_view s) noexcept {
        put('"');
        const std::size_t keep = s.size() > max_string ? max_string : s.size();
        for (std::size_t i = 0; i < keep; ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            switch (c) {
            case '"': raw("\\\""); break;
            case '\\': raw("\\\\"); break;
            case '\n': raw("\\n"); break;
            case '\t': raw("\\t"); break;
            case '\r': raw("\\r"); break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    static constexpr char hex[] = "0123456789abcdef";
                    raw("\\u00");
                    put(hex[c >> 4]);
                    put(hex[c & 15]);
                } else if (c < 0x80) {
                    put(static_cast<char>(c));
                } else if (const std::size_t n = utf8_length(s.substr(i, keep - i)); n > 0) {
                    for (std::size_t k = 0; k < n; ++k) put(s[i + k]);  // a whole, valid UTF-8 character
                    i += n - 1;
                } else {
                    put('?');  // not UTF-8 (a program's binary output): JSON readers refuse it
                }
            }
        }
        if (keep < s.size()) {
            raw(" [... ");
            number(static_cast<long long>(s.size() - keep));
            raw(" more bytes cut]");
        }
        put('"');
    }

    // The length of the valid UTF-8 character `s` starts with, or 0.
    static std::size_t utf8_length(std::string_view s) noexcept {
        const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
        const unsigned char c = b(0);
        std::size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
        if (n == 0 || s.size() < n) return 0;
        for (std::size_t k = 1; k < n; ++k)
            if ((b(k) & 0xc0) != 0x80) return 0;
        if (n == 3 && ((c == 0xe0 && b(1) < 0xa0) || (c == 0xed && b(1) > 0x9f))) return 0;  // overlong, surrogate
        if (n == 4 && ((c == 0xf0 && b(1) < 0x90) || (c == 0xf4 && b(1) > 0x8f))) return 0;  // overlong, > U+10FFFF
        return n;
    }

    char* out_;
    std::size_t capacity_;
    std::size_t size_ = 0;
    int depth_ = 0;
    int skip_from_ = -1;
    bool truncated_ = false;
    char closers_[max_depth] = {};
    bool first_[max_depth] = {};
};

// ---------------------------------------------------------------- the sink ----

namespace detail {

// Where records go. Set once, before student code runs (take_sink_from_environment),
// then only read. The running test case's name is kept here too, so a watchdog or
// ThreadSanitizer's callback can name it without allocating.
struct sink_state {
    int fd = -1;
    char token[96] = "";
    char check[512] = "";
    std::atomic<unsigned> generation{0};  // bumped at each test case start (release)
    std::atomic<int> of{0};               // the running test case's analysis
    std::atomic_flag emergency = ATOMIC_FLAG_INIT;  // one ending record per process
};
inline sink_state sink;
inline char emergency_buffer[record_capacity];
inline char main_buffer[record_capacity];

// One write(2) per record, so concurrent writers never interleave inside a line. The raw
// system call: ThreadSanitizer intercepts write() (and would order threads through it).
inline void write_line(std::string_view text) noexcept {
    if (sink.fd < 0) return;
    // The text and its newline: the buffer always has room for one more byte.
    char* end = const_cast<char*>(text.data()) + text.size();
    *end = '\n';
    std::size_t left = text.size() + 1;
    const char* at = text.data();
    while (left > 0) {
        const long n = ::syscall(SYS_write, sink.fd, at, left);
        if (n <= 0) return;
        at += n;
        left -= static_cast<std::size_t>(n);
    }
}

inline void copy(char* to, std::size_t size, const char* from) noexcept {
    std::size_t i = 0;
    for (; from && from[i] && i + 1 < size; ++i) to[i] = from[i];
    to[i] = '\0';
}

inline void scrub(const char* name) noexcept {
    if (char* v = std::getenv(name)) {
        for (char* p = v; *p; ++p) *p = 'x';  // /proc/self/environ shows these bytes
    }
    ::unsetenv(name);
}

}  // namespace detail

// Called once, first thing in a check's process: opens the record file the runner named
// and takes the token out of the environment. Without them, records are not written.
inline void take_sink_from_environment() noexcept {
    const char* file = std::getenv(record_file_variable);
    const char* token = std::getenv(record_token_variable);
    if (file && *file && token && *token) {
        detail::sink.fd = ::open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        detail::copy(detail::sink.token, sizeof detail::sink.token, token);
    }
    detail::scrub(record_token_variable);
    detail::scrub(record_file_variable);
}
[[nodiscard]] inline bool recording() noexcept { return detail::sink.fd >= 0; }

// The head every record starts with. kind: "start" (a test case began), "check" (it
// ended, or an ending record at the moment of failure) or "run" (the process's run of
// test cases ended).
inline void begin_record(json_writer& w, const char* kind, const char* check, analysis a, outcome o,
                         bool ended) noexcept {
    w.begin_object();
    w.field("schema", schema_name);
    w.field("version", schema_version);
    w.field("token", detail::sink.token);
    w.field("kind", kind);
    w.field("check", check);
    w.field("analysis", key_of(a));
    w.field("outcome", key_of(o));
    w.field("ended", ended);
}

// ---- the ending records: written at once by code that then ends the process ----

// Starts the one record a process may write when it must stop at once (a watchdog,
// ThreadSanitizer, the relock detector). Returns nullptr when another thread already
// does (it is about to end the process) or nothing is recorded.
[[nodiscard]] inline json_writer* begin_ending_record(outcome o) noexcept {
    if (!recording() || detail::sink.emergency.test_and_set(std::memory_order_acquire)) return nullptr;
    static json_writer w(detail::emergency_buffer, record_capacity - 1);
    (void)detail::sink.generation.load(std::memory_order_acquire);
    begin_record(w, "check", detail::sink.check,
                 static_cast<analysis>(detail::sink.of.load(std::memory_order_relaxed)), o, false);
    return &w;
}
inline void finish_ending_record(json_writer& w) noexcept {
    if (w.truncated()) w.field("truncated", true);
    detail::write_line(w.finish());
}
// ---- findings, written by the writer ----

inline void write_place(json_writer& w, const char* key, const place& p) {
    if (!p.known() && p.file.empty()) return;
    w.begin_object(key);
    w.field("file", p.file);
    w.field("line", p.line);
    w.end_object();
}

inline void write_finding(json_writer& w, const finding& f) {
    w.begin_object();
    w.field("source", key_of(f.from));
    w.field("promise", f.promise);
    if (f.bug_class != bug::none) w.field("bug_class", key_of(f.bug_class));
    write_place(w, "location", f.location);
    write_place(w, "check_location", f.check_location);
    if (!f.expression.empty()) w.field("expression", f.expression);
    if (!f.expansion.empty()) w.field("expansion", f.expansion);
    if (!f.messages.empty()) {
        w.begin_array("messages");
        for (const auto& m : f.messages) w.value(m);
        w.end_array();
    }
    if (!f.threads.empty()) {
        w.begin_array("threads");
        for (const auto& t : f.threads) w.value(t);
        w.end_array();
    }
    if (!f.steps.empty()) {
        w.begin_array("steps");
        std::size_t n = 0;
        for (const auto& s : f.steps) {
            if (++n > max_steps) break;
            w.begin_object();
            w.field("thread", s.thread);
            w.field("text", s.text);
            if (!s.at.file.empty()) {
                w.field("file", s.at.file);
                w.field("line", s.at.line);
            }
            w.end_object();
        }
        w.end_array();
        if (f.steps.size() > max_steps) w.field("steps_cut", f.steps.size() - max_steps);
    }
    if (!f.waits.empty()) {
        w.begin_array("waits");
        for (const auto& e : f.waits) {
            w.begin_object();
            w.field("thread", e.thread);
            w.field("action", e.action);
            w.field("object", e.object);
            write_place(w, "at", e.at);
            if (!e.holder.empty()) {
                w.field("holder", e.holder);
                write_place(w, "held_at", e.held_at);
                w.field("holder_finished", e.holder_finished);
            }
            if (!e.while_holding.empty()) {
                w.field("while_holding", e.while_holding);
                write_place(w, "holding_since", e.holding_since);
            }
            w.end_object();
        }
        w.end_array();
    }
    if (!f.accesses.empty()) {
        w.begin_array("accesses");
        for (const auto& a : f.accesses) {
            w.begin_object();
            w.field("thread", a.thread);
            w.field("write", a.write);
            w.field("function", a.function);
            write_place(w, "at", a.at);
            w.begin_array("locks");
            for (const auto& l : a.locks) {
                w.begin_object();
                w.field("id", l.id);
                write_place(w, "created_at", l.created_at);
                w.end_object();
            }
            w.end_array();
            w.end_object();
        }
        w.end_array();
    }
    if (!f.found_by.empty()) w.field("found_by", f.found_by);
    if (!f.conclusion.empty()) w.field("conclusion", f.conclusion);
    if (!f.replay.empty()) w.field("replay", f.replay);
    if (!f.replay_command.empty()) w.field("replay_command", f.replay_command);
    if (!f.report.empty()) w.field("report", f.report);
    w.end_object();
}

// Writes a whole record (the listener, at the end of a test case; the policy check).
inline void write_record(const record& r) {
    if (!recording()) return;
    json_writer w(detail::main_buffer, record_capacity - 1);
    begin_record(w, "check", r.check.c_str(), r.of, r.result, r.ended);
    w.begin_object("assertions");
    w.field("passed", r.assertions_passed);
    w.field("failed", r.assertions_failed);
    w.end_object();
    w.begin_array("findings");
    std::size_t n = 0;
    for (const auto& f : r.findings) {
        if (++n > max_findings) break;
        write_finding(w, f);
    }
    w.end_array();
    if (r.findings.size() > max_findings) w.field("findings_cut", r.findings.size() - max_findings);
    if (!r.searches.empty()) {
        w.begin_array("searches");
        for (const auto& c : r.searches) {
            w.begin_object();
            w.field("search", c.search);
            w.field("schedules", static_cast<long long>(c.schedules));
            w.field("milliseconds", static_cast<long long>(c.seconds * 1000 + 0.5));
            if (c.search == "bounded") w.field("context_bound", c.context_bound);
            w.field("early_timeouts", c.early_timeouts);
            w.field("exhaustive", c.exhaustive);
            if (!c.stopped_by.empty()) w.field("stopped_by", c.stopped_by);
            w.end_object();
        }
        w.end_array();
    }
    if (w.truncated()) w.field("truncated", true);
    w.end_object();
    detail::write_line(w.finish());
}

// The run of test cases in this process ended (Catch2's testRunEnded): `test_cases`
// check records came before it.
inline void write_run_record(unsigned test_cases, bool passed) noexcept {
    if (!recording()) return;
    json_writer w(detail::main_buffer, record_capacity - 1);
    begin_record(w, "run", "", analysis::unit, passed ? outcome::passed : outcome::failed, true);
    w.field("test_cases", test_cases);
    w.end_object();
    detail::write_line(w.finish());
}

// A test case began (kind "start"): if the process ends before its check record, the
// runner can say which test case it ended in.
inline void write_start_record(const std::string& check, analysis a) noexcept {
    if (!recording()) return;
    json_writer w(detail::main_buffer, record_capacity - 1);
    begin_record(w, "start", check.c_str(), a, outcome::failed, false);
    w.end_object();
    detail::write_line(w.finish());
}

// ---------------------------------------------------------------- the recorder ----

// The running test case's record, kept by the Catch2 listener. Harnesses hand it what
// they find with report(); the listener adds the assertions and writes the record when
// the test case ends. Main thread only (Catch2's thread), as Catch2's own assertions.
class recorder {
public:
    void begin(const std::string& check, analysis a, bug meaning) {
        current_ = record{};
        current_.check = check;
        current_.of = a;
        meaning_ = meaning;
        pending_.clear();
        detail::copy(detail::sink.check, sizeof detail::sink.check, check.c_str());
        detail::sink.of.store(static_cast<int>(a), std::memory_order_relaxed);
        detail::sink.generation.fetch_add(1, std::memory_order_release);
        write_start_record(check, a);
    }
    // A harness's finding (the model checker's schedule, the stress run's broken
    // promises). It waits for the check's verdict on it: the next failed assertion
    // claims it; a check that expects the failure (REQUIRE_FALSE(r.passed())) never
    // fails, and the finding is dropped when the test case ends.
    void add(finding f) {
        if (f.bug_class == bug::none) f.bug_class = meaning_;
        pending_.push_back(std::move(f));
    }
    // A failed assertion: it claims the harness findings handed in since the last one (it
    // is the REQUIRE that judged them); with none, it is a finding of its own.
    void assertion_failed(finding f) {
        if (!pending_.empty()) {
            for (auto& p : pending_) {
                if (!p.check_location.known()) p.check_location = f.check_location;
                current_.findings.push_back(std::move(p));
            }
            pending_.clear();
            return;
        }
        if (f.bug_class == bug::none) f.bug_class = meaning_;
        current_.findings.push_back(std::move(f));
    }
    // What a model check's searches covered: kept in the record whatever its outcome.
    void add_coverage(std::vector<search_coverage> searches) {
        for (auto& c : searches) current_.searches.push_back(std::move(c));
    }
    // The bug class this test case's failures mean (its [bug:...] tag, or set by the check).
    void suspect(bug b) { meaning_ = b; }
    [[nodiscard]] bug suspected() const { return meaning_; }

    // The test case ended: with Catch2's counts. A check that asserted nothing proves nothing.
    void end(unsigned passed, unsigned failed) {
        pending_.clear();
        current_.ended = true;
        current_.assertions_passed = passed;
        current_.assertions_failed = failed;
        const bool ok = failed == 0 && passed > 0 && current_.findings.empty();
        current_.result = ok ? outcome::passed : outcome::failed;
        if (failed == 0 && passed == 0 && current_.findings.empty()) {
            finding f;
            f.from = source::runner;
            f.promise = "the check made no assertion: nothing was shown to hold";
            current_.findings.push_back(std::move(f));
        }
        write_record(current_);
    }
    [[nodiscard]] const record& current() const { return current_; }

private:
    record current_;
    bug meaning_ = bug::none;
    std::vector<finding> pending_;  // harness findings not yet judged by an assertion
};

inline recorder& current() {
    static recorder r;
    return r;
}

// A harness's finding, for the running test case's record.
inline void report(finding f) { current().add(std::move(f)); }
// What a model check covered, for the running test case's record.
inline void report_coverage(std::vector<search_coverage> searches) { current().add_coverage(std::move(searches)); }
// What the next failure of this test case means (a check that knows, e.g. the property
// check after comparing with its model).
inline void suspect(bug b) { current().suspect(b); }

}  // namespace cj::verdict
