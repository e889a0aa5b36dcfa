#pragma once
// A counting semaphore on POSIX's sem_t, for the std and stress backends of
// <cookiejar/sync.hpp> in place of std::counting_semaphore.
//
// Why not std::counting_semaphore: libstdc++'s (12 on Debian 12, 14 on Debian 13) can
// lose a wake-up. Its release() skips the futex wake when the count was already above 0,
// while an acquire() whose compare-and-swap lost a race has just read 0 and goes to
// sleep; it then sleeps with a count above 0 (GCC bugs 98033 and 104928). Seen here: the
// lesson 03 solution's stress check "one producer feeds three consumers from a jar of
// three" hung in about one run of 450, a consumer asleep in acquire() after the producer
// had finished. A correct jar must pass every time, so the course does not use it.
//
// sem_t (glibc) wakes a sleeper on every post while one may sleep, and ThreadSanitizer
// intercepts sem_post, sem_wait, sem_trywait and sem_timedwait: a post is a release and
// a successful wait an acquire on the semaphore, the happens-before of
// std::counting_semaphore (no edge from one acquire to another).
//
// Guarantee: the interface and semantics of std::counting_semaphore<LeastMaxValue>;
// release() past max() is undefined, as there (sem_post stops at SEM_VALUE_MAX).
// Invariant: the count is sem_'s value, in [0, max()].

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdlib>
#include <ctime>

#include <semaphore.h>

namespace cj::detail {

template <std::ptrdiff_t LeastMaxValue = INT_MAX>
class posix_counting_semaphore {
    static_assert(LeastMaxValue >= 0 && LeastMaxValue <= INT_MAX, "sem_t counts up to SEM_VALUE_MAX (INT_MAX)");

public:
    explicit posix_counting_semaphore(std::ptrdiff_t desired) {
        if (desired < 0 || desired > max() || ::sem_init(&sem_, 0, static_cast<unsigned>(desired)) != 0) std::abort();
    }
    ~posix_counting_semaphore() { ::sem_destroy(&sem_); }
    posix_counting_semaphore(const posix_counting_semaphore&) = delete;
    posix_counting_semaphore& operator=(const posix_counting_semaphore&) = delete;

    [[nodiscard]] static constexpr std::ptrdiff_t max() noexcept { return LeastMaxValue; }

    void release(std::ptrdiff_t update = 1) {
        for (; update > 0; --update)
            if (::sem_post(&sem_) != 0) std::abort();
    }
    void acquire() {
        while (::sem_wait(&sem_) != 0)
            if (errno != EINTR) std::abort();
    }
    [[nodiscard]] bool try_acquire() noexcept {
        for (;;) {
            if (::sem_trywait(&sem_) == 0) return true;
            if (errno != EINTR) return false;
        }
    }
    template <class Rep, class Period>
    [[nodiscard]] bool try_acquire_for(const std::chrono::duration<Rep, Period>& rel) {
        return try_acquire_until(std::chrono::steady_clock::now() + rel);
    }
    // sem_timedwait waits until a time of CLOCK_REALTIME: the deadline is taken there
    // from how far away it is now.
    template <class Clock, class Duration>
    [[nodiscard]] bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& t) {
        for (;;) {
            if (try_acquire()) return true;
            const auto left = t - Clock::now();
            if (left <= decltype(left)::zero()) return false;
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
            std::timespec at{};
            ::clock_gettime(CLOCK_REALTIME, &at);
            const long long total = static_cast<long long>(at.tv_nsec) + ns % 1'000'000'000;
            at.tv_sec += static_cast<std::time_t>(ns / 1'000'000'000 + total / 1'000'000'000);
            at.tv_nsec = static_cast<long>(total % 1'000'000'000);
            if (::sem_timedwait(&sem_, &at) == 0) return true;
            if (errno != EINTR && errno != ETIMEDOUT) std::abort();
        }
    }

private:
    sem_t sem_;
};

}  // namespace cj::detail
