#pragma once
// model backend of <cookiejar/sync.hpp> (COOKIEJAR_MODEL): the cj:: types are thin
// facades over Relacy's simulated primitives, so the model checker decides which
// thread runs at every cj:: call, and reports deadlocks with the line of each step.
//
// Objects of these types exist only inside a model-check run (a Relacy simulation):
// construct them in the scenario, never at namespace scope.
//
// Every call records the caller's file and line (cj::source_location), so the
// interleaving printed on failure points at the student's code.

// Relacy #defines new, delete, malloc, free, assert, errno and memory_order_*.
// Include the standard headers a lesson is likely to use *before* it, and take the
// macros back afterwards, so headers included later still compile.
#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <climits>
#include <semaphore>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#ifndef RL_DO_ASSERT
#define RL_DO_ASSERT 1  // let Relacy verify that the scenario itself is deterministic
#endif
#pragma push_macro("errno")
#pragma push_macro("assert")
#include <relacy/relacy.hpp>

#undef new
#undef delete
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef assert
#undef errno
#pragma pop_macro("errno")
#pragma pop_macro("assert")
#undef memory_order_relaxed
#undef memory_order_consume
#undef memory_order_acquire
#undef memory_order_release
#undef memory_order_acq_rel
#undef memory_order_seq_cst

#include <cookiejar/source_location.hpp>

namespace cj {

inline constexpr const char* backend_name = "model";

namespace model {
// Relacy's description of a call site, from ours.
[[nodiscard]] inline rl::debug_info info(cj::source_location loc) noexcept {
    return rl::debug_info(loc.function_name(), loc.file_name(), loc.line());
}
// The message of the last failure the course library raised in a run (require() or a
// facade check); static storage, since a failing schedule must not allocate.
namespace detail {
inline char last_message[1024] = "";
}  // namespace detail
inline void fail(const char* message, rl::debug_info where) {
    std::snprintf(detail::last_message, sizeof detail::last_message, "%s", message);
    rl::ctx().fail_test(detail::last_message, rl::test_result_user_assert_failed, where);
}

namespace detail {
// Timed waits (wait_for/wait_until, try_acquire_for/try_acquire_until). Time does not pass
// in the model; a timed wait ends in one of three ways:
//   - notified (or spuriously, in the random search), as an untimed wait;
//   - by its timeout at once: the waiter gives its lock up, the other threads run, it
//     takes the lock back and sees a timeout. This is a choice of the search, made by the
//     waiting thread where it calls (so every replay of a prefix makes the same choices in
//     the same order), and bounded per schedule like a preemption: `early_left`;
//   - by its timeout when no other thread can run (the searches' schedulers,
//     <cookiejar/detail/model_schedulers.hpp>): time passes only then, so a polling loop
//     whose notify was lost still wakes, and a program whose every thread waits with a
//     timeout for something nobody will do is not a deadlock but polls until the search's
//     depth limit (LIVELOCK).
// Reset by the harness before every schedule (cj::model::check); outside it, no early timeouts.
struct timing_state {
    unsigned early_per_schedule = 0;  // the search's bound
    unsigned early_left = 0;          // left in this schedule; <= early_per_schedule
    bool seen = false;                // a timed wait was made in this search (the bound mattered)
};
inline timing_state timing;

inline void log(cj::source_location loc, const char* text) {
    if (rl::ctx().collecting_history()) rl::ctx().exec_log_msg(info(loc), text);
}
// Does this timed wait end by its timeout at once? A choice while the schedule's bound lasts.
// The bounded search tries the timeout first; the random search takes it one time in four.
[[nodiscard]] inline bool early_timeout() {
    timing.seen = true;
    if (timing.early_left == 0) return false;
    if (rl::rand(rl::ctx().is_random_sched() ? 4 : 2) != 0) return false;
    --timing.early_left;
    return true;
}
}  // namespace detail
}  // namespace model

// Like std::mutex. Locking it twice from one thread, or unlocking a mutex the
// thread does not hold, is reported by the model checker.
class mutex {
public:
    mutex() = default;
    mutex(const mutex&) = delete;
    mutex& operator=(const mutex&) = delete;

    // Defined in checks/common/model_run.cpp, compiled once at -O1 with Relacy's engine:
    // called at every step of every schedule, they are where the scenarios (compiled at
    // -O0) spent much of their time.
    void lock(cj::source_location loc = cj::source_location::current());
    [[nodiscard]] bool try_lock(cj::source_location loc = cj::source_location::current());
    void unlock(cj::source_location loc = cj::source_location::current());

    // For cj::condition_variable only: Relacy's condition variable locks and unlocks it.
    rl::mutex& native() noexcept { return m_; }

private:
    rl::mutex m_;
};

}  // namespace cj

#include <cookiejar/detail/lock_specializations.hpp>

namespace cj {

// Like std::condition_variable. Spurious wake-ups happen here (the random search
// injects them), exactly as the standard allows.
class condition_variable {
public:
    condition_variable() = default;
    condition_variable(const condition_variable&) = delete;
    condition_variable& operator=(const condition_variable&) = delete;

    // Defined in checks/common/model_run.cpp, at -O1, like cj::mutex's (and timed_wait).
    void notify_one(cj::source_location loc = cj::source_location::current()) noexcept;
    void notify_all(cj::source_location loc = cj::source_location::current()) noexcept;

    void wait(std::unique_lock<cj::mutex>& lock, cj::source_location loc = cj::source_location::current());
    // Relacy's own predicate overload does not compile; this is the loop the standard specifies.
    template <class Predicate>
    void wait(std::unique_lock<cj::mutex>& lock, Predicate pred,
              cj::source_location loc = cj::source_location::current()) {
        while (!pred()) wait(lock, loc);
    }

    // Timed waits: see cj::model::detail::timing_state. The duration or deadline is not
    // looked at (time does not pass in the model).
    template <class Rep, class Period>
    std::cv_status wait_for(std::unique_lock<cj::mutex>& lock, const std::chrono::duration<Rep, Period>&,
                            cj::source_location loc = cj::source_location::current()) {
        return timed_wait(lock, "wait_for", loc);
    }
    template <class Rep, class Period, class Predicate>
    bool wait_for(std::unique_lock<cj::mutex>& lock, const std::chrono::duration<Rep, Period>& rel, Predicate pred,
                  cj::source_location loc = cj::source_location::current()) {
        while (!pred()) {
            if (wait_for(lock, rel, loc) == std::cv_status::timeout) return pred();
        }
        return true;
    }
    template <class Clock, class Duration>
    std::cv_status wait_until(std::unique_lock<cj::mutex>& lock, const std::chrono::time_point<Clock, Duration>&,
                              cj::source_location loc = cj::source_location::current()) {
        return timed_wait(lock, "wait_until", loc);
    }
    template <class Clock, class Duration, class Predicate>
    bool wait_until(std::unique_lock<cj::mutex>& lock, const std::chrono::time_point<Clock, Duration>& t,
                    Predicate pred, cj::source_location loc = cj::source_location::current()) {
        while (!pred()) {
            if (wait_until(lock, t, loc) == std::cv_status::timeout) return pred();
        }
        return true;
    }

private:
    static rl::mutex& native(std::unique_lock<cj::mutex>& lock) {
        if (!lock.owns_lock()) {
            model::fail("condition_variable::wait called without holding the lock", RL_INFO);
        }
        return lock.mutex()->native();
    }

    std::cv_status timed_wait(std::unique_lock<cj::mutex>& lock, const char* what, cj::source_location loc);

    rl::condition_variable cv_;
};

// Like std::counting_semaphore<LeastMaxValue>. Releasing above max() (undefined
// behaviour in C++) is reported as a failure.
template <std::ptrdiff_t LeastMaxValue = INT_MAX>  // as the other backends
class counting_semaphore {
public:
    explicit counting_semaphore(std::ptrdiff_t desired, cj::source_location loc = cj::source_location::current()) {
        if (desired < 0 || desired > LeastMaxValue) {
            model::fail("counting_semaphore: initial count outside [0, max()]", model::info(loc));
        }
        sem_.init(false /* no spurious wake-ups: C++20 semantics */, static_cast<unsigned>(desired),
                  static_cast<unsigned>(LeastMaxValue), model::info(loc));
    }
    ~counting_semaphore() { sem_.deinit(RL_INFO); }
    counting_semaphore(const counting_semaphore&) = delete;
    counting_semaphore& operator=(const counting_semaphore&) = delete;

    [[nodiscard]] static constexpr std::ptrdiff_t max() noexcept { return LeastMaxValue; }

    void release(std::ptrdiff_t update = 1, cj::source_location loc = cj::source_location::current()) {
        unsigned previous = 0;
        if (update < 0 || !sem_.post(static_cast<unsigned>(update), previous, model::info(loc))) {
            model::fail("counting_semaphore::release would raise the count above max()", model::info(loc));
        }
    }
    void acquire(cj::source_location loc = cj::source_location::current()) {
        sem_.wait(false /* block */, false /* untimed */, model::info(loc));
    }
    [[nodiscard]] bool try_acquire(cj::source_location loc = cj::source_location::current()) noexcept {
        return sem_.wait(true /* try */, false, model::info(loc)) == rl::sema_wakeup_reason_success;
    }
    // Timed acquires: see cj::model::detail::timing_state. A count above zero is taken at once.
    template <class Rep, class Period>
    [[nodiscard]] bool try_acquire_for(const std::chrono::duration<Rep, Period>&,
                                       cj::source_location loc = cj::source_location::current()) {
        return timed_acquire("try_acquire_for", loc);
    }
    template <class Clock, class Duration>
    [[nodiscard]] bool try_acquire_until(const std::chrono::time_point<Clock, Duration>&,
                                         cj::source_location loc = cj::source_location::current()) {
        return timed_acquire("try_acquire_until", loc);
    }

private:
    bool timed_acquire(const char* what, cj::source_location loc) {
        if (sem_.wait(true /* try */, false, model::info(loc)) == rl::sema_wakeup_reason_success) return true;
        if (model::detail::early_timeout()) {
            char text[64];
            std::snprintf(text, sizeof text, "%s times out at once", what);
            model::detail::log(loc, text);
            rl::yield(1, model::info(loc));  // time passes: every other thread may run first
            return false;
        }
        // Timed for the scheduler: it times out only when no thread can run.
        return sem_.wait(false, true /* timed */, model::info(loc)) == rl::sema_wakeup_reason_success;
    }

    struct tag;
    rl::semaphore<tag> sem_;
};

using binary_semaphore = counting_semaphore<1>;

}  // namespace cj
