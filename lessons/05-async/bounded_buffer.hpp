#pragma once
// Lesson 05: a jar on an event loop.
// STARTER: it compiles and looks right, but four bugs are planted. Which checks
// fail, and how to read what they print: lessons/05-async/README.md.
#include <cookiejar/async.hpp>

#include <coroutine>
#include <cstddef>
#include <deque>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lesson05 {

// bounded_buffer<T>: a first-in, first-out queue that holds at most capacity() items,
// for tasks on one cj::event_loop. `co_await put(x)` waits while the jar is full;
// `co_await get()` waits while it is empty.
//
// Guarantees:
//   - Linearizable on the loop: each call appears to take effect at one instant
//     between its start and its end (there is no other thread; what can come between
//     is another task's step, at a co_await).
//   - A waiting task is parked (it does not poll) and handed back to the loop
//     whenever what it waits for may have come true: no lost wake-ups.
//   - A parked task is always resumed by the loop (cj::call_soon), in a step of its
//     own, never from inside another task's call.
//
// Who may call what: only tasks running on the loop, and only from the loop's thread
// (another thread hands work over with event_loop::post).
//
// Does NOT promise:
//   - Fairness: a task that arrives while a woken one is still in the ready queue may
//     take the place or the item first; the woken one then waits again.
//   - Cancellation or close(): a put() or get() waits as long as it takes.
//   - That the jar may be destroyed while a task still waits in it.
template <class T>
class bounded_buffer {
public:
    explicit bounded_buffer(std::size_t capacity)
        : slots_(checked_capacity(capacity)), capacity_(capacity) {}

    // co_await put(item): adds item at the back, waiting while the jar is full.
    cj::task<void> put(T item) {
        while (count_ == capacity_) {  // look again after every resumption
            co_await cj::suspend_into(putters_);
        }
        co_await cj::yield();  // be polite: let the others have a turn before we fill the place
        slots_.at(tail()).emplace(std::move(item));
        ++count_;
        // count_ <= capacity_: the loop above found a free place
    }

    // co_await get(): removes and returns the oldest item, waiting while the jar is empty.
    cj::task<T> get() {
        if (count_ == 0) {  // nothing to take yet: wait
            co_await cj::suspend_into(getters_);
        }
        T item = std::move(slots_.at(head_).value());
        slots_.at(head_).reset();
        head_ = (head_ + 1) % capacity_;
        --count_;
        wake_first(putters_);  // a place came free; a waiting producer may use it
        co_return item;
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }
    [[nodiscard]] std::size_t size() const { return count_; }

private:
    static std::size_t checked_capacity(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument(
                "bounded_buffer: capacity must be at least 1 (a jar that holds 0 cookies "
                "can never accept one)");
        }
        return capacity;
    }

    // Hands the longest-waiting coroutine of `waiters` back to the loop, if there is one.
    // `from` is the caller's line (in put() or get()): reports show the wake-up there.
    static void wake_first(std::deque<std::coroutine_handle<>>& waiters,
                           [[maybe_unused]] cj::source_location from = cj::source_location::current()) {
        if (waiters.empty()) return;
        const std::coroutine_handle<> next = waiters.front();
        waiters.pop_front();
        next.resume();
    }

    // The slot the next put fills.
    [[nodiscard]] std::size_t tail() const { return (head_ + count_) % capacity_; }

    // Touched only between two co_awaits of a task on the loop: no lock is needed.
    // Slot i holds an item exactly when it lies in the count_ slots from head_ on
    // (wrapping); every other slot is std::nullopt. slots_.size() == capacity_.
    std::vector<std::optional<T>> slots_;
    const std::size_t capacity_;  // > 0, fixed at construction
    std::size_t head_ = 0;        // index of the oldest item; head_ < capacity_
    std::size_t count_ = 0;       // number of items held; count_ <= capacity_
    std::deque<std::coroutine_handle<>> putters_;  // parked in put(): each waits for count_ < capacity_
    std::deque<std::coroutine_handle<>> getters_;  // parked in get(): each waits for count_ > 0
};

}  // namespace lesson05
