#pragma once
// The hunts' harness: runs a learner's scenario (<cookiejar/hunt.hpp>) under the model
// checker on one jar, and judges a hunt jar against the reference jar.
//
//   hunt_catches<hunt_jar, reference_jar>(offered, "lessons/02-lock/hunt/late_tail.hpp", hint)
//
// is the body of one Catch2 test case (checks/NN-topic/hunt_test.cpp has one per hunt
// jar). It passes only when
//   1. the scenarios are ones the harness can run (hunt.hpp's limits, the lesson's calls),
//   2. every schedule searched of every scenario passes on the reference jar, and
//   3. in some scenario, some schedule breaks a promise on the hunt jar (it is caught).
// Each step that fails is the test case's finding, in the learner's words: a scenario
// that is refused, the schedule where the reference jar failed (the scenario asks for
// something no jar can do), or, for a jar not caught, what kind of interleaving it
// takes (the hint, which names no calls).
//
// Who judges: the same searches as the lesson's model checks (<cookiejar/model_check.hpp>,
// a smaller budget) and the same judges (<cookiejar/fifo_history.hpp>). The scenario is
// data read at run time; the interpreter below makes the calls.
//
// Requires: the model backend (COOKIEJAR_MODEL); Catch2 (the test case's assertions).
#include <cookiejar/fifo_history.hpp>
#include <cookiejar/hunt.hpp>
#include <cookiejar/model_check.hpp>

#include <cookiejar/catch.hpp>

#include <array>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace cj::hunt {

// The search a hunt makes: small, so a scenario is judged in seconds. Context bound 2
// finds every bug of the hunt jars (measured: checks/tools/measure-hunts.sh); the random
// search adds the spurious wake-ups a condition variable may have.
[[nodiscard]] inline cj::model::budget hunt_budget() {
    cj::model::budget b;
    b.context_bound = 2;
    b.random_schedules = 20000;
    b.seconds = 6;
    b.bounded_schedules = 200000;
    return b;
}

namespace detail {

// The scenario being run (static storage: read inside the simulation, which must not allocate).
inline const scenario* running = nullptr;

// Runs `running` with N threads on a Jar of int cookies.
template <class Jar, rl::thread_id_t N>
struct interpreted : rl::test_suite<interpreted<Jar, N>, N> {
    static inline std::array<const char*, N> thread_names{};

    static constexpr bool blocking = !requires(Jar& j) { j.try_get(); };
    Jar* jar = nullptr;
    cj::fifo::history<max_calls> calls{blocking ? cj::fifo::semantics::blocking_calls : cj::fifo::semantics::try_calls};
    unsigned threads_done = 0;  // threads whose calls are all made (one runs at a time: no race)
    // What went in and what came out, for every_cookie_once.
    std::array<int, max_calls> in{};
    std::size_t in_count = 0;
    std::array<int, max_calls + max_capacity + 1> out{};
    std::size_t out_count = 0;

    void before() { jar = new Jar(running->capacity); }

    void thread(unsigned i) {
        const auto& t = running->threads[i];
        for (std::size_t k = 0; k < t.count; ++k) make(i, t.calls[k]);
        // The last thread to finish takes out what is left: nobody else uses the jar now,
        // and a take that waits forever is a deadlock the model checker reports.
        if (++threads_done == N && running->every_cookie_once) drain();
    }

    void after() {
        delete jar;
        jar = nullptr;
        if (running->explainable && !calls.linearizable(running->capacity)) {
            char text[900];
            calls.describe(text, sizeof text, thread_names);
            cj::model::require(false,
                               "no one-at-a-time order of these calls gives these results "
                               "(a jar of capacity %zu%s):%s",
                               running->capacity, blocking ? " whose put and get wait" : "", text);
        }
        if (running->every_cookie_once) judge_cookies();
    }

    // One call of the scenario, recorded (and noted in the interleaving).
    void make(unsigned thread, const call& c) {
        const int who = static_cast<int>(thread);
        switch (c.what) {
            case action::put:
            case action::try_put: {
                const auto i = calls.start(cj::fifo::call::put, who, c.value);
                cj::model::notef("%s(%d) begins", name_of(c.what), c.value);
                const bool ok = attempt_put(c);
                cj::model::notef("%s(%d) -> %s", name_of(c.what), c.value, ok ? "true" : "false");
                calls.finish(i, ok);
                if (ok) in[in_count++] = c.value;
                break;
            }
            case action::get:
            case action::try_get: {
                const auto i = calls.start(cj::fifo::call::get, who);
                cj::model::notef("%s() begins", name_of(c.what));
                const auto got = attempt_get(c.what);
                if (got) cj::model::notef("%s() -> %d", name_of(c.what), *got);
                else cj::model::notef("%s() -> nullopt", name_of(c.what));
                calls.finish(i, got.has_value(), got.value_or(0));
                if (got) out[out_count++] = *got;
                break;
            }
            case action::size: {
                const auto i = calls.start(cj::fifo::call::size, who);
                std::size_t n = 0;
                if constexpr (requires(Jar& j) { j.size(); }) n = guarded([&] { return jar->size(); }, "size()");
                cj::model::notef("size() -> %zu", n);
                calls.finish(i, true, static_cast<int>(n));
                break;
            }
            case action::close: {
                const auto i = calls.start(cj::fifo::call::close, who);
                if constexpr (requires(Jar& j) { j.close(); }) guarded([&] { jar->close(); return 0; }, "close()");
                cj::model::note("close()");
                calls.finish(i, true);
                break;
            }
        }
    }

    // A call that throws is a broken promise, not a crash of the harness.
    template <class F>
    auto guarded(F&& f, const char* what) -> decltype(f()) {
        try {
            return f();
        } catch (const std::exception& e) {
            cj::model::require(false, "%s threw: %s", what, e.what());
        } catch (...) {
            cj::model::require(false, "%s threw", what);
        }
        return decltype(f()){};
    }

    bool attempt_put(const call& c) {
        if (c.what == action::try_put) {
            if constexpr (requires(Jar& j, int v) { j.try_put(v); })
                return guarded([&] { return jar->try_put(c.value); }, "try_put()");
            return false;
        }
        if constexpr (requires(Jar& j, int v) { { j.put(v) } -> std::same_as<bool>; }) {
            return guarded([&] { return jar->put(c.value); }, "put()");
        } else if constexpr (requires(Jar& j, int v) { j.put(v); }) {
            guarded([&] { jar->put(c.value); return 0; }, "put()");
            return true;  // a put that returns nothing always puts
        }
        return false;
    }

    std::optional<int> attempt_get(action a) {
        if (a == action::try_get) {
            if constexpr (requires(Jar& j) { j.try_get(); })
                return guarded([&] { return std::optional<int>(jar->try_get()); }, "try_get()");
            return std::nullopt;
        }
        if constexpr (requires(Jar& j) { j.get(); })
            return guarded([&] { return std::optional<int>(jar->get()); }, "get()");
        return std::nullopt;
    }

    // Takes out every cookie left: try_get until empty; get after close(); or, on a jar
    // that can do neither (lesson 03), get as many as went in and did not come out.
    void drain() {
        cj::model::note("(the judge takes out what is left)");
        constexpr std::size_t most = max_calls + max_capacity + 1;
        for (std::size_t k = 0; k < most; ++k) {
            std::optional<int> got;
            if constexpr (requires(Jar& j) { j.try_get(); }) {
                got = attempt_get(action::try_get);
            } else if constexpr (requires(Jar& j) { j.close(); }) {
                if (k == 0) guarded([&] { jar->close(); return 0; }, "close()");
                got = attempt_get(action::get);
            } else {
                if (in_count <= out_count) break;
                got = attempt_get(action::get);
            }
            if (!got) break;
            cj::model::notef("(the judge) got %d", *got);
            if (out_count < out.size()) out[out_count++] = *got;
        }
    }

    // Every cookie that went in came out once: the two lists hold the same values.
    void judge_cookies() {
        std::array<bool, max_calls + max_capacity + 1> matched{};
        for (std::size_t i = 0; i < in_count; ++i) {
            bool found = false;
            for (std::size_t k = 0; k < out_count && !found; ++k)
                if (!matched[k] && out[k] == in[i]) found = matched[k] = true;
            cj::model::require(found, "cookie %d went in and never came out (not even when the judge took out "
                                      "what was left)", in[i]);
        }
        for (std::size_t k = 0; k < out_count; ++k)
            cj::model::require(matched[k], "cookie %d came out more often than it went in", out[k]);
    }
};

// The scenario as N threads (1 .. max_threads), by the scenario's count.
template <class Jar>
cj::model::result run_with_threads(const std::string& name) {
    const std::size_t n = running->thread_count();
    const auto b = hunt_budget();
    auto with = [&]<rl::thread_id_t N>() {
        for (std::size_t t = 0; t < N; ++t) interpreted<Jar, N>::thread_names[t] = running->threads[t].name;
        return cj::model::check<interpreted<Jar, N>>(name, b);
    };
    switch (n) {
        case 1: return with.template operator()<1>();
        case 2: return with.template operator()<2>();
        case 3: return with.template operator()<3>();
        default: return with.template operator()<4>();
    }
}

// The scenario, in the words of a report: "capacity 1; producer 0: try_put(1), try_put(2); ...".
inline std::string describe(const scenario& s) {
    std::string text = "capacity " + std::to_string(s.capacity);
    for (std::size_t t = 0; t < s.thread_count(); ++t) {
        text += std::string("; ") + s.threads[t].name + ":";
        for (std::size_t k = 0; k < s.threads[t].count && k < max_calls_per_thread; ++k) {
            const auto& c = s.threads[t].calls[k];
            text += std::string(k == 0 ? " " : ", ") + name_of(c.what) + "(";
            if (c.what == action::put || c.what == action::try_put) text += std::to_string(c.value);
            text += ")";
        }
        if (s.threads[t].count == 0) text += " (no calls)";
    }
    if (!s.explainable) text += "; history not judged";
    if (!s.every_cookie_once) text += "; leftovers not judged";
    return text;
}

inline void report_problem(std::string promise, std::string message) {
    cj::verdict::finding f;
    f.from = cj::verdict::source::assertion;
    f.promise = std::move(promise);
    f.messages.push_back(std::move(message));
    cj::verdict::report(std::move(f));
}

}  // namespace detail

// The scenarios can run on a jar that offers `offered` calls: nothing, or why not.
template <std::size_t N>
[[nodiscard]] const char* refusal(const std::array<action, N>& offered) {
    return the_scenarios.problem(offered);
}

// Runs one scenario on Jar.
template <class Jar>
cj::model::result run_scenario(const scenario& s, const std::string& name) {
    detail::running = &s;
    auto r = detail::run_with_threads<Jar>(name);
    detail::running = nullptr;
    return r;
}

namespace detail {

// Prints the scenarios; false (and the finding) when the harness cannot run them.
template <std::size_t N>
bool runnable(const std::array<action, N>& offered) {
    std::string all;
    const std::size_t n = the_scenarios.count < max_scenarios ? the_scenarios.count : max_scenarios;
    for (std::size_t i = 0; i < n; ++i) {
        all += "scenario " + std::to_string(i + 1) + ": " + describe(the_scenarios.list[i]) + "\n";
    }
    std::printf("%s", all.c_str());
    if (const char* why = refusal(offered)) {
        report_problem("the hunt cannot run these scenarios: " + std::string(why),
                       "the scenarios (the lesson's hunt.cpp):\n" + all);
        REQUIRE(why == nullptr);
        return false;
    }
    return true;
}

// Every scenario passes on ReferenceJar; else the first failure's report is printed and
// is the test case's finding.
template <class ReferenceJar>
bool pass_on_reference(const std::string& test) {
    for (std::size_t i = 0; i < the_scenarios.count; ++i) {
        const auto reference = run_scenario<ReferenceJar>(the_scenarios.list[i], test);
        if (!reference.passed()) {
            std::printf("\nON THE REFERENCE JAR scenario %zu fails, so it would fail on any jar; every scenario "
                        "must pass there:\n%s\n", i + 1, reference.report().c_str());
            INFO("scenario " << i + 1 << " fails on the reference jar (the report above): it asks for something "
                 "no jar can do");
            REQUIRE(reference.passed());
            return false;
        }
        std::printf("scenario %zu on the reference jar: passed (%s)\n", i + 1, reference.summary().c_str());
    }
    return true;
}

}  // namespace detail

// The body of a hunt jar's test case (see the top of this file).
template <class HuntJar, class ReferenceJar, std::size_t N>
void hunt_catches(const std::array<action, N>& offered, const char* jar_file, const char* hint) {
    if (!detail::runnable(offered)) return;
    const std::string test = cj::testing::current_test_name();
    // 1. The reference jar: every schedule of every scenario must pass.
    if (!detail::pass_on_reference<ReferenceJar>(test)) return;
    // 2. The hunt jar: some schedule of some scenario must break a promise.
    for (std::size_t i = 0; i < the_scenarios.count; ++i) {
        const auto hunted = run_scenario<HuntJar>(the_scenarios.list[i], test);
        if (!hunted.passed()) {
            std::printf("\nscenario %zu on %s: CAUGHT. The model checker's report:\n%s\n", i + 1, jar_file,
                        hunted.report().c_str());
            REQUIRE_FALSE(hunted.passed());  // the finding is the hunt's evidence, and the check passes
            return;
        }
        std::printf("scenario %zu on %s: passed, not caught (%s)\n", i + 1, jar_file, hunted.summary().c_str());
    }
    std::printf("what it takes: %s\n", hint);
    detail::report_problem(std::string("no scenario caught ") + jar_file + ": every schedule searched kept every promise",
                           std::string("what it takes: ") + hint);
    FAIL_CHECK("no scenario caught " << jar_file);
}

// The body of the test case "every scenario passes on the reference jar".
template <class ReferenceJar, std::size_t N>
void passes_on_reference(const std::array<action, N>& offered) {
    if (!detail::runnable(offered)) return;
    if (!detail::pass_on_reference<ReferenceJar>(cj::testing::current_test_name())) return;
    SUCCEED("every scenario passed on the reference jar");
}

}  // namespace cj::hunt
