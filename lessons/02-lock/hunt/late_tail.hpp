#pragma once
// Hunt jar (lesson 02): a jar with one concurrency bug. Read it, find the bug, and write
// the scenario in lessons/02-lock/hunt.cpp that makes the model checker catch it
// (lessons/02-lock/HUNT.md). Do not fix it: the hunt is to catch it.
//
// Its author keeps a tail_ index of the slot the next cookie goes into, and reads and
// writes it only under the lock.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson02::hunt::late_tail {

template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity) : slots_(capacity), capacity_(capacity) {
        if (capacity == 0) throw std::invalid_argument("bounded_buffer: capacity must be at least 1");
    }

    bool try_put(const T& item) {
        std::size_t slot = 0;
        {
            std::lock_guard<cj::mutex> lock(mutex_);
            if (count_ == capacity_) return false;
            slot = tail_;
            slots_.at(slot).emplace(item);
            ++count_;
        }
        advance_tail(slot);
        return true;
    }

    std::optional<T> try_get() {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (count_ == 0) return std::nullopt;
        std::optional<T> item = std::exchange(slots_.at(head_), std::nullopt);
        head_ = (head_ + 1) % capacity_;
        --count_;
        return item;
    }

    [[nodiscard]] std::size_t size() const {
        std::lock_guard<cj::mutex> lock(mutex_);
        return count_;
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    // The next cookie goes into the slot after `slot`.
    void advance_tail(std::size_t slot) {
        std::lock_guard<cj::mutex> lock(mutex_);
        tail_ = (slot + 1) % capacity_;
    }

    mutable cj::mutex mutex_;  // guards slots_, head_, tail_ and count_
    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;
    std::size_t head_ = 0;   // the slot the next try_get empties
    std::size_t tail_ = 0;   // the slot the next try_put fills
    std::size_t count_ = 0;  // cookies held
};

}  // namespace lesson02::hunt::late_tail
