#pragma once
// MUTANT (lock leaked on an early return): try_get locks by hand and returns
// early when the jar is empty, without unlocking. The next caller waits forever.
// Lesson 02 — lock: the cookie jar, safe for many producers and consumers at once.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson02 {

// A bounded FIFO buffer (a ring of `capacity` slots) that any number of threads may
// use at the same time.
//
// Guarantees: every member is linearizable — each call appears to happen at one
// instant between its start and its return, so the jar behaves as if the calls were
// made one at a time. try_put/try_get never block for long: they take the lock,
// look, act, and return.
// Does not promise: fairness (a busy producer may win again and again), or any
// waiting — a caller that wants to wait for room or for a cookie must poll (lesson 03
// and 04 make the jar wait for you).
template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity) : slots_(check_capacity(capacity)), capacity_(capacity) {}

    // Puts a copy of `item` at the back. Returns false, and leaves `item` as it was,
    // when the jar is full.
    bool try_put(const T& item) {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (count_ == capacity_) return false;
        slots_[(head_ + count_) % capacity_] = item;
        ++count_;
        return true;
    }

    // Moves `item` in at the back. Returns false, and does not move from `item`, when full.
    bool try_put(T&& item) {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (count_ == capacity_) return false;
        slots_[(head_ + count_) % capacity_] = std::move(item);
        ++count_;
        return true;
    }

    // Takes the oldest cookie, or std::nullopt when the jar is empty.
    std::optional<T> try_get() {
        mutex_.lock();
        if (count_ == 0) return std::nullopt;
        std::optional<T> item(std::move(slots_[head_]));
        head_ = (head_ + 1) % capacity_;
        --count_;
        mutex_.unlock();
        return item;
    }

    // How many cookies are in the jar at some instant during the call.
    [[nodiscard]] std::size_t size() const {
        std::lock_guard<cj::mutex> lock(mutex_);
        return count_;
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }  // never changes: no lock needed

private:
    static std::size_t check_capacity(std::size_t capacity) {
        if (capacity == 0) throw std::invalid_argument("bounded_buffer: capacity must be at least 1");
        return capacity;
    }

    mutable cj::mutex mutex_;   // guards head_, count_ and the contents of slots_
    std::vector<T> slots_;      // guarded by mutex_; size() == capacity_, fixed after construction
    const std::size_t capacity_;
    std::size_t head_ = 0;      // guarded by mutex_; index of the oldest cookie, head_ < capacity_
    std::size_t count_ = 0;     // guarded by mutex_; cookies in the jar, count_ <= capacity_
};

}  // namespace lesson02
