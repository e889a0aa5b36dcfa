// The stress harness's ready-made drivers for blocking jars (cj::stress::blocking for
// put/get that wait, cj::stress::closing for put/get/close): a correct jar passes, and
// a jar that loses or invents cookies on shutdown is caught with the message that says so.
#include <cookiejar/stress_check.hpp>

#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include <cookiejar/catch.hpp>

#include "library_test.hpp"

namespace {

using cj::library_test::contains;
using cj::stress::cookie;

// A blocking jar on a mutex and two condition variables; with `close()` for shutdown.
// `Drop_on_close`: get() gives up as soon as the jar is closed, even with cookies left.
template <bool Drop_on_close>
class waiting_jar {
public:
    explicit waiting_jar(std::size_t capacity) : capacity_(capacity) {}

    bool put(const cookie& c) { return put_impl(c); }
    bool put(cookie&& c) { return put_impl(std::move(c)); }

    std::optional<cookie> get() {
        std::unique_lock<cj::mutex> lock(mutex_);
        not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
        if (items_.empty() || (Drop_on_close && closed_)) return std::nullopt;
        cookie c = items_.front();
        items_.pop_front();
        not_full_.notify_one();
        return c;
    }

    void close() {
        std::lock_guard<cj::mutex> lock(mutex_);
        closed_ = true;
        not_full_.notify_all();
        not_empty_.notify_all();
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }

    [[nodiscard]] bool is_closed() {
        std::lock_guard<cj::mutex> lock(mutex_);
        return closed_;
    }

private:
    template <class C>
    bool put_impl(C&& c) {
        std::unique_lock<cj::mutex> lock(mutex_);
        not_full_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
        if (closed_) return false;
        items_.push_back(std::forward<C>(c));
        not_empty_.notify_one();
        return true;
    }

    cj::mutex mutex_;
    cj::condition_variable not_full_, not_empty_;
    std::deque<cookie> items_;  // guarded by mutex_; size() <= capacity_
    bool closed_ = false;       // guarded by mutex_
    const std::size_t capacity_;
};

// The same jar seen through lesson 03's interface: T get() that always returns a cookie.
class plain_jar {
public:
    explicit plain_jar(std::size_t capacity) : jar_(capacity) {}
    void put(const cookie& c) { jar_.put(c); }
    void put(cookie&& c) { jar_.put(std::move(c)); }
    cookie get() { return *jar_.get(); }
    [[nodiscard]] std::size_t capacity() const { return jar_.capacity(); }

private:
    waiting_jar<false> jar_;
};

}  // namespace

TEST_CASE("the blocking driver feeds a correct blocking jar to the end", "[library][stress]") {
    const auto outcome = cj::stress::run<plain_jar, cj::stress::blocking>(
        {.producers = 2, .consumers = 3, .cookies_per_producer = 500, .capacity = 2}, "blocking driver");
    INFO(outcome.report());
    CHECK(outcome.passed());
    CHECK(outcome.gets == 1000);
}

TEST_CASE("the closing driver closes a correct jar after the last put, and every cookie is eaten",
          "[library][stress]") {
    const auto outcome = cj::stress::run<waiting_jar<false>, cj::stress::closing>(
        {.producers = 3, .consumers = 2, .cookies_per_producer = 400, .capacity = 1}, "closing driver");
    INFO(outcome.report());
    CHECK(outcome.passed());
    CHECK(outcome.gets == 1200);
    CHECK(outcome.empty_gets == 2);  // each consumer's last get() says the jar is closed
}

TEST_CASE("a jar whose get() drops the cookies left at close is caught: cookies lost", "[library][stress]") {
    // A big jar, and consumers that start only once it is closed: every cookie is still
    // in it then. (Waiting for producers_done() is not enough: that comes just before
    // close(), and a quick consumer could empty the jar in between.)
    struct slow_consumers : cj::stress::closing {
        static void consume(waiting_jar<true>& j, cj::stress::run_context& ctx) {
            while (!j.is_closed()) cj::stress::run_context::pause();
            cj::stress::closing::consume(j, ctx);
        }
    };
    const auto outcome = cj::stress::run<waiting_jar<true>, slow_consumers>(
        {.producers = 1, .consumers = 1, .cookies_per_producer = 50, .capacity = 64}, "lossy close");
    INFO(outcome.report());
    REQUIRE_FALSE(outcome.passed());
    CHECK(contains(outcome.report(), "was never eaten (lost)"));
}

TEST_CASE("a put() refused after close must not be eaten: the harness tracks refused cookies",
          "[library][stress]") {
    // Producers close the jar themselves half-way: every later put() is refused.
    struct close_half_way : cj::stress::closing {
        static bool put(waiting_jar<false>& j, const cookie& c, cj::stress::run_context& ctx) {
            if (c.producer == 0 && c.number == 100) j.close();
            return cj::stress::closing::put(j, c, ctx);
        }
    };
    const auto outcome = cj::stress::run<waiting_jar<false>, close_half_way>(
        {.producers = 1, .consumers = 2, .cookies_per_producer = 300, .capacity = 4}, "close half-way");
    INFO(outcome.report());
    CHECK(outcome.passed());
    CHECK(outcome.puts == 100);
    CHECK(outcome.gets == 100);
}
