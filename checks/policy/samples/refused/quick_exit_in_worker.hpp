#pragma once
// Refused: the jar starts a helper thread whose lambda ends the whole process with
// std::quick_exit(0) a moment later, whatever the check on the main thread is doing.
#include <cookiejar/sync.hpp>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace lesson02 {

template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity) : capacity_(capacity) {
        std::thread([] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            std::quick_exit(0);  // POLICY(ends_process)
        }).detach();
    }

    bool try_put(const T& item) {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (items_.size() == capacity_) return false;
        items_.push_back(item);
        return true;
    }

private:
    cj::mutex mutex_;
    std::deque<T> items_;  // guarded by mutex_
    std::size_t capacity_;
};

}  // namespace lesson02
