#pragma once
// The stress backend's bookkeeping: schedule noise, and a registry of which thread
// waits on which cj:: object from which line, and who holds each mutex. Read by the
// watchdogs to print a wait-for picture instead of "timeout".
//
// Guarantee: only relaxed atomics and thread-local state. The registry adds no
// happens-before edge between threads, so it cannot hide a data race from
// ThreadSanitizer (a shared lock here would make TSan blind to races in the
// student's code).
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

#include <cookiejar/source_location.hpp>

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

enum class wait_kind : unsigned { none, lock, condition, semaphore };

// Something a thread can wait on. Every cj:: object has one; ids are small numbers
// in creation order, so a report can say "mutex #1".
struct waitable {
    const char* kind;                             // "mutex", "condition variable", "semaphore"
    unsigned id;
    std::atomic<int> owner{-1};                   // mutex only: slot of the holder, -1 if free
    std::atomic<unsigned long long> owner_thread{0};  // mutex only: identity of the holder, 0 if free
    std::atomic<const char*> owner_file{nullptr}; // where the holder locked it
    std::atomic<unsigned> owner_line{0};
    std::atomic<const char*> owner_function{nullptr};

    explicit waitable(const char* k) noexcept;
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

inline int my_slot() noexcept {
    const unsigned gen = registry_generation.load(std::memory_order_relaxed);
    if (self.generation != gen || self.slot < 0) {
        const int s = slot_count.fetch_add(1, std::memory_order_relaxed);
        self.generation = gen;
        self.slot = s < max_threads ? s : max_threads - 1;
        self.rng = noise_seed.load(std::memory_order_relaxed) * 0x100000001B3ULL + static_cast<std::uint64_t>(s) + 1;
    }
    return self.slot;
}
}  // namespace detail

namespace detail {
inline std::atomic<unsigned> object_count{0};  // numbers objects 1, 2, ... since the last reset
}  // namespace detail

inline waitable::waitable(const char* k) noexcept
    : kind(k), id(detail::object_count.fetch_add(1, std::memory_order_relaxed) + 1) {}

// Forget every thread slot, and number new objects from 1 again (each test case, each
// stress run). Call only while no other thread uses cj:: primitives.
inline void reset_registry() noexcept {
    for (auto& s : detail::slots) {
        s.name.store(nullptr, std::memory_order_relaxed);
        s.finished.store(false, std::memory_order_relaxed);
        s.waiting.store(wait_kind::none, std::memory_order_relaxed);
        s.on.store(nullptr, std::memory_order_relaxed);
        s.calls.store(0, std::memory_order_relaxed);
        s.os_thread.store(0, std::memory_order_relaxed);
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
inline void mark_this_thread_finished() noexcept {
    detail::slots[detail::my_slot()].finished.store(true, std::memory_order_relaxed);
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
// Marks the calling thread as blocked on `w` for its lifetime.
class waiting_scope {
public:
    waiting_scope(wait_kind k, const waitable& w, cj::source_location loc) noexcept
        : slot_(slots[my_slot()]) {
        slot_.on.store(&w, std::memory_order_relaxed);
        slot_.file.store(loc.file_name(), std::memory_order_relaxed);
        slot_.line.store(loc.line(), std::memory_order_relaxed);
        slot_.function.store(loc.function_name(), std::memory_order_relaxed);
        slot_.waiting.store(k, std::memory_order_relaxed);
    }
    ~waiting_scope() { slot_.waiting.store(wait_kind::none, std::memory_order_relaxed); }
    waiting_scope(const waiting_scope&) = delete;
    waiting_scope& operator=(const waiting_scope&) = delete;

private:
    thread_slot& slot_;
};

inline void set_owner(waitable& w, cj::source_location loc) noexcept {
    w.owner_file.store(loc.file_name(), std::memory_order_relaxed);
    w.owner_line.store(loc.line(), std::memory_order_relaxed);
    w.owner_function.store(loc.function_name(), std::memory_order_relaxed);
    w.owner.store(my_slot(), std::memory_order_relaxed);
    w.owner_thread.store(my_identity(), std::memory_order_relaxed);
}
inline void clear_owner(waitable& w) noexcept {
    w.owner.store(-1, std::memory_order_relaxed);
    w.owner_thread.store(0, std::memory_order_relaxed);
}
}  // namespace detail

}  // namespace stress

}  // namespace cj
