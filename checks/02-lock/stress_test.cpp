// Lesson 02, stress checks under ThreadSanitizer: polling producers and consumers
// hammer one jar while an observer calls size() and capacity(). A data race stops the
// run at once (TSan, halt_on_error); afterwards the harness checks that every cookie
// was eaten exactly once, in each producer's order, and that the jar never overflowed.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/stress_check.hpp>

#include <cookiejar/catch.hpp>

#include <utility>

namespace {

using cj::stress::cookie;
using jar = lesson02::bounded_buffer<cookie>;

// How lesson 02's non-blocking API is driven: the seed's polling producer and consumer.
struct polling {
    // Every other cookie goes in through each overload: try_put(const T&) and try_put(T&&).
    static void put(jar& j, const cookie& c, cj::stress::run_context&) {
        if (c.number % 2 == 0) {
            while (!j.try_put(c)) cj::stress::run_context::pause();
        } else {
            for (;;) {
                cookie moving = c;
                if (j.try_put(std::move(moving))) break;
                cj::stress::run_context::pause();
            }
        }
    }
    static void consume(jar& j, cj::stress::run_context& ctx) {
        for (;;) {
            const bool last_look = ctx.producers_done();  // read before the get: nothing can come after it
            ctx.taking();
            if (auto c = j.try_get()) {
                ctx.took(*c);
                continue;
            }
            ctx.took_nothing();
            if (last_look) return;  // empty after every producer finished: all eaten
            cj::stress::run_context::pause();
        }
    }
    static void observe(jar& j, cj::stress::run_context& ctx) {
        ctx.observed_size(j.size(), j.capacity());
        ctx.observed_size(j.size(), j.capacity());
    }
};

void stress(cj::stress::config c) {
    const std::string name = cj::testing::current_test_name();
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        c.seed = seed;
        const auto outcome = cj::stress::run<jar, polling>(c, name.c_str());
        INFO(outcome.report());
        REQUIRE(outcome.passed());
    }
}

}  // namespace

TEST_CASE("two producers and two consumers share a jar of one", "[lesson02][stress]") {
    stress({.producers = 2, .consumers = 2, .cookies_per_producer = 4000, .capacity = 1});
}

TEST_CASE("four producers and four consumers share a jar of two", "[lesson02][stress]") {
    stress({.producers = 4, .consumers = 4, .cookies_per_producer = 1500, .capacity = 2});
}

TEST_CASE("one producer feeds three consumers from a jar of three", "[lesson02][stress]") {
    stress({.producers = 1, .consumers = 3, .cookies_per_producer = 6000, .capacity = 3});
}

TEST_CASE("three producers fill a big jar for one consumer", "[lesson02][stress]") {
    stress({.producers = 3, .consumers = 1, .cookies_per_producer = 3000, .capacity = 64});
}
