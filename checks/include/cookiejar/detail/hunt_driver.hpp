#pragma once
// The judging of a hunt, the same for every search engine (<cookiejar/hunt_check.hpp>:
// the Relacy model checker, lessons 02-04; <cookiejar/hunt_async_check.hpp>: the event
// loop's schedule explorer, lesson 05).
//
// An Engine is a type with
//     template <class Jar> static Result run(const cj::hunt::scenario&, const std::string& test);
// where Result has passed(), summary() and report(), and a failed run has handed its
// finding (the failing schedule) to the running test case's record
// (cj::verdict::report), as cj::model::check and cj::schedules::explore do.
//
// hunt_catches<Engine, HuntJar, ReferenceJar>(offered, jar_file, hint), the body of one
// Catch2 test case, passes only when
//   1. the scenarios are ones the harness can run (hunt.hpp's limits, the lesson's calls),
//   2. every schedule searched of every scenario passes on the reference jar, and
//   3. in some scenario, some schedule breaks a promise on the hunt jar (it is caught).
// Each step that fails is the test case's finding, in the learner's words: scenarios
// that are refused (and why), the schedule where the reference jar failed (a scenario
// that asks for something no jar can do), or, for a jar not caught, what kind of
// interleaving it takes (the hint, which names no calls).
#include <cookiejar/hunt.hpp>
#include <cookiejar/verdict.hpp>

#include <cookiejar/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace cj::hunt {

namespace detail {

// The reference jar is the solution, or, in a copy of the course without solutions/
// (the students' edition), the learner's own jar: CMake then defines
// COOKIEJAR_HUNT_OWN_REFERENCE (cmake/CookiejarChecks.cmake, _cookiejar_hunt), and a
// failure there may be the jar's as well as the scenario's.
#ifdef COOKIEJAR_HUNT_OWN_REFERENCE
inline constexpr bool reference_is_own_jar = true;
#else
inline constexpr bool reference_is_own_jar = false;
#endif

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

// A finding of the hunt's own (not a schedule's), for the next failed assertion to claim.
inline void report_problem(std::string promise, std::string message) {
    cj::verdict::finding f;
    f.from = cj::verdict::source::assertion;
    f.promise = std::move(promise);
    f.messages.push_back(std::move(message));
    cj::verdict::report(std::move(f));
}

// A hunt's test case makes several searches (every scenario on the reference jar, then on
// the hunt jar), numbered from 1 in that order. A failing one prints a replay line with
// CJ_HUNT_STEP=<its number> before the search's own CJ_MODEL_REPLAY=...: with both set,
// only that search runs, replaying the schedule (a replay string belongs to one search:
// another scenario would not read it the same way). Reset at the start of a test case.
inline unsigned search_number = 0;

[[nodiscard]] inline bool skipped_in_replay(unsigned number) {
    const char* replay = std::getenv("CJ_MODEL_REPLAY");
    const char* step = std::getenv("CJ_HUNT_STEP");
    if (replay == nullptr || *replay == '\0' || step == nullptr || *step == '\0') return false;
    return std::strtoul(step, nullptr, 10) != number;
}

// The next search of the test case: Engine's run of `s` on Jar (a passed, empty result
// when a replay of another search skips it).
template <class Engine, class Jar>
auto search(const scenario& s, const std::string& test) {
    using result = decltype(Engine::template run<Jar>(s, test));
    const unsigned number = ++search_number;
    if (skipped_in_replay(number)) return result{};
    return Engine::template run<Jar>(s, test);
}

// The line that replays a failed search of this test case.
template <class Result>
void print_replay(const Result& r) {
    if (!r.replay_command.empty())
        std::printf("replay exactly this search and schedule:\n    CJ_HUNT_STEP=%u %s\n", search_number,
                    r.replay_command.c_str());
}

// Prints the scenarios; false (and the finding) when the harness cannot run them.
template <std::size_t N>
bool runnable(const std::array<action, N>& offered) {
    std::string all;
    const std::size_t n = ::the_scenarios.count < max_scenarios ? ::the_scenarios.count : max_scenarios;
    for (std::size_t i = 0; i < n; ++i) all += "scenario " + std::to_string(i + 1) + ": " + describe(::the_scenarios.list[i]) + "\n";
    std::printf("%s", all.c_str());
    if (const char* why = ::the_scenarios.problem(offered)) {
        // A call the jar does not have: which one, and what the jar offers.
        std::string detail_text = why;
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t t = 0; t < ::the_scenarios.list[i].thread_count(); ++t)
                for (std::size_t k = 0; k < ::the_scenarios.list[i].threads[t].count && k < max_calls_per_thread; ++k) {
                    const action a = ::the_scenarios.list[i].threads[t].calls[k].what;
                    bool ok = false;
                    for (action o : offered) ok = ok || o == a;
                    if (ok || detail_text != why) continue;
                    detail_text += std::string(" (") + ::the_scenarios.list[i].threads[t].name + " calls " + name_of(a) +
                                   "(); this jar offers";
                    for (action o : offered) detail_text += std::string(" ") + name_of(o) + "()";
                    detail_text += ")";
                }
        std::printf("the hunt cannot run these scenarios: %s\n", detail_text.c_str());
        report_problem("the hunt cannot run these scenarios: " + detail_text,
                       "the scenarios (the lesson's hunt.cpp):\n" + all);
        REQUIRE(why == nullptr);
        return false;
    }
    return true;
}

// Every scenario passes on ReferenceJar; else the first failure's report is printed and
// is the test case's finding.
template <class Engine, class ReferenceJar>
bool pass_on_reference(const std::string& test) {
    for (std::size_t i = 0; i < ::the_scenarios.count; ++i) {
        const auto reference = search<Engine, ReferenceJar>(::the_scenarios.list[i], test);
        if (!reference.passed()) {
            if (reference_is_own_jar) {
                std::printf("\nON YOUR OWN JAR (the reference jar here: this copy of the course has no solutions/) "
                            "scenario %zu fails. Either your jar has a bug this scenario shows, or the scenario asks "
                            "for something no jar can do; a hunt scores once every scenario passes on your jar:\n%s\n",
                            i + 1, reference.report().c_str());
            } else {
                std::printf("\nON THE REFERENCE JAR scenario %zu fails, so it would fail on any jar; every scenario "
                            "must pass there:\n%s\n", i + 1, reference.report().c_str());
            }
            print_replay(reference);
            const std::string why =
                "scenario " + std::to_string(i + 1) +
                (reference_is_own_jar ? " fails on your own jar, the reference jar here (the report above)"
                                      : " fails on the reference jar (the report above): it asks for something no "
                                        "jar can do");
            INFO(why);
            REQUIRE(reference.passed());
            return false;
        }
        std::printf("scenario %zu on the reference jar: passed\n%s", i + 1, reference.summary().c_str());
    }
    return true;
}

}  // namespace detail

// The body of a hunt jar's test case (see the top of this file).
template <class Engine, class HuntJar, class ReferenceJar, std::size_t N>
void judge_hunt(const std::array<action, N>& offered, const char* jar_file, const char* hint) {
    detail::search_number = 0;
    if (!detail::runnable(offered)) return;
    const std::string test = cj::testing::current_test_name();
    // 1. The reference jar: every schedule of every scenario must pass.
    if (!detail::pass_on_reference<Engine, ReferenceJar>(test)) return;
    // 2. The hunt jar: some schedule of some scenario must break a promise.
    for (std::size_t i = 0; i < ::the_scenarios.count; ++i) {
        const auto hunted = detail::search<Engine, HuntJar>(::the_scenarios.list[i], test);
        if (!hunted.passed()) {
            std::printf("\nscenario %zu on %s: CAUGHT. The report:\n%s\n", i + 1, jar_file, hunted.report().c_str());
            detail::print_replay(hunted);
            REQUIRE_FALSE(hunted.passed());  // the jar is caught: the check passes, its finding is dropped
            return;
        }
        std::printf("scenario %zu on %s: passed, not caught\n%s", i + 1, jar_file, hunted.summary().c_str());
    }
    std::printf("what it takes: %s\n", hint);
    detail::report_problem(std::string("no scenario caught ") + jar_file + ": every schedule searched kept every promise",
                           std::string("what it takes: ") + hint);
    FAIL_CHECK("no scenario caught " << jar_file);
}

// The body of the test case "every scenario passes on the reference jar".
template <class Engine, class ReferenceJar, std::size_t N>
void judge_reference(const std::array<action, N>& offered) {
    detail::search_number = 0;
    if (!detail::runnable(offered)) return;
    if (!detail::pass_on_reference<Engine, ReferenceJar>(cj::testing::current_test_name())) return;
    SUCCEED("every scenario passed on the reference jar");
}

}  // namespace cj::hunt
