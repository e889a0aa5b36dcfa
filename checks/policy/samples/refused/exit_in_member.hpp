#pragma once
// Refused: lesson 02's jar, except that a full jar ends the check's process with
// std::_Exit(0). The check that was about to fail (a full jar must refuse a cookie)
// would end with exit status 0 instead, which a shell reads as success.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace lesson02 {

template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity) : slots_(capacity), capacity_(capacity) {}

    bool try_put(const T& item) {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (count_ == capacity_) {
            std::_Exit(0);  // POLICY(ends_process)
        }
        slots_.at((head_ + count_) % capacity_).emplace(item);
        ++count_;
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
    mutable cj::mutex mutex_;
    std::vector<std::optional<T>> slots_;  // guarded by mutex_
    const std::size_t capacity_;
    std::size_t head_ = 0;   // guarded by mutex_
    std::size_t count_ = 0;  // guarded by mutex_
};

}  // namespace lesson02
