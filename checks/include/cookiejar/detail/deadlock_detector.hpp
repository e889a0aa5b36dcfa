#pragma once
// The deadlock detector of the stress backend (the stress and unit checks): a state in
// which no thread of the check can move ends the check at once, with the wait-for
// picture the watchdogs print, instead of when a watchdog's time runs out.
//
// What it reports (detail/stress_registry.hpp, judge_locked(), says it exactly):
//   * every thread of the check waits in a cj:: call without a time limit, and nothing
//     can end any of those waits (no free mutex, no permit, no notify on the way);
//   * threads that wait to lock mutexes held by each other, in a ring (even while
//     other threads still run);
//   * a thread that waits to lock a mutex held by a thread that has finished.
// "The threads of the check" are the threads with a registry slot (they made a cj:: call
// or named themselves) that have not finished. A state is judged stuck only when the
// process has no thread outside the registry but the checks' own helpers (a thread
// that has not made its first cj:: call yet may be the one that ends a wait).
//
// How: a thread about to block judges the registry under the registry lock; if nothing
// can move it tells the monitor, a helper thread started at the first wait without a
// time limit, which also judges the registry every 200 ms (a thread may end without a
// cj:: call, two threads may block at once). The monitor reports only what it saw twice,
// at least `confirm_ms` apart, with every thread still in the same wait (a lock ring or
// a lock of a finished thread cannot dissolve: seen twice is enough), so a report comes
// 0.1-0.4 s after the state arose.
//
// Guarantees: no false report from polling code: a thread in try_lock, try_acquire or
// any other call that returns at once, or in a wait with a time limit (wait_for,
// wait_until, try_acquire_for, try_acquire_until), can move; a waiter that a notify, a
// release or an unlock has woken can move until it returns. It adds no happens-before
// edge that ThreadSanitizer sees (the registry's guarantee) between threads of the
// student's code; the one it adds, from a run's setup to the monitor, is below. A ThreadSanitizer report
// in progress comes first (detail/quiet_ending.hpp).
// Not promised: hangs in busy loops, sleeps, or waits on anything but cj:: primitives;
// the watchdogs end those. A spurious wake-up the registry did not see could, in
// principle, be taken for a thread that cannot move; std::condition_variable on Linux
// does not wake spuriously in practice.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <cookiejar/detail/quiet_ending.hpp>
#include <cookiejar/detail/stress_registry.hpp>
#include <cookiejar/detail/wait_for_picture.hpp>
#include <cookiejar/verdict.hpp>

namespace cj::stress::detail {

inline constexpr int monitor_tick_ms = 20;
inline constexpr int monitor_round_ms = 200;  // a judgement without a suspect
inline constexpr int confirm_ms = 100;        // a stuck state must last this long

[[nodiscard]] inline cj::verdict::bug bug_of(stuck s) noexcept {
    if (s == stuck::lock_cycle) return cj::verdict::bug::lock_order_inversion;
    return classify_hang();
}

// stuck_for_seconds: from the moment the state arose (when a thread about to block saw
// it) or was first seen, to this report.
[[noreturn]] inline void report_deadlock(stuck what, double stuck_for_seconds) {
    cj::ending::wait_for_sanitizer_report();  // a race being reported was found first
    const char* check = cj::verdict::detail::sink.check;
    const char* what_words =
        what == stuck::lock_cycle
            ? "threads wait to lock mutexes that they hold themselves, in a ring: none of them can ever go on"
        : what == stuck::lock_of_finished
            ? "a thread waits to lock a mutex held by a thread that has finished: nobody can unlock it any more"
            : "every thread of the check waits in a cj:: call that no running thread can end";
    std::string picture;
    {
        registry_guard g;  // no waitable is destroyed while the picture is read
        char promise[700];
        std::snprintf(promise, sizeof promise, "deadlock: %s (reported %.2f s after it arose)", what_words, stuck_for_seconds);
        write_hang_record(cj::verdict::source::deadlock, promise, bug_of(what));
        picture = wait_for_picture();
    }
    // Outside a check (a lesson's demo) there is no check to name.
    std::fprintf(stderr,
                 "\ncookiejar: DEADLOCK%s%s%s\n"
                 "%s (reported %.2f s after it arose); the threads, and what they wait for:\n%s\n"
                 "A thread blocked forever is a deadlock or a lost wake-up. The model check of this\n"
                 "lesson can usually show the interleaving that leads here.\n",
                 *check ? " in \"" : "", check, *check ? "\"" : "", what_words, stuck_for_seconds, picture.c_str());
    cj::ending::end_process(cj::verdict::exit_code::deadlock);
}

inline std::atomic<bool> monitor_quit{false};

// The one happens-before edge the detector adds, between two of the checks' own threads:
// the monitor outlives a run, and a report reads what the check's main thread made for
// the run it judges (the jar and its cj:: objects) after the monitor had started. The
// main thread publishes each run's setup before the run's threads start; the monitor
// acquires it before it writes a report. No thread of the student's code synchronises
// through it, so it hides no race in that code. Without it, a deadlock in a stress check's
// second run was reported as a data race in the course library (wait_for_picture.hpp).
inline std::atomic<unsigned long long> setups_published{0};
inline void publish_setup() noexcept { setups_published.fetch_add(1, std::memory_order_release); }

inline void monitor_loop() {
    count_this_thread_out();
    using clock = std::chrono::steady_clock;
    bool seen = false;
    stuck seen_what = stuck::free;
    unsigned long long seen_signature = 0;
    clock::time_point seen_at{}, arose_at{}, last_round = clock::now();
    while (!monitor_quit.load(std::memory_order_relaxed)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(monitor_tick_ms));
        const auto now = clock::now();
        const bool told = suspect.exchange(false, std::memory_order_relaxed);
        if (!told && !seen && now - last_round < std::chrono::milliseconds(monitor_round_ms)) continue;
        last_round = now;
        stuck what;
        unsigned long long v = 0;
        {
            registry_guard g;
            what = judge_locked(&v);
        }
        if (what == stuck::everyone_blocked && unknown_thread_exists()) what = stuck::free;
        if (what == stuck::free) {
            seen = false;
            continue;
        }
        const bool lasting = what != stuck::everyone_blocked;  // a ring or a dead holder stays
        if (!seen || what != seen_what || (!lasting && v != seen_signature)) {
            seen = true;
            seen_what = what;
            seen_signature = v;
            seen_at = now;
            arose_at = now;
            if (told) {
                const clock::time_point at{std::chrono::duration_cast<clock::duration>(
                    std::chrono::nanoseconds(suspect_since_ns.load(std::memory_order_relaxed)))};
                if (at < now) arose_at = at;
            }
            continue;
        }
        if (lasting || now - seen_at >= std::chrono::milliseconds(confirm_ms)) {
            // The judged state came from threads started after the last publish_setup()
            // (the registry lock orders that for real), so this load reads it: the
            // report may read the run's objects.
            (void)setups_published.load(std::memory_order_acquire);
            report_deadlock(what, std::chrono::duration<double>(now - arose_at).count());
        }
    }
}

// The monitor ends when the program does (exit(), or main returning): a thread still
// running at exit would also make ThreadSanitizer sleep a second (atexit_sleep_ms).
inline std::thread monitor_thread;
inline void stop_monitor() {
    monitor_quit.store(true, std::memory_order_relaxed);
    if (monitor_thread.joinable()) monitor_thread.join();
}
inline void start_monitor() {
    monitor_thread = std::thread(monitor_loop);
    std::atexit(stop_monitor);
}

// Registered once per program: the registry starts the monitor at the first wait.
inline const bool monitor_registered = [] {
    monitor_starter.store(&start_monitor, std::memory_order_relaxed);
    return true;
}();

}  // namespace cj::stress::detail
