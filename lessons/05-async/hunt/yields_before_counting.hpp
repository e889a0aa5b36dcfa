#pragma once
// Hunt jar (lesson 05): a jar with one bug. Read it, find the bug, and write a scenario
// in lessons/05-async/hunt.cpp that makes the schedule explorer catch it
// (lessons/05-async/HUNT.md). Do not fix it: the hunt is to catch it.
//
// Its author is polite: as soon as the cookie is in its slot, put() lets the other
// tasks run, and only then counts it and wakes a consumer.
#include <cookiejar/async.hpp>

#include <coroutine>
#include <cstddef>
#include <deque>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson05::hunt::yields_before_counting {

template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity) : slots_(capacity), capacity_(capacity) {
        if (capacity == 0) throw std::invalid_argument("bounded_buffer: capacity must be at least 1");
    }

    // co_await put(item): adds item at the back, waiting while the jar is full.
    cj::task<void> put(T item) {
        while (count_ == capacity_) co_await cj::suspend_into(putters_);
        slots_.at((head_ + count_) % capacity_).emplace(std::move(item));
        co_await cj::yield();  // the cookie is in: let the others run
        ++count_;
        wake_first(getters_);
    }

    // co_await get(): removes and returns the oldest item, waiting while the jar is empty.
    cj::task<T> get() {
        while (count_ == 0) co_await cj::suspend_into(getters_);
        T item = std::move(slots_.at(head_).value());
        slots_.at(head_).reset();
        head_ = (head_ + 1) % capacity_;
        --count_;
        wake_first(putters_);
        co_return item;
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }
    [[nodiscard]] std::size_t size() const { return count_; }

private:
    static void wake_first(std::deque<std::coroutine_handle<>>& waiters,
                           cj::source_location from = cj::source_location::current()) {
        if (waiters.empty()) return;
        const std::coroutine_handle<> next = waiters.front();
        waiters.pop_front();
        cj::call_soon(next, from);
    }

    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;
    std::size_t head_ = 0;   // the oldest cookie's slot
    std::size_t count_ = 0;  // cookies held
    std::deque<std::coroutine_handle<>> putters_;  // parked in put()
    std::deque<std::coroutine_handle<>> getters_;  // parked in get()
};

}  // namespace lesson05::hunt::yields_before_counting
