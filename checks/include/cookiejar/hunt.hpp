#pragma once
// Hunts: write the scenario that makes the model checker catch a buggy jar.
//
// A scenario says which threads run, which calls each one makes on one shared jar, how
// big the jar is, and what the course judges after every schedule. It is data, not
// code: the hunt's harness (checks/NN-topic/hunt_test.cpp, <cookiejar/hunt_check.hpp>;
// lesson 05: <cookiejar/hunt_async_check.hpp>, where each thread is a task on the event
// loop) reads it and runs it under the model checker (lesson 05: the schedule explorer)
// on each hunt jar of the lesson
// (lessons/NN-topic/hunt/*.hpp) and on the reference jar. A learner writes one to three
// scenarios (often one per jar). A jar is caught when, in one of them, some schedule
// breaks a promise; the hunt scores a jar only if every scenario passes on the
// reference jar (a scenario that fails everywhere proves nothing).
//
//   #include <cookiejar/hunt.hpp>
//   using namespace cj::hunt;
//
//   const scenarios the_scenarios = {
//       scenario{
//           .capacity = 1,
//           .threads = {
//               thread{"producer 0", {put(1), put(2)}},
//               thread{"consumer 0", {get(), get()}},
//           },
//       },
//   };
//
// The calls (each lesson's jar offers some of them; the harness refuses the others):
//   put(v) / get()          lessons 03-05: wait for room / for a cookie (05: co_awaited)
//   try_put(v) / try_get()  lesson 02: answer at once (false / std::nullopt)
//   size()                  lessons 02 and 05: how many cookies the jar holds
//   close()                 lesson 04: no more cookies; waiting threads must give up
//
// What is judged (the course's own judges, the same as the lesson's model checks):
//   always              nobody is left waiting forever (the model checker reports a
//                       deadlock) and no call throws or crashes;
//   explainable         (default on) the calls' results can be explained by the calls
//                       taking effect one at a time, in an order that keeps every call
//                       that ended before another began before it (linearizability,
//                       <cookiejar/fifo_history.hpp>);
//   every_cookie_once   (default on) once every thread is done, the harness takes out
//                       what is left; every cookie that went in came out exactly once.
//
// Limits (small scenarios keep the search to seconds): at most max_threads threads, at
// most max_calls_per_thread calls each, max_calls calls in all, capacity 1 to
// max_capacity. The harness reports a scenario outside them, and it then scores nothing.
//
// The file a learner writes (lessons/NN-topic/hunt.cpp) is compiled once and linked into
// every hunt program unchanged, so the scenario cannot depend on which jar it runs on.
//
// Plain data: no allocation, constant-initialised (the model checker replaces operator
// new), and no dependence on a backend (this header compiles everywhere).
#include <array>
#include <cstddef>
#include <initializer_list>

namespace cj::hunt {

inline constexpr std::size_t max_threads = 4;
inline constexpr std::size_t max_calls_per_thread = 4;
inline constexpr std::size_t max_calls = 10;
inline constexpr std::size_t max_capacity = 4;
inline constexpr std::size_t max_scenarios = 3;

enum class action : unsigned char { put, get, try_put, try_get, size, close };

// The call's name as a jar spells it ("try_put").
[[nodiscard]] constexpr const char* name_of(action a) noexcept {
    switch (a) {
        case action::put: return "put";
        case action::get: return "get";
        case action::try_put: return "try_put";
        case action::try_get: return "try_get";
        case action::size: return "size";
        case action::close: return "close";
    }
    return "?";
}

// One call a thread makes; `value` is the cookie put (put and try_put only).
struct call {
    action what = action::get;
    int value = 0;
};

[[nodiscard]] constexpr call put(int cookie) noexcept { return {action::put, cookie}; }
[[nodiscard]] constexpr call get() noexcept { return {action::get, 0}; }
[[nodiscard]] constexpr call try_put(int cookie) noexcept { return {action::try_put, cookie}; }
[[nodiscard]] constexpr call try_get() noexcept { return {action::try_get, 0}; }
[[nodiscard]] constexpr call size() noexcept { return {action::size, 0}; }
[[nodiscard]] constexpr call close() noexcept { return {action::close, 0}; }

// One thread: its name (the column title of a report) and its calls, made in order.
struct thread {
    const char* name = nullptr;                        // nullptr: no thread in this place
    std::array<call, max_calls_per_thread> calls{};    // the first `count` are made
    std::size_t count = 0;                             // as written: may exceed max_calls_per_thread
                                                       // (then the scenario is refused, see problem())
    constexpr thread() = default;
    constexpr thread(const char* thread_name, std::initializer_list<call> made) : name(thread_name) {
        for (const call& c : made) {
            if (count < max_calls_per_thread) calls[count] = c;
            ++count;
        }
    }
};

struct scenario {
    std::size_t capacity = 1;                  // the jar's: 1 .. max_capacity
    std::array<thread, max_threads> threads{};  // in order; the first without a name ends the list
    bool explainable = true;                   // judge the history (see above)
    bool every_cookie_once = true;             // judge what went in against what came out

    [[nodiscard]] constexpr std::size_t thread_count() const noexcept {
        std::size_t n = 0;
        while (n < max_threads && threads[n].name != nullptr) ++n;
        return n;
    }
    [[nodiscard]] constexpr std::size_t call_count() const noexcept {
        std::size_t n = 0;
        for (std::size_t t = 0; t < thread_count(); ++t) n += threads[t].count;
        return n;
    }
    // Why the harness cannot run this scenario on a jar that offers `offered` calls, in
    // words for the learner; nullptr when it can.
    template <std::size_t N>
    [[nodiscard]] constexpr const char* problem(const std::array<action, N>& offered) const noexcept {
        if (capacity < 1 || capacity > max_capacity) return "the jar's capacity must be 1, 2, 3 or 4";
        const std::size_t n = thread_count();
        if (n == 0) return "the scenario has no thread: name at least one";
        for (std::size_t t = n; t < max_threads; ++t)
            if (threads[t].name != nullptr) return "a thread without a name comes before a named one";
        for (std::size_t t = 0; t < n; ++t) {
            if (threads[t].count > max_calls_per_thread) return "a thread makes more than 4 calls";
            for (std::size_t i = 0; i < threads[t].count; ++i) {
                bool ok = false;
                for (action a : offered) ok = ok || a == threads[t].calls[i].what;
                if (!ok) return "a thread makes a call this lesson's jar does not have";
            }
        }
        if (call_count() > max_calls) return "the threads make more than 10 calls in all";
        return nullptr;
    }
};

// The scenarios of one hunt, in order.
struct scenarios {
    std::array<scenario, max_scenarios> list{};  // the first `count` (at most max_scenarios) are run
    std::size_t count = 0;                       // as written: may exceed max_scenarios (then refused)

    constexpr scenarios(std::initializer_list<scenario> written) {
        for (const scenario& s : written) {
            if (count < max_scenarios) list[count] = s;
            ++count;
        }
    }
    // Why the harness cannot run them, or nullptr (see scenario::problem).
    template <std::size_t N>
    [[nodiscard]] constexpr const char* problem(const std::array<action, N>& offered) const noexcept {
        if (count == 0) return "there is no scenario: write at least one";
        if (count > max_scenarios) return "there are more than 3 scenarios";
        for (std::size_t i = 0; i < count; ++i)
            if (const char* why = list[i].problem(offered)) return why;
        return nullptr;
    }
};

}  // namespace cj::hunt

// What a hunt runs: defined by the file the learner writes (lessons/NN-topic/hunt.cpp), in
// the global namespace: that file goes through the policy check like the jar, and a file
// that adds to namespace cj is refused.
extern const cj::hunt::scenarios the_scenarios;
