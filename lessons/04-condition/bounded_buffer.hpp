#pragma once
// Lesson 04: a jar that waits, and that can be closed.
// STARTER: it compiles and looks right, but three bugs are planted. Which checks
// fail, and how to read what they print: lessons/04-condition/README.md.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson04 {

// bounded_buffer<T>: a first-in, first-out queue that holds at most capacity() items,
// that any number of threads may use at the same time, and whose calls wait instead
// of saying "full" or "empty".
//
// Guarantees:
//   - Linearizable, like lesson 02's jar: every call appears to take effect at one
//     instant between its start and its return.
//   - put() waits while the jar is full and open; get() waits while it is empty and
//     open. A waiting thread sleeps (it does not poll), and it is woken whenever what
//     it waits for may have come true: no lost wake-ups.
//   - Shutdown: close() may be called by any thread, any number of times. From then
//     on put() returns false at once and leaves its argument alone (the T&& overload
//     does not move from it). get() still hands out every item that was put before
//     close(), in order, and returns std::nullopt only once the jar is closed AND
//     empty. close() wakes every waiting thread, so nobody sleeps through it.
//
// Does NOT promise:
//   - Fairness: waiting threads are not served in the order they came. A thread that
//     has just arrived may take the place or the item a woken thread wanted; the woken
//     one then waits again.
//   - Timeouts: on an open jar, a put() or get() waits as long as it takes. close()
//     is the only way to end every wait.
//   - Re-opening: once closed, the jar stays closed.
//   - That the jar may be destroyed while a thread is still inside one of its calls:
//     join (or otherwise wait for) every user first.
template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity)
        : slots_(checked_capacity(capacity)), capacity_(capacity) {}

    // Adds a copy of item at the back, waiting while the jar is full and open.
    // False once the jar is closed: then nothing changes.
    bool put(const T& item) { return put_one(item); }

    // Moves item in at the back, waiting while the jar is full and open. False once
    // the jar is closed: then item is not moved from.
    bool put(T&& item) { return put_one(std::move(item)); }

    // Removes and returns the oldest item, waiting while the jar is empty and open.
    // std::nullopt only once the jar is closed and every item has been taken.
    std::optional<T> get() {
        std::unique_lock<cj::mutex> lock(mutex_);
        if (count_ == 0 && !closed_) {
            changed_.wait(lock);
        }
        if (count_ == 0) {
            return std::nullopt;  // closed, and nothing left
        }
        std::optional<T> item = std::exchange(slots_.at(head_), std::nullopt);
        head_ = (head_ + 1) % capacity_;
        --count_;
        changed_.notify_one();
        return item;
    }

    // Closes the jar for good and wakes every thread that waits in put() or get().
    // Calling it again does nothing more.
    void close() {
        std::lock_guard<cj::mutex> lock(mutex_);
        closed_ = true;
        changed_.notify_one();
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }  // fixed: no lock needed

private:
    static std::size_t checked_capacity(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument(
                "bounded_buffer: capacity must be at least 1 (a jar that holds 0 cookies "
                "can never accept one)");
        }
        return capacity;
    }

    // Both put() overloads: U is const T& or T. item is forwarded only when it goes
    // in, so a refused item is left exactly as the caller gave it.
    template <class U>
    bool put_one(U&& item) {
        std::unique_lock<cj::mutex> lock(mutex_);
        while (count_ == capacity_ && !closed_) {
            changed_.wait(lock);
        }
        if (closed_) {
            return false;
        }
        slots_.at(tail()).emplace(std::forward<U>(item));
        ++count_;
        changed_.notify_one();
        return true;
    }

    // The slot the next put fills. Requires: mutex_ is held by the caller.
    [[nodiscard]] std::size_t tail() const { return (head_ + count_) % capacity_; }

    cj::mutex mutex_;  // guards slots_, head_, count_ and closed_; a wait gives it up while asleep
    // Waiting and waking:
    cj::condition_variable changed_;  // put() waits here while full and open, get() while empty and open
    // Guarded by mutex_. Slot i holds an item exactly when it lies in the count_ slots
    // from head_ on (wrapping); every other slot is std::nullopt. slots_.size() == capacity_.
    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;  // > 0, fixed at construction: read without the lock
    std::size_t head_ = 0;        // guarded by mutex_; index of the oldest item; head_ < capacity_
    std::size_t count_ = 0;       // guarded by mutex_; number of items held; count_ <= capacity_
    bool closed_ = false;         // guarded by mutex_; set once by close(), never cleared
};

}  // namespace lesson04
