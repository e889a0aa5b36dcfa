#pragma once
// Lesson 03: a jar that waits. put() waits for room, get() waits for a cookie.
// STARTER: it compiles and looks right, but three bugs are planted: one in the
// constructor and two in get(). The tasks are in lessons/03-semaphore/README.md.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lesson03 {

// bounded_buffer<T>: a first-in, first-out queue that holds at most capacity() items
// and that any number of threads may use at the same time.
//
// Guarantees:
//   - put() waits while the jar is full, get() waits while it is empty; neither
//     ever fails for want of room or of a cookie.
//   - Linearizable: every call appears to take effect at one instant between its
//     start and its return, so the jar behaves as if the calls came one at a time
//     (FIFO, never more than capacity() items), where a call that would have to
//     wait simply comes later.
//   - If copying or moving the item into the jar throws, put() passes the exception
//     on and the jar is as it was.
//
// Does NOT promise:
//   - A way to stop waiting: a put() on a jar nobody empties, or a get() on a jar
//     nobody fills, waits forever. Lesson 04 adds close().
//   - Fairness: which waiting producer (or consumer) goes first is up to the
//     semaphore.
//
// Requires: T's move constructor does not throw (get() moves the item out).
template <class T>
class bounded_buffer {
public:
    // The largest capacity a jar can have: the semaphores count up to it.
    static constexpr std::size_t max_capacity = std::size_t{1} << 20;

    explicit bounded_buffer(std::size_t capacity)
        : slots_(checked_capacity(capacity)),
          capacity_(capacity),
          free_slots_(static_cast<std::ptrdiff_t>(capacity)),    // every slot is free at the start
          filled_slots_(static_cast<std::ptrdiff_t>(capacity)) {}

    // Adds a copy of item at the back; waits while the jar is full.
    void put(const T& item) { put_in(item); }

    // Moves item in at the back; waits while the jar is full.
    void put(T&& item) { put_in(std::move(item)); }

    // Removes and returns the oldest item; waits while the jar is empty.
    T get() {
        std::optional<T> item;
        {
            std::lock_guard<cj::mutex> lock(mutex_);  // one consumer at a time at head_
            filled_slots_.acquire();                  // wait for a cookie
            // A filled slot holds a cookie; value() below throws if it ever does not.
            item = std::exchange(slots_.at(head_), std::nullopt);
            head_ = (head_ + 1) % capacity_;
        }
        filled_slots_.release();
        return std::move(item).value();
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }  // fixed: no lock needed

private:
    using slot_count = cj::counting_semaphore<static_cast<std::ptrdiff_t>(max_capacity)>;

    // put() for both overloads: U is const T& or T.
    template <class U>
    void put_in(U&& item) {
        free_slots_.acquire();  // wait for room
        try {
            std::lock_guard<cj::mutex> lock(mutex_);  // one producer at a time at tail_
            slots_.at(tail_).emplace(std::forward<U>(item));
            tail_ = (tail_ + 1) % capacity_;
        } catch (...) {
            free_slots_.release();  // nothing went in: the slot is still free
            throw;
        }
        filled_slots_.release();  // only now is there a cookie to take
    }

    static std::size_t checked_capacity(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument(
                "bounded_buffer: capacity must be at least 1 (a jar that holds 0 cookies "
                "can never accept one)");
        }
        if (capacity > max_capacity) {
            throw std::invalid_argument("bounded_buffer: capacity " + std::to_string(capacity) +
                                        " is more than max_capacity (" + std::to_string(max_capacity) +
                                        "), the most its semaphores can count");
        }
        return capacity;
    }

    cj::mutex mutex_;  // guards slots_, head_ and tail_
    // Guarded by mutex_. The cookies sit in the slots from head_ up to, not including,
    // tail_, wrapping around (head_ == tail_ when the jar is empty and when it is full:
    // the semaphores tell which); every other slot is std::nullopt. slots_.size() == capacity_.
    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;  // 1 <= capacity_ <= max_capacity, fixed: read without the lock
    std::size_t head_ = 0;        // guarded by mutex_; the slot the next get() empties
    std::size_t tail_ = 0;        // guarded by mutex_; the slot the next put() fills
    // Counted by the semaphores, not guarded by mutex_:
    //   free_slots_ + filled_slots_ + (puts and gets between their acquire and release) == capacity_
    slot_count free_slots_;    // slots a producer may fill: put() acquires one, get() releases one
    slot_count filled_slots_;  // cookies a consumer may take: get() acquires one, put() releases one
};

}  // namespace lesson03
