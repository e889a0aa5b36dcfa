#pragma once
// Kept: assert stays allowed. A failed assert aborts, which the checks report as a
// crash; it never makes a check pass.
#include <cookiejar/sync.hpp>

#include <cassert>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace lesson02 {

template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity) : capacity_(capacity) { assert(capacity > 0); }

    std::optional<T> try_get() {
        std::lock_guard<cj::mutex> lock(mutex_);
        assert(items_.size() <= capacity_);
        if (items_.empty()) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        return item;
    }

private:
    cj::mutex mutex_;
    std::deque<T> items_;  // guarded by mutex_; items_.size() <= capacity_
    std::size_t capacity_;
};

}  // namespace lesson02
