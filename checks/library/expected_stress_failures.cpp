// Test cases that must END THE PROCESS in one exact way, under ThreadSanitizer and the
// stress harness. They are hidden ([.]) and run one at a time by expect-failure.cmake
// (see CMakeLists.txt), which checks the exit code and the report's text.
//
// MARK(...) comments tag the lines a report must name; the driver finds them by text.
#include <cookiejar/stress_check.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <cookiejar/catch.hpp>

namespace {

using cj::stress::cookie;

// A locked ring buffer with two switchable bugs.
template <bool UnlockedSize, bool LeaksLockWhenEmpty>
class ring {
public:
    explicit ring(std::size_t capacity) : slots_(capacity), capacity_(capacity) {}

    bool try_put(const cookie& c) {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (count_ == capacity_) return false;
        slots_[(head_ + count_) % capacity_] = c;
        ++count_;
        put_once_.store(true, std::memory_order_relaxed);
        return true;
    }

    std::optional<cookie> try_get() {
        mutex_.lock();  // MARK(leaked lock)
        if (count_ == 0) {
            if (!LeaksLockWhenEmpty) mutex_.unlock();
            return std::nullopt;  // with the bug: returns still holding the lock
        }
        const cookie c = slots_[head_];
        head_ = (head_ + 1) % capacity_;
        --count_;
        mutex_.unlock();
        return c;
    }

    [[nodiscard]] std::size_t size() const {
        if (UnlockedSize) {
            // The first read comes after a put's write (a relaxed flag: no order), so
            // ThreadSanitizer reports the race at this read, not at a later write.
            while (!put_once_.load(std::memory_order_relaxed)) std::this_thread::yield();
            return count_;  // MARK(unlocked read): a data race with every put and get
        }
        std::lock_guard<cj::mutex> lock(mutex_);
        return count_;
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    mutable cj::mutex mutex_;
    std::vector<cookie> slots_;
    const std::size_t capacity_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    std::atomic<bool> put_once_{false};  // a put has written count_
};

// Polling producers and consumers, like lesson 02's.
using cj::stress::polling;

// Consumers that give up at their first empty look: the one that leaked the lock
// returns (and its thread finishes) instead of locking the mutex again.
struct first_empty_ends : polling {
    template <class Jar>
    static void consume(Jar& j, cj::stress::run_context& ctx) {
        for (;;) {
            ctx.taking();
            if (auto c = j.try_get()) {
                ctx.took(*c);
                continue;
            }
            ctx.took_nothing();
            return;
        }
    }
};

template <class Jar, class Ops = polling>
void stress_run() {
    cj::stress::config c;
    c.producers = 2;
    c.consumers = 2;
    c.observers = 1;
    c.cookies_per_producer = 2000;
    c.capacity = 2;
    const std::string name = cj::testing::current_test_name();
    const auto outcome = cj::stress::run<Jar, Ops>(c, name.c_str());
    // Reached only if neither ThreadSanitizer nor the watchdog ended the process.
    INFO(outcome.report());
    FAIL("the run was expected to be ended by ThreadSanitizer or by the watchdog");
}

}  // namespace

// Expected: exit 66 and a ThreadSanitizer data race report naming the unlocked read.
// The harness's registry and run_context must add no happens-before edge that would
// order the observer's read after the producers' writes.
TEST_CASE("a buffer whose size() reads without the lock", "[.][library][stress]") {
    stress_run<ring<true, false>>();
}

// Expected: exit 72 and the deadlock detector's report: who waits to lock the jar's
// mutex, and that a consumer (finished) holds it since the marked line.
TEST_CASE("a buffer whose try_get keeps the lock when the jar is empty", "[.][library][stress]") {
    stress_run<ring<false, true>, first_empty_ends>();
}

// Consumers that never eat: the producers poll a full jar forever. No thread is blocked
// (the deadlock detector sees nothing to report); no cookie moves, so the watchdog ends it.
struct spinning_consumers : polling {
    template <class Jar>
    static void consume(Jar&, cj::stress::run_context&) {
        for (;;) cj::stress::run_context::pause();
    }
};

// Expected: exit 70 from the harness watchdog, as a busy loop.
TEST_CASE("consumers that spin forever without eating", "[.][library][stress]") {
    stress_run<ring<false, false>, spinning_consumers>();
}

// Expected: exit 71 at once: the consumer that leaked the lock comes back and locks the
// mutex again (which would wait for itself forever); the report names both lines.
TEST_CASE("a consumer locks the jar's mutex again after try_get kept it", "[.][library][stress]") {
    stress_run<ring<false, true>>();
}

// Expected: exit 66 and a lock-order-inversion report, although the two threads never
// ran at the same time (ThreadSanitizer predicts the deadlock from the orders alone).
TEST_CASE("two threads lock two cj::mutexes in opposite orders at different times", "[.][library][stress]") {
    cj::mutex a;
    cj::mutex b;
    std::thread first([&] {
        std::lock_guard<cj::mutex> la(a);
        std::lock_guard<cj::mutex> lb(b);
    });
    first.join();
    std::thread second([&] {
        std::lock_guard<cj::mutex> lb(b);
        std::lock_guard<cj::mutex> la(a);
    });
    second.join();
    FAIL("ThreadSanitizer did not report the lock-order inversion");
}

// Expected: exit 66 and a data race report naming the marked read. The cj:: calls in
// between touch the backend's bookkeeping (registry slots, owner records, noise); were
// that bookkeeping synchronising (a shared lock, say), it would order the write before
// the read and ThreadSanitizer would stay silent. The flag is relaxed: no order either.
TEST_CASE("cj:: calls on different mutexes add no happens-before edge between threads", "[.][library][stress]") {
    cj::mutex mine;
    cj::mutex theirs;
    // Not guarded by anything: the race under test. On the heap, as the harness keeps the
    // object under test: g++ 12's ThreadSanitizer misses this race on a stack variable.
    const auto box = std::make_unique<int>(0);
    int& plain = *box;
    std::atomic<bool> written{false};
    std::atomic<int> seen{0};
    std::thread writer([&] {
        plain = 1;
        { std::lock_guard<cj::mutex> lock(mine); }
        written.store(true, std::memory_order_relaxed);
    });
    std::thread reader([&] {
        while (!written.load(std::memory_order_relaxed)) std::this_thread::yield();
        { std::lock_guard<cj::mutex> lock(theirs); }
        seen.store(plain, std::memory_order_relaxed);  // MARK(racing read)
    });
    writer.join();
    reader.join();
    FAIL("ThreadSanitizer did not report the race on `plain`");
}
