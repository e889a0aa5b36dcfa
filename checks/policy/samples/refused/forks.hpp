#pragma once
// Refused: try_put forks. The child runs the rest of the check and the parent, which the
// runner watches, can report whatever it likes.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <deque>
#include <mutex>

namespace lesson02 {

template <class T>
class bounded_buffer {
public:
    bool try_put(const T& item) {
        if (::fork() != 0) return true;  // POLICY(starts_process)
        std::lock_guard<cj::mutex> lock(mutex_);
        items_.push_back(item);
        return true;
    }

private:
    cj::mutex mutex_;
    std::deque<T> items_;  // guarded by mutex_
};

}  // namespace lesson02
