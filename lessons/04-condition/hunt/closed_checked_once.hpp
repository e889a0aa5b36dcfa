#pragma once
// Hunt jar (lesson 04): a jar with one concurrency bug. Read it, find the bug, and write
// a scenario in lessons/04-condition/hunt.cpp that makes the model checker catch it
// (lessons/04-condition/HUNT.md). Do not fix it: the hunt is to catch it.
//
// Its author wrote get() as two steps: first the way out for a closed, empty jar, then
// the wait for a cookie, in a loop as it should be.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson04::hunt::closed_checked_once {

template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity) : slots_(capacity), capacity_(capacity) {
        if (capacity == 0) throw std::invalid_argument("bounded_buffer: capacity must be at least 1");
    }

    // Adds item at the back, waiting while the jar is full and open; false once closed.
    bool put(const T& item) {
        std::unique_lock<cj::mutex> lock(mutex_);
        while (count_ == capacity_ && !closed_) not_full_.wait(lock);
        if (closed_) return false;
        slots_.at((head_ + count_) % capacity_).emplace(item);
        ++count_;
        not_empty_.notify_one();
        return true;
    }

    // Removes the oldest item, waiting while the jar is empty; std::nullopt once it is
    // closed and empty.
    std::optional<T> get() {
        std::unique_lock<cj::mutex> lock(mutex_);
        if (closed_ && count_ == 0) return std::nullopt;
        while (count_ == 0) not_empty_.wait(lock);
        std::optional<T> item = std::exchange(slots_.at(head_), std::nullopt);
        head_ = (head_ + 1) % capacity_;
        --count_;
        not_full_.notify_one();
        return item;
    }

    // Closes the jar and wakes every waiting thread.
    void close() {
        std::lock_guard<cj::mutex> lock(mutex_);
        closed_ = true;
        not_full_.notify_all();
        not_empty_.notify_all();
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    cj::mutex mutex_;  // guards slots_, head_, count_ and closed_
    cj::condition_variable not_full_;   // producers wait here while the jar is full and open
    cj::condition_variable not_empty_;  // consumers wait here while the jar is empty
    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;
    std::size_t head_ = 0;   // the oldest cookie's slot
    std::size_t count_ = 0;  // cookies held
    bool closed_ = false;
};

}  // namespace lesson04::hunt::closed_checked_once
