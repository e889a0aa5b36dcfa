#pragma once
// The model harness: runs a scenario under the Relacy model checker with two
// searches and turns a failure into a report a student can read.
//
//  1. exhaustive, context-bounded search (every schedule with at most `context_bound`
//     preemptions) — finds deadlocks and atomicity violations that need few switches;
//  2. random search, seeded by the iteration number (so it is deterministic) — the
//     only search that injects spurious condition-variable wake-ups.
//
// Both bound the early timeouts of timed waits per schedule (wait_for, try_acquire_for:
// cj::model::detail::timing_state), and both stop at the scenario's time budget and the
// bounded search also at its schedule budget. A search stopped by a budget found no
// failure in what it covered: the check passes, and its result, record and report say
// how many schedules that was and that the search was not exhaustive
// (docs/how-the-checks-work.md, "Budgets").
//
// On failure the report holds: what went wrong, which search found it after how many
// schedules, the interleaving (one column per thread, only the steps in the
// student's code and the scenario's own notes), and a command that replays it.
//
// A scenario is a Relacy test suite (see checks/02-lock/model_test.cpp):
//   struct my_scenario : rl::test_suite<my_scenario, N> {
//       static constexpr std::array<const char*, N> thread_names{...};
//       void before();            // make the object under test (inside the simulation)
//       void thread(unsigned i);  // what thread i does
//       void after();             // destroy it, then judge with cj::model::require(...)
//   };
//
// A scenario may also define `static void classify(cj::verdict::finding&)`: it sees the
// failing schedule's steps and may name the bug class (and the student's line) more
// exactly than the generic rules of to_finding() can.
//
// Rules the scenarios follow (each one a Relacy pitfall, see docs/how-the-checks-work.md):
// create and destroy the object under test inside before()/after(); never call
// Catch2 from simulated threads; judge after the run with require().
//
// Requires: the model backend (COOKIEJAR_MODEL); this header includes <cookiejar/sync.hpp>.

#ifndef COOKIEJAR_MODEL
#error "cookiejar/model_check.hpp is for model builds (COOKIEJAR_MODEL)"
#endif

#include <cookiejar/detail/replay_command.hpp>
#include <cookiejar/sync.hpp>
#include <cookiejar/detail/model_schedulers.hpp>
#include <cookiejar/verdict.hpp>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace cj::model {

// ------------------------------------------------------------ in a run ----

// Fails the current schedule with a message (formatted like printf) if `ok` is false.
// Call from a scenario's thread() or after(). The message is copied.
inline void require(bool ok, const char* format, ...) __attribute__((format(printf, 2, 3)));

inline void require(bool ok, const char* format, ...) {
    if (ok) return;
    va_list args;
    va_start(args, format);
    std::vsnprintf(detail::last_message, sizeof detail::last_message, format, args);
    va_end(args);
    rl::ctx().fail_test(detail::last_message, rl::test_result_user_assert_failed,
                        rl::debug_info("scenario", "(scenario)", 0));
}

// Adds a line to the interleaving, in the calling thread's column ("try_put(1) -> true").
// The text is copied.
inline void note(const char* text) {
    if (!rl::ctx().collecting_history()) return;  // only the replay of a failure keeps a history
    rl::ctx().exec_log_msg(rl::debug_info("scenario", "(scenario)", 0), text);
}
inline void notef(const char* format, ...) __attribute__((format(printf, 1, 2)));
inline void notef(const char* format, ...) {
    if (!rl::ctx().collecting_history()) return;
    char text[160];
    va_list args;
    va_start(args, format);
    std::vsnprintf(text, sizeof text, format, args);
    va_end(args);
    note(text);
}

// ------------------------------------------------------------- searches ----

struct budget {
    unsigned context_bound = 2;              // exhaustive search over schedules with <= this many preemptions
    rl::iteration_t random_schedules = 100000;  // seeded random schedules (0: skip)
    unsigned early_timeouts = 1;             // bounded search: timed waits that time out at once, per schedule
    unsigned random_early_timeouts = 8;      // random search: the same (each timed wait: one chance in four)
    double seconds = 30;                     // both searches together, per scenario (the watchdog: 120 s)
    rl::iteration_t bounded_schedules = 2000000;  // the bounded search stops here (not exhaustive)
};

enum class search_kind { bounded, random };

[[nodiscard]] inline const char* name_of(search_kind k) { return k == search_kind::bounded ? "bounded" : "random"; }

// Why a search ended.
enum class search_end { finished, failed, time_budget, schedule_budget };

struct search_run {
    search_kind kind;
    rl::iteration_t schedules = 0;  // explored (on failure: the failing schedule's number)
    double seconds = 0;
    bool passed = true;
    search_end end = search_end::finished;
    unsigned context_bound = 0;     // bounded search: preemptions per schedule
    unsigned early_timeouts = 0;    // timed waits that may time out at once, per schedule
    bool timed_waits = false;       // the scenario made timed waits (the bound above mattered)
    // Every schedule within the bounds was explored: only a bounded search that finished.
    [[nodiscard]] bool exhaustive() const { return kind == search_kind::bounded && end == search_end::finished; }
    [[nodiscard]] bool stopped_by_budget() const {
        return end == search_end::time_budget || end == search_end::schedule_budget;
    }
};

// One step of a failing schedule, as Relacy recorded it.
struct step {
    unsigned index = 0;
    int thread = 0;
    std::string what;      // "mutex M1: exclusive lock", or a scenario note
    std::string file;      // as the compiler spelled it
    unsigned line = 0;
    std::string function;
};

struct failure {
    search_kind found_by = search_kind::bounded;
    unsigned context_bound = 0;
    unsigned early_timeouts = 0;   // the search's bound on early timeouts
    bool timed_waits = false;      // the search made timed waits: the bound is part of the replay string
    std::string verdict;           // Relacy's result, e.g. "DEADLOCK"
    std::string message;           // the scenario's own words, when require() failed
    rl::iteration_t schedule = 0;  // which schedule failed
    std::string replay_state;      // Relacy's state string; with the search it replays the schedule
    std::vector<step> steps;
};

struct result {
    std::string scenario;
    std::vector<const char*> thread_names;
    std::vector<search_run> runs;
    std::optional<failure> failed;
    std::string replay_command;  // filled on failure
    std::string raw_output;      // Relacy's own output, for --verbose readers

    [[nodiscard]] bool passed() const { return !failed.has_value(); }
    // Every search ran to its end: no budget stopped one.
    [[nodiscard]] bool complete() const {
        for (const auto& run : runs)
            if (run.stopped_by_budget()) return false;
        return true;
    }
    [[nodiscard]] std::string summary() const;   // one line per search
    [[nodiscard]] std::vector<cj::verdict::search_coverage> coverage() const;  // the searches, for the record
    [[nodiscard]] std::string report() const;    // the full student-facing report, rendered from to_finding()
    [[nodiscard]] cj::verdict::finding to_finding() const;  // the failure as a record's finding
};

namespace detail {

// An ostream buffer over a tmpfile(): Relacy's failure report must not allocate
// with operator new while a simulation is unwinding (see docs, pitfall 3).
class file_buf : public std::streambuf {
public:
    file_buf() : file_(std::tmpfile()) {}
    ~file_buf() override {
        if (file_) std::fclose(file_);
    }
    file_buf(const file_buf&) = delete;
    file_buf& operator=(const file_buf&) = delete;

    [[nodiscard]] std::string contents() {
        std::string out;
        if (!file_) return out;
        std::fflush(file_);
        std::rewind(file_);
        char chunk[4096];
        std::size_t n = 0;
        while ((n = std::fread(chunk, 1, sizeof chunk, file_)) > 0) out.append(chunk, n);
        return out;
    }

protected:
    int_type overflow(int_type ch) override {
        if (ch == traits_type::eof()) return traits_type::not_eof(ch);
        char c = traits_type::to_char_type(ch);
        return (file_ && std::fwrite(&c, 1, 1, file_) == 1) ? ch : traits_type::eof();
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        return file_ ? static_cast<std::streamsize>(std::fwrite(s, 1, static_cast<std::size_t>(n), file_)) : 0;
    }

private:
    std::FILE* file_;
};

// Relacy prints a step as "[12] 1: <0x55..> mutex: exclusive lock, in try_put, /path/file.hpp(41)".
inline std::optional<step> parse_step(std::string_view line) {
    if (line.size() < 4 || line[0] != '[') return std::nullopt;
    const auto close = line.find("] ");
    if (close == std::string_view::npos) return std::nullopt;
    step s;
    s.index = static_cast<unsigned>(std::strtoul(std::string(line.substr(1, close - 1)).c_str(), nullptr, 10));
    auto rest = line.substr(close + 2);
    const auto colon = rest.find(": ");
    if (colon == std::string_view::npos) return std::nullopt;
    s.thread = std::atoi(std::string(rest.substr(0, colon)).c_str());
    rest = rest.substr(colon + 2);
    const auto in = rest.rfind(", in ");
    if (in == std::string_view::npos) return std::nullopt;
    s.what = std::string(rest.substr(0, in));
    auto where = rest.substr(in + 5);  // "func, file(line)"
    const auto comma = where.find(", ");
    if (comma == std::string_view::npos) return std::nullopt;
    s.function = std::string(where.substr(0, comma));
    auto file_line = where.substr(comma + 2);
    const auto paren = file_line.rfind('(');
    if (paren == std::string_view::npos) return std::nullopt;
    s.file = std::string(file_line.substr(0, paren));
    s.line = static_cast<unsigned>(std::strtoul(std::string(file_line.substr(paren + 1)).c_str(), nullptr, 10));
    return s;
}

// The steps of the failing schedule: the "execution history" block of Relacy's output.
inline std::vector<step> parse_history(const std::string& out) {
    std::vector<step> steps;
    const auto start = out.rfind("execution history (");
    if (start == std::string::npos) return steps;
    std::istringstream in(out.substr(start));
    std::string line;
    std::getline(in, line);  // the heading
    while (std::getline(in, line) && !line.empty()) {
        if (auto s = parse_step(line)) steps.push_back(std::move(*s));
    }
    return steps;
}

// CJ_MODEL_REPLAY="<search>:<state>" replays one schedule instead of searching.
// The search part of a replay string: "bounded2", "bounded2t1", "random", "randomt8"
// (t<n>: the search's bound on early timeouts, when it is not the budget's default).
struct replay_request {
    search_kind kind;
    unsigned context_bound;
    std::string state;
    std::optional<unsigned> early_timeouts;
};
[[nodiscard]] inline std::string search_name(search_kind kind, unsigned context_bound, unsigned early_timeouts,
                                             bool timed_waits) {
    std::string s = kind == search_kind::bounded ? "bounded" + std::to_string(context_bound) : std::string("random");
    return timed_waits ? s + "t" + std::to_string(early_timeouts) : s;
}
inline std::optional<replay_request> replay_from_environment() {
    const char* env = std::getenv("CJ_MODEL_REPLAY");
    if (env == nullptr || *env == '\0') return std::nullopt;
    std::string s(env);
    const auto colon = s.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string head = s.substr(0, colon);
    replay_request r{search_kind::random, 0, s.substr(colon + 1), std::nullopt};
    if (head.rfind("bounded", 0) == 0) {
        r.kind = search_kind::bounded;
        r.context_bound = static_cast<unsigned>(std::atoi(head.c_str() + 7));
    }
    if (const auto t = head.find('t', head.rfind("bounded", 0) == 0 ? 7 : 6); t != std::string::npos)
        r.early_timeouts = static_cast<unsigned>(std::atoi(head.c_str() + t + 1));
    return r;
}

// Where the running search must stop (set by check() before each search). Static
// storage: read in every schedule, which must not allocate.
struct search_limits {
    std::chrono::steady_clock::time_point deadline;
    rl::iteration_t max_schedules = 0;  // 0: no limit (Relacy's own count ends the random search)
    rl::iteration_t begun = 0;          // schedules begun by this search (and its replay)
    search_end stopped = search_end::finished;
};
inline search_limits limits;

// The scenario as the searches run it. Relacy's engine is a template of the test's type;
// instantiated for each scenario, it was most of the compile of every model program (the
// one file that includes the student's header). So the searches run one test type per
// thread count, compiled once per build (checks/common/model_run.cpp): `erased_scenario<N>`,
// which holds the running scenario in place (no allocation: Relacy would count it) and
// reaches it through `scenario_calls`, made by check<Scenario>.
struct scenario_calls {
    void (*construct)(void* room);
    void (*destroy)(void* room) noexcept;
    void (*before)(void* room);
    void (*after)(void* room);
    void (*invariant)(void* room);
    void (*thread)(void* room, unsigned index);
};
inline const scenario_calls* running_scenario = nullptr;  // set by check(), before the searches
inline constexpr std::size_t scenario_room = 16384;       // bytes: the largest scenario must fit
inline constexpr rl::thread_id_t max_scenario_threads = 4;

template <rl::thread_id_t Threads>
struct erased_scenario : rl::test_suite<erased_scenario<Threads>, Threads> {
    alignas(std::max_align_t) unsigned char room[scenario_room];

    erased_scenario() { running_scenario->construct(room); }
    ~erased_scenario() { running_scenario->destroy(room); }
    erased_scenario(const erased_scenario&) = delete;
    erased_scenario& operator=(const erased_scenario&) = delete;

    // Before every schedule, the budgets are looked at (a search over its budget ends
    // there, at the start of a schedule, so no schedule is cut in the middle) and the
    // schedule's early timeouts are handed out.
    void before() {
        ++limits.begun;
        // Not in Relacy's replay of a failing schedule (collecting its history): a budget
        // that ran out meanwhile must not make the replay end differently.
        if (limits.stopped == search_end::finished && !rl::ctx().collecting_history()) {
            if (limits.max_schedules != 0 && limits.begun > limits.max_schedules)
                limits.stopped = search_end::schedule_budget;
            else if (std::chrono::steady_clock::now() >= limits.deadline)
                limits.stopped = search_end::time_budget;
        }
        // Once stopped, Relacy's replay of the "failing" schedule stops at the same place.
        if (limits.stopped != search_end::finished) rl::ctx().rl_until("budget", RL_INFO);
        timing.early_left = timing.early_per_schedule;
        running_scenario->before(room);
    }
    void after() { running_scenario->after(room); }
    void invariant() { running_scenario->invariant(room); }
    void thread(unsigned index) { running_scenario->thread(room, index); }
};

// rl::simulate, with our schedulers (<cookiejar/detail/model_schedulers.hpp>).
template <class Test, class Scheduler>
bool simulate(rl::test_params& params) {
    params.test_name = "scenario";
    rl::ostringstream oss;
    const rl::test_result_e res = rl::run_test<Test, Scheduler>(params, oss, false);
    if (res != rl::test_result_success && !params.output_history && !params.collect_history) {
        // As Relacy does: replay the failing schedule, collecting its history.
        rl::ostringstream oss2;
        params.initial_state = oss.str();
        params.collect_history = true;
        params.final_state = oss.str();
        const rl::iteration_t stop = params.stop_iteration;
        const rl::test_result_e res2 = rl::run_test<Test, Scheduler>(params, oss2, true);
        RL_VERIFY(res == res2);
        RL_VERIFY(params.stop_iteration == stop);
        (void)res2;
        (void)stop;
    }
    return res == rl::test_result_success;
}

// One search of the running scenario, which has `threads` threads (1 to
// max_scenario_threads): simulate<erased_scenario<threads>, ...>. Defined in
// checks/common/model_run.cpp.
bool search(rl::thread_id_t threads, search_kind kind, rl::test_params& params);

// The calls of erased_scenario to a Scenario.
template <class Scenario>
inline constexpr scenario_calls calls_of{
    [](void* room) { new (room) Scenario(); },
    [](void* room) noexcept { static_cast<Scenario*>(room)->~Scenario(); },
    [](void* room) { static_cast<Scenario*>(room)->before(); },
    [](void* room) { static_cast<Scenario*>(room)->after(); },
    [](void* room) { static_cast<Scenario*>(room)->invariant(); },
    [](void* room, unsigned index) { static_cast<Scenario*>(room)->thread(index); },
};

}  // namespace detail

// Runs the scenario: the bounded search, then the random search; stops at the first failure.
// `test_name` is how to select this check again (for the replay command).
template <class Scenario>
result check(const std::string& test_name, budget b = {}) {
    static_assert(Scenario::params::dynamic_thread_count == 0 &&
                      Scenario::params::expected_result == rl::test_result_success,
                  "cj::model::check: a scenario has static threads only, and must pass");
    static_assert(Scenario::params::thread_count >= 1 &&
                      Scenario::params::thread_count <= detail::max_scenario_threads,
                  "cj::model::check: a scenario has 1 to detail::max_scenario_threads threads");
    static_assert(sizeof(Scenario) <= detail::scenario_room && alignof(Scenario) <= alignof(std::max_align_t),
                  "cj::model::check: the scenario is larger than detail::scenario_room");
    // CJ_MODEL_SECONDS overrides the time budget (to see what a shorter one covers, or to
    // give a slow machine more).
    if (const char* env = std::getenv("CJ_MODEL_SECONDS"); env != nullptr && *env != '\0') {
        char* end = nullptr;
        const double seconds = std::strtod(env, &end);
        if (end != env && *end == '\0' && seconds >= 0 && seconds < 100000) b.seconds = seconds;
    }
    result r;
    r.scenario = test_name;
    for (const char* n : Scenario::thread_names) r.thread_names.push_back(n);

    detail::file_buf buf;
    std::ostream out(&buf);
    std::ostream quiet(nullptr);  // progress lines go nowhere

    // The bounded search may use two thirds of the time budget; the random search the rest.
    const auto started = std::chrono::steady_clock::now();
    auto after = [&](double seconds) {
        return started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
    };
    auto run_one = [&](search_kind kind, unsigned bound, rl::iteration_t iterations, unsigned early,
                       const std::string& initial) {
        detail::last_message[0] = '\0';
        detail::timing.early_per_schedule = early;
        detail::limits = {after(kind == search_kind::bounded ? b.seconds * 2 / 3 : b.seconds),
                          kind == search_kind::bounded ? b.bounded_schedules : 0, 0, search_end::finished};
        rl::test_params p;  // a fresh one per call: simulate() writes into it
        p.search_type = kind == search_kind::bounded ? rl::sched_bound : rl::sched_random;
        p.context_bound = bound;
        p.iteration_count = iterations;
        p.output_stream = &out;
        p.progress_stream = &quiet;
        if (!initial.empty()) p.initial_state = initial;
        const auto t0 = std::chrono::steady_clock::now();
        detail::running_scenario = &detail::calls_of<Scenario>;
        const bool ok = detail::search(Scenario::params::thread_count, kind, p);
        detail::running_scenario = nullptr;
        const auto t1 = std::chrono::steady_clock::now();
        const search_end stopped = detail::limits.stopped;
        detail::limits.stopped = search_end::finished;
        const bool timed = detail::timing.seen;
        detail::timing = {};
        search_run run{kind, p.stop_iteration, std::chrono::duration<double>(t1 - t0).count(), ok || stopped != search_end::finished,
                       ok ? search_end::finished : stopped != search_end::finished ? stopped : search_end::failed,
                       kind == search_kind::bounded ? bound : 0, early, timed};
        // Relacy counts schedules from 1: a search stopped at the start of schedule n covered n - 1.
        if (run.stopped_by_budget() && run.schedules > 0) run.schedules -= 1;
        r.runs.push_back(run);
        if (!run.passed) {
            failure f;
            f.found_by = kind;
            f.context_bound = bound;
            f.early_timeouts = early;
            f.timed_waits = timed;
            f.schedule = p.stop_iteration;
            f.replay_state = std::string(p.final_state.c_str());
            f.verdict = rl::test_result_str(p.test_result);
            if (p.test_result == rl::test_result_user_assert_failed) f.message = detail::last_message;
            f.steps = detail::parse_history(buf.contents());
            r.failed = std::move(f);
        }
    };

    if (auto replay = detail::replay_from_environment()) {
        const unsigned early = replay->early_timeouts.value_or(
            replay->kind == search_kind::bounded ? b.early_timeouts : b.random_early_timeouts);
        run_one(replay->kind, replay->context_bound, 1000000, early, replay->state);
    } else {
        run_one(search_kind::bounded, b.context_bound, 0, b.early_timeouts, "");
        // Also after a bounded search that its budget stopped: the random search has its own share.
        if (!r.failed && b.random_schedules > 0)
            run_one(search_kind::random, 0, b.random_schedules, b.random_early_timeouts, "");
    }
    // What was searched goes into the test case's record, failed or not.
    cj::verdict::report_coverage(r.coverage());
    r.raw_output = buf.contents();
    if (r.failed) {
        const auto& f = *r.failed;
        std::string search = detail::search_name(f.found_by, f.context_bound, f.early_timeouts, f.timed_waits);
        r.replay_command = "CJ_MODEL_REPLAY=" + cj::detail::shell_quote(search + ":" + f.replay_state) + " " +
                           cj::detail::shell_quote(cj::detail::self_executable()) + " " + cj::detail::shell_quote(cj::detail::catch_spec(test_name));
        // The running test case's record carries it, if the check's assertion on it fails.
        // A scenario that knows its object may name the bug class more exactly.
        auto found = r.to_finding();
        if constexpr (requires(cj::verdict::finding& fi) { Scenario::classify(fi); }) Scenario::classify(found);
        cj::verdict::report(std::move(found));
    }
    return r;
}

}  // namespace cj::model

#include <cookiejar/detail/model_report.hpp>
