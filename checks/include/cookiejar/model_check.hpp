#pragma once
// The model harness: runs a scenario under the Relacy model checker with two
// searches and turns a failure into a report a student can read.
//
//  1. exhaustive, context-bounded search (every schedule with at most `context_bound`
//     preemptions) — finds deadlocks and atomicity violations that need few switches;
//  2. random search, seeded by the iteration number (so it is deterministic) — the
//     only search that injects spurious condition-variable wake-ups.
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
};

enum class search_kind { bounded, random };

[[nodiscard]] inline const char* name_of(search_kind k) { return k == search_kind::bounded ? "bounded" : "random"; }

struct search_run {
    search_kind kind;
    rl::iteration_t schedules = 0;  // explored (on failure: the failing schedule's number)
    double seconds = 0;
    bool passed = true;
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
    [[nodiscard]] std::string summary() const;   // one line per search
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
struct replay_request {
    search_kind kind;
    unsigned context_bound;
    std::string state;
};
inline std::optional<replay_request> replay_from_environment() {
    const char* env = std::getenv("CJ_MODEL_REPLAY");
    if (env == nullptr || *env == '\0') return std::nullopt;
    std::string s(env);
    const auto colon = s.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string head = s.substr(0, colon);
    replay_request r{search_kind::random, 0, s.substr(colon + 1)};
    if (head.rfind("bounded", 0) == 0) {
        r.kind = search_kind::bounded;
        r.context_bound = static_cast<unsigned>(std::atoi(head.c_str() + 7));
    }
    return r;
}

}  // namespace detail

// Runs the scenario: the bounded search, then the random search; stops at the first failure.
// `test_name` is how to select this check again (for the replay command).
template <class Scenario>
result check(const std::string& test_name, const budget& b = {}) {
    result r;
    r.scenario = test_name;
    for (const char* n : Scenario::thread_names) r.thread_names.push_back(n);

    detail::file_buf buf;
    std::ostream out(&buf);
    std::ostream quiet(nullptr);  // progress lines go nowhere

    auto run_one = [&](search_kind kind, unsigned bound, rl::iteration_t iterations, const std::string& initial) {
        detail::last_message[0] = '\0';
        rl::test_params p;  // a fresh one per call: simulate() writes into it
        p.search_type = kind == search_kind::bounded ? rl::sched_bound : rl::sched_random;
        p.context_bound = bound;
        p.iteration_count = iterations;
        p.output_stream = &out;
        p.progress_stream = &quiet;
        if (!initial.empty()) p.initial_state = initial;
        const auto t0 = std::chrono::steady_clock::now();
        const bool ok = rl::simulate<Scenario>(p);
        const auto t1 = std::chrono::steady_clock::now();
        search_run run{kind, p.stop_iteration, std::chrono::duration<double>(t1 - t0).count(), ok};
        r.runs.push_back(run);
        if (!ok) {
            failure f;
            f.found_by = kind;
            f.context_bound = bound;
            f.schedule = p.stop_iteration;
            f.replay_state = std::string(p.final_state.c_str());
            f.verdict = rl::test_result_str(p.test_result);
            if (p.test_result == rl::test_result_user_assert_failed) f.message = detail::last_message;
            f.steps = detail::parse_history(buf.contents());
            r.failed = std::move(f);
        }
        return ok;
    };

    if (auto replay = detail::replay_from_environment()) {
        run_one(replay->kind, replay->context_bound, 1000000, replay->state);
    } else {
        const bool ok = run_one(search_kind::bounded, b.context_bound, 0, "");
        if (ok && b.random_schedules > 0) run_one(search_kind::random, 0, b.random_schedules, "");
    }
    r.raw_output = buf.contents();
    if (r.failed) {
        const auto& f = *r.failed;
        std::string search = f.found_by == search_kind::bounded ? "bounded" + std::to_string(f.context_bound) : "random";
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
