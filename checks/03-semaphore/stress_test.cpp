// Lesson 03, stress checks under ThreadSanitizer: blocking producers and consumers
// hammer one jar while an observer calls capacity(). Each consumer claims a cookie
// before each get(), so together they make exactly as many gets as there are cookies,
// and a correct jar never leaves anyone waiting at the end. A data race stops the run
// at once (TSan, halt_on_error); a hang is ended by the watchdog with a picture of who
// waits for what; afterwards the harness checks that every cookie was eaten exactly
// once, in each producer's order, and that the jar never held more than its capacity.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/stress_check.hpp>

#include <cookiejar/catch.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

namespace {

using cj::stress::cookie;
using jar = lesson03::bounded_buffer<cookie>;

// cj::stress::blocking, except that a get() that throws is reported in words instead
// of ending the process. (The jar's get() calls value() on the slot it empties, which
// throws when the slot holds no cookie.) A get() that threw took no cookie, so the run
// then also reports a cookie that was never eaten.
struct blocking_ops : cj::stress::blocking {
    static inline std::atomic<unsigned long long> throws{0};

    template <class Jar>
    static void consume(Jar& j, cj::stress::run_context& ctx) {
        while (ctx.claim()) {
            ctx.taking();
            try {
                ctx.took(j.get());
            } catch (const std::exception& e) {
                if (throws.fetch_add(1, std::memory_order_relaxed) == 0) {
                    std::fprintf(stderr,
                                 "\ncookiejar: a consumer's get() threw \"%s\": the slot it emptied held no cookie,\n"
                                 "although the count of filled slots had let it through.\n",
                                 e.what());
                    std::fflush(stderr);
                }
            }
        }
    }
};

void stress(cj::stress::config c) {
    const std::string name = cj::testing::current_test_name();
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        c.seed = seed;
        blocking_ops::throws.store(0, std::memory_order_relaxed);
        const auto outcome = cj::stress::run<jar, blocking_ops>(c, name.c_str());
        const auto thrown = blocking_ops::throws.load(std::memory_order_relaxed);
        std::string report = outcome.report();
        if (thrown != 0)
            report += "  - get() threw " + std::to_string(thrown) + " time(s): each time, the slot it emptied held no cookie\n";
        INFO(report);
        REQUIRE(outcome.passed());
        REQUIRE(thrown == 0);
    }
}

}  // namespace

TEST_CASE("two producers and two consumers share a jar of one", "[lesson03][stress]") {
    stress({.producers = 2, .consumers = 2, .cookies_per_producer = 4000, .capacity = 1});
}

TEST_CASE("four producers and four consumers share a jar of two", "[lesson03][stress]") {
    stress({.producers = 4, .consumers = 4, .cookies_per_producer = 1500, .capacity = 2});
}

TEST_CASE("one producer feeds three consumers from a jar of three", "[lesson03][stress]") {
    stress({.producers = 1, .consumers = 3, .cookies_per_producer = 6000, .capacity = 3});
}

TEST_CASE("three producers fill a big jar for one consumer", "[lesson03][stress]") {
    stress({.producers = 3, .consumers = 1, .cookies_per_producer = 3000, .capacity = 64});
}
