// Unit checks of the try_put/try_get contract (lessons 01 and 02), one rule per test.
// The build compiles this file against the student's header, the solution and
// every mutant; COOKIEJAR_BUFFER_HEADER names the header under test and
// COOKIEJAR_LESSON_NAMESPACE its namespace (lesson01, lesson02).
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/catch.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "cookie.hpp"

namespace {

using COOKIEJAR_LESSON_NAMESPACE::bounded_buffer;
using cookiejar_checks::cookie;

// try_get() as text, so a failed check prints what came out:
// "3", "cookie 3", or "nothing" for std::nullopt.
template <class T>
std::string take(bounded_buffer<T>& jar) {
    const std::optional<T> got = jar.try_get();
    if (!got) {
        return "nothing";
    }
    std::ostringstream out;
    out << *got;
    return out.str();
}

std::string cookie_text(int id) { return "cookie " + std::to_string(id); }

std::string refused_capacity_message() {
    try {
        const bounded_buffer<int> jar(0);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "(no std::invalid_argument was thrown)";
}

}  // namespace

TEST_CASE("a jar of capacity 0 is refused", "[unit]") {
    REQUIRE_THROWS_AS(bounded_buffer<int>(0), std::invalid_argument);
    const std::string message = refused_capacity_message();
    INFO("the exception said: \"" << message << "\"");
    INFO("a clear message names what was wrong: the capacity");
    CHECK(message.find("capacity") != std::string::npos);
}

TEST_CASE("a jar of capacity 1 is accepted", "[unit][bug:full_off_by_one]") {
    REQUIRE_NOTHROW(bounded_buffer<int>(1));
}

TEST_CASE("capacity() is the number the jar was made with, and never changes", "[unit]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    bounded_buffer<int> jar(capacity);
    REQUIRE(jar.capacity() == capacity);
    REQUIRE(jar.try_put(7));
    REQUIRE(jar.capacity() == capacity);
    REQUIRE(take(jar) == "7");
    REQUIRE(jar.capacity() == capacity);
}

TEST_CASE("a new jar is empty", "[unit]") {
    bounded_buffer<int> jar(3);
    REQUIRE(jar.size() == 0);
    REQUIRE(take(jar) == "nothing");
    REQUIRE(jar.size() == 0);
}

TEST_CASE("cookies come out in the order they went in", "[unit][bug:reordered_items]") {
    bounded_buffer<int> jar(5);
    int third = 3;
    const int fifth = 5;
    REQUIRE(jar.try_put(1));      // by move
    REQUIRE(jar.try_put(2));      // by move
    REQUIRE(jar.try_put(third));  // by copy
    REQUIRE(jar.try_put(4));      // by move
    REQUIRE(jar.try_put(fifth));  // by copy
    REQUIRE(take(jar) == "1");
    REQUIRE(take(jar) == "2");
    REQUIRE(take(jar) == "3");
    REQUIRE(take(jar) == "4");
    REQUIRE(take(jar) == "5");
    REQUIRE(take(jar) == "nothing");
}

TEST_CASE("size() counts every put and every get", "[unit][bug:lost_items]") {
    bounded_buffer<int> jar(3);
    const int one = 1;
    REQUIRE(jar.size() == 0);
    REQUIRE(jar.try_put(one));  // by copy
    REQUIRE(jar.size() == 1);
    REQUIRE(jar.try_put(2));  // by move
    REQUIRE(jar.size() == 2);
    REQUIRE(take(jar) == "1");
    REQUIRE(jar.size() == 1);
    REQUIRE(jar.try_put(3));
    REQUIRE(jar.size() == 2);
    REQUIRE(jar.try_put(4));
    REQUIRE(jar.size() == 3);
    REQUIRE_FALSE(jar.try_put(5));
    REQUIRE(jar.size() == 3);
    REQUIRE(take(jar) == "2");
    REQUIRE(jar.size() == 2);
    REQUIRE(take(jar) == "3");
    REQUIRE(take(jar) == "4");
    REQUIRE(jar.size() == 0);
    REQUIRE(take(jar) == "nothing");
    REQUIRE(jar.size() == 0);
}

TEST_CASE("a full jar refuses a copied cookie and keeps what it holds", "[unit][bug:full_off_by_one]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    const int n = static_cast<int>(capacity);
    bounded_buffer<cookie> jar(capacity);
    for (int id = 0; id < n; ++id) {
        const cookie c(id);
        INFO("putting cookie " << id << " into a jar of capacity " << capacity << " that holds " << id);
        REQUIRE(jar.try_put(c));
    }
    REQUIRE(jar.size() == capacity);

    const cookie extra(1000);
    INFO("the jar holds " << capacity << " of " << capacity << " cookies: it is full");
    REQUIRE_FALSE(jar.try_put(extra));
    REQUIRE(jar.size() == capacity);
    CHECK(extra.id == 1000);
    for (int id = 0; id < n; ++id) {
        INFO("the refused put must not have replaced or reordered cookie " << id);
        REQUIRE(take(jar) == cookie_text(id));
    }
    REQUIRE(take(jar) == "nothing");
}

TEST_CASE("a full jar refuses a moved cookie without moving from it", "[unit][bug:moved_from_when_refused]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    const int n = static_cast<int>(capacity);
    bounded_buffer<cookie> jar(capacity);
    for (int id = 0; id < n; ++id) {
        INFO("putting cookie " << id << " into a jar of capacity " << capacity << " that holds " << id);
        REQUIRE(jar.try_put(cookie(id)));
    }

    cookie extra(1000);
    INFO("the jar holds " << capacity << " of " << capacity << " cookies: it is full");
    REQUIRE_FALSE(jar.try_put(std::move(extra)));
    INFO("try_put(T&&) returned false, so the caller still owns the cookie: it must be whole");
    CHECK_FALSE(extra.moved_from);  // NOLINT(bugprone-use-after-move): checking that very thing
    REQUIRE(jar.size() == capacity);

    // With room again, the same cookie goes in and comes out last.
    REQUIRE(take(jar) == cookie_text(0));
    REQUIRE(jar.try_put(std::move(extra)));
    for (int id = 1; id < n; ++id) {
        REQUIRE(take(jar) == cookie_text(id));
    }
    REQUIRE(take(jar) == cookie_text(1000));
}

TEST_CASE("a full jar refuses a std::unique_ptr without emptying it", "[unit][bug:moved_from_when_refused]") {
    bounded_buffer<std::unique_ptr<int>> jar(1);
    REQUIRE(jar.try_put(std::make_unique<int>(1)));
    auto second = std::make_unique<int>(2);
    REQUIRE_FALSE(jar.try_put(std::move(second)));
    INFO("try_put(T&&) returned false, so the caller's pointer must still own its int");
    REQUIRE(second != nullptr);  // NOLINT(bugprone-use-after-move): checking that very thing
    CHECK(*second == 2);

    std::optional<std::unique_ptr<int>> first = jar.try_get();
    REQUIRE(first.has_value());
    REQUIRE(*first != nullptr);
    CHECK(**first == 1);
}

TEST_CASE("an empty jar gives std::nullopt again and again, and still works after", "[unit][bug:empty_off_by_one]") {
    bounded_buffer<int> jar(2);
    REQUIRE(take(jar) == "nothing");
    REQUIRE(take(jar) == "nothing");
    REQUIRE(jar.size() == 0);
    REQUIRE(jar.try_put(1));
    REQUIRE(take(jar) == "1");
    REQUIRE(take(jar) == "nothing");
    REQUIRE(take(jar) == "nothing");
    REQUIRE(jar.size() == 0);
    REQUIRE(jar.try_put(2));
    REQUIRE(jar.try_put(3));
    REQUIRE(jar.size() == 2);
    REQUIRE(take(jar) == "2");
    REQUIRE(take(jar) == "3");
    REQUIRE(take(jar) == "nothing");
}

TEST_CASE("one cookie in and one out, over and over, uses every slot in turn", "[unit][bug:wrap_around]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    bounded_buffer<int> jar(capacity);
    const int rounds = 3 * static_cast<int>(capacity) + 1;  // three laps and a bit
    for (int i = 0; i < rounds; ++i) {
        INFO("capacity " << capacity << ", round " << i << " of " << rounds
                         << ": put " << i << ", then take it back");
        REQUIRE(jar.try_put(i));
        REQUIRE(jar.size() == 1);
        REQUIRE(take(jar) == std::to_string(i));
        REQUIRE(jar.size() == 0);
    }
}

TEST_CASE("the jar wraps around its end, lap after lap, full and empty", "[unit][bug:wrap_around]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    const int n = static_cast<int>(capacity);
    const int half = (n + 1) / 2;
    bounded_buffer<int> jar(capacity);
    int next_in = 0;
    int next_out = 0;
    // Each lap: fill the jar, take half, fill it again (now the items cross the
    // end of the ring), then empty it. The oldest item starts each lap `half`
    // slots further on.
    for (int lap = 1; lap <= 4; ++lap) {
        INFO("capacity " << capacity << ", lap " << lap);
        for (int i = 0; i < n; ++i) {
            INFO("filling: putting " << next_in << " into a jar that should hold " << i);
            REQUIRE(jar.try_put(next_in));
            ++next_in;
            REQUIRE(jar.size() == static_cast<std::size_t>(i + 1));
        }
        {
            INFO("the jar should be full: " << n << " of " << n);
            REQUIRE_FALSE(jar.try_put(-1));
        }
        for (int i = 0; i < half; ++i) {
            INFO("taking the oldest, which should be " << next_out);
            REQUIRE(take(jar) == std::to_string(next_out));
            ++next_out;
        }
        REQUIRE(jar.size() == static_cast<std::size_t>(n - half));
        for (int i = 0; i < half; ++i) {
            INFO("refilling: putting " << next_in << " into a jar that should hold " << (n - half + i));
            REQUIRE(jar.try_put(next_in));
            ++next_in;
        }
        REQUIRE(jar.size() == capacity);
        {
            INFO("the jar should be full again: " << n << " of " << n);
            REQUIRE_FALSE(jar.try_put(-1));
        }
        for (int i = 0; i < n; ++i) {
            INFO("emptying: the oldest should be " << next_out);
            REQUIRE(take(jar) == std::to_string(next_out));
            ++next_out;
            REQUIRE(jar.size() == static_cast<std::size_t>(n - i - 1));
        }
        REQUIRE(take(jar) == "nothing");
    }
}
