// cj::fifo::history, the linearizability checker the model checks judge every schedule
// with: histories that some one-at-a-time order explains must be accepted, and
// histories no such order explains must be rejected. Histories are written by hand
// here; the order of start()/finish() calls is the order of events in time.
#if defined(__GNUC__) && !defined(__clang__)
// A test below makes describe() cut its output on purpose; GCC proves the cut and would
// warn inside the header (for this file only).
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
#include <cookiejar/fifo_history.hpp>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include <cookiejar/catch.hpp>

#include "library_test.hpp"

namespace {

using cj::fifo::call;
using history = cj::fifo::history<12>;

// Calls that do not overlap anything: each one starts and finishes before the next.
void put(history& h, int thread, int value, bool ok) { h.finish(h.start(call::put, thread, value), ok); }
void get(history& h, int thread, bool ok, int value = 0) { h.finish(h.start(call::get, thread), ok, value); }
void size(history& h, int thread, int value) { h.finish(h.start(call::size, thread), true, value); }

}  // namespace

TEST_CASE("a sequential history of a FIFO is linearizable, and one that breaks FIFO is not", LIBRARY_TAGS) {
    history h;
    put(h, 0, 1, true);
    put(h, 0, 2, true);
    put(h, 0, 3, false);  // full: capacity 2
    size(h, 1, 2);
    get(h, 1, true, 1);
    get(h, 1, true, 2);
    get(h, 1, false);  // empty
    size(h, 1, 0);
    CHECK(h.size() == 8);
    CHECK(h.linearizable(2));

    history lifo;
    put(lifo, 0, 1, true);
    put(lifo, 0, 2, true);
    get(lifo, 1, true, 2);  // the newest first: FIFO broken
    get(lifo, 1, true, 1);
    CHECK_FALSE(lifo.linearizable(2));
}

TEST_CASE("a put that overlaps a get may take effect before it or after it", LIBRARY_TAGS) {
    SECTION("the get returns the value: the put took effect first") {
        history h;
        const auto p = h.start(call::put, 0, 7);
        const auto g = h.start(call::get, 1);
        h.finish(g, true, 7);  // the get ends first, yet it saw the cookie
        h.finish(p, true);
        CHECK(h.linearizable(1));
    }
    SECTION("the get finds the jar empty: the get took effect first") {
        history h;
        const auto g = h.start(call::get, 1);
        const auto p = h.start(call::put, 0, 7);
        h.finish(p, true);
        h.finish(g, false);  // the put already returned, yet the get may have looked earlier
        CHECK(h.linearizable(1));
    }
    SECTION("two overlapping puts may land in either order") {
        history h;
        const auto p1 = h.start(call::put, 0, 1);
        const auto p2 = h.start(call::put, 1, 2);
        h.finish(p1, true);
        h.finish(p2, true);
        get(h, 2, true, 2);
        get(h, 2, true, 1);
        CHECK(h.linearizable(2));
    }
}

TEST_CASE("a size() read must match some moment of the call", LIBRARY_TAGS) {
    SECTION("a size() overlapping a put may read the size before or after it") {
        for (int read : {0, 1}) {
            history h;
            const auto s = h.start(call::size, 1);
            put(h, 0, 5, true);
            h.finish(s, true, read);
            CHECK(h.linearizable(1));
        }
    }
    SECTION("a size() after a finished put cannot read the size before it") {
        history h;
        put(h, 0, 5, true);
        size(h, 1, 0);
        CHECK_FALSE(h.linearizable(1));
    }
    SECTION("a size() above the capacity is never right") {
        history h;
        put(h, 0, 5, true);
        size(h, 1, 2);
        CHECK_FALSE(h.linearizable(1));
    }
}

TEST_CASE("two successful puts into a jar of one with no get between are not linearizable", LIBRARY_TAGS) {
    SECTION("one after the other") {
        history h;
        put(h, 0, 1, true);
        put(h, 1, 2, true);
        CHECK_FALSE(h.linearizable(1));
    }
    SECTION("overlapping") {
        history h;
        const auto p1 = h.start(call::put, 0, 1);
        const auto p2 = h.start(call::put, 1, 2);
        h.finish(p2, true);
        h.finish(p1, true);
        CHECK_FALSE(h.linearizable(1));
    }
    SECTION("but a get overlapping both makes room between them") {
        history h;
        const auto p1 = h.start(call::put, 0, 1);
        const auto g = h.start(call::get, 2);
        const auto p2 = h.start(call::put, 1, 2);
        h.finish(p1, true);
        h.finish(g, true, 1);
        h.finish(p2, true);
        CHECK(h.linearizable(1));
    }
}

TEST_CASE("a get that returns a cookie nobody put is not linearizable", LIBRARY_TAGS) {
    history h;
    put(h, 0, 1, true);
    get(h, 1, true, 9);
    CHECK_FALSE(h.linearizable(2));

    history from_empty;
    get(from_empty, 1, true, 0);  // a default-valued "cookie" out of an empty jar
    CHECK_FALSE(from_empty.linearizable(1));
}

TEST_CASE("a get that finds the jar empty after a finished put is not linearizable", LIBRARY_TAGS) {
    history h;
    put(h, 0, 1, true);
    get(h, 1, false);  // the cookie is in the jar and no get took it
    CHECK_FALSE(h.linearizable(1));

    history taken;  // the same, but another get took the cookie first: fine
    put(taken, 0, 1, true);
    get(taken, 2, true, 1);
    get(taken, 1, false);
    CHECK(taken.linearizable(1));
}

TEST_CASE("a put that fails on a jar with room is not linearizable", LIBRARY_TAGS) {
    history h;
    put(h, 0, 1, false);
    CHECK_FALSE(h.linearizable(1));
}

TEST_CASE("a history describes its calls one line each", LIBRARY_TAGS) {
    history h;
    put(h, 0, 1, true);
    put(h, 0, 2, false);
    get(h, 1, true, 1);
    get(h, 1, false);
    size(h, 2, 0);
    const std::array<const char*, 3> names{"producer 0", "consumer 0", "observer"};
    char text[400];
    h.describe(text, sizeof text, names);
    const std::string s = text;
    CHECK(s ==
          "\n    producer 0: try_put(1) -> true"
          "\n    producer 0: try_put(2) -> false"
          "\n    consumer 0: try_get() -> 1"
          "\n    consumer 0: try_get() -> nullopt"
          "\n    observer: size() -> 0");

    std::vector<char> small(20);  // too small: cut, but still a terminated string within the buffer
    h.describe(small.data(), small.size(), names);
    CHECK(std::string(small.data()).size() < small.size());
}

TEST_CASE("a history with no calls describes itself as an empty string", LIBRARY_TAGS) {
    history h;
    const std::array<const char*, 1> names{"nobody"};
    char text[8];
    std::memset(text, 'x', sizeof text);  // whatever the buffer held before
    h.describe(text, sizeof text, names);
    CHECK(text[0] == '\0');
}

TEST_CASE("with blocking calls, a completed get had a cookie and a completed put had room", LIBRARY_TAGS) {
    history h(cj::fifo::semantics::blocking_calls);
    const auto g = h.start(call::get, 1);  // waits: the jar is empty
    put(h, 0, 7, true);
    h.finish(g, true, 7);
    CHECK(h.linearizable(1));

    history empty_get(cj::fifo::semantics::blocking_calls);
    get(empty_get, 1, false);  // a blocking get may not come back empty from an open jar
    CHECK_FALSE(empty_get.linearizable(1));

    history over_full(cj::fifo::semantics::blocking_calls);
    put(over_full, 0, 1, true);
    put(over_full, 0, 2, true);  // no room in a jar of one, and nobody took the first
    CHECK_FALSE(over_full.linearizable(1));
}

TEST_CASE("after close, put is refused and get drains the jar before it says nullopt", LIBRARY_TAGS) {
    auto close = [](history& h, int thread) { h.finish(h.start(call::close, thread), true); };

    history drained(cj::fifo::semantics::blocking_calls);
    put(drained, 0, 1, true);
    close(drained, 0);
    put(drained, 0, 2, false);
    get(drained, 1, true, 1);
    get(drained, 1, false);
    CHECK(drained.linearizable(2));

    history lost(cj::fifo::semantics::blocking_calls);
    put(lost, 0, 1, true);
    close(lost, 0);
    get(lost, 1, false);  // cookie 1 is still in the jar: nullopt is too early
    CHECK_FALSE(lost.linearizable(2));

    history refused_while_open(cj::fifo::semantics::blocking_calls);
    put(refused_while_open, 0, 1, false);  // nobody closed the jar
    CHECK_FALSE(refused_while_open.linearizable(2));

    char text[200];
    drained.describe(text, sizeof text, std::array<const char*, 2>{"producer 0", "consumer 0"});
    CHECK(std::string(text).find("producer 0: close()") != std::string::npos);
    CHECK(std::string(text).find("consumer 0: get() -> nullopt") != std::string::npos);
}
