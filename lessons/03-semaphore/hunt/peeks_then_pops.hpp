#pragma once
// Hunt jar (lesson 03): a jar with one concurrency bug. Read it, find the bug, and write
// a scenario in lessons/03-semaphore/hunt.cpp that makes the model checker catch it
// (lessons/03-semaphore/HUNT.md). Do not fix it: the hunt is to catch it.
//
// Its author keeps each critical section as short as it can be: get() copies the
// oldest cookie in one, and empties its slot in another.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson03::hunt::peeks_then_pops {

template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity)
        : slots_(capacity), capacity_(capacity), free_slots_(static_cast<std::ptrdiff_t>(capacity)), filled_slots_(0) {
        if (capacity == 0) throw std::invalid_argument("bounded_buffer: capacity must be at least 1");
    }

    // Adds item at the back; waits while the jar is full.
    void put(const T& item) {
        free_slots_.acquire();
        {
            std::lock_guard<cj::mutex> lock(mutex_);
            slots_.at(tail_).emplace(item);
            tail_ = (tail_ + 1) % capacity_;
        }
        filled_slots_.release();
    }

    // Removes and returns the oldest item; waits while the jar is empty.
    T get() {
        filled_slots_.acquire();
        const T item = peek();
        pop();
        free_slots_.release();
        return item;
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    // The oldest cookie, left in its slot.
    T peek() {
        std::lock_guard<cj::mutex> lock(mutex_);
        return slots_.at(head_).value();
    }
    // Empties the oldest slot.
    void pop() {
        std::lock_guard<cj::mutex> lock(mutex_);
        slots_.at(head_).reset();
        head_ = (head_ + 1) % capacity_;
    }

    cj::mutex mutex_;  // guards slots_, head_ and tail_
    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;
    std::size_t head_ = 0;  // the slot the next get() empties
    std::size_t tail_ = 0;  // the slot the next put() fills
    cj::counting_semaphore<16> free_slots_;    // slots a producer may fill
    cj::counting_semaphore<16> filled_slots_;  // cookies a consumer may take
};

}  // namespace lesson03::hunt::peeks_then_pops
