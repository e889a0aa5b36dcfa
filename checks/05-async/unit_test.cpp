// Lesson 05, unit and property checks: the sequential contract of the awaitable jar,
// on an event loop that runs ready tasks first-in, first-out.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/async.hpp>

#include <cookiejar/catch.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using lesson05::bounded_buffer;

namespace {

// Runs one task to its end on a fresh loop.
void run_alone(cj::task<void> t) {
    cj::event_loop loop;
    loop.spawn(std::move(t), "check");
    loop.run();
}

}  // namespace

TEST_CASE("a jar of capacity 0 is refused with a clear error", "[lesson05][unit]") {
    REQUIRE_THROWS_AS(bounded_buffer<int>(0), std::invalid_argument);
    REQUIRE_THROWS_WITH(bounded_buffer<int>(0), cj::testing::contains("capacity"));
}

TEST_CASE("capacity() is the capacity the jar was made with", "[lesson05][unit]") {
    REQUIRE(bounded_buffer<int>(1).capacity() == 1);
    REQUIRE(bounded_buffer<int>(7).capacity() == 7);
}

TEST_CASE("cookies come out in the order they went in", "[lesson05][unit]") {
    bounded_buffer<int> jar(3);
    std::vector<int> got;
    run_alone([](bounded_buffer<int>& jar, std::vector<int>& got) -> cj::task<void> {
        co_await jar.put(1);
        co_await jar.put(2);
        co_await jar.put(3);
        for (int i = 0; i < 3; ++i) got.push_back(co_await jar.get());
    }(jar, got));
    REQUIRE(got == std::vector<int>{1, 2, 3});
}

TEST_CASE("the jar wraps around many times without losing or reordering a cookie", "[lesson05][unit]") {
    bounded_buffer<int> jar(3);
    std::vector<int> got;
    run_alone([](bounded_buffer<int>& jar, std::vector<int>& got) -> cj::task<void> {
        int next = 0;
        for (int round = 0; round < 50; ++round) {
            co_await jar.put(next++);
            co_await jar.put(next++);
            got.push_back(co_await jar.get());
            got.push_back(co_await jar.get());
        }
    }(jar, got));
    REQUIRE(got.size() == 100);
    for (int i = 0; i < 100; ++i) REQUIRE(got[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("cookies that can only be moved go in and come out", "[lesson05][unit]") {
    bounded_buffer<std::unique_ptr<int>> jar(2);
    int value = 0;
    run_alone([](bounded_buffer<std::unique_ptr<int>>& jar, int& value) -> cj::task<void> {
        co_await jar.put(std::make_unique<int>(42));
        auto p = co_await jar.get();
        value = p ? *p : -1;
    }(jar, value));
    REQUIRE(value == 42);
}

TEST_CASE("a get on an empty jar waits until a cookie is put", "[lesson05][unit]") {
    cj::event_loop loop;
    bounded_buffer<int> jar(1);
    int got = 0;
    cj::virtual_duration got_at{-1};
    loop.spawn([](cj::event_loop& loop, bounded_buffer<int>& jar, int& got, cj::virtual_duration& at) -> cj::task<void> {
        got = co_await jar.get();
        at = loop.now();
    }(loop, jar, got, got_at), "consumer");
    loop.spawn([](bounded_buffer<int>& jar) -> cj::task<void> {
        co_await cj::sleep_for(1s);
        co_await jar.put(7);
    }(jar), "producer");
    loop.run();
    REQUIRE(got == 7);
    REQUIRE(got_at == cj::virtual_duration(1s));
}

TEST_CASE("a put on a full jar waits until a cookie is taken", "[lesson05][unit]") {
    cj::event_loop loop;
    bounded_buffer<int> jar(1);
    cj::virtual_duration second_put_done{-1};
    std::vector<int> got;
    loop.spawn([](cj::event_loop& loop, bounded_buffer<int>& jar, cj::virtual_duration& done) -> cj::task<void> {
        co_await jar.put(1);
        co_await jar.put(2);  // waits: the jar holds 1
        done = loop.now();
    }(loop, jar, second_put_done), "producer");
    loop.spawn([](bounded_buffer<int>& jar, std::vector<int>& got) -> cj::task<void> {
        co_await cj::sleep_for(2s);
        got.push_back(co_await jar.get());
        got.push_back(co_await jar.get());
    }(jar, got), "consumer");
    loop.run();
    REQUIRE(second_put_done == cj::virtual_duration(2s));
    REQUIRE(got == std::vector<int>{1, 2});
}

TEST_CASE("a waiting consumer is resumed by the loop once put has returned", "[lesson05][unit]") {
    // With handle.resume() inside put(), the consumer would run in the producer's step:
    // the loop reports that as cj::reentrancy_error, and run() rethrows it.
    cj::event_loop loop;
    bounded_buffer<int> jar(1);
    std::vector<std::string> order;
    loop.spawn([](bounded_buffer<int>& jar, std::vector<std::string>& order) -> cj::task<void> {
        const int c = co_await jar.get();
        order.push_back("consumer got " + std::to_string(c));
    }(jar, order), "consumer");
    loop.spawn([](bounded_buffer<int>& jar, std::vector<std::string>& order) -> cj::task<void> {
        co_await jar.put(5);
        order.push_back("put returned");
    }(jar, order), "producer");
    REQUIRE_NOTHROW(loop.run());
    REQUIRE(order == std::vector<std::string>{"put returned", "consumer got 5"});
}

TEST_CASE("three consumers waiting on an empty jar are all served", "[lesson05][unit]") {
    cj::event_loop loop;
    bounded_buffer<int> jar(1);
    std::vector<int> got;
    for (int i = 0; i < 3; ++i) {
        loop.spawn([](bounded_buffer<int>& jar, std::vector<int>& got) -> cj::task<void> {
            got.push_back(co_await jar.get());
        }(jar, got), "consumer " + std::to_string(i + 1));
    }
    loop.spawn([](bounded_buffer<int>& jar) -> cj::task<void> {
        for (int c = 1; c <= 3; ++c) co_await jar.put(c);
    }(jar), "producer");
    loop.run();
    REQUIRE(got == std::vector<int>{1, 2, 3});
}

TEST_CASE("random put and get sequences match a std::deque", "[lesson05][property]") {
    for (unsigned seed = 1; seed <= 200; ++seed) {
        std::mt19937 rng(seed);
        const std::size_t capacity = 1 + rng() % 5;
        bounded_buffer<int> jar(capacity);
        std::deque<int> model;
        std::string mismatch;
        run_alone([](bounded_buffer<int>& jar, std::deque<int>& model, std::mt19937& rng, std::size_t capacity,
                     std::string& mismatch) -> cj::task<void> {
            int next = 0;
            for (int op = 0; op < 300 && mismatch.empty(); ++op) {
                // Only calls that need not wait: put when there is room, get when there is a cookie.
                const bool put = model.empty() || (model.size() < capacity && rng() % 2 == 0);
                if (put) {
                    co_await jar.put(next);
                    model.push_back(next++);
                } else {
                    const int got = co_await jar.get();
                    if (got != model.front())
                        mismatch = "operation " + std::to_string(op) + ": get() gave " + std::to_string(got) +
                                   ", the oldest cookie is " + std::to_string(model.front());
                    model.pop_front();
                }
                if (mismatch.empty() && jar.size() != model.size())
                    mismatch = "operation " + std::to_string(op) + ": size() is " + std::to_string(jar.size()) +
                               ", the jar holds " + std::to_string(model.size());
            }
        }(jar, model, rng, capacity, mismatch));
        INFO("seed " << seed << ", capacity " << capacity);
        REQUIRE(mismatch.empty());
    }
}
