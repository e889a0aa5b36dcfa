#pragma once
// <cookiejar/sync.hpp> — the synchronisation primitives every lesson uses.
//
//   cj::mutex                  like std::mutex
//   cj::condition_variable     like std::condition_variable; wait() takes std::unique_lock<cj::mutex>&
//   cj::counting_semaphore<N>  like std::counting_semaphore<N>
//   cj::binary_semaphore       like std::binary_semaphore
//
// std::lock_guard, std::unique_lock and std::scoped_lock work on cj::mutex unchanged.
//
// One compile definition picks what these names mean, so the same student code
// runs under three analyses:
//   (none)               std backend: plain std:: types, for demos and benchmarks.
//   COOKIEJAR_STRESS     stress backend: std:: types plus seeded schedule noise at every
//                        call and a registry of who waits for what (for the watchdog);
//                        built with ThreadSanitizer.
//   COOKIEJAR_MODEL      model backend: Relacy's simulated primitives, so the model checker
//                        schedules every call and can try the interleavings one by one.
//
// Include this header before anything else in a lesson file; standard headers
// included after it keep working in every backend.

#if defined(COOKIEJAR_STRESS) && defined(COOKIEJAR_MODEL)
#error "cookiejar: COOKIEJAR_STRESS and COOKIEJAR_MODEL select different backends; define at most one"
#endif

#if defined(COOKIEJAR_MODEL)
#include <cookiejar/detail/sync_model.hpp>
#elif defined(COOKIEJAR_STRESS)
#include <cookiejar/detail/sync_stress.hpp>
#else
#include <cookiejar/detail/sync_std.hpp>
#endif
