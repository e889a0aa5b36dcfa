#pragma once
// Hunt jar (lesson 03): a jar with one concurrency bug. Read it, find the bug, and write
// a scenario in lessons/03-semaphore/hunt.cpp that makes the model checker catch it
// (lessons/03-semaphore/HUNT.md). Do not fix it: the hunt is to catch it.
//
// Its author wanted producers to wait as little as possible, so get() gives its slot
// back as soon as it knows it will take a cookie.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson03::hunt::frees_before_taking {

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
        free_slots_.release();  // a cookie is ours: its slot can be given back already
        std::optional<T> item;
        {
            std::lock_guard<cj::mutex> lock(mutex_);
            item = std::exchange(slots_.at(head_), std::nullopt);
            head_ = (head_ + 1) % capacity_;
        }
        return std::move(item).value();
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    cj::mutex mutex_;  // guards slots_, head_ and tail_
    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;
    std::size_t head_ = 0;  // the slot the next get() empties
    std::size_t tail_ = 0;  // the slot the next put() fills
    cj::counting_semaphore<16> free_slots_;    // slots a producer may fill
    cj::counting_semaphore<16> filled_slots_;  // cookies a consumer may take
};

}  // namespace lesson03::hunt::frees_before_taking
