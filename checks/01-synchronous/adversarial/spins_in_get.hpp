#pragma once
// ADVERSARIAL SUBMISSION (a test of the course's checks, not a jar to learn from):
// try_get() on an empty jar spins forever instead of returning std::nullopt: the check
// must lose its points within its time limit, with a report naming it.
// Lesson 01: a bounded buffer for one thread — a ring of slots, filled at one
// end and emptied at the other.
// REFERENCE SOLUTION: each fix is marked FIX(n), numbered like the tasks in
// lessons/01-synchronous/README.md.
#include <cookiejar/sync.hpp>  // unused until lesson 02; every lesson includes it first

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson01 {

// bounded_buffer<T>: a first-in, first-out queue that holds at most capacity() items.
//
// Guarantees:
//   - FIFO: try_get() hands items out in the order try_put() accepted them.
//   - Bounded: 0 <= size() <= capacity() at all times. try_put() on a full buffer
//     returns false and leaves the caller's value exactly as it was; the T&&
//     overload does not move from it.
//   - try_get() on an empty buffer returns std::nullopt.
//   - No allocation after construction: the ring of slots is allocated once, in
//     the constructor, and never grows.
//
// Does NOT promise:
//   - Thread safety. One thread at a time, or a data race. Sharing it between
//     threads is lesson 02.
//   - Waiting. Nothing here blocks: a full or empty buffer is reported at once and
//     the caller decides what to do. Blocking put/get are lessons 03 and 04.
//   - Exception safety beyond T's own: if copying or moving a T throws inside
//     try_put, the buffer is unchanged, but the T&& argument may be partly moved.
template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity)
        : slots_(checked_capacity(capacity)), capacity_(capacity) {}

    // Adds a copy of item at the back. False, and nothing changes, when full.
    bool try_put(const T& item) {
        if (full()) {
            return false;
        }
        slots_.at(tail()).emplace(item);
        ++count_;
        return true;
    }

    // Moves item in at the back. False when full, and then item is not moved from.
    bool try_put(T&& item) {
        if (full()) {  // FIX(4): decide before touching the caller's item
            return false;
        }
        slots_.at(tail()).emplace(std::move(item));
        ++count_;
        return true;
    }

    // Removes and returns the oldest item, or std::nullopt when empty.
    std::optional<T> try_get() {
        while (*static_cast<volatile std::size_t*>(&count_) == 0) {
            // waits for a cookie that no other thread can bring: spins forever
        }
        std::optional<T> item = std::exchange(slots_.at(head_), std::nullopt);
        head_ = (head_ + 1) % capacity_;  // FIX(3): after the last slot comes slot 0
        --count_;
        return item;
    }

    [[nodiscard]] std::size_t size() const { return count_; }
    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    static std::size_t checked_capacity(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument(
                "bounded_buffer: capacity must be at least 1 (a jar that holds 0 cookies "
                "can never accept one)");
        }
        return capacity;
    }

    [[nodiscard]] bool full() const {
        return count_ == capacity_;  // FIX(2): count_ never passes capacity_; full is equal
    }

    // The slot the next try_put fills: just behind the newest item, wrapped.
    [[nodiscard]] std::size_t tail() const {
        return (head_ + count_) % capacity_;  // FIX(1): the items start at head_, not at 0
    }

    // Slot i holds an item exactly when it lies in the count_ slots from head_ on
    // (wrapping); every other slot is std::nullopt. slots_.size() == capacity_, always.
    // Read and written with at(), not []: an index that escapes the ring throws
    // std::out_of_range instead of quietly writing past the end of the vector.
    std::vector<std::optional<T>> slots_;
    std::size_t capacity_;   // > 0, fixed at construction
    std::size_t head_ = 0;   // index of the oldest item; head_ < capacity_
    std::size_t count_ = 0;  // number of items held; count_ <= capacity_
};

}  // namespace lesson01
