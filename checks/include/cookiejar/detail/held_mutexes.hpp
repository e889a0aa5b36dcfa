#pragma once
// Which mutexes the calling thread holds right now, by the address of the native mutex
// inside each cj::mutex: kept by the stress backend (detail/sync_stress.hpp), read by
// ThreadSanitizer's report callback (checks/common/tsan_report.cpp).
//
// Why: a data race report names every mutex either access held, but ThreadSanitizer's
// report API does not say which access held which. The report is made on the thread of
// the current access (the report's first access), so that thread's own set, read in the
// callback, splits the report's list: what this thread holds is the current access's,
// the rest is the earlier access's (the two sets are disjoint for exclusive mutexes,
// or the accesses would be ordered and there would be no race).
//
// Guarantees:
//   * Per-thread storage only, written and read by its own thread: no atomic, no lock,
//     no happens-before edge between threads, so it cannot hide a data race (the same
//     guarantee as detail/stress_registry.hpp).
//   * Constant-initialised and trivially destructible: reading it allocates nothing and
//     runs no initialiser, so ThreadSanitizer's callback may read it with the runtime's
//     locks held.
//   * Bounded: at most `capacity` addresses; past that the set says it is incomplete
//     (holds() answers "unknown") instead of guessing.
// Not promised: mutexes locked other than through cj::mutex (a std::mutex of the
// harness) are not in the set; the course's code locks only cj::mutex.
//
// This header defines no cj:: primitive, so any translation unit may include it.

namespace cj::stress::held {

inline constexpr int capacity = 16;

struct mutex_set {
    const void* mutexes[capacity];  // the first min(count, capacity) are the held ones
    int count;                      // how many the thread holds; > capacity: not all recorded
};

inline thread_local mutex_set mine{};

// The calling thread now holds `native`.
inline void locked(const void* native) noexcept {
    if (mine.count < capacity) mine.mutexes[mine.count] = native;
    ++mine.count;
}

// The calling thread no longer holds `native` (unlocked, or released by a condition
// variable's wait).
inline void unlocked(const void* native) noexcept {
    const int recorded = mine.count < capacity ? mine.count : capacity;
    for (int i = recorded - 1; i >= 0; --i) {
        if (mine.mutexes[i] == native) {
            for (int j = i; j + 1 < recorded; ++j) mine.mutexes[j] = mine.mutexes[j + 1];
            --mine.count;
            return;
        }
    }
    if (mine.count > capacity) --mine.count;  // one of those past the capacity
}

enum class answer { no, yes, unknown };

// Does the calling thread hold `native`?
[[nodiscard]] inline answer holds(const void* native) noexcept {
    const int recorded = mine.count < capacity ? mine.count : capacity;
    for (int i = 0; i < recorded; ++i)
        if (mine.mutexes[i] == native) return answer::yes;
    return mine.count > capacity ? answer::unknown : answer::no;
}

}  // namespace cj::stress::held
