// A test case that must END THE PROCESS with a ThreadSanitizer report: the mutant of
// the cross-thread hand-off. A thread that pushes into a queue the loop's tasks read,
// instead of posting the push to the loop, races with the loop's thread. Hidden ([.]);
// run by expect-failure.cmake (see CMakeLists.txt).
#include <cookiejar/async.hpp>

#include <cookiejar/catch.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <thread>

TEST_CASE("a thread that pushes into a loop-side queue itself instead of posting", "[.][library][stress]") {
    cj::event_loop loop;
    // Meant to be touched on the loop's thread only. On the heap: clang 14's ThreadSanitizer
    // misses races on a stack object whose member calls are inlined into its owner.
    auto owned = std::make_unique<std::deque<int>>();
    std::deque<int>& inbox = *owned;
    int sum = 0;
    // The baker starts once the loop polls, so the two overlap. Relaxed: it orders nothing,
    // so ThreadSanitizer sees the unsynchronised pushes and reads as they are.
    std::atomic<bool> polling{false};
    loop.spawn([](std::deque<int>& inbox, int& sum, std::atomic<bool>& polling) -> cj::task<void> {
        for (int got = 0; got < 50;) {
            polling.store(true, std::memory_order_relaxed);
            if (!inbox.empty()) {
                sum += inbox.front();
                inbox.pop_front();
                ++got;
            } else {
                co_await cj::sleep_for(std::chrono::milliseconds(1));  // virtual: keeps polling
            }
        }
    }(inbox, sum, polling));
    cj::event_loop::post_guard guard(loop);
    std::thread baker([&inbox, &polling, g = std::move(guard)]() mutable {
        while (!polling.load(std::memory_order_relaxed)) std::this_thread::yield();
        for (int i = 0; i < 50; ++i) inbox.push_back(1);  // MARK(unposted push)
        g.release();
    });
    loop.run();
    baker.join();
    CHECK(sum == 50);
}
