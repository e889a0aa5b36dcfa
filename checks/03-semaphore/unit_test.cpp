// Lesson 03, unit checks of the blocking put/get contract, one rule per test.
//
// Most checks run on one thread and never call put() on a full jar or get() on an
// empty one, so a correct jar never makes them wait. The checks named "... waits ..."
// start a second thread that must block, look after a pause that it has not
// returned, then let it go. A call that blocks in a wait no running thread can end is
// reported at once by the deadlock detector, with a picture of who waits for what; one
// that never returns otherwise (a busy loop) ends the check after 10 s (the per-test
// watchdog of the shared Catch2 main).
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/catch.hpp>
#include <cookiejar/sync.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <limits>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../common/try_buffer/cookie.hpp"

namespace {

using lesson03::bounded_buffer;
using cookiejar_checks::cookie;

std::string refused_capacity_message(std::size_t capacity) {
    try {
        const bounded_buffer<int> jar(capacity);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "(no std::invalid_argument was thrown)";
}

// A call made on a helper thread that is expected to wait: whether it has returned
// yet, and what it returned or threw.
template <class Result>
class call_on_another_thread {
public:
    template <class F>
    call_on_another_thread(const char* name, F f)
        : thread_([this, name, f = std::move(f)]() mutable {
              cj::stress::name_this_thread(name);
              try {
                  result_ = f();
              } catch (const std::exception& e) {
                  error_ = std::string("it threw an exception: ") + e.what();
              }
              returned_.store(true);
              cj::stress::mark_this_thread_finished();
          }) {}
    ~call_on_another_thread() {
        if (thread_.joinable()) join();
    }
    call_on_another_thread(const call_on_another_thread&) = delete;
    call_on_another_thread& operator=(const call_on_another_thread&) = delete;

    // Has it returned after giving it `wait` to do so? (A correct jar keeps it waiting
    // however long the wait, so this check never fails on a correct jar.) If it has,
    // join() returns at once.
    [[nodiscard]] bool returned_within(std::chrono::milliseconds wait) const {
        std::this_thread::sleep_for(wait);
        return returned_.load();
    }
    // Waits for it to return. While this thread only joins, the deadlock detector judges
    // the helper: blocked in a wait that no running thread can end, it is reported at once
    // (a busy loop that never returns is the per-test watchdog's, after 10 s).
    void join() {
        cj::stress::joining_scope joining;
        thread_.join();
    }
    [[nodiscard]] const Result& result() const { return result_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    // What the call did, in words (after join()).
    [[nodiscard]] std::string outcome() const {
        if (!error_.empty()) return error_;
        std::ostringstream out;
        out << "with " << result_;
        return out.str();
    }

private:
    Result result_{};
    std::string error_;  // empty unless the call threw
    std::atomic<bool> returned_{false};
    std::thread thread_;
};

constexpr std::chrono::milliseconds a_while{100};  // how long a waiting call is given to (wrongly) return

// A cookie whose copy constructor throws when asked to (a baker who drops it).
struct fragile {
    int id = 0;
    bool throw_on_copy = false;
    explicit fragile(int id_, bool throw_on_copy_ = false) : id(id_), throw_on_copy(throw_on_copy_) {}
    fragile(const fragile& other) : id(other.id), throw_on_copy(false) {
        if (other.throw_on_copy) throw std::runtime_error("dropped while copying");
    }
    fragile(fragile&&) noexcept = default;
    fragile& operator=(const fragile&) = default;
    fragile& operator=(fragile&&) noexcept = default;
};

}  // namespace

TEST_CASE("a jar of capacity 0 is refused", "[unit]") {
    REQUIRE_THROWS_AS(bounded_buffer<int>(0), std::invalid_argument);
    const std::string message = refused_capacity_message(0);
    INFO("the exception said: \"" << message << "\"");
    INFO("a clear message names what was wrong: the capacity");
    CHECK(message.find("capacity") != std::string::npos);
}

TEST_CASE("a capacity the semaphores cannot count up to is refused", "[unit]") {
    const std::size_t too_big = GENERATE(bounded_buffer<int>::max_capacity + 1,
                                         std::numeric_limits<std::size_t>::max());
    INFO("capacity " << too_big << " (max_capacity is " << bounded_buffer<int>::max_capacity << ")");
    REQUIRE_THROWS_AS(bounded_buffer<int>(too_big), std::invalid_argument);
    const std::string message = refused_capacity_message(too_big);
    INFO("the exception said: \"" << message << "\"");
    CHECK(message.find("capacity") != std::string::npos);
}

TEST_CASE("capacities from 1 to max_capacity are accepted", "[unit]") {
    REQUIRE_NOTHROW(bounded_buffer<int>(1));
    REQUIRE_NOTHROW(bounded_buffer<int>(bounded_buffer<int>::max_capacity));
}

TEST_CASE("capacity() is the number the jar was made with, and never changes", "[unit]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    bounded_buffer<int> jar(capacity);
    REQUIRE(jar.capacity() == capacity);
    jar.put(7);
    REQUIRE(jar.capacity() == capacity);
    REQUIRE(jar.get() == 7);
    REQUIRE(jar.capacity() == capacity);
}

TEST_CASE("cookies come out in the order they went in", "[unit][bug:reordered_items]") {
    bounded_buffer<int> jar(5);
    int third = 3;
    const int fifth = 5;
    jar.put(1);      // by move
    jar.put(2);      // by move
    jar.put(third);  // by copy
    jar.put(4);      // by move
    jar.put(fifth);  // by copy
    REQUIRE(jar.get() == 1);
    REQUIRE(jar.get() == 2);
    REQUIRE(jar.get() == 3);
    REQUIRE(jar.get() == 4);
    REQUIRE(jar.get() == 5);
}

TEST_CASE("put(const T&) copies the caller's cookie and put(T&&) moves it", "[unit]") {
    bounded_buffer<cookie> jar(2);
    const cookie kept(1);
    cookie given(2);
    jar.put(kept);
    jar.put(std::move(given));
    CHECK(kept.id == 1);
    CHECK_FALSE(kept.moved_from);
    INFO("put(T&&) should move the cookie in, not copy it");
    CHECK(given.moved_from);  // NOLINT(bugprone-use-after-move): checking that very thing
    const cookie first = jar.get();
    const cookie second = jar.get();
    CHECK(first.id == 1);
    CHECK(second.id == 2);
}

TEST_CASE("a move-only cookie goes in and comes out", "[unit]") {
    bounded_buffer<std::unique_ptr<int>> jar(1);
    jar.put(std::make_unique<int>(42));
    std::unique_ptr<int> got = jar.get();
    REQUIRE(got != nullptr);
    CHECK(*got == 42);
}

TEST_CASE("a jar takes exactly capacity() cookies without waiting, and gives them back in order", "[unit][bug:wrong_initial_count]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    const int n = static_cast<int>(capacity);
    bounded_buffer<int> jar(capacity);
    for (int lap = 1; lap <= 3; ++lap) {
        for (int i = 0; i < n; ++i) {
            INFO("capacity " << capacity << ", lap " << lap << ": put " << i << " into a jar that holds " << i
                             << " (if this check hangs here, put() waits although there is room)");
            jar.put(100 * lap + i);
        }
        for (int i = 0; i < n; ++i) {
            INFO("capacity " << capacity << ", lap " << lap << ": the oldest cookie should be " << 100 * lap + i);
            REQUIRE(jar.get() == 100 * lap + i);
        }
    }
}

TEST_CASE("the jar wraps around its end, lap after lap", "[unit][bug:wrap_around]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    const int n = static_cast<int>(capacity);
    const int half = (n + 1) / 2;
    bounded_buffer<int> jar(capacity);
    int next_in = 0;
    int next_out = 0;
    // Each lap: fill the jar, take half, fill it again (the items now cross the end
    // of the ring), then empty it.
    for (int lap = 1; lap <= 4; ++lap) {
        INFO("capacity " << capacity << ", lap " << lap);
        for (int i = 0; i < n; ++i) jar.put(next_in++);
        for (int i = 0; i < half; ++i) {
            INFO("taking the oldest, which should be " << next_out);
            REQUIRE(jar.get() == next_out++);
        }
        for (int i = 0; i < half; ++i) jar.put(next_in++);
        for (int i = 0; i < n; ++i) {
            INFO("emptying: the oldest should be " << next_out);
            REQUIRE(jar.get() == next_out++);
        }
    }
}

TEST_CASE("put on a full jar waits until a get makes room", "[unit][bug:wrong_initial_count]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3}));
    const int n = static_cast<int>(capacity);
    bounded_buffer<int> jar(capacity);
    for (int i = 0; i < n; ++i) jar.put(i);

    call_on_another_thread<bool> producer("the check's producer thread", [&] {
        jar.put(1000);
        return true;
    });
    if (producer.returned_within(a_while)) {
        producer.join();
        FAIL("the jar holds " << n << " of " << n << " cookies, yet put(1000) returned"
                              << (producer.error().empty() ? "" : " (" + producer.error() + ")")
                              << ": put() must wait while the jar is full");
    }
    INFO("get() on a full jar gives the oldest cookie");
    REQUIRE(jar.get() == 0);
    producer.join();  // the get made room: the put can finish now
    REQUIRE(producer.error().empty());
    for (int i = 1; i < n; ++i) REQUIRE(jar.get() == i);
    INFO("the cookie that waited for room comes out last");
    REQUIRE(jar.get() == 1000);
}

TEST_CASE("get on a new jar waits until a put brings a cookie", "[unit][bug:wrong_initial_count]") {
    bounded_buffer<int> jar(GENERATE(values<std::size_t>({1, 3})));
    call_on_another_thread<int> consumer("the check's consumer thread", [&] { return jar.get(); });
    if (consumer.returned_within(a_while)) {
        consumer.join();
        FAIL("get() on a new, empty jar returned (" << consumer.outcome()
                                                    << "): get() must wait while the jar is empty");
    }
    jar.put(7);
    consumer.join();
    INFO(consumer.error());
    REQUIRE(consumer.error().empty());
    REQUIRE(consumer.result() == 7);
}

TEST_CASE("get on a jar emptied again waits until the next put", "[unit][bug:wrong_semaphore_released]") {
    bounded_buffer<int> jar(GENERATE(values<std::size_t>({1, 3})));
    jar.put(1);
    REQUIRE(jar.get() == 1);
    jar.put(2);
    REQUIRE(jar.get() == 2);
    call_on_another_thread<int> consumer("the check's consumer thread", [&] { return jar.get(); });
    if (consumer.returned_within(a_while)) {
        consumer.join();
        FAIL("two puts and two gets, so the jar is empty, yet get() returned (" << consumer.outcome()
                                                                               << "): get() must wait while the jar is empty");
    }
    jar.put(3);
    consumer.join();
    INFO(consumer.error());
    REQUIRE(consumer.error().empty());
    REQUIRE(consumer.result() == 3);
}

TEST_CASE("a put whose copy throws leaves the jar as it was", "[unit]") {
    bounded_buffer<fragile> jar(1);
    const fragile dropped(1, /*throw_on_copy=*/true);
    REQUIRE_THROWS_AS(jar.put(dropped), std::runtime_error);
    INFO("the failed put must give back the free slot it took: the jar of 1 is still empty "
         "(if this check hangs here, the slot was never given back)");
    jar.put(fragile(2));
    REQUIRE(jar.get().id == 2);
}

TEST_CASE("random puts and gets on one thread agree with a std::deque", "[unit]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    for (std::uint32_t seed = 1; seed <= 50; ++seed) {
        std::mt19937 random(seed);
        bounded_buffer<cookie> jar(capacity);
        std::deque<int> model;
        int next = 0;
        for (int step = 0; step < 400; ++step) {
            // Never a put on a full jar or a get on an empty one: on one thread they would wait forever.
            const bool can_put = model.size() < capacity;
            const bool can_get = !model.empty();
            const unsigned roll = random() % 3;
            if (can_put && (roll < 2 || !can_get)) {
                if (roll == 0) {
                    const cookie c(next);
                    jar.put(c);
                } else {
                    jar.put(cookie(next));
                }
                model.push_back(next++);
            } else {
                const cookie got = jar.get();
                INFO("capacity " << capacity << ", seed " << seed << ", step " << step << ": get() with "
                                 << model.size() << " cookies in the jar should give cookie " << model.front());
                REQUIRE(got.id == model.front());
                model.pop_front();
            }
        }
    }
}

// The slides' idea on its own, as the chapter draws it: two semaphores around a queue
// (and a mutex for the queue, which the slides' produce() hides). It does not use the
// lesson's jar; it checks that the picture in the chapter works as drawn.
TEST_CASE("the slides' two semaphores keep Marge and Homer in step", "[unit]") {
    constexpr int capacity = 3;
    constexpr int cookies = 20;
    cj::counting_semaphore<capacity> semiproduce(capacity);  // how many free places the jar has
    cj::counting_semaphore<capacity> semiconsume(0);         // how many cookies it holds
    cj::mutex jar_mutex;
    std::deque<int> jar;  // guarded by jar_mutex
    auto produce = [&](int cookie) {
        std::lock_guard<cj::mutex> lock(jar_mutex);
        jar.push_back(cookie);
    };
    auto consume = [&] {
        std::lock_guard<cj::mutex> lock(jar_mutex);
        const int cookie = jar.front();
        jar.pop_front();
        return cookie;
    };

    std::thread marge([&] {
        for (int cookie = 0; cookie < cookies; ++cookie) {
            semiproduce.acquire();  // wait for a free place, and take it
            produce(cookie);        // put the cookie in
            semiconsume.release();  // one more cookie for Homer
        }
    });
    std::vector<int> eaten;
    for (int i = 0; i < cookies; ++i) {  // Homer, on this thread
        semiconsume.acquire();           // wait for a cookie, and take it
        eaten.push_back(consume());      // eat it
        semiproduce.release();           // one more free place for Marge
    }
    marge.join();
    for (int i = 0; i < cookies; ++i) REQUIRE(eaten[static_cast<std::size_t>(i)] == i);
}
