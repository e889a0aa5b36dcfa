#pragma once
// stress backend of <cookiejar/sync.hpp> (COOKIEJAR_STRESS, built with ThreadSanitizer).
//
// Each cj:: type wraps its std:: counterpart (the semaphores: a sem_t, see
// detail/posix_semaphore.hpp) and adds two things at every call:
//  * schedule noise: with a seeded probability the calling thread yields or sleeps a
//    few microseconds first, so rare interleavings happen often in a stress run;
//  * bookkeeping for the watchdog (detail/stress_registry.hpp): which thread waits on
//    which object, from which line, and which thread holds each mutex — so a hang is
//    reported as a wait-for picture instead of a timeout. It adds no happens-before
//    edge, so it cannot hide a data race from ThreadSanitizer. The same bookkeeping
//    lets the deadlock detector (detail/deadlock_detector.hpp) end a check the moment
//    no thread of it can move.
//
// Without -fsanitize=thread this backend is what the unit checks use: no noise (until a
// harness turns it on), but a hang still gets its wait-for picture.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <climits>
#include <string>
#include <thread>

#include <cookiejar/detail/deadlock_detector.hpp>
#include <cookiejar/detail/held_mutexes.hpp>
#include <cookiejar/detail/posix_semaphore.hpp>
#include <cookiejar/detail/quiet_ending.hpp>
#include <cookiejar/detail/stress_registry.hpp>
#include <cookiejar/detail/wait_for_picture.hpp>
#include <cookiejar/source_location.hpp>

namespace cj {

inline constexpr const char* backend_name = "stress";

// ----------------------------------------------------------------- mutex ----

// Like std::mutex. Not recursive; unlock only from the thread that locked it.
class mutex {
public:
    mutex() noexcept = default;
    mutex(const mutex&) = delete;
    mutex& operator=(const mutex&) = delete;

    void lock(cj::source_location loc = cj::source_location::current()) {
        stress::noise();
        if (state_.owner_thread.load(std::memory_order_relaxed) == stress::detail::my_identity()) relock(loc);
        {
            stress::detail::waiting_scope w(stress::wait_kind::lock, state_, loc);
            m_.lock();
        }
        stress::held::locked(&m_);
        stress::detail::set_owner(state_, loc);
    }
    [[nodiscard]] bool try_lock(cj::source_location loc = cj::source_location::current()) {
        stress::noise();
        if (!m_.try_lock()) return false;
        stress::held::locked(&m_);
        stress::detail::set_owner(state_, loc);
        return true;
    }
    void unlock([[maybe_unused]] cj::source_location loc = cj::source_location::current()) {
        stress::detail::clear_owner(state_);
        stress::held::unlocked(&m_);
        m_.unlock();
        stress::noise();
    }

    // For cj::condition_variable only.
    std::mutex& native() noexcept { return m_; }
    stress::waitable& state() noexcept { return state_; }

private:
    // Locking a std::mutex the thread already holds is undefined behaviour and, in
    // practice, waits forever. Say so at once, with both lines.
    [[noreturn]] void relock(cj::source_location loc) const {
        cj::ending::wait_for_sanitizer_report();  // a race being reported was found first
        if (auto* w = cj::verdict::begin_ending_record(cj::verdict::outcome::failed)) {
            char promise[900];
            const char* held_in = state_.owner_function.load(std::memory_order_relaxed);
            std::snprintf(promise, sizeof promise,
                          "%s() locked mutex #%u at line %u and never unlocked it; the next lock, in %s() at line "
                          "%u, would wait for itself forever",
                          held_in ? held_in : "a call", state_.id, state_.owner_line.load(std::memory_order_relaxed),
                          loc.function_name(), static_cast<unsigned>(loc.line()));
            w->begin_array("findings");
            w->begin_object();
            w->field("source", cj::verdict::key_of(cj::verdict::source::relock));
            w->field("promise", promise);
            w->field("bug_class", cj::verdict::key_of(cj::verdict::bug::lock_never_released));
            stress::detail::write_place(*w, "location", state_.owner_file.load(std::memory_order_relaxed),
                                        state_.owner_line.load(std::memory_order_relaxed));
            w->begin_array("waits");
            w->begin_object();
            char name[128];
            stress::detail::slot_name(stress::detail::my_slot(), name, sizeof name);
            w->field("thread", name);
            w->field("action", "lock");
            char object[64];
            std::snprintf(object, sizeof object, "mutex #%u", state_.id);
            w->field("object", object);
            stress::detail::write_place(*w, "at", loc.file_name(), static_cast<unsigned>(loc.line()));
            w->field("holder", name);
            stress::detail::write_place(*w, "held_at", state_.owner_file.load(std::memory_order_relaxed),
                                        state_.owner_line.load(std::memory_order_relaxed));
            w->field("holder_finished", false);
            w->end_object();
            w->end_array();
            w->end_object();
            w->end_array();
            cj::verdict::finish_ending_record(*w);
        }
        std::fprintf(stderr,
                     "\ncookiejar: a thread locks mutex #%u again at %s, but it already holds it\n"
                     "(locked at %s and not unlocked since). A cj::mutex is not recursive: this\n"
                     "call would wait for itself forever. Look for a path that returns without unlocking.\n",
                     state_.id, stress::where(loc.file_name(), loc.line(), loc.function_name()).c_str(),
                     stress::where(state_.owner_file.load(std::memory_order_relaxed),
                                   state_.owner_line.load(std::memory_order_relaxed),
                                   state_.owner_function.load(std::memory_order_relaxed))
                         .c_str());
        cj::ending::end_process(cj::verdict::exit_code::relock);
    }

    std::mutex m_;
    stress::waitable state_{"mutex"};  // who holds m_, for reports only
};

}  // namespace cj

#include <cookiejar/detail/lock_specializations.hpp>

namespace cj {

// ---------------------------------------------------- condition_variable ----

// Like std::condition_variable, waiting with std::unique_lock<cj::mutex>.
class condition_variable {
public:
    condition_variable() = default;
    condition_variable(const condition_variable&) = delete;
    condition_variable& operator=(const condition_variable&) = delete;

    void notify_one([[maybe_unused]] cj::source_location loc = cj::source_location::current()) noexcept {
        stress::noise();
        stress::detail::notified(state_, false);
        cv_.notify_one();
    }
    void notify_all([[maybe_unused]] cj::source_location loc = cj::source_location::current()) noexcept {
        stress::noise();
        stress::detail::notified(state_, true);
        cv_.notify_all();
    }

    void wait(std::unique_lock<cj::mutex>& lock, cj::source_location loc = cj::source_location::current()) {
        stress::noise();
        blocking_section section(*this, lock, loc, false);
        cv_.wait(section.inner);
        section.woken = true;
    }
    template <class Predicate>
    void wait(std::unique_lock<cj::mutex>& lock, Predicate pred,
              cj::source_location loc = cj::source_location::current()) {
        while (!pred()) wait(lock, loc);
    }

    template <class Rep, class Period>
    std::cv_status wait_for(std::unique_lock<cj::mutex>& lock, const std::chrono::duration<Rep, Period>& rel,
                            cj::source_location loc = cj::source_location::current()) {
        stress::noise();
        blocking_section section(*this, lock, loc, true);
        const auto status = cv_.wait_for(section.inner, rel);
        section.woken = status == std::cv_status::no_timeout;
        return status;
    }
    template <class Rep, class Period, class Predicate>
    bool wait_for(std::unique_lock<cj::mutex>& lock, const std::chrono::duration<Rep, Period>& rel, Predicate pred,
                  cj::source_location loc = cj::source_location::current()) {
        return wait_until(lock, std::chrono::steady_clock::now() + rel, std::move(pred), loc);
    }
    template <class Clock, class Duration>
    std::cv_status wait_until(std::unique_lock<cj::mutex>& lock, const std::chrono::time_point<Clock, Duration>& t,
                              cj::source_location loc = cj::source_location::current()) {
        stress::noise();
        blocking_section section(*this, lock, loc, true);
        const auto status = cv_.wait_until(section.inner, t);
        section.woken = status == std::cv_status::no_timeout;
        return status;
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
    // While the thread waits, the mutex is free and the thread is registered as
    // waiting on this condition variable; on wake-up the thread owns the mutex again.
    // The registry sees the mutex free before it sees the wait (so a thread waiting for
    // the mutex is never judged stuck behind this one), and the wait over before the
    // mutex taken again.
    struct blocking_section {
        blocking_section(condition_variable& cv, std::unique_lock<cj::mutex>& lock, cj::source_location loc, bool timed)
            : outer(lock), inner(released(lock)), waiting(stress::wait_kind::condition, cv.state_, loc, timed), loc_(loc) {}
        ~blocking_section() {
            waiting.end(woken);
            inner.release();  // the outer std::unique_lock<cj::mutex> still owns it
            stress::held::locked(&outer.mutex()->native());
            stress::detail::set_owner(outer.mutex()->state(), loc_);
        }
        static std::unique_lock<std::mutex> released(std::unique_lock<cj::mutex>& lock) noexcept {
            stress::detail::clear_owner(lock.mutex()->state());
            stress::held::unlocked(&lock.mutex()->native());
            return std::unique_lock<std::mutex>(lock.mutex()->native(), std::adopt_lock);
        }
        std::unique_lock<cj::mutex>& outer;
        std::unique_lock<std::mutex> inner;
        stress::detail::waiting_scope waiting;
        cj::source_location loc_;
        bool woken = false;  // the wait ended without its time running out
    };

    std::condition_variable cv_;
    stress::waitable state_{"condition variable"};
};

// ---------------------------------------------------------- semaphores ----

// Like std::counting_semaphore<LeastMaxValue>, on POSIX's sem_t: libstdc++'s can lose a
// wake-up (detail/posix_semaphore.hpp).
template <std::ptrdiff_t LeastMaxValue = INT_MAX>
class counting_semaphore {
public:
    explicit counting_semaphore(std::ptrdiff_t desired) : sem_(desired), state_("semaphore", static_cast<long>(desired)) {}
    counting_semaphore(const counting_semaphore&) = delete;
    counting_semaphore& operator=(const counting_semaphore&) = delete;

    [[nodiscard]] static constexpr std::ptrdiff_t max() noexcept { return LeastMaxValue; }

    void release(std::ptrdiff_t update = 1, [[maybe_unused]] cj::source_location loc = cj::source_location::current()) {
        stress::noise();
        if (update > 0) stress::detail::released(state_, static_cast<long>(update));
        sem_.release(update);
    }
    void acquire(cj::source_location loc = cj::source_location::current()) {
        stress::noise();
        if (sem_.try_acquire()) {
            stress::detail::took_permit(state_);
            return;
        }
        stress::detail::waiting_scope w(stress::wait_kind::semaphore, state_, loc);
        sem_.acquire();
        w.end(false, true);
    }
    [[nodiscard]] bool try_acquire([[maybe_unused]] cj::source_location loc = cj::source_location::current()) noexcept {
        stress::noise();
        if (!sem_.try_acquire()) return false;
        stress::detail::took_permit(state_);
        return true;
    }
    template <class Rep, class Period>
    [[nodiscard]] bool try_acquire_for(const std::chrono::duration<Rep, Period>& rel,
                                       cj::source_location loc = cj::source_location::current()) {
        stress::noise();
        stress::detail::waiting_scope w(stress::wait_kind::semaphore, state_, loc, true);
        const bool got = sem_.try_acquire_for(rel);
        w.end(false, got);
        return got;
    }
    template <class Clock, class Duration>
    [[nodiscard]] bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& t,
                                         cj::source_location loc = cj::source_location::current()) {
        stress::noise();
        stress::detail::waiting_scope w(stress::wait_kind::semaphore, state_, loc, true);
        const bool got = sem_.try_acquire_until(t);
        w.end(false, got);
        return got;
    }

private:
    // Invariant: state_.permits >= sem_'s count (raised before a post, lowered after a
    // successful wait), so "no permit" in the registry means no permit.
    detail::posix_counting_semaphore<LeastMaxValue> sem_;
    stress::waitable state_;
};

using binary_semaphore = counting_semaphore<1>;

}  // namespace cj
