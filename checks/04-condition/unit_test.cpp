// Lesson 04, unit and property checks: the sequential contract of a jar that waits and
// can be closed, on one thread. No check here makes a call that a correct jar would
// wait in: a put only into a jar with room (or a closed one), a get only from a jar
// with a cookie in it (or a closed one). A jar that waits anyway is ended by the
// per-test watchdog after 10 s, with the line it waits at.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>

namespace {

using COOKIEJAR_LESSON_NAMESPACE::bounded_buffer;

// A test cookie that remembers whether it was moved from, so a check can tell "the
// jar left my cookie alone" from "the jar took what was inside it".
struct cookie {
    int id = 0;
    bool moved_from = false;

    explicit cookie(int id_) : id(id_) {}
    cookie(const cookie&) = default;
    cookie& operator=(const cookie&) = default;
    cookie(cookie&& other) noexcept : id(other.id), moved_from(std::exchange(other.moved_from, true)) {}
    cookie& operator=(cookie&& other) noexcept {
        id = other.id;
        moved_from = std::exchange(other.moved_from, true);
        return *this;
    }
    ~cookie() = default;
};

// get() as text, so a failed check prints what came out: "cookie 3" or "std::nullopt".
std::string take(bounded_buffer<cookie>& jar) {
    const std::optional<cookie> got = jar.get();
    if (!got) return "std::nullopt";
    return "cookie " + std::to_string(got->id) + (got->moved_from ? " (moved from)" : "");
}
std::string cookie_text(int id) { return "cookie " + std::to_string(id); }

// The same for a jar of ints: "7" or "std::nullopt".
std::string take(bounded_buffer<int>& jar) {
    const std::optional<int> got = jar.get();
    return got ? std::to_string(*got) : "std::nullopt";
}

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

TEST_CASE("a jar of capacity 1 is accepted", "[unit]") {
    REQUIRE_NOTHROW(bounded_buffer<int>(1));
}

TEST_CASE("capacity() is the number the jar was made with, and never changes", "[unit]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    bounded_buffer<int> jar(capacity);
    REQUIRE(jar.capacity() == capacity);
    REQUIRE(jar.put(7));
    REQUIRE(jar.capacity() == capacity);
    REQUIRE(take(jar) == "7");
    jar.close();
    REQUIRE(jar.capacity() == capacity);
}

TEST_CASE("cookies come out in the order they went in, by copy and by move", "[unit]") {
    bounded_buffer<cookie> jar(5);
    const cookie second(2);
    cookie fourth(4);
    REQUIRE(jar.put(cookie(1)));         // by move
    REQUIRE(jar.put(second));            // by copy
    REQUIRE(jar.put(cookie(3)));         // by move
    REQUIRE(jar.put(std::move(fourth)));  // by move
    REQUIRE(jar.put(cookie(5)));         // by move: the jar is now full
    CHECK_FALSE(second.moved_from);
    for (int id = 1; id <= 5; ++id) {
        INFO("the jar was filled with cookies 1 to 5; the oldest left should be cookie " << id);
        REQUIRE(take(jar) == cookie_text(id));
    }
}

TEST_CASE("a full jar fills up to its capacity, and one get makes room for one put", "[unit]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    const int n = static_cast<int>(capacity);
    bounded_buffer<cookie> jar(capacity);
    for (int id = 0; id < n; ++id) {
        INFO("putting cookie " << id << " into a jar of capacity " << capacity << " that holds " << id
                               << " (if this check hangs, put() waits although there is room)");
        REQUIRE(jar.put(cookie(id)));
    }
    // Full now: take one, put one, several times round the ring.
    for (int round = 0; round < 2 * n + 1; ++round) {
        INFO("round " << round << " in a full jar of capacity " << capacity << ": take the oldest, put one more");
        REQUIRE(take(jar) == cookie_text(round));
        REQUIRE(jar.put(cookie(n + round)));
    }
    for (int id = 2 * n + 1; id < 3 * n + 1; ++id) {
        INFO("emptying: the oldest should be cookie " << id);
        REQUIRE(take(jar) == cookie_text(id));
    }
}

TEST_CASE("the jar wraps around its end, lap after lap, full and empty", "[unit]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    const int n = static_cast<int>(capacity);
    const int half = (n + 1) / 2;
    bounded_buffer<int> jar(capacity);
    int next_in = 0;
    int next_out = 0;
    for (int lap = 1; lap <= 4; ++lap) {
        INFO("capacity " << capacity << ", lap " << lap);
        for (int i = 0; i < n; ++i) REQUIRE(jar.put(next_in++));
        for (int i = 0; i < half; ++i) {
            INFO("taking the oldest, which should be " << next_out);
            REQUIRE(take(jar) == std::to_string(next_out++));
        }
        for (int i = 0; i < half; ++i) REQUIRE(jar.put(next_in++));
        for (int i = 0; i < n; ++i) {
            INFO("emptying: the oldest should be " << next_out);
            REQUIRE(take(jar) == std::to_string(next_out++));
        }
    }
}

TEST_CASE("a jar of move-only cookies (std::unique_ptr) hands each one over whole", "[unit]") {
    bounded_buffer<std::unique_ptr<int>> jar(2);
    REQUIRE(jar.put(std::make_unique<int>(1)));
    REQUIRE(jar.put(std::make_unique<int>(2)));
    for (int expected = 1; expected <= 2; ++expected) {
        std::optional<std::unique_ptr<int>> got = jar.get();
        REQUIRE(got.has_value());
        REQUIRE(*got != nullptr);
        CHECK(**got == expected);
    }
}

TEST_CASE("a closed jar refuses a copied cookie and leaves it alone", "[unit]") {
    bounded_buffer<cookie> jar(3);
    jar.close();
    const cookie c(7);
    INFO("put() after close() must return false at once");
    REQUIRE_FALSE(jar.put(c));
    CHECK(c.id == 7);
    CHECK_FALSE(c.moved_from);
    REQUIRE(take(jar) == "std::nullopt");
}

TEST_CASE("a closed jar refuses a moved cookie without moving from it", "[unit]") {
    bounded_buffer<cookie> jar(3);
    REQUIRE(jar.put(cookie(1)));
    jar.close();
    cookie c(7);
    REQUIRE_FALSE(jar.put(std::move(c)));
    INFO("put(T&&) returned false, so the caller still owns the cookie: it must be whole");
    CHECK_FALSE(c.moved_from);  // NOLINT(bugprone-use-after-move): checking that very thing
    CHECK(c.id == 7);
    REQUIRE(take(jar) == cookie_text(1));
    REQUIRE(take(jar) == "std::nullopt");
}

TEST_CASE("a closed jar refuses a std::unique_ptr without emptying it", "[unit]") {
    bounded_buffer<std::unique_ptr<int>> jar(1);
    jar.close();
    auto p = std::make_unique<int>(5);
    REQUIRE_FALSE(jar.put(std::move(p)));
    INFO("put(T&&) returned false, so the caller's pointer must still own its int");
    REQUIRE(p != nullptr);  // NOLINT(bugprone-use-after-move): checking that very thing
    CHECK(*p == 5);
}

TEST_CASE("a full jar that is closed refuses a put at once instead of waiting for room", "[unit]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 64}));
    bounded_buffer<cookie> jar(capacity);
    for (int id = 0; id < static_cast<int>(capacity); ++id) REQUIRE(jar.put(cookie(id)));
    jar.close();
    cookie extra(1000);
    INFO("the jar is full and closed: no room will ever come, so put() must return false now"
         " (if this check hangs, put() waits on a closed jar)");
    REQUIRE_FALSE(jar.put(std::move(extra)));
    CHECK_FALSE(extra.moved_from);  // NOLINT(bugprone-use-after-move): checking that very thing
    REQUIRE_FALSE(jar.put(extra));
    for (int id = 0; id < static_cast<int>(capacity); ++id) {
        INFO("the cookies put before close() must still come out, in order: cookie " << id);
        REQUIRE(take(jar) == cookie_text(id));
    }
    REQUIRE(take(jar) == "std::nullopt");
}

TEST_CASE("close() keeps the cookies already in the jar: get() hands them out, then std::nullopt", "[unit]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    const int n = static_cast<int>(capacity);
    bounded_buffer<cookie> jar(capacity);
    // Start the cookies part-way round the ring, so they cross its end.
    for (int i = 0; i < n / 2; ++i) {
        REQUIRE(jar.put(cookie(-1)));
        REQUIRE(take(jar) == cookie_text(-1));
    }
    for (int id = 0; id < n; ++id) REQUIRE(jar.put(cookie(id)));
    jar.close();
    for (int id = 0; id < n; ++id) {
        INFO("closed with " << n << " cookies in it; after " << id
                            << " gets the next must still be a cookie: close() must not throw cookies away");
        REQUIRE(take(jar) == cookie_text(id));
    }
    INFO("closed and empty: get() says it is over");
    REQUIRE(take(jar) == "std::nullopt");
}

TEST_CASE("a closed, empty jar says std::nullopt again and again, at once", "[unit]") {
    bounded_buffer<cookie> jar(2);
    jar.close();
    for (int i = 0; i < 5; ++i) {
        INFO("get() number " << i + 1 << " on a closed, empty jar (if this check hangs, get() waits on a closed jar)");
        REQUIRE(take(jar) == "std::nullopt");
    }
}

TEST_CASE("close() twice is the same as close() once", "[unit]") {
    bounded_buffer<cookie> jar(2);
    REQUIRE(jar.put(cookie(1)));
    jar.close();
    jar.close();
    REQUIRE_FALSE(jar.put(cookie(2)));
    REQUIRE(take(jar) == cookie_text(1));
    jar.close();
    REQUIRE(take(jar) == "std::nullopt");
}

// ---------------------------------------------------------------- property ----
// Long random sequences of put (by copy and by move), get and close, each step compared
// with a std::deque playing the same part. A put is made only when the model has room
// or is closed, a get only when it holds a cookie or is closed, so no call needs to
// wait. The seeds are fixed: every run tries the same sequences.

namespace {

enum class operation { put_copy, put_move, get, close };

std::string describe(operation op, int id) {
    switch (op) {
        case operation::put_copy: return "put(cookie " + std::to_string(id) + ")  [by copy: const T&]";
        case operation::put_move: return "put(cookie " + std::to_string(id) + ")  [by move: T&&]";
        case operation::get: return "get()";
        case operation::close: return "close()";
    }
    return "?";
}

std::string describe(const std::deque<int>& model) {
    std::string text = "[";
    for (std::size_t i = 0; i < model.size(); ++i) text += (i == 0 ? "" : ", ") + std::to_string(model[i]);
    return text + "]";
}

// Every bit of std::mt19937's output is fixed by the standard (unlike the std::
// distributions), so the sequences are the same with every compiler.
class dice {
public:
    explicit dice(std::uint32_t seed) : engine_(seed) {}
    std::uint32_t roll(std::uint32_t n) { return static_cast<std::uint32_t>(engine_() % n); }

private:
    std::mt19937 engine_;
};

// Runs one sequence; returns "" if the jar agreed with the model at every step, or
// the story of the first disagreement.
std::string run_sequence(std::uint32_t seed, std::size_t capacity) {
    constexpr int steps = 500;
    dice d(seed);
    bounded_buffer<cookie> jar(capacity);
    std::deque<int> model;
    bool closed = false;
    const int close_at = steps / 4 + static_cast<int>(d.roll(steps));  // past the end for about a third
    struct done_step {  // one of the last steps, put in words only if the story is told
        int step;
        operation op;
        int id;
        std::string actual;
    };
    std::deque<done_step> recent;
    int next_id = 1;
    int put_percent = 50;
    int phase_left = 0;

    auto story = [&](int step, operation op, int id, const std::string& expected, const std::string& actual) {
        std::string s = "seed " + std::to_string(seed) + ", capacity " + std::to_string(capacity) + ", step " +
                        std::to_string(step) + ":\n  operation:              " + describe(op, id) +
                        "\n  the model expected:     " + expected + "\n  the bounded_buffer did: " + actual +
                        "\n  the model holds, oldest first: " + describe(model) + (closed ? ", closed" : ", open") +
                        "\n  the steps before it:\n";
        for (const auto& r : recent)
            s += "    step " + std::to_string(r.step) + ": " + describe(r.op, r.id) + " -> " + r.actual + "\n";
        return s + "  (the seeds are fixed: every run repeats this exact sequence)";
    };

    for (int step = 1; step <= steps + static_cast<int>(capacity) + 2; ++step) {
        operation op = operation::get;
        if (step == close_at || step == steps + 1) {
            op = operation::close;  // once mid-way, and once at the end (a second close() is allowed)
        } else if (step > steps) {
            op = operation::get;  // drain what is left
        } else {
            if (phase_left == 0) {
                constexpr int put_percents[] = {15, 50, 85};
                put_percent = put_percents[d.roll(3)];
                phase_left = 20 + static_cast<int>(d.roll(130));
            }
            --phase_left;
            if (static_cast<int>(d.roll(100)) < put_percent) {
                op = d.roll(2) == 0 ? operation::put_copy : operation::put_move;
            }
            // Never a call that would wait: on an open jar, a put into a full one becomes a
            // get, and a get from an empty one becomes a put.
            if (!closed && op != operation::get && model.size() == capacity) op = operation::get;
            if (!closed && op == operation::get && model.empty()) op = operation::put_move;
        }
        const int id = next_id++;
        std::string expected;
        std::string actual;
        switch (op) {
            case operation::close:
                jar.close();
                closed = true;
                actual = expected = "returned";
                break;
            case operation::get: {
                expected = model.empty() ? "std::nullopt" : cookie_text(model.front());
                actual = take(jar);
                if (!model.empty()) model.pop_front();
                break;
            }
            case operation::put_copy:
            case operation::put_move: {
                expected = closed ? "false, the cookie left whole" : "true";
                cookie offered(id);
                const bool accepted = op == operation::put_move ? jar.put(std::move(offered)) : jar.put(offered);
                if (accepted) actual = "true";
                // NOLINTNEXTLINE(bugprone-use-after-move): whether it was moved from is the point
                else actual = offered.moved_from ? "false, but the cookie was moved from" : "false, the cookie left whole";
                if (!closed) model.push_back(id);
                break;
            }
        }
        if (actual != expected) return story(step, op, id, expected, actual);
        recent.push_back({step, op, id, std::move(actual)});
        if (recent.size() > 12) recent.pop_front();
    }
    return "";
}

}  // namespace

TEST_CASE("random puts, gets and a close agree with a std::deque model at every step", "[property]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    for (std::uint32_t seed = 1; seed <= 200; ++seed) {
        const std::string disagreement = run_sequence(seed, capacity);
        INFO(disagreement);
        REQUIRE(disagreement.empty());
    }
}
