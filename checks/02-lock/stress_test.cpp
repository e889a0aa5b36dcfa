// Lesson 02, stress checks under ThreadSanitizer: polling producers and consumers
// hammer one jar while an observer calls size() and capacity(). A data race stops the
// run at once (TSan, halt_on_error); afterwards the harness checks that every cookie
// was eaten exactly once, in each producer's order, and that the jar never overflowed.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/stress_check.hpp>

#include <cookiejar/catch.hpp>

namespace {

using cj::stress::cookie;
using jar = lesson02::bounded_buffer<cookie>;

void stress(cj::stress::config c) {
    const std::string name = cj::testing::current_test_name();
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        c.seed = seed;
        const auto outcome = cj::stress::run<jar, cj::stress::polling>(c, name.c_str());
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
