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
#include <map>
#include <string>
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

    // Which semaphore did what, from the failing schedule: consumers acquire "filled",
    // producers acquire "free". Names the bug class the counts show:
    //   a consumer releases what consumers acquire (or a producer what producers
    //   acquire)                                     wrong_semaphore_released
    //   more acquires of "filled" than releases, or of "free" than capacity + releases,
    //   at some step                                 wrong_initial_count
    //   a producer releases "filled" before it locks the mutex to write the slot
    //                                                release_before_write
    static void classify(cj::verdict::finding& f) {
        using cj::verdict::bug;
        const auto is = [&](const cj::verdict::step& s, const char* who) {
            return f.threads[s.thread].rfind(who, 0) == 0;
        };
        const auto object_of = [](const std::string& text, const char* verb) -> std::string {
            const std::string prefix = std::string(verb) + " ";
            return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : std::string{};
        };
        std::string filled, free;  // "sem #1", "sem #2"
        for (const auto& s : f.steps) {
            const auto got = object_of(s.text, "acquire");
            if (got.empty()) continue;
            if (is(s, "consumer") && filled.empty()) filled = got;
            if (is(s, "producer") && free.empty()) free = got;
        }
        long long filled_count = 0, free_count = static_cast<long long>(Capacity);
        bool wrong_release = false, over_drawn = false, early_release = false;
        cj::verdict::place wrong_at, drawn_at, early_at;
        std::map<std::size_t, bool> locked_in_put;  // producer column -> has locked in this put()
        for (const auto& s : f.steps) {
            if (s.text.rfind("put(", 0) == 0 && s.text.find(" begins") != std::string::npos) locked_in_put[s.thread] = false;
            if (s.text.rfind("lock mutex", 0) == 0) locked_in_put[s.thread] = true;
            const auto released = object_of(s.text, "release");
            const auto acquired = object_of(s.text, "acquire");
            if (!released.empty()) {
                if ((is(s, "consumer") && released == filled) || (is(s, "producer") && released == free)) {
                    if (!wrong_release) wrong_at = s.at;
                    wrong_release = true;
                }
                if (is(s, "producer") && released == filled && !locked_in_put[s.thread] && !early_release) {
                    early_release = true;
                    early_at = s.at;
                }
                if (released == filled) ++filled_count;
                if (released == free) ++free_count;
            }
            if (!acquired.empty()) {
                if (acquired == filled && --filled_count < 0 && !over_drawn) {
                    over_drawn = true;
                    drawn_at = s.at;
                }
                if (acquired == free && --free_count < 0 && !over_drawn) {
                    over_drawn = true;
                    drawn_at = s.at;
                }
            }
        }
        if (wrong_release) {
            f.bug_class = bug::wrong_semaphore_released;
            f.location = wrong_at;
        } else if (over_drawn) {
            f.bug_class = bug::wrong_initial_count;
            f.location = drawn_at;
        } else if (early_release) {
            f.bug_class = bug::release_before_write;
            f.location = early_at;
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
    // A search that a budget stopped passes, and says how much it covered.
    if (!result.passed() || !result.complete() || std::getenv("CJ_VERBOSE") != nullptr)
        std::printf("\n%s\n", result.report().c_str());
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
