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
