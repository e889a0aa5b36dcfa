#pragma once
// The schedule explorer: the model checker of the async lesson.
//
// On a cj::event_loop the only thing that is not fixed by the program is the order in
// which ready tasks run (a step is never preempted). The explorer runs a small
// scenario again and again, each time choosing that order differently:
//
//  1. exhaustive search: depth first over every choice point (a moment when more than
//     one task is ready), so every distinct order of steps is run once — up to a budget
//     of schedules; the summary says whether the search finished;
//  2. random search: seeded (schedule i uses seed + i), so it is deterministic too.
//
// A schedule fails when run() throws (a deadlock, a task's exception, a waiter resumed
// by hand) or when the scenario's judge() says so. The report shows what went wrong,
// the steps as a table (one column per task, the notes the scenario made and the
// loop's own events: waits, wakes, sleeps, ends), and a command that replays exactly
// that schedule: CJ_MODEL_REPLAY='order:<choice>.<choice>...' <executable> '<test>'.
//
// A scenario is a default-constructible type with
//     void start(cj::event_loop& loop);  // make the object under test, spawn the tasks
//     std::string judge();               // after run(): "" when every property holds
// made afresh for every schedule, and optionally
//     static void classify(cj::verdict::finding&, const cj::schedules::failure&);
// which names the bug class (and the student's line) of a failure the explorer cannot
// name itself: a task's exception or a judge() that failed. The explorer names a
// deadlock (waiter_never_resumed) and a waiter resumed by hand (resumed_inline).

#include <cookiejar/async.hpp>
#include <cookiejar/detail/replay_command.hpp>
#include <cookiejar/detail/report_table.hpp>
#include <cookiejar/detail/verdict_render.hpp>
#include <cookiejar/verdict.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cxxabi.h>
#include <exception>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <typeinfo>
#include <vector>

namespace cj::schedules {

struct budget {
    std::size_t exhaustive = 20000;  // at most this many schedules in the depth-first search
    std::size_t random = 2000;       // then this many seeded random ones
    std::uint64_t seed = 1;
};

enum class search_kind { exhaustive, random, replay };
inline const char* name_of(search_kind k) {
    switch (k) {
    case search_kind::exhaustive: return "exhaustive";
    case search_kind::random: return "random";
    case search_kind::replay: return "replayed";
    }
    return "?";
}

struct search_run {
    search_kind kind;
    std::size_t schedules = 0;
    double seconds = 0;
    bool passed = true;
    bool complete = false;  // exhaustive: every order was tried within the budget
};

// How a schedule failed.
enum class failure_kind { deadlock, reentrance, exception, judged };

struct failure {
    search_kind found_by = search_kind::exhaustive;
    std::size_t schedule = 0;  // 1-based, within its search
    failure_kind kind = failure_kind::judged;
    std::string what;            // what went wrong, in words
    std::string exception_type;  // kind == exception: its type, "std::bad_optional_access"
    std::string failed_task;     // kind == exception: the task it escaped from
    std::string order;           // the choices, "1.0.2": replays the schedule
    std::vector<event_loop::trace_event> trace;
};

struct result {
    std::string scenario;
    std::vector<search_run> runs;
    std::optional<failure> failed;
    std::string replay_command;  // filled on failure
    [[nodiscard]] bool passed() const { return !failed.has_value(); }
    [[nodiscard]] std::size_t schedules() const {
        std::size_t n = 0;
        for (const auto& r : runs) n += r.schedules;
        return n;
    }
    [[nodiscard]] std::string summary() const;
    [[nodiscard]] std::string report() const;  // rendered from to_finding()
    cj::verdict::finding finding;              // the failure as a record's finding (filled on failure)
};

namespace detail {

struct choice {
    std::size_t options;
    std::size_t picked;
};

struct outcome {
    std::string failure;  // empty: the schedule passed
    failure_kind kind = failure_kind::judged;
    std::string exception_type, failed_task;
    std::vector<choice> choices;
    std::vector<event_loop::trace_event> trace;
};

inline std::string encode(const std::vector<choice>& choices) {
    std::string s;
    for (const auto& c : choices) s += (s.empty() ? "" : ".") + std::to_string(c.picked);
    return s.empty() ? "-" : s;
}

inline std::vector<std::size_t> decode(const std::string& order) {
    std::vector<std::size_t> picks;
    std::size_t i = 0;
    while (i < order.size()) {
        const auto dot = order.find('.', i);
        const std::string part = order.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
        if (part != "-" && !part.empty()) picks.push_back(static_cast<std::size_t>(std::strtoul(part.c_str(), nullptr, 10)));
        if (dot == std::string::npos) break;
        i = dot + 1;
    }
    return picks;
}

using cj::detail::type_name;  // <cookiejar/async.hpp>

// Runs one schedule: the first picks come from `prefix`, later ones from `rest`
// (nullptr: the oldest ready task, FIFO).
template <class Scenario>
outcome run_schedule(const std::vector<std::size_t>& prefix, std::mt19937_64* rest, bool trace) {
    outcome o;
    Scenario scenario;
    event_loop loop;
    loop.keep_trace(trace);
    loop.set_chooser([&](std::size_t n) {
        std::size_t pick = 0;
        const std::size_t k = o.choices.size();
        if (k < prefix.size()) pick = std::min(prefix[k], n - 1);
        else if (rest != nullptr) pick = static_cast<std::size_t>((*rest)() % n);
        o.choices.push_back({n, pick});
        return pick;
    });
    try {
        scenario.start(loop);
        loop.run();
        o.failure = scenario.judge();
    } catch (const deadlock_error& e) {
        o.failure = e.what();
        o.kind = failure_kind::deadlock;
    } catch (const std::exception& e) {
        const std::string who = loop.failed_task().empty() ? std::string("the scenario") : loop.failed_task();
        o.failure = who + " ended with an exception: " + type_name(e) + ": " + e.what();
        o.kind = dynamic_cast<const reentrancy_error*>(&e) != nullptr ? failure_kind::reentrance : failure_kind::exception;
        o.exception_type = type_name(e);
        o.failed_task = loop.failed_task();
    }
    while (!o.failure.empty() && o.failure.back() == '\n') o.failure.pop_back();
    if (trace) o.trace = loop.trace_events();
    return o;
}

// The failure as a finding: the steps, one column per task, and what the explorer can
// name itself. Scenario::classify may refine it.
inline cj::verdict::finding to_finding(const result& r) {
    cj::verdict::finding out;
    const failure& f = *r.failed;
    out.from = cj::verdict::source::schedule;
    out.promise = f.what;
    while (!out.promise.empty() && out.promise.back() == '\n') out.promise.pop_back();
    for (const auto& e : f.trace) {
        const std::string name = e.task.empty() ? "(posted)" : e.task;
        if (std::find(out.threads.begin(), out.threads.end(), name) == out.threads.end()) out.threads.push_back(name);
    }
    for (const auto& e : f.trace) {
        if (e.text == "spawned") continue;
        const std::string name = e.task.empty() ? "(posted)" : e.task;
        const auto column =
            static_cast<std::size_t>(std::find(out.threads.begin(), out.threads.end(), name) - out.threads.begin());
        out.steps.push_back({column, e.text, {e.file, e.line}});
    }
    if (f.found_by == search_kind::replay) {
        out.found_by = "replayed: the schedule order:" + f.order;
    } else {
        out.found_by = "found by the " + std::string(name_of(f.found_by)) + " search";
        if (f.found_by == search_kind::exhaustive) out.found_by += " (every order of the ready tasks, depth first)";
        if (f.found_by == search_kind::random) out.found_by += " (seeded random orders)";
        out.found_by += ", schedule " + std::to_string(f.schedule);
    }
    out.replay = "order:" + f.order;
    out.replay_command = r.replay_command;
    // The student's line: for a waiter resumed by hand, the wake-up; otherwise the last
    // line of the failing task (a deadlock: the first task still waiting).
    using cj::verdict::bug;
    if (f.kind == failure_kind::deadlock) out.bug_class = bug::waiter_never_resumed;
    if (f.kind == failure_kind::reentrance) out.bug_class = bug::resumed_inline;
    for (auto it = out.steps.rbegin(); it != out.steps.rend(); ++it) {
        const bool of_failed_task = f.failed_task.empty() || out.threads[it->thread] == f.failed_task;
        if (it->at.known() && of_failed_task) {
            out.location = it->at;
            break;
        }
    }
    if (f.kind == failure_kind::reentrance) {
        for (auto it = out.steps.rbegin(); it != out.steps.rend(); ++it)
            if (it->at.known() && it->text.rfind("wakes ", 0) == 0) {
                out.location = it->at;
                break;
            }
    }
    return out;
}

inline std::string replay_from_environment() {
    const char* env = std::getenv("CJ_MODEL_REPLAY");
    if (env == nullptr) return {};
    const std::string s(env);
    if (s.rfind("order:", 0) != 0) return {};
    return s.substr(6);
}

}  // namespace detail

// Explores the scenario's schedules (or replays the one CJ_MODEL_REPLAY names); stops at
// the first failure. `test_name` is how to select this check again (for the replay line).
template <class Scenario>
result explore(const std::string& test_name, const budget& b = {}) {
    result r;
    r.scenario = test_name;
    auto fail = [&](search_kind kind, std::size_t schedule, const detail::outcome& o) {
        failure f;
        f.found_by = kind;
        f.schedule = schedule;
        f.what = o.failure;
        f.kind = o.kind;
        f.exception_type = o.exception_type;
        f.failed_task = o.failed_task;
        f.order = detail::encode(o.choices);
        // Again, with the trace on: the run is a function of its choices.
        const auto again = detail::run_schedule<Scenario>(detail::decode(f.order), nullptr, true);
        f.trace = again.trace;
        r.failed = std::move(f);
        r.replay_command = "CJ_MODEL_REPLAY=" + cj::detail::shell_quote("order:" + r.failed->order) + " " +
                           cj::detail::shell_quote(cj::detail::self_executable()) + " " +
                           cj::detail::shell_quote(cj::detail::catch_spec(test_name));
        r.finding = detail::to_finding(r);
        if constexpr (requires(cj::verdict::finding& fi, const failure& fa) { Scenario::classify(fi, fa); })
            Scenario::classify(r.finding, *r.failed);
        r.finding.report = cj::verdict::render_schedule(r.scenario, r.finding);
        // The running test case's record carries it, if the check's assertion on it fails.
        cj::verdict::report(r.finding);
    };
    using clock = std::chrono::steady_clock;

    if (const std::string order = detail::replay_from_environment(); !order.empty()) {
        const auto t0 = clock::now();
        const auto o = detail::run_schedule<Scenario>(detail::decode(order), nullptr, true);
        search_run run{search_kind::replay, 1, std::chrono::duration<double>(clock::now() - t0).count(),
                       o.failure.empty(), true};
        r.runs.push_back(run);
        if (!o.failure.empty()) fail(search_kind::replay, 1, o);
        return r;
    }

    // 1. Depth first: after each schedule, move the deepest choice that has an untried
    // option to its next option, and run again from the start with that prefix.
    {
        const auto t0 = clock::now();
        search_run run{search_kind::exhaustive};
        std::vector<std::size_t> prefix;
        for (;;) {
            if (run.schedules == b.exhaustive) break;
            const auto o = detail::run_schedule<Scenario>(prefix, nullptr, false);
            ++run.schedules;
            if (!o.failure.empty()) {
                run.passed = false;
                fail(search_kind::exhaustive, run.schedules, o);
                break;
            }
            auto choices = o.choices;
            while (!choices.empty() && choices.back().picked + 1 == choices.back().options) choices.pop_back();
            if (choices.empty()) {
                run.complete = true;
                break;
            }
            prefix.clear();
            for (const auto& c : choices) prefix.push_back(c.picked);
            ++prefix.back();
        }
        run.seconds = std::chrono::duration<double>(clock::now() - t0).count();
        r.runs.push_back(run);
        if (!run.passed || run.complete) return r;  // a complete search leaves nothing for chance
    }

    // 2. Seeded random orders.
    {
        const auto t0 = clock::now();
        search_run run{search_kind::random};
        for (std::size_t i = 0; i < b.random; ++i) {
            std::mt19937_64 rng(b.seed + i);
            const auto o = detail::run_schedule<Scenario>({}, &rng, false);
            ++run.schedules;
            if (!o.failure.empty()) {
                run.passed = false;
                fail(search_kind::random, run.schedules, o);
                break;
            }
        }
        run.seconds = std::chrono::duration<double>(clock::now() - t0).count();
        r.runs.push_back(run);
    }
    return r;
}

inline std::string result::summary() const {
    std::string s;
    for (const auto& run : runs) {
        s += "  " + std::string(name_of(run.kind)) + " search: " + std::to_string(run.schedules) + " schedule" +
             (run.schedules == 1 ? "" : "s");
        char secs[64];
        if (run.seconds > 0 && run.schedules > 1)
            std::snprintf(secs, sizeof secs, " in %.3f s (%.0f per second)", run.seconds,
                          static_cast<double>(run.schedules) / run.seconds);
        else
            std::snprintf(secs, sizeof secs, " in %.3f s", run.seconds);
        s += secs;
        if (run.kind == search_kind::exhaustive) s += run.complete ? " (every order)" : " (budget reached)";
        s += run.passed ? ": no failure\n" : ": FAILED\n";
    }
    return s;
}

inline std::string result::report() const {
    if (!failed) return "schedule check \"" + scenario + "\" passed\n" + summary();
    return finding.report;
}

}  // namespace cj::schedules
