// Lesson 02, model checks: tiny scenarios; every interleaving with up to two
// preemptions, then 100k seeded random ones. Each scenario records the calls and
// their results; after every schedule the history must be linearizable (explained by
// some one-at-a-time order of the calls). Deadlocks are found by the model checker.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/fifo_history.hpp>
#include <cookiejar/model_check.hpp>

#include <cookiejar/catch.hpp>

#include <array>
#include <utility>

namespace {

using jar = lesson02::bounded_buffer<int>;

// The common part of every scenario: one jar, made and destroyed inside the run,
// and the record of every call.
template <class Derived, rl::thread_id_t Threads, std::size_t Capacity>
struct jar_scenario : rl::test_suite<Derived, Threads> {
    jar* buffer = nullptr;
    cj::fifo::history<12> calls;

    void before() { buffer = new jar(Capacity); }

    void after() {
        delete buffer;
        buffer = nullptr;
        if (!calls.linearizable(Capacity)) {
            char text[700];
            calls.describe(text, sizeof text, Derived::thread_names);
            cj::model::require(false,
                               "no one-at-a-time order of these calls gives these results "
                               "(a jar of capacity %zu):%s",
                               Capacity, text);
        }
    }

    void put(unsigned thread, int value) {
        const auto i = calls.start(cj::fifo::call::put, static_cast<int>(thread), value);
        cj::model::notef("try_put(%d) begins", value);
        // Odd values go in through try_put(T&&), even ones through try_put(const T&).
        int moving = value;
        const bool ok = value % 2 != 0 ? buffer->try_put(std::move(moving)) : buffer->try_put(value);
        cj::model::notef("try_put(%d) -> %s", value, ok ? "true" : "false");
        calls.finish(i, ok);
    }
    void get(unsigned thread) {
        const auto i = calls.start(cj::fifo::call::get, static_cast<int>(thread));
        cj::model::note("try_get() begins");
        const auto got = buffer->try_get();
        if (got) cj::model::notef("try_get() -> %d", *got);
        else cj::model::note("try_get() -> nullopt");
        calls.finish(i, got.has_value(), got.value_or(0));
    }
    void size(unsigned thread) {
        const auto i = calls.start(cj::fifo::call::size, static_cast<int>(thread));
        const auto n = buffer->size();
        cj::model::notef("size() -> %zu", n);
        calls.finish(i, true, static_cast<int>(n));
    }
};

// Both producers see room for one cookie; only one may get in.
struct two_producers_one_place : jar_scenario<two_producers_one_place, 3, 1> {
    static constexpr std::array<const char*, 3> thread_names{"producer 0", "producer 1", "consumer 0"};
    void thread(unsigned i) {
        if (i < 2) {
            put(i, static_cast<int>(i) + 1);
        } else {
            get(i);
            get(i);
        }
    }
};

// The consumer takes the only cookie while the producer already bakes the next one.
struct refill_while_taking : jar_scenario<refill_while_taking, 3, 1> {
    static constexpr std::array<const char*, 3> thread_names{"producer 0", "consumer 0", "observer"};
    void thread(unsigned i) {
        if (i == 0) {
            put(i, 1);
            put(i, 2);
        } else if (i == 1) {
            get(i);
            get(i);
        } else {
            size(i);
        }
    }
};

// Two consumers race for the cookies of one producer.
struct two_consumers_race : jar_scenario<two_consumers_race, 3, 2> {
    static constexpr std::array<const char*, 3> thread_names{"producer 0", "consumer 0", "consumer 1"};
    void thread(unsigned i) {
        if (i == 0) {
            put(i, 1);
            put(i, 2);
        } else {
            get(i);
            size(i);
        }
    }
};

// Two of each at once: every pairing of puts and gets on a jar of one.
struct two_and_two : jar_scenario<two_and_two, 4, 1> {
    static constexpr std::array<const char*, 4> thread_names{"producer 0", "producer 1", "consumer 0", "consumer 1"};
    void thread(unsigned i) {
        if (i < 2) {
            put(i, static_cast<int>(i) + 1);
        } else {
            get(i);
            size(i);
        }
    }
};

template <class Scenario>
void model_check() {
    const auto result = cj::model::check<Scenario>(cj::testing::current_test_name());
    // The report goes to stdout as it is: Catch2 would re-wrap its table.
    // A search that a budget stopped passes, and says how much it covered.
    if (!result.passed() || !result.complete() || std::getenv("CJ_VERBOSE") != nullptr)
        std::printf("\n%s\n", result.report().c_str());
    INFO("the model checker's report is printed above this failure");
    REQUIRE(result.passed());
}

}  // namespace

TEST_CASE("two producers racing for the last place never both get in", "[lesson02][model]") {
    model_check<two_producers_one_place>();
}

TEST_CASE("a consumer taking while the producer refills gets each cookie once", "[lesson02][model]") {
    model_check<refill_while_taking>();
}

TEST_CASE("two consumers racing for cookies never share one", "[lesson02][model]") {
    model_check<two_consumers_race>();
}

TEST_CASE("two producers and two consumers at once keep the jar consistent", "[lesson02][model]") {
    model_check<two_and_two>();
}
