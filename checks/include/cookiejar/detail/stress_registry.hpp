#pragma once
// The stress backend's bookkeeping: schedule noise, and a registry of which thread
// waits on which cj:: object from which line, and who holds each mutex. Read by the
// watchdogs to print a wait-for picture instead of "timeout", and by the deadlock
// detector (detail/deadlock_detector.hpp), which reports a state no thread can leave
// the moment it arises.
//
// Guarantee: the registry adds no happens-before edge that ThreadSanitizer sees, so it
// cannot hide a data race in the student's code. Its fields are relaxed atomics and
// thread-local state; every change the detector judges (a wait begins or ends, a mutex
// changes hands, a notify, a release, a thread finishes) is made under one small
// spinlock, the registry lock, so a judgement sees one consistent state. Under
// ThreadSanitizer that lock is taken inside AnnotateIgnoreSyncBegin/End: its atomics
// order memory for real but are invisible to ThreadSanitizer (checks/library's test
// "cj:: calls on different mutexes add no happens-before edge" holds it to that). A
// runtime without those annotations gets no detector (the watchdogs still end hangs).
//
// This header defines no cj:: primitive, so any translation unit may include it.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fcntl.h>

#include <cookiejar/source_location.hpp>

#if defined(__SANITIZE_THREAD__)
#define COOKIEJAR_REGISTRY_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define COOKIEJAR_REGISTRY_TSAN 1
#endif
#endif

#ifdef COOKIEJAR_REGISTRY_TSAN
// compiler-rt's tsan_interface_ann.cpp (clang 14, g++ 12's libtsan): the calling thread's
// synchronisation between Begin and End is not seen by ThreadSanitizer. Weak: without
// them the registry lock is never taken and the detector is off.
extern "C" __attribute__((weak)) void AnnotateIgnoreSyncBegin(const char* file, int line);
extern "C" __attribute__((weak)) void AnnotateIgnoreSyncEnd(const char* file, int line);
#endif

namespace cj {

namespace stress {

// ---------------------------------------------------------------- noise ----

// Probabilities per thousand calls. Set before threads start (thread creation
// publishes them); read relaxed.
struct noise_settings {
    std::uint64_t seed = 1;
    unsigned yield_per_mille = 150;
    unsigned sleep_per_mille = 20;
    unsigned max_sleep_us = 50;
};

namespace detail {
inline std::atomic<std::uint64_t> noise_seed{1};
inline std::atomic<unsigned> noise_yield{0};  // off until a harness turns it on
inline std::atomic<unsigned> noise_sleep{0};
inline std::atomic<unsigned> noise_max_sleep_us{0};
inline std::atomic<unsigned> registry_generation{1};

// splitmix64: a small, well-mixed generator; one state per thread.
inline std::uint64_t next_random(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
}  // namespace detail

inline void set_noise(const noise_settings& s) noexcept {
    detail::noise_seed.store(s.seed, std::memory_order_relaxed);
    detail::noise_yield.store(s.yield_per_mille, std::memory_order_relaxed);
    detail::noise_sleep.store(s.sleep_per_mille, std::memory_order_relaxed);
    detail::noise_max_sleep_us.store(s.max_sleep_us, std::memory_order_relaxed);
}

// ------------------------------------------------------------- registry ----

// join: a harness thread that only waits for the check's threads to end (the stress
// run's main thread); it can end no one's wait, and is not shown in a picture.
enum class wait_kind : unsigned { none, lock, condition, semaphore, join };

// Something a thread can wait on. Every cj:: object has one; ids are small numbers
// in creation order, so a report can say "mutex #1".
// Invariant (the registry lock guards every change below but id and kind): a thread
// registered as waiting on a waitable keeps it alive (it is inside a call on it), and the
// destructor takes the registry lock, so a judgement made under the lock never reads a
// destroyed waitable.
struct waitable {
    const char* kind;                             // "mutex", "condition variable", "semaphore"
    unsigned id;
    std::atomic<int> owner{-1};                   // mutex only: slot of the holder, -1 if free
    std::atomic<unsigned long long> owner_thread{0};  // mutex only: identity of the holder, 0 if free
    std::atomic<const char*> owner_file{nullptr}; // where the holder locked it
    std::atomic<unsigned> owner_line{0};
    std::atomic<const char*> owner_function{nullptr};
    std::atomic<int> waiters{0};   // threads registered as waiting on it now
    std::atomic<int> woken{0};     // condition variable: notified waiters that have not returned yet;
                                   //   0 <= woken <= waiters. Any of its waiters may be one of them.
    std::atomic<long> permits{-1}; // semaphore: at least its count (raised before each sem_post,
                                   //   lowered after each successful wait); -1: not a semaphore

    explicit waitable(const char* k, long initial_permits = -1) noexcept;
    struct unnumbered {};
    waitable(const char* k, unnumbered) noexcept : kind(k), id(0) {}  // not one of the program's objects
    ~waitable();
    waitable(const waitable&) = delete;
    waitable& operator=(const waitable&) = delete;
};

// One slot per thread that used a cj:: primitive (or named itself). Invariant: only
// the owning thread writes a slot; anyone may read it relaxed.
struct thread_slot {
    std::atomic<const char*> name{nullptr};  // storage owned by whoever named the thread
    std::atomic<bool> finished{false};
    std::atomic<wait_kind> waiting{wait_kind::none};
    std::atomic<const waitable*> on{nullptr};
    std::atomic<const char*> file{nullptr};
    std::atomic<unsigned> line{0};
    std::atomic<const char*> function{nullptr};
    std::atomic<unsigned long long> calls{0};  // cj:: calls made; a stuck thread's count stops
    std::atomic<long> os_thread{0};  // the kernel's id of a named thread: names it in ThreadSanitizer's records
    std::atomic<long> tid{0};        // the kernel's id of the thread, set when the slot is taken
    std::atomic<bool> timed{false};  // its wait has a time limit: it will come back by itself
    std::atomic<unsigned long long> waits{0};  // waits begun: which wait it is in
    std::atomic<bool> observer{false};  // a harness thread that only reads (size(), capacity()): ends no wait
};

inline constexpr int max_threads = 256;

namespace detail {
inline thread_slot slots[max_threads];
inline std::atomic<int> slot_count{0};

struct thread_state {
    unsigned generation = 0;
    int slot = -1;
    std::uint64_t rng = 0;
    unsigned long long identity = 0;  // unique in the process; slots are shared past max_threads
};
inline thread_local thread_state self;
inline std::atomic<unsigned long long> next_identity{1};
inline unsigned long long my_identity() noexcept {
    if (self.identity == 0) self.identity = next_identity.fetch_add(1, std::memory_order_relaxed);
    return self.identity;
}

inline void thread_exits() noexcept;
// Marks the thread's slot finished when the thread ends (a thread that returns without
// mark_this_thread_finished() can hold no one up either).
struct exit_marker {
    bool armed = false;
    ~exit_marker() {
        if (armed) thread_exits();
    }
};
inline thread_local exit_marker exit_mark;

inline int my_slot() noexcept {
    const unsigned gen = registry_generation.load(std::memory_order_relaxed);
    if (self.generation != gen || self.slot < 0) {
        const int s = slot_count.fetch_add(1, std::memory_order_relaxed);
        self.generation = gen;
        self.slot = s < max_threads ? s : max_threads - 1;
        self.rng = noise_seed.load(std::memory_order_relaxed) * 0x100000001B3ULL + static_cast<std::uint64_t>(s) + 1;
        slots[self.slot].tid.store(::syscall(SYS_gettid), std::memory_order_relaxed);
        exit_mark.armed = true;
    }
    return self.slot;
}

// ------------------------------------------------------- the registry lock ----

inline std::atomic<bool> registry_busy{false};

// Is the registry lock (and so the deadlock detector) available?
[[nodiscard]] inline bool registry_lock_usable() noexcept {
#ifdef COOKIEJAR_REGISTRY_TSAN
    return AnnotateIgnoreSyncBegin != nullptr && AnnotateIgnoreSyncEnd != nullptr;
#else
    return true;
#endif
}

// Holds the registry lock for its scope (a no-op when the lock is not usable).
// Short sections only: a few relaxed stores, no allocation, no call into the program.
class registry_guard {
public:
    registry_guard() noexcept : on_(registry_lock_usable()) {
        if (!on_) return;
#ifdef COOKIEJAR_REGISTRY_TSAN
        AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
#endif
        for (unsigned spins = 0; registry_busy.exchange(true, std::memory_order_acquire); ++spins) {
            while (registry_busy.load(std::memory_order_relaxed)) {
                if (++spins > 64) std::this_thread::yield();
            }
        }
    }
    ~registry_guard() {
        if (!on_) return;
        registry_busy.store(false, std::memory_order_release);
#ifdef COOKIEJAR_REGISTRY_TSAN
        AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
#endif
    }
    registry_guard(const registry_guard&) = delete;
    registry_guard& operator=(const registry_guard&) = delete;

private:
    bool on_;
};

// Set when a thread, about to block, saw a state no thread can leave; the detector's
// monitor looks at once instead of at its next round.
inline std::atomic<bool> suspect{false};
inline std::atomic<long long> suspect_since_ns{0};  // when (steady clock) the suspect state arose
inline void raise_suspect() noexcept {
    suspect_since_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count(),
                           std::memory_order_relaxed);
    suspect.store(true, std::memory_order_relaxed);
}
// Starts the detector's monitor thread (set by detail/deadlock_detector.hpp); called once,
// at the first wait that has no time limit.
inline std::atomic<void (*)()> monitor_starter{nullptr};
inline std::atomic<bool> monitor_started{false};
inline void ensure_monitor() noexcept {
    if (monitor_started.load(std::memory_order_relaxed)) return;
    if (auto start = monitor_starter.load(std::memory_order_relaxed); start && registry_lock_usable() &&
                                                                       !monitor_started.exchange(true))
        start();
}
}  // namespace detail

namespace detail {
inline std::atomic<unsigned> object_count{0};  // numbers objects 1, 2, ... since the last reset
}  // namespace detail

inline waitable::waitable(const char* k, long initial_permits) noexcept
    : kind(k), id(detail::object_count.fetch_add(1, std::memory_order_relaxed) + 1), permits(initial_permits) {}
inline waitable::~waitable() {
    detail::registry_guard g;  // a judgement that reads this object has ended
}

// Forget every thread slot, and number new objects from 1 again (each test case, each
// stress run). Call only while no other thread uses cj:: primitives.
inline void reset_registry() noexcept {
    detail::registry_guard g;
    for (auto& s : detail::slots) {
        s.name.store(nullptr, std::memory_order_relaxed);
        s.finished.store(false, std::memory_order_relaxed);
        s.waiting.store(wait_kind::none, std::memory_order_relaxed);
        s.on.store(nullptr, std::memory_order_relaxed);
        s.calls.store(0, std::memory_order_relaxed);
        s.os_thread.store(0, std::memory_order_relaxed);
        s.tid.store(0, std::memory_order_relaxed);
        s.timed.store(false, std::memory_order_relaxed);
        s.waits.store(0, std::memory_order_relaxed);
        s.observer.store(false, std::memory_order_relaxed);
    }
    detail::slot_count.store(0, std::memory_order_relaxed);
    detail::object_count.store(0, std::memory_order_relaxed);
    detail::registry_generation.fetch_add(1, std::memory_order_relaxed);
}

// Give the calling thread a name for reports ("producer 1"). The string must outlive
// the run and be written before the thread starts.
inline void name_this_thread(const char* name) noexcept {
    detail::slots[detail::my_slot()].name.store(name, std::memory_order_relaxed);
    detail::slots[detail::my_slot()].os_thread.store(::syscall(SYS_gettid), std::memory_order_relaxed);
    // The kernel's name too (at most 15 characters), so ThreadSanitizer's reports say
    // "Thread T3 'consumer 0'".
    char short_name[16] = {};
    std::memcpy(short_name, name, std::min(std::strlen(name), sizeof short_name - 1));
    ::pthread_setname_np(::pthread_self(), short_name);
}
namespace detail {
[[nodiscard]] inline bool looks_stuck_locked() noexcept;
inline void finish_slot(int slot) noexcept {
    bool stuck = false;
    {
        registry_guard g;
        slots[slot].finished.store(true, std::memory_order_relaxed);
        stuck = looks_stuck_locked();
    }
    if (stuck) raise_suspect();
}
inline void thread_exits() noexcept {
    if (self.generation != registry_generation.load(std::memory_order_relaxed) || self.slot < 0) return;
    finish_slot(self.slot);
}
}  // namespace detail

inline void mark_this_thread_finished() noexcept { detail::finish_slot(detail::my_slot()); }
// The calling thread (a harness's observer) only reads the object under test: the
// deadlock detector does not count on it to end anyone's wait. (A mutex it holds for a
// moment, it lets go of.)
inline void this_thread_only_observes() noexcept {
    detail::registry_guard g;
    detail::slots[detail::my_slot()].observer.store(true, std::memory_order_relaxed);
}
[[nodiscard]] inline int slot_count() noexcept {
    const int n = detail::slot_count.load(std::memory_order_relaxed);
    return n < max_threads ? n : max_threads;
}
[[nodiscard]] inline const thread_slot& slot(int i) noexcept { return detail::slots[i]; }

// Maybe yield or sleep, as the noise settings say. Every cj:: call starts here.
inline void noise() noexcept {
    auto& me = detail::slots[detail::my_slot()];
    me.calls.fetch_add(1, std::memory_order_relaxed);
    const unsigned yield = detail::noise_yield.load(std::memory_order_relaxed);
    const unsigned sleep = detail::noise_sleep.load(std::memory_order_relaxed);
    if (yield == 0 && sleep == 0) return;
    const auto r = detail::next_random(detail::self.rng);
    const unsigned roll = static_cast<unsigned>(r % 1000);
    if (roll < sleep) {
        const unsigned max_us = detail::noise_max_sleep_us.load(std::memory_order_relaxed);
        std::this_thread::sleep_for(std::chrono::microseconds(1 + (r >> 20) % (max_us ? max_us : 1)));
    } else if (roll < sleep + yield) {
        std::this_thread::yield();
    }
}

namespace detail {

// ------------------------------------------------------------- judgement ----

// Threads the registry does not know (a thread that has made no cj:: call yet) may be
// about to end a wait, so a state is judged stuck only when every thread of the process
// is known. Known besides the slots: the checks' own helper threads (watchdogs, the
// detector's monitor, ThreadSanitizer's background thread), listed here by kernel id.
inline constexpr int max_helpers = 32;
inline std::atomic<long> helpers[max_helpers];

inline void count_out(long tid) noexcept {
    for (auto& h : helpers) {
        long free_entry = 0;
        if (h.load(std::memory_order_relaxed) == tid) return;
        if (h.compare_exchange_strong(free_entry, tid, std::memory_order_relaxed)) return;
    }
}
inline void count_back_in(long tid) noexcept {
    for (auto& h : helpers) {
        long mine = tid;
        if (h.compare_exchange_strong(mine, 0, std::memory_order_relaxed)) return;
    }
}
[[nodiscard]] inline bool is_helper(long tid) noexcept {
    for (auto& h : helpers)
        if (h.load(std::memory_order_relaxed) == tid) return true;
    return false;
}

// Calls f(tid) for each thread of the process (raw system calls: nothing intercepted,
// nothing allocated). False if the list could not be read.
template <class F>
bool for_each_thread(F&& f) noexcept {
    const long fd = ::syscall(SYS_openat, AT_FDCWD, "/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    alignas(8) char buffer[4096];
    for (;;) {
        const long n = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer);
        if (n <= 0) break;
        for (long at = 0; at < n;) {
            // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name
            unsigned short reclen;
            std::memcpy(&reclen, buffer + at + 16, sizeof reclen);
            const char* name = buffer + at + 19;
            if (name[0] >= '0' && name[0] <= '9') {
                long tid = 0;
                for (const char* c = name; *c >= '0' && *c <= '9'; ++c) tid = tid * 10 + (*c - '0');
                f(tid);
            }
            at += reclen;
        }
    }
    ::syscall(SYS_close, fd);
    return true;
}

// True when a thread of the process is neither a helper nor in a slot.
[[nodiscard]] inline bool unknown_thread_exists() noexcept {
    bool unknown = false;
    const int n = slot_count.load(std::memory_order_relaxed);
    const bool listed = for_each_thread([&](long tid) {
        if (unknown || is_helper(tid)) return;
        for (int i = 0; i < n && i < max_threads; ++i)
            if (slots[i].tid.load(std::memory_order_relaxed) == tid) return;
        unknown = true;
    });
    return unknown || !listed;
}

// What the registry shows (under the registry lock):
//   free               some thread of the check can still move
//   everyone_blocked   every thread of the check waits without a time limit, and none of
//                      them has been woken: no mutex it waits for is free, no semaphore it
//                      waits on has a permit, no condition variable it waits on was
//                      notified since (threads that finished, the stress run's main
//                      thread waiting to join, and observers, which only read, count as
//                      blocked; a mutex an observer holds counts as free; at least one
//                      thread waits)
//   lock_cycle         threads wait to lock mutexes held by each other, in a ring
//   lock_of_finished   a thread waits to lock a mutex held by a thread that has finished
// Not promised: a thread that spins, sleeps, or waits on something other than a cj::
// primitive counts as free, so such a hang is left to the watchdogs.
enum class stuck { free, everyone_blocked, lock_cycle, lock_of_finished };

[[nodiscard]] inline bool can_move(const thread_slot& t) noexcept {
    const auto kind = t.waiting.load(std::memory_order_relaxed);
    const waitable* on = t.on.load(std::memory_order_relaxed);
    if (kind == wait_kind::none || on == nullptr || t.timed.load(std::memory_order_relaxed)) return true;
    switch (kind) {
    case wait_kind::lock: {
        const int owner = on->owner.load(std::memory_order_relaxed);
        return owner < 0 || (owner < max_threads && slots[owner].observer.load(std::memory_order_relaxed));
    }
    case wait_kind::condition: return on->woken.load(std::memory_order_relaxed) > 0;
    case wait_kind::semaphore: return on->permits.load(std::memory_order_relaxed) != 0;
    default: return false;  // join
    }
}

// signature (everyone_blocked): which wait each thread is in, so that two judgements can
// tell whether anything moved in between.
[[nodiscard]] inline stuck judge_locked(unsigned long long* signature = nullptr) noexcept {
    const int count = slot_count.load(std::memory_order_relaxed);
    if (count >= max_threads) return stuck::free;  // slots shared: the registry cannot tell
    bool any_free = false, any_waiting = false;
    unsigned long long sig = 0;
    for (int i = 0; i < count; ++i) {
        const thread_slot& t = slots[i];
        if (t.finished.load(std::memory_order_relaxed)) continue;
        const auto kind = t.waiting.load(std::memory_order_relaxed);
        const bool observer = t.observer.load(std::memory_order_relaxed);
        sig = sig * 1000003ULL + t.waits.load(std::memory_order_relaxed) * 31ULL + static_cast<unsigned>(kind);
        if (can_move(t)) {
            if (!observer) any_free = true;
            continue;
        }
        if (kind == wait_kind::join || observer) continue;
        any_waiting = true;
        if (kind != wait_kind::lock) continue;
        // Follow "waits for the holder of": a finished holder, or back to i, is for ever.
        int at = i;
        for (int step = 0; step <= count; ++step) {
            const waitable* on = slots[at].on.load(std::memory_order_relaxed);
            const int owner = on->owner.load(std::memory_order_relaxed);
            if (owner < 0 || owner >= count) break;
            if (slots[owner].finished.load(std::memory_order_relaxed)) return stuck::lock_of_finished;
            if (owner == i) return stuck::lock_cycle;
            const thread_slot& o = slots[owner];
            if (o.waiting.load(std::memory_order_relaxed) != wait_kind::lock || o.timed.load(std::memory_order_relaxed) ||
                o.on.load(std::memory_order_relaxed) == nullptr)
                break;
            at = owner;
        }
    }
    if (signature) *signature = sig;
    return !any_free && any_waiting ? stuck::everyone_blocked : stuck::free;
}
inline bool looks_stuck_locked() noexcept { return judge_locked() != stuck::free; }

// ------------------------------------------------------------ bookkeeping ----

// Marks the calling thread as waiting on `w` from construction to end() (or destruction).
// A wait without a time limit is judged at once: if it leaves no thread able to move,
// the detector's monitor is told.
class waiting_scope {
public:
    waiting_scope(wait_kind k, waitable& w, cj::source_location loc, bool timed = false) noexcept
        : slot_(slots[my_slot()]), w_(w) {
        bool stuck = false;
        {
            registry_guard g;
            slot_.on.store(&w, std::memory_order_relaxed);
            slot_.file.store(loc.file_name(), std::memory_order_relaxed);
            slot_.line.store(loc.line(), std::memory_order_relaxed);
            slot_.function.store(loc.function_name(), std::memory_order_relaxed);
            slot_.timed.store(timed, std::memory_order_relaxed);
            slot_.waiting.store(k, std::memory_order_relaxed);
            slot_.waits.fetch_add(1, std::memory_order_relaxed);
            w.waiters.fetch_add(1, std::memory_order_relaxed);
            if (!timed) stuck = looks_stuck_locked();
        }
        if (!timed) ensure_monitor();
        if (stuck) raise_suspect();
    }
    // The wait is over. woken: it ended by a notify (a condition variable's waiter takes
    // one of the woken); took_permit: it took a semaphore's permit.
    void end(bool woken = false, bool took_permit = false) noexcept {
        if (ended_) return;
        ended_ = true;
        registry_guard g;
        slot_.waiting.store(wait_kind::none, std::memory_order_relaxed);
        slot_.timed.store(false, std::memory_order_relaxed);
        w_.waiters.fetch_sub(1, std::memory_order_relaxed);
        const int left = w_.waiters.load(std::memory_order_relaxed);
        int woken_now = w_.woken.load(std::memory_order_relaxed);
        if (woken && woken_now > 0) --woken_now;
        if (woken_now > left) woken_now = left;
        w_.woken.store(woken_now, std::memory_order_relaxed);
        if (took_permit) w_.permits.fetch_sub(1, std::memory_order_relaxed);
    }
    ~waiting_scope() { end(); }
    waiting_scope(const waiting_scope&) = delete;
    waiting_scope& operator=(const waiting_scope&) = delete;

private:
    thread_slot& slot_;
    waitable& w_;
    bool ended_ = false;
};

inline void set_owner(waitable& w, cj::source_location loc) noexcept {
    registry_guard g;
    w.owner_file.store(loc.file_name(), std::memory_order_relaxed);
    w.owner_line.store(loc.line(), std::memory_order_relaxed);
    w.owner_function.store(loc.function_name(), std::memory_order_relaxed);
    w.owner.store(my_slot(), std::memory_order_relaxed);
    w.owner_thread.store(my_identity(), std::memory_order_relaxed);
}
// Before the native unlock: from here on, a thread waiting for it can move.
inline void clear_owner(waitable& w) noexcept {
    registry_guard g;
    w.owner.store(-1, std::memory_order_relaxed);
    w.owner_thread.store(0, std::memory_order_relaxed);
}
// Before the native notify: that many of its waiters can move (notify_all: all of them).
inline void notified(waitable& w, bool all) noexcept {
    registry_guard g;
    const int waiters = w.waiters.load(std::memory_order_relaxed);
    const int woken = w.woken.load(std::memory_order_relaxed);
    w.woken.store(all ? waiters : (woken < waiters ? woken + 1 : waiters), std::memory_order_relaxed);
}
// Before the native sem_post.
inline void released(waitable& w, long update) noexcept {
    registry_guard g;
    w.permits.fetch_add(update, std::memory_order_relaxed);
}
// After a successful try_acquire.
inline void took_permit(waitable& w) noexcept {
    registry_guard g;
    w.permits.fetch_sub(1, std::memory_order_relaxed);
}
}  // namespace detail

// The calling thread only waits for the check's threads to end (join()). Its waits are
// no one's way out, so the detector may judge the others while it waits.
class joining_scope {
public:
    joining_scope() noexcept : w_("join", waitable::unnumbered{}), scope_(wait_kind::join, w_, cj::source_location::current()) {}

private:
    waitable w_;
    detail::waiting_scope scope_;
};

// A helper thread of the checks (a watchdog, a monitor) says it is none of the check's:
// the detector does not wait for it.
inline void count_this_thread_out() noexcept { detail::count_out(::syscall(SYS_gettid)); }
inline void count_this_thread_back_in() noexcept { detail::count_back_in(::syscall(SYS_gettid)); }
// Every thread that exists now but the caller is a helper (the Catch2 main, after it
// started its watchdog: that one and ThreadSanitizer's background thread).
inline void count_other_threads_out() noexcept {
    const long me = ::syscall(SYS_gettid);
    detail::for_each_thread([&](long tid) {
        if (tid != me) detail::count_out(tid);
    });
}

}  // namespace stress

}  // namespace cj
