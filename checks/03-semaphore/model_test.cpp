// Lesson 03, model checks: tiny scenarios; every interleaving with up to two
// preemptions, then 100k seeded random ones. Every scenario makes as many gets as
// puts, so with a correct jar every thread finishes: a thread left waiting is a
// DEADLOCK. Each scenario records the calls and their results; after every schedule
// the history must be linearizable for a jar that waits (a put completes only into
// room, a get only with a cookie).
//
// Thread 0 is a consumer in one scenario and a producer in the others: the bounded
// search's first schedule runs thread 0 until it blocks, so the first schedules already
// try "get on an empty jar" and "put on a full jar".
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/fifo_history.hpp>
#include <cookiejar/model_check.hpp>

#include <cookiejar/catch.hpp>

#include <array>
#include <exception>
#include <utility>

namespace {

using jar = lesson03::bounded_buffer<int>;

// The common part of every scenario: one jar, made and destroyed inside the run,
// and the record of every call.
template <class Derived, rl::thread_id_t Threads, std::size_t Capacity>
struct jar_scenario : rl::test_suite<Derived, Threads> {
    jar* buffer = nullptr;
    cj::fifo::history<12> calls{cj::fifo::semantics::blocking_calls};

    void before() { buffer = new jar(Capacity); }

    void after() {
        delete buffer;
        buffer = nullptr;
        if (!calls.linearizable(Capacity)) {
            char text[700];
            calls.describe(text, sizeof text, Derived::thread_names);
            cj::model::require(false,
                               "no one-at-a-time order of these calls gives these results "
                               "(a jar of capacity %zu that waits when full or empty):%s",
                               Capacity, text);
        }
    }

    void put(unsigned thread, int value) {
        const auto i = calls.start(cj::fifo::call::put, static_cast<int>(thread), value);
        cj::model::notef("put(%d) begins", value);
        // Odd values go in through put(T&&), even ones through put(const T&).
        int moving = value;
        if (value % 2 != 0) buffer->put(std::move(moving));
        else buffer->put(value);
        cj::model::notef("put(%d) returns", value);
        calls.finish(i, true);
    }
    void get(unsigned thread) {
        const auto i = calls.start(cj::fifo::call::get, static_cast<int>(thread));
        cj::model::note("get() begins");
        int got = 0;
        try {
            got = buffer->get();
        } catch (const std::exception& e) {
            cj::model::require(false,
                               "get() threw \"%s\": the slot it emptied held no cookie, although the "
                               "count of filled slots had let it through",
                               e.what());
        }
        cj::model::notef("get() -> %d", got);
        calls.finish(i, true, got);
    }
};

// One of each; the producer bakes two cookies for a jar that holds one, so its second
// put must wait for the consumer, and the consumer's gets may have to wait for it.
struct one_and_one : jar_scenario<one_and_one, 2, 1> {
    static constexpr std::array<const char*, 2> thread_names{"producer 0", "consumer 0"};
    void thread(unsigned i) {
        if (i == 0) {
            put(i, 1);
            put(i, 2);
        } else {
            get(i);
            get(i);
        }
    }
};

// Two consumers come to an empty jar before the producer (thread 0 runs first).
struct two_consumers_wait : jar_scenario<two_consumers_wait, 3, 1> {
    static constexpr std::array<const char*, 3> thread_names{"consumer 0", "consumer 1", "producer 0"};
    void thread(unsigned i) {
        if (i < 2) {
            get(i);
        } else {
            put(i, 1);
            put(i, 2);
        }
    }
};

// Two producers race for the one place of the jar; the consumer takes both cookies.
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

// Two of each at once on a jar of two.
struct two_and_two : jar_scenario<two_and_two, 4, 2> {
    static constexpr std::array<const char*, 4> thread_names{"producer 0", "producer 1", "consumer 0", "consumer 1"};
    void thread(unsigned i) {
        if (i < 2) {
            put(i, static_cast<int>(i) + 1);
        } else {
            get(i);
        }
    }
};

template <class Scenario>
void model_check() {
    const auto result = cj::model::check<Scenario>(cj::testing::current_test_name());
    // The report goes to stdout as it is: Catch2 would re-wrap its table.
    if (!result.passed() || std::getenv("CJ_VERBOSE") != nullptr) std::printf("\n%s\n", result.report().c_str());
    INFO("the model checker's report is printed above this failure");
    REQUIRE(result.passed());
}

}  // namespace

TEST_CASE("a producer and a consumer pass two cookies through a jar of one", "[lesson03][model]") {
    model_check<one_and_one>();
}

TEST_CASE("two consumers waiting on an empty jar each get their own cookie", "[lesson03][model]") {
    model_check<two_consumers_wait>();
}

TEST_CASE("two producers waiting for the one place both get in, one after the other", "[lesson03][model]") {
    model_check<two_producers_one_place>();
}

TEST_CASE("two producers and two consumers at once on a jar of two", "[lesson03][model]") {
    model_check<two_and_two>();
}
