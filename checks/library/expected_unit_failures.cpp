// Test cases that block forever, so the per-test watchdog of the shared Catch2 main
// (checks/common/catch_main.cpp) must end the process: exit 70, "HANG - test case",
// and the wait-for picture naming the line that waits (and the holder, for a mutex).
// Hidden ([.]); run one at a time with CJ_TEST_SECONDS=1 by expect-failure.cmake.
//
// MARK(...) comments tag the lines the report must name; the driver finds them by text.
#include <cookiejar/sync.hpp>

#include <atomic>
#include <thread>

#include <cookiejar/catch.hpp>

TEST_CASE("a unit check that acquires a semaphore nobody releases", "[.][library][unit]") {
    cj::counting_semaphore<1> never(0);
    never.acquire();  // MARK(acquire forever)
    FAIL("acquire() returned although nobody released the semaphore");
}

TEST_CASE("a unit check that locks a mutex another thread never unlocks", "[.][library][unit]") {
    static cj::mutex m;  // outlives the test: the forgetful thread keeps it locked
    static std::atomic<bool> locked{false};
    std::thread forgetful([] {
        cj::stress::name_this_thread("forgetful thread");
        m.lock();  // MARK(never unlocked)
        locked = true;
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    });
    forgetful.detach();
    while (!locked) std::this_thread::yield();
    std::lock_guard<cj::mutex> lock(m);  // MARK(lock forever)
    FAIL("the lock was taken although another thread holds it");
}

// Expected from here on: exit 72 within a second, from the deadlock detector
// (detail/deadlock_detector.hpp), not 70 from the watchdog; the picture names the lines.

// A lost wake-up: the notify comes before anyone waits, and the waits have no predicate.
// Both threads then wait on the condition variable; nothing can ever notify them.
TEST_CASE("two threads wait on a condition variable whose only notify came too early", "[.][library][unit]") {
    static cj::mutex m;
    static cj::condition_variable cv;
    static std::atomic<bool> notified{false};
    cj::stress::name_this_thread("early waiter");
    std::thread other([] {
        cj::stress::name_this_thread("late waiter");
        cv.notify_one();  // nobody waits yet: this wake-up is lost
        notified = true;
        std::unique_lock<cj::mutex> lock(m);
        cv.wait(lock);  // MARK(late wait)
    });
    other.detach();
    while (!notified) std::this_thread::yield();
    std::unique_lock<cj::mutex> lock(m);
    cv.wait(lock);  // MARK(early wait)
    FAIL("a wait returned although nobody notified after it began");
}

// A lock-order cycle: each thread holds one mutex and waits for the other's. The main
// thread is not blocked in a cj:: call (it joins), so this is the ring rule, not
// "everyone blocked".
TEST_CASE("two threads lock two mutexes in opposite orders and meet in the middle", "[.][library][unit]") {
    static cj::mutex a;
    static cj::mutex b;
    static std::atomic<int> holding{0};
    auto locker = [](const char* name, cj::mutex& first, cj::mutex& second) {
        return std::thread([name, &first, &second] {
            cj::stress::name_this_thread(name);
            std::lock_guard<cj::mutex> one(first);
            ++holding;
            while (holding < 2) std::this_thread::yield();
            std::lock_guard<cj::mutex> two(second);  // MARK(second lock)
        });
    };
    std::thread ab = locker("locks a then b", a, b);
    std::thread ba = locker("locks b then a", b, a);
    ab.join();
    ba.join();
    FAIL("both threads got both mutexes although each held the one the other waited for");
}
