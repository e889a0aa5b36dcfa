#pragma once
// The hunts' harness on the event loop's schedule explorer (lesson 05): runs a learner's
// scenario (<cookiejar/hunt.hpp>) on one awaitable jar, each thread of the scenario a
// task on one cj::event_loop (`put(v)` is `co_await jar.put(v)`, `get()` is
// `co_await jar.get()`, `size()` is `jar.size()`), and judges a hunt jar against the
// reference jar.
//
//   cj::hunt::hunt_catches<hunt_jar, reference_jar>(offered, "lessons/05-async/hunt/x.hpp", hint);
//   cj::hunt::passes_on_reference<reference_jar>(offered);
//
// are the bodies of the hunt's Catch2 test cases (checks/05-async/hunt_test.cpp); what
// they pass on is <cookiejar/detail/hunt_driver.hpp>'s.
//
// Who judges: the same explorer as the lesson's schedule checks (<cookiejar/async_check.hpp>:
// every order of the ready tasks, then seeded random orders) and the same judges: a
// deadlock, a task's exception or a waiter resumed by hand ends the run; then the
// history must be explainable (<cookiejar/fifo_history.hpp>, a jar whose put and get
// wait), and every cookie that went in must have come out once (the last task to finish
// its calls takes out what is left).
//
// Requires: the plain (unit) backend, as the lesson's schedule checks; Catch2.
#include <cookiejar/async.hpp>
#include <cookiejar/async_check.hpp>
#include <cookiejar/detail/hunt_driver.hpp>
#include <cookiejar/fifo_history.hpp>
#include <cookiejar/hunt.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cj::hunt {

namespace detail {

inline const scenario* running_async = nullptr;  // the scenario being explored

// The explorer's small budget for a hunt: a scenario is judged in seconds.
[[nodiscard]] inline cj::schedules::budget hunt_schedule_budget() {
    cj::schedules::budget b;
    b.exhaustive = 20000;
    b.random = 1000;
    return b;
}

// One schedule of `running_async` on a Jar of int cookies (made afresh by the explorer).
template <class Jar>
struct interpreted_tasks {
    std::optional<Jar> jar;
    cj::fifo::history<max_calls> calls{cj::fifo::semantics::blocking_calls};
    std::array<const char*, max_threads> names{};
    std::size_t tasks = 0;
    std::size_t tasks_done = 0;
    std::vector<int> in, out;  // cookies that went in, and that came out

    void start(cj::event_loop& loop) {
        const scenario& s = *running_async;
        jar.emplace(s.capacity);
        tasks = s.thread_count();
        for (std::size_t t = 0; t < tasks; ++t) {
            names[t] = s.threads[t].name;
            loop.spawn(run(static_cast<int>(t)), s.threads[t].name);
        }
    }

    cj::task<void> run(int t) {
        const thread& plan = running_async->threads[static_cast<std::size_t>(t)];
        for (std::size_t k = 0; k < plan.count; ++k) {
            const call c = plan.calls[k];
            if (c.what == action::put) {
                const auto i = calls.start(cj::fifo::call::put, t, c.value);
                cj::note("put(" + std::to_string(c.value) + ") begins");
                co_await jar->put(c.value);
                cj::note("put(" + std::to_string(c.value) + ") ends");
                calls.finish(i, true);
                in.push_back(c.value);
            } else if (c.what == action::get) {
                const auto i = calls.start(cj::fifo::call::get, t);
                cj::note("get() begins");
                const int cookie = co_await jar->get();
                cj::note("get() -> " + std::to_string(cookie));
                calls.finish(i, true, cookie);
                out.push_back(cookie);
            } else if (c.what == action::size) {
                const auto i = calls.start(cj::fifo::call::size, t);
                const std::size_t n = jar->size();
                cj::note("size() -> " + std::to_string(n));
                calls.finish(i, true, static_cast<int>(n));
            }
        }
        // The last task to finish its calls takes out what is left (nobody else uses
        // the jar now; a get that waits forever is a deadlock the explorer reports).
        if (++tasks_done == tasks && running_async->every_cookie_once) {
            cj::note("(the judge takes out what is left)");
            while (out.size() < in.size()) {
                const int cookie = co_await jar->get();
                cj::note("(the judge) got " + std::to_string(cookie));
                out.push_back(cookie);
            }
        }
    }

    std::string judge() const {
        const scenario& s = *running_async;
        if (s.explainable && !calls.linearizable(s.capacity)) {
            char text[900];
            calls.describe(text, sizeof text, names);
            return "no one-at-a-time order of these calls gives these results (a jar of capacity " +
                   std::to_string(s.capacity) + " whose put and get wait):" + text;
        }
        if (s.every_cookie_once) {
            std::vector<bool> matched(out.size(), false);
            for (const int cookie : in) {
                bool found = false;
                for (std::size_t k = 0; k < out.size() && !found; ++k)
                    if (!matched[k] && out[k] == cookie) found = matched[k] = true;
                if (!found)
                    return "cookie " + std::to_string(cookie) +
                           " went in and never came out (not even when the judge took out what was left)";
            }
            for (std::size_t k = 0; k < out.size(); ++k)
                if (!matched[k]) return "cookie " + std::to_string(out[k]) + " came out more often than it went in";
        }
        return {};
    }
};

}  // namespace detail

// The schedule explorer's engine of the hunt driver.
struct schedule_engine {
    template <class Jar>
    static cj::schedules::result run(const scenario& s, const std::string& test) {
        detail::running_async = &s;
        auto r = cj::schedules::explore<detail::interpreted_tasks<Jar>>(test, detail::hunt_schedule_budget());
        detail::running_async = nullptr;
        return r;
    }
};

template <class HuntJar, class ReferenceJar, std::size_t N>
void hunt_catches(const std::array<action, N>& offered, const char* jar_file, const char* hint) {
    judge_hunt<schedule_engine, HuntJar, ReferenceJar>(offered, jar_file, hint);
}

template <class ReferenceJar, std::size_t N>
void passes_on_reference(const std::array<action, N>& offered) {
    judge_reference<schedule_engine, ReferenceJar>(offered);
}

}  // namespace cj::hunt
