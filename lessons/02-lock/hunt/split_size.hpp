#pragma once
// Hunt jar (lesson 02): a jar with one concurrency bug. Read it, find the bug, and write
// the scenario in lessons/02-lock/hunt.cpp that makes the model checker catch it
// (lessons/02-lock/HUNT.md). Do not fix it: the hunt is to catch it.
//
// Its author counts the cookies ever put and ever taken, and size() is their difference.
// Every read of a counter is under the lock.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson02::hunt::split_size {

template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity) : slots_(capacity), capacity_(capacity) {
        if (capacity == 0) throw std::invalid_argument("bounded_buffer: capacity must be at least 1");
    }

    bool try_put(const T& item) {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (puts_ - gets_ == capacity_) return false;
        slots_.at(puts_ % capacity_).emplace(item);
        ++puts_;
        return true;
    }

    std::optional<T> try_get() {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (puts_ == gets_) return std::nullopt;
        std::optional<T> item = std::exchange(slots_.at(gets_ % capacity_), std::nullopt);
        ++gets_;
        return item;
    }

    [[nodiscard]] std::size_t size() const {
        const std::size_t taken = read(gets_);
        const std::size_t put = read(puts_);
        return put - taken;
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    // One counter, read under the lock.
    std::size_t read(const std::size_t& counter) const {
        std::lock_guard<cj::mutex> lock(mutex_);
        return counter;
    }

    mutable cj::mutex mutex_;  // guards slots_, puts_ and gets_
    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;
    std::size_t puts_ = 0;  // cookies ever put; puts_ - gets_ <= capacity_
    std::size_t gets_ = 0;  // cookies ever taken
};

}  // namespace lesson02::hunt::split_size
