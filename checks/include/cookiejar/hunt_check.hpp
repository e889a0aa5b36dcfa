#pragma once
// The hunts' harness on the Relacy model checker (lessons 02-04): runs a learner's
// scenario (<cookiejar/hunt.hpp>) on one jar, each call made by the thread that the
// scenario gives it, and judges a hunt jar against the reference jar.
//
//   cj::hunt::hunt_catches<hunt_jar, reference_jar>(offered, "lessons/02-lock/hunt/late_tail.hpp", hint);
//   cj::hunt::passes_on_reference<reference_jar>(offered);
//
// are the bodies of a hunt's Catch2 test cases (checks/NN-topic/hunt_test.cpp); what they
// pass on is <cookiejar/detail/hunt_driver.hpp>'s.
//
// Who judges: the same searches as the lesson's model checks (<cookiejar/model_check.hpp>,
// a smaller budget: hunt_budget()) and the same judges (<cookiejar/fifo_history.hpp>).
// The scenario is data read at run time; the interpreter below makes the calls.
//
// Requires: the model backend (COOKIEJAR_MODEL); Catch2 (the test case's assertions).
#include <cookiejar/detail/hunt_driver.hpp>
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

// The search a hunt makes: small, so a scenario is judged in about a second. The bounded
// search (context bound 2) finds the bug of every hunt jar with the reference scenarios
// (checks/tools/measure-hunts.sh); the random search adds the spurious wake-ups a
// condition variable may have, which only it injects.
[[nodiscard]] inline cj::model::budget hunt_budget() {
    cj::model::budget b;
    b.context_bound = 2;
    b.random_schedules = 5000;
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

}  // namespace detail

// The Relacy engine of the hunt driver.
struct model_engine {
    template <class Jar>
    static cj::model::result run(const scenario& s, const std::string& test) {
        detail::running = &s;
        auto r = detail::run_with_threads<Jar>(test);
        detail::running = nullptr;
        return r;
    }
};

template <class HuntJar, class ReferenceJar, std::size_t N>
void hunt_catches(const std::array<action, N>& offered, const char* jar_file, const char* hint) {
    judge_hunt<model_engine, HuntJar, ReferenceJar>(offered, jar_file, hint);
}

template <class ReferenceJar, std::size_t N>
void passes_on_reference(const std::array<action, N>& offered) {
    judge_reference<model_engine, ReferenceJar>(offered);
}

}  // namespace cj::hunt
