// The async course library: cj::task, cj::event_loop (order, virtual clock, deadlock
// report, re-entrance check, posts from other threads), cj::promise/cj::future, and the
// schedule explorer. Built plain and under ThreadSanitizer.
#include "library_test.hpp"

#include <cookiejar/async.hpp>
#include <cookiejar/async_check.hpp>

#include <cookiejar/catch.hpp>

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdlib>
#include <deque>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

cj::task<int> forty_two() { co_return 42; }
cj::task<int> add_one(int x) { co_return x + 1; }
cj::task<int> chain() {
    const int a = co_await forty_two();
    co_return co_await add_one(a);
}
cj::task<int> throws_runtime_error() {
    throw std::runtime_error("no cookies left");
    co_return 0;
}

// Three tasks that each append their letter, yield, and append it again.
struct three_letters {
    std::string seen;
    cj::task<void> letter(char c) {
        seen += c;
        co_await cj::yield();
        seen += c;
    }
    void start(cj::event_loop& loop) {
        loop.spawn(letter('a'), "a");
        loop.spawn(letter('b'), "b");
        loop.spawn(letter('c'), "c");
    }
    std::string judge() { return {}; }
};

// Fails only when c runs first: a bug that FIFO order never shows.
struct c_must_not_run_first {
    std::string seen;
    cj::task<void> letter(char c) {
        cj::note(std::string("writes ") + c);
        seen += c;
        co_return;
    }
    void start(cj::event_loop& loop) {
        loop.spawn(letter('a'), "a");
        loop.spawn(letter('b'), "b");
        loop.spawn(letter('c'), "c");
    }
    std::string judge() { return seen.front() == 'c' ? "c ran first (order " + seen + ")" : std::string(); }
};

// Waits on a list nobody ever wakes.
struct forgotten_waiter {
    std::deque<std::coroutine_handle<>> waiters;
    cj::task<void> wait_forever() {
        co_await cj::suspend_into(waiters);  // MARK(forgotten)
    }
    void start(cj::event_loop& loop) { loop.spawn(wait_forever(), "waiter"); }
    std::string judge() { return {}; }
};

}  // namespace

TEST_CASE("a task gives its result to the task that awaits it, through nested awaits", LIBRARY_TAGS) {
    cj::event_loop loop;
    int got = 0;
    loop.spawn([](int& got) -> cj::task<void> { got = co_await chain(); }(got));
    loop.run();
    REQUIRE(got == 43);
}

TEST_CASE("an exception thrown in an awaited task reaches the awaiter", LIBRARY_TAGS) {
    cj::event_loop loop;
    std::string caught;
    loop.spawn([](std::string& caught) -> cj::task<void> {
        try {
            (void)co_await throws_runtime_error();
        } catch (const std::runtime_error& e) {
            caught = e.what();
        }
    }(caught));
    loop.run();
    REQUIRE(caught == "no cookies left");
}

TEST_CASE("an exception that leaves a spawned task ends run and names the task", LIBRARY_TAGS) {
    cj::event_loop loop;
    loop.spawn([]() -> cj::task<void> {
        (void)co_await throws_runtime_error();
    }(), "unlucky");
    REQUIRE_THROWS_WITH(loop.run(), "no cookies left");
    REQUIRE(loop.failed_task() == "unlucky");
}

TEST_CASE("the task whose exception ends run is named with the line where it last resumed", LIBRARY_TAGS) {
    cj::event_loop loop;
    std::deque<std::coroutine_handle<>> waiters;
    loop.spawn([](std::deque<std::coroutine_handle<>>& w) -> cj::task<void> {
        co_await cj::yield();
        co_await cj::suspend_into(w);  // MARK(resumed here)
        (void)co_await throws_runtime_error();
    }(waiters), "unlucky");
    loop.spawn([](std::deque<std::coroutine_handle<>>& w) -> cj::task<void> {
        co_await cj::yield();
        cj::call_soon(w.front());
        w.pop_front();
    }(waiters), "waker");
    const unsigned marked = __LINE__ - 8;
    std::string words;
    try {
        loop.run();
    } catch (const std::exception& e) {
        words = cj::escaped_exception(loop, e);
    }
    REQUIRE(loop.failed_task() == "unlucky");
    REQUIRE(cj::library_test::where(loop.failed_task_resumed_at().file_name(), loop.failed_task_resumed_at().line()) ==
            cj::library_test::where(__FILE__, marked));
    REQUIRE_THAT(words, cj::testing::contains("unlucky ended with an exception, std::runtime_error: no cookies left. "
                                              "It was thrown after unlucky resumed at " +
                                              cj::library_test::where(__FILE__, marked) + " ("));
    REQUIRE_THAT(words, cj::testing::contains(") and before its next co_await"));
}

TEST_CASE("a task that throws before it ever waits is named with its first step", LIBRARY_TAGS) {
    cj::event_loop loop;
    loop.spawn([]() -> cj::task<void> { (void)co_await throws_runtime_error(); }(), "hasty");
    std::string words;
    try {
        loop.run();
    } catch (const std::exception& e) {
        words = cj::escaped_exception(loop, e);
    }
    REQUIRE(loop.failed_task_resumed_at().line() == 0);
    REQUIRE(words == "hasty ended with an exception, std::runtime_error: no cookies left. "
                     "It was thrown in hasty's first step, before its first co_await");
}

TEST_CASE("ready tasks run first in, first out by default", LIBRARY_TAGS) {
    cj::event_loop loop;
    three_letters s;
    s.start(loop);
    loop.run();
    REQUIRE(s.seen == "abcabc");
}

TEST_CASE("the virtual clock jumps to the next timer and wakes sleepers in time order", LIBRARY_TAGS) {
    cj::event_loop loop;
    std::vector<std::string> log;
    auto sleeper = [](cj::event_loop& loop, std::vector<std::string>& log, std::string name,
                      std::chrono::milliseconds d) -> cj::task<void> {
        co_await cj::sleep_for(d);
        log.push_back(name + "@" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(loop.now()).count()));
    };
    loop.spawn(sleeper(loop, log, "slow", 3000ms));
    loop.spawn(sleeper(loop, log, "fast", 500ms));
    loop.spawn(sleeper(loop, log, "middle", 1000ms));
    const auto t0 = std::chrono::steady_clock::now();
    loop.run();
    const auto real = std::chrono::steady_clock::now() - t0;
    REQUIRE(log == std::vector<std::string>{"fast@500", "middle@1000", "slow@3000"});
    REQUIRE(loop.now() == cj::virtual_duration(3s));
    REQUIRE(real < 1s);  // virtual: no real sleeping (generous bound; it takes microseconds)
}

TEST_CASE("a future hands a value to every task that awaits it", LIBRARY_TAGS) {
    cj::event_loop loop;
    cj::promise<int> p;
    cj::future<int> f = p.get_future();
    std::vector<int> got;
    for (int i = 0; i < 2; ++i)
        loop.spawn([](cj::future<int> f, std::vector<int>& got) -> cj::task<void> { got.push_back(co_await f); }(f, got));
    loop.spawn([](cj::promise<int>& p) -> cj::task<void> {
        co_await cj::sleep_for(1s);
        p.set_value(7);
    }(p));
    loop.run();
    REQUIRE(got == std::vector<int>{7, 7});
    REQUIRE_THROWS_AS(p.set_value(8), std::logic_error);
}

TEST_CASE("a spawned task with a result hands it, or its exception, to a future", LIBRARY_TAGS) {
    cj::event_loop loop;
    cj::future<int> answer = loop.spawn(chain(), "answer");
    cj::future<int> broken = loop.spawn(throws_runtime_error(), "broken");
    int got = 0;
    std::string caught;
    loop.spawn([](cj::future<int> answer, cj::future<int> broken, int& got, std::string& caught) -> cj::task<void> {
        got = co_await answer;
        try {
            (void)co_await broken;
        } catch (const std::runtime_error& e) {
            caught = e.what();
        }
    }(answer, broken, got, caught));
    REQUIRE_NOTHROW(loop.run());
    REQUIRE(got == 43);
    REQUIRE(caught == "no cookies left");
}

TEST_CASE("a future set with an exception rethrows it in the awaiter", LIBRARY_TAGS) {
    cj::event_loop loop;
    cj::promise<void> p;
    auto f = p.get_future();
    std::string caught;
    loop.spawn([](cj::future<void> f, std::string& caught) -> cj::task<void> {
        try {
            co_await f;
        } catch (const std::runtime_error& e) {
            caught = e.what();
        }
    }(f, caught));
    loop.spawn([](cj::promise<void>& p) -> cj::task<void> {
        p.set_exception(std::make_exception_ptr(std::runtime_error("burnt")));
        co_return;
    }(p));
    loop.run();
    REQUIRE(caught == "burnt");
}

TEST_CASE("a loop with only suspended tasks reports a deadlock naming each task and its line", LIBRARY_TAGS) {
    cj::event_loop loop;
    forgotten_waiter s;
    s.start(loop);
    std::string report;
    try {
        loop.run();
    } catch (const cj::deadlock_error& e) {
        report = e.what();
    }
    REQUIRE_THAT(report, cj::testing::contains("1 task is suspended and nothing can resume it"));
    REQUIRE_THAT(report, cj::testing::contains("waiter waits in wait_forever() at checks/library/async_test.cpp:"));
}

TEST_CASE("a task waiting for a future nobody sets is reported with the line that made the future", LIBRARY_TAGS) {
    cj::event_loop loop;
    cj::promise<int> never;
    cj::future<int> f = never.get_future();
    loop.spawn([](cj::future<int> f) -> cj::task<void> { (void)co_await f; }(f), "hopeful");
    std::string report;
    try {
        loop.run();
    } catch (const cj::deadlock_error& e) {
        report = e.what();
    }
    REQUIRE_THAT(report, cj::testing::contains("hopeful waits for the future made at checks/library/async_test.cpp:" +
                                                   std::to_string(__LINE__ - 9)));
}

TEST_CASE("a parked coroutine resumed by hand inside another task's step is reported", LIBRARY_TAGS) {
    cj::event_loop loop;
    std::deque<std::coroutine_handle<>> waiters;
    loop.spawn([](std::deque<std::coroutine_handle<>>& w) -> cj::task<void> { co_await cj::suspend_into(w); }(waiters),
               "sleeper");
    loop.spawn([](std::deque<std::coroutine_handle<>>& w) -> cj::task<void> {
        w.front().resume();  // wrong: cj::call_soon(w.front()) hands it to the loop
        co_return;
    }(waiters), "impatient");
    REQUIRE_THROWS_WITH(loop.run(), cj::testing::contains("sleeper was resumed inside a step of impatient"));
}

TEST_CASE("call_soon on a coroutine that is not parked is refused", LIBRARY_TAGS) {
    cj::event_loop loop;
    std::deque<std::coroutine_handle<>> waiters;
    loop.spawn([](std::deque<std::coroutine_handle<>>& w) -> cj::task<void> { co_await cj::suspend_into(w); }(waiters));
    loop.spawn([](std::deque<std::coroutine_handle<>>& w) -> cj::task<void> {
        cj::call_soon(w.front());
        cj::call_soon(w.front());  // twice: the second is a bug
        co_return;
    }(waiters));
    REQUIRE_THROWS_WITH(loop.run(), cj::testing::contains("that coroutine is not waiting"));
}

TEST_CASE("functions posted from other threads run on the loop while guards are held", LIBRARY_TAGS) {
    cj::event_loop loop;
    int sum = 0;  // touched only on the loop's thread
    std::vector<cj::event_loop::post_guard> guards;
    for (int t = 0; t < 4; ++t) guards.emplace_back(loop);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&sum, guard = std::move(guards[static_cast<std::size_t>(t)])]() mutable {
            for (int i = 1; i <= 100; ++i) guard.post([&sum, i] { sum += i; });
            guard.release();
        });
    }
    loop.run();  // returns once every guard is released and every post has run
    for (auto& t : threads) t.join();
    REQUIRE(sum == 4 * 5050);
}

TEST_CASE("the exhaustive search runs every order of the ready tasks once", LIBRARY_TAGS) {
    // Three tasks of two steps each: 6!/(2!2!2!) = 90 interleavings of steps.
    const auto r = cj::schedules::explore<three_letters>("three letters");
    REQUIRE(r.passed());
    REQUIRE(r.runs.size() == 1);
    REQUIRE(r.runs[0].complete);
    REQUIRE(r.runs[0].schedules == 90);
}

TEST_CASE("a bug that FIFO order hides is found, and its order replays it", LIBRARY_TAGS) {
    const auto r = cj::schedules::explore<c_must_not_run_first>("c first");
    REQUIRE_FALSE(r.passed());
    REQUIRE(r.failed->what == "c ran first (order cab)");
    REQUIRE(r.failed->order == "2.0");
    REQUIRE_THAT(r.report(), cj::testing::contains("| writes c"));
    REQUIRE_THAT(r.replay_command, cj::testing::starts_with("CJ_MODEL_REPLAY='order:2.0' "));
    ::setenv("CJ_MODEL_REPLAY", "order:2.0", 1);
    const auto again = cj::schedules::explore<c_must_not_run_first>("c first");
    ::setenv("CJ_MODEL_REPLAY", "order:1.0", 1);
    const auto other = cj::schedules::explore<c_must_not_run_first>("c first");
    ::unsetenv("CJ_MODEL_REPLAY");
    REQUIRE_FALSE(again.passed());
    REQUIRE(again.runs[0].kind == cj::schedules::search_kind::replay);
    REQUIRE(again.failed->what == "c ran first (order cab)");
    REQUIRE(other.passed());
}

TEST_CASE("the random search is deterministic for a seed", LIBRARY_TAGS) {
    cj::schedules::budget b;
    b.exhaustive = 1;  // leave the search to chance
    b.random = 200;
    b.seed = 5;
    const auto r1 = cj::schedules::explore<c_must_not_run_first>("c first", b);
    const auto r2 = cj::schedules::explore<c_must_not_run_first>("c first", b);
    REQUIRE_FALSE(r1.passed());
    REQUIRE(r1.failed->found_by == cj::schedules::search_kind::random);
    REQUIRE(r1.failed->schedule == r2.failed->schedule);
    REQUIRE(r1.failed->order == r2.failed->order);
}

TEST_CASE("a deadlock found by the explorer is reported with the waiting line", LIBRARY_TAGS) {
    const auto r = cj::schedules::explore<forgotten_waiter>("forgotten");
    REQUIRE_FALSE(r.passed());
    REQUIRE_THAT(r.report(), cj::testing::contains("waiter waits in wait_forever() at checks/library/async_test.cpp:"));
    REQUIRE_THAT(r.report(), cj::testing::contains("| waits in wait_forever() @"));
}
