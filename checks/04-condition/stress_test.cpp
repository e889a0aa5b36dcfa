// Lesson 04, stress checks under ThreadSanitizer: producers put() cookies into one jar
// and wait when it is full, consumers get() until the jar says it is closed and empty,
// and somebody close()s it: the last producer (the ready-made driver
// cj::stress::closing), a consumer half-way, or a producer in the middle of the run.
// A data race stops the run at once; a thread that sleeps forever (a lost wake-up, a
// close() that wakes too few) is reported by the watchdog with what each thread waits
// for. After the run the harness checks that every accepted cookie was eaten exactly
// once and in each producer's order, that no refused cookie was eaten, and that the jar
// never overflowed. These checks add one more: get() never said "closed" too early.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/stress_check.hpp>

#include <cookiejar/catch.hpp>

#include <atomic>
#include <cstdint>
#include <string>

namespace {

using cj::stress::cookie;
using cj::stress::run_context;
using jar = lesson04::bounded_buffer<cookie>;

// The ready-made driver, with one more promise checked: get() returns std::nullopt only
// once the jar is closed. Here only the last producer closes it, after every producer is
// done, so a std::nullopt that comes while producers_done() is still false came too
// early. The consumer counts it and carries on eating.
struct closing_by_the_last_producer : cj::stress::closing {
    static inline std::atomic<unsigned long long> early_nullopts{0};

    template <class Jar>
    static void consume(Jar& j, run_context& ctx) {
        for (;;) {
            ctx.taking();
            auto c = j.get();
            if (c) {
                ctx.took(*c);
                continue;
            }
            ctx.took_nothing();
            if (ctx.producers_done()) return;  // a correct "closed and empty"
            early_nullopts.fetch_add(1, std::memory_order_relaxed);
        }
    }
};

// A consumer closes the jar once `close_after` cookies have been eaten, while producers
// still wait for room; each waiting producer must give up (put() returns false). The
// last producer closes it again: a second close() is allowed.
struct closing_by_a_consumer : cj::stress::closing {
    static inline std::atomic<unsigned long long> eaten{0};
    static inline std::atomic<unsigned long long> close_after{0};

    template <class Jar>
    static void consume(Jar& j, run_context& ctx) {
        for (;;) {
            ctx.taking();
            auto c = j.get();
            if (!c) {
                ctx.took_nothing();
                return;
            }
            ctx.took(*c);
            if (eaten.fetch_add(1, std::memory_order_relaxed) + 1 == close_after.load(std::memory_order_relaxed)) {
                j.close();
            }
        }
    }
};

// Producer 0 closes the jar just before it would put cookie `close_before`, while the
// other producers are in the middle of their puts: close() races with put().
struct closing_by_a_producer : cj::stress::closing {
    static inline std::atomic<std::uint32_t> close_before{0};

    template <class Jar>
    static bool put(Jar& j, const cookie& c, run_context& ctx) {
        if (c.producer == 0 && c.number == close_before.load(std::memory_order_relaxed)) j.close();
        return cj::stress::closing::put(j, c, ctx);
    }
};

void run_by_the_last_producer(cj::stress::config c, const std::string& name) {
    closing_by_the_last_producer::early_nullopts.store(0);
    const auto outcome = cj::stress::run<jar, closing_by_the_last_producer>(c, name.c_str());
    INFO(outcome.report());
    REQUIRE(outcome.passed());
    const auto early = closing_by_the_last_producer::early_nullopts.load();
    INFO("get() returned std::nullopt " << early << " time(s) while the jar was still open: nobody had called\n"
         "close() yet. get() may say \"closed and empty\" only once the jar is closed and empty.");
    REQUIRE(early == 0);
}

void stress(cj::stress::config c) {
    const std::string name = cj::testing::current_test_name();
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        c.seed = seed;
        run_by_the_last_producer(c, name);
    }
}

}  // namespace

TEST_CASE("two producers and two consumers share a jar of one", "[lesson04][stress]") {
    stress({.producers = 2, .consumers = 2, .cookies_per_producer = 3000, .capacity = 1});
}

TEST_CASE("four producers and four consumers share a jar of two", "[lesson04][stress]") {
    stress({.producers = 4, .consumers = 4, .cookies_per_producer = 1000, .capacity = 2});
}

TEST_CASE("one producer feeds three consumers from a jar of three", "[lesson04][stress]") {
    stress({.producers = 1, .consumers = 3, .cookies_per_producer = 4000, .capacity = 3});
}

TEST_CASE("three producers fill a big jar for one consumer", "[lesson04][stress]") {
    stress({.producers = 3, .consumers = 1, .cookies_per_producer = 2000, .capacity = 64});
}

TEST_CASE("consumers waiting on an empty jar all go home when it closes", "[lesson04][stress]") {
    // Few cookies and many consumers: when the last producer closes the jar, most
    // consumers are asleep in get(). Many short runs, so the close comes at many moments.
    const std::string name = cj::testing::current_test_name();
    for (std::uint64_t seed = 1; seed <= 60; ++seed) {
        run_by_the_last_producer(
            {.producers = 1, .consumers = 4, .cookies_per_producer = 3, .capacity = 1, .seed = seed}, name);
    }
}

TEST_CASE("producers waiting on a full jar all give up when a consumer closes it", "[lesson04][stress]") {
    const std::string name = cj::testing::current_test_name();
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        const cj::stress::config c{.producers = 4, .consumers = 1, .cookies_per_producer = 600, .capacity = 1, .seed = seed};
        closing_by_a_consumer::eaten.store(0);
        closing_by_a_consumer::close_after.store(c.producers * c.cookies_per_producer / 2);
        const auto outcome = cj::stress::run<jar, closing_by_a_consumer>(c, name.c_str());
        INFO(outcome.report());
        REQUIRE(outcome.passed());
        INFO("the consumer closed the jar half-way: the producers' later cookies must have been refused");
        REQUIRE(outcome.puts < c.producers * c.cookies_per_producer);
    }
}

TEST_CASE("close() racing with put(): a refused cookie is never eaten, an accepted one always is", "[lesson04][stress]") {
    const std::string name = cj::testing::current_test_name();
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        const cj::stress::config c{.producers = 3, .consumers = 2, .cookies_per_producer = 1000, .capacity = 2, .seed = seed};
        closing_by_a_producer::close_before.store(c.cookies_per_producer / 2);
        const auto outcome = cj::stress::run<jar, closing_by_a_producer>(c, name.c_str());
        INFO(outcome.report());
        REQUIRE(outcome.passed());
        INFO("producer 0 closed the jar half-way: its own later cookies must have been refused");
        REQUIRE(outcome.puts < c.producers * c.cookies_per_producer);
    }
}
