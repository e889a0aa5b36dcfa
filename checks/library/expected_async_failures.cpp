// A test case that must END THE PROCESS with a ThreadSanitizer report: the mutant of
// the cross-thread hand-off. A thread that sets a loop-side promise itself, instead of
// posting the call to the loop, races with the loop's thread. Hidden ([.]); run by
// expect-failure.cmake (see CMakeLists.txt).
#include <cookiejar/async.hpp>

#include <cookiejar/catch.hpp>

#include <deque>
#include <thread>
#include <vector>

TEST_CASE("a thread that sets a loop-side promise itself instead of posting", "[.][library][stress]") {
    cj::event_loop loop;
    std::deque<cj::promise<int>> promises(50);
    std::vector<cj::future<int>> futures;
    for (auto& p : promises) futures.push_back(p.get_future());
    int sum = 0;
    loop.spawn([](std::vector<cj::future<int>>& fs, int& sum) -> cj::task<void> {
        for (auto& f : fs) sum += co_await f;
    }(futures, sum));
    cj::event_loop::post_guard guard(loop);
    std::thread baker([&promises, g = std::move(guard)]() mutable {
        for (auto& p : promises) p.set_value(1);  // MARK(unposted set)
        g.release();
    });
    try {
        loop.run();
    } catch (...) {
    }
    baker.join();
    CHECK(sum >= 0);
}
