// The stress harness (cj::stress::run) under ThreadSanitizer: a correct buffer passes,
// and buffers with a planted bug are caught with the message that names the bug. The
// buggy buffers use their lock properly (no data race), so ThreadSanitizer has nothing
// to say and the harness's own checks must catch them.
#include <cookiejar/stress_check.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <cookiejar/catch.hpp>

#include "library_test.hpp"

namespace {

using cj::library_test::contains;
using cj::stress::cookie;

enum class planted {
    none,
    drops_every_100th_put,     // try_put says true but keeps nothing
    repeats_every_50th_get,    // try_get hands the cookie out but leaves it in the jar
    newest_first,              // try_get takes the newest cookie (a stack, not a queue)
    size_says_one_more_when_full,
    holds_one_too_many,        // try_put accepts a cookie into a full jar
};

// A ring buffer of cookies with one lock, and (optionally) one planted bug.
// Every member is linearizable except where the bug says otherwise.
template <planted Bug>
class ring {
public:
    explicit ring(std::size_t capacity) : slots_(capacity + 1), capacity_(capacity) {}

    bool try_put(const cookie& c) {
        std::lock_guard<cj::mutex> lock(mutex_);
        const std::size_t limit = Bug == planted::holds_one_too_many ? capacity_ + 1 : capacity_;
        if (count_ == limit) return false;
        ++puts_;
        if (Bug == planted::drops_every_100th_put && puts_ % 100 == 0) return true;
        slots_[(head_ + count_) % slots_.size()] = c;
        ++count_;
        return true;
    }

    std::optional<cookie> try_get() {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (count_ == 0) return std::nullopt;
        ++gets_;
        if (Bug == planted::newest_first) {
            --count_;
            return slots_[(head_ + count_) % slots_.size()];
        }
        const cookie c = slots_[head_];
        if (Bug == planted::repeats_every_50th_get && gets_ % 50 == 0) return c;
        head_ = (head_ + 1) % slots_.size();
        --count_;
        return c;
    }

    [[nodiscard]] std::size_t size() const {
        std::lock_guard<cj::mutex> lock(mutex_);
        if (Bug == planted::size_says_one_more_when_full && count_ == capacity_) return count_ + 1;
        return count_;
    }

    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    mutable cj::mutex mutex_;   // guards everything below but capacity_
    std::vector<cookie> slots_;  // capacity_ + 1 slots, so holds_one_too_many can overfill
    const std::size_t capacity_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    unsigned long puts_ = 0;
    unsigned long gets_ = 0;
};

// Polling producers and consumers, like lesson 02's.
using cj::stress::polling;

// Consumers that wait until they see the jar full (or every producer done) before
// eating, so a bug that shows only on a full jar shows in every run.
struct patient : polling {
    template <class Jar>
    static void consume(Jar& j, cj::stress::run_context& ctx) {
        for (;;) {
            const bool done = ctx.producers_done();
            const std::size_t seen = j.size();
            ctx.observed_size(seen, j.capacity());
            if (seen >= j.capacity() || done) break;
            cj::stress::run_context::pause();
        }
        polling::consume(j, ctx);
    }
};

// Consumers that start only once every producer has returned: a jar that holds more
// than its capacity is then seen to hold it.
struct after_producers : polling {
    template <class Jar>
    static void consume(Jar& j, cj::stress::run_context& ctx) {
        while (!ctx.producers_done()) cj::stress::run_context::pause();
        polling::consume(j, ctx);
    }
};

template <planted Bug, class Ops = polling>
cj::stress::outcome run(const cj::stress::config& c) {
    const std::string name = cj::testing::current_test_name();
    return cj::stress::run<ring<Bug>, Ops>(c, name.c_str());
}

cj::stress::config two_by_two() {
    cj::stress::config c;
    c.producers = 2;
    c.consumers = 2;
    c.observers = 1;
    c.cookies_per_producer = 400;
    c.capacity = 2;
    return c;
}

bool any_problem_says(const cj::stress::outcome& o, const std::string& text) {
    for (const auto& p : o.problems)
        if (contains(p, text)) return true;
    return false;
}

}  // namespace

TEST_CASE("a correct buffer passes the stress harness with two producers and two consumers", "[library][stress]") {
    for (std::uint64_t seed : {1u, 2u}) {
        auto c = two_by_two();
        c.seed = seed;
        const auto o = run<planted::none>(c);
        INFO(o.report());
        CHECK(o.passed());
        CHECK(o.puts == 800);
        CHECK(o.gets == 800);
        CHECK(contains(o.report(), "passed"));
    }
}

TEST_CASE("a correct buffer passes with consumers that wait for a full jar", "[library][stress]") {
    auto c = two_by_two();
    c.capacity = 3;
    const auto o = run<planted::none, patient>(c);
    INFO(o.report());
    CHECK(o.passed());
    CHECK(o.gets == 800);
}

TEST_CASE("a buffer that drops every 100th cookie is caught: cookies never eaten", "[library][stress]") {
    const auto o = run<planted::drops_every_100th_put>(two_by_two());
    INFO(o.report());
    CHECK_FALSE(o.passed());
    CHECK(o.puts == 800);
    CHECK(o.gets == 792);
    CHECK(any_problem_says(o, "was never eaten (lost)"));
    CHECK(any_problem_says(o, "8 cookies were lost in all"));
    CHECK(contains(o.report(), "FAILED"));
}

TEST_CASE("a buffer that hands a cookie out twice is caught: a cookie eaten 2 times", "[library][stress]") {
    const auto o = run<planted::repeats_every_50th_get>(two_by_two());
    INFO(o.report());
    CHECK_FALSE(o.passed());
    CHECK(o.gets > 800);
    CHECK(any_problem_says(o, "was eaten 2 times"));
}

TEST_CASE("a buffer that serves the newest cookie first is caught: FIFO order broken", "[library][stress]") {
    auto c = two_by_two();
    c.producers = 1;  // one producer and one consumer: any reordering is visible to that consumer
    c.consumers = 1;
    c.capacity = 3;
    const auto o = run<planted::newest_first, patient>(c);
    INFO(o.report());
    CHECK_FALSE(o.passed());
    CHECK(o.gets == 400);  // nothing lost, nothing twice: only the order is wrong
    CHECK(any_problem_says(o, "FIFO order broken"));
    CHECK_FALSE(any_problem_says(o, "lost"));
}

TEST_CASE("a buffer whose size() says capacity + 1 on a full jar is caught", "[library][stress]") {
    const auto o = run<planted::size_says_one_more_when_full, patient>(two_by_two());
    INFO(o.report());
    CHECK_FALSE(o.passed());
    CHECK(any_problem_says(o, "size() returned 3 for a jar of capacity 2"));
}

TEST_CASE("a buffer that takes a cookie into a full jar is caught: capacity exceeded", "[library][stress]") {
    auto c = two_by_two();
    c.producers = 1;
    c.consumers = 1;
    c.cookies_per_producer = 3;  // three fit only if the jar of two takes one too many
    const auto o = run<planted::holds_one_too_many, after_producers>(c);
    INFO(o.report());
    CHECK_FALSE(o.passed());
    CHECK(any_problem_says(o, "at least 3 cookies were in a jar of capacity 2"));
}
