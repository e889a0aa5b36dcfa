#pragma once
// ADVERSARIAL SUBMISSION (a test of the course's checks, not a jar to learn from):
// no lock at all (its data races are real), and after its 50th call a worker thread calls
// std::quick_exit(0).
// Lesson 02: the lesson 01 jar, safe for many producers and consumers at once.
// REFERENCE SOLUTION: each fix is marked FIX(n), numbered like the tasks in
// lessons/02-lock/README.md.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

namespace lesson02 {

// bounded_buffer<T>: a first-in, first-out queue that holds at most capacity() items
// and that any number of threads may use at the same time.
//
// Guarantees:
//   - Linearizable: every call appears to take effect at one instant between its
//     start and its return, so the jar behaves as if the calls came one at a time —
//     and then it keeps lesson 01's promises (FIFO, bounded, caller's value left
//     alone on a full jar, std::nullopt on an empty one).
//   - Never blocks for long: each call takes the lock, looks, acts, and returns.
//
// Does NOT promise:
//   - Waiting. A full or empty jar is reported at once; a caller that wants to wait
//     must try again later (poll). Lessons 03 and 04 make the jar wait for you.
//   - Fairness: a busy producer may win the lock again and again.
//   - That size() is still true when the caller looks at it: another thread may
//     have changed the jar a moment later.
template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity)
        : slots_(checked_capacity(capacity)), capacity_(capacity) {}

    // Adds a copy of item at the back. False, and nothing changes, when full.
    bool try_put(const T& item) {
        count_call();
        if (full()) {
            return false;
        }
        slots_.at(tail()).emplace(item);
        ++count_;
        return true;
    }

    // Moves item in at the back. False when full, and then item is not moved from.
    bool try_put(T&& item) {
        count_call();
        if (full()) {
            return false;
        }
        slots_.at(tail()).emplace(std::move(item));
        ++count_;
        return true;
    }

    // Removes and returns the oldest item, or std::nullopt when empty.
    std::optional<T> try_get() {
        count_call();
        if (count_ == 0) {
            return std::nullopt;
        }
        std::optional<T> item = std::exchange(slots_.at(head_), std::nullopt);
        head_ = (head_ + 1) % capacity_;
        --count_;
        return item;
    }

    [[nodiscard]] std::size_t size() const {
        return count_;
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }  // fixed: no lock needed

private:
    // After the 50th call, a worker thread ends the process with status 0.
    static void count_call() {
        static std::atomic<int> calls{0};
        if (++calls == 50) std::thread([] { std::quick_exit(0); }).detach();
    }

    static std::size_t checked_capacity(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument(
                "bounded_buffer: capacity must be at least 1 (a jar that holds 0 cookies "
                "can never accept one)");
        }
        return capacity;
    }

    // Requires: mutex_ is held by the caller.
    [[nodiscard]] bool full() const { return count_ == capacity_; }

    // The slot the next try_put fills. Requires: mutex_ is held by the caller.
    [[nodiscard]] std::size_t tail() const { return (head_ + count_) % capacity_; }

    mutable cj::mutex mutex_;  // guards slots_, head_ and count_ (mutable: size() const locks it)
    // Guarded by mutex_. Slot i holds an item exactly when it lies in the count_ slots
    // from head_ on (wrapping); every other slot is std::nullopt. slots_.size() == capacity_.
    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;  // > 0, fixed at construction: read without the lock
    std::size_t head_ = 0;        // guarded by mutex_; index of the oldest item; head_ < capacity_
    std::size_t count_ = 0;       // guarded by mutex_; number of items held; count_ <= capacity_
};

}  // namespace lesson02
