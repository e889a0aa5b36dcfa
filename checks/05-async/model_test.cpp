// Lesson 05, schedule checks: tiny scenarios on the event loop, run under every order
// of the ready tasks (depth first, within a budget), then seeded random orders. Each
// scenario records the calls and their results; after every schedule the history must
// be linearizable (explained by some one-at-a-time order of the calls). Deadlocks,
// exceptions and waiters resumed by hand end the run and fail the schedule.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/async_check.hpp>
#include <cookiejar/fifo_history.hpp>

#include <cookiejar/catch.hpp>

#include <array>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using jar = lesson05::bounded_buffer<int>;

// The common part of every scenario: one jar, the record of every call, and the
// tasks that make the calls. Column i of the history is task_names[i].
template <std::size_t Capacity, std::size_t Tasks>
struct jar_scenario {
    std::optional<jar> buffer;
    cj::fifo::history<12> calls{cj::fifo::semantics::blocking_calls};
    std::array<const char*, Tasks> names{};

    cj::task<void> producer(int task, std::vector<int> cookies) {
        for (const int cookie : cookies) {
            const auto i = calls.start(cj::fifo::call::put, task, cookie);
            cj::note("put(" + std::to_string(cookie) + ") begins");
            co_await buffer->put(cookie);
            cj::note("put(" + std::to_string(cookie) + ") ends");
            calls.finish(i, true);
            check_size("put(" + std::to_string(cookie) + ")");
        }
    }

    cj::task<void> consumer(int task, int how_many) {
        for (int n = 0; n < how_many; ++n) {
            const auto i = calls.start(cj::fifo::call::get, task);
            cj::note("get() begins");
            const int cookie = co_await buffer->get();
            cj::note("get() -> " + std::to_string(cookie));
            calls.finish(i, true, cookie);
            check_size("get()");
        }
    }

    // The jar never holds more than it can: checked after every call, so the schedule
    // stops at the call that broke it.
    void check_size(const std::string& call) const {
        if (buffer->size() > Capacity)
            throw std::logic_error("after " + call + " the jar holds " + std::to_string(buffer->size()) +
                                   " cookies; its capacity is " + std::to_string(Capacity));
    }

    // What a task's exception or a failed judgement says about the jar (the explorer
    // names deadlocks and waiters resumed by hand itself).
    static void classify(cj::verdict::finding& f, const cj::schedules::failure& failure) {
        using cj::verdict::bug;
        const auto last_of = [&](const std::string& task, const std::string& text) -> cj::verdict::place {
            for (auto it = f.steps.rbegin(); it != f.steps.rend(); ++it)
                if (f.threads[it->thread] == task && it->text.rfind(text, 0) == 0 && it->at.known()) return it->at;
            return {};
        };
        if (failure.kind == cj::schedules::failure_kind::exception &&
            failure.exception_type == "std::bad_optional_access") {
            // A woken consumer read an empty slot: it did not look again after its wait.
            f.bug_class = bug::if_instead_of_while;
            if (const auto at = last_of(failure.failed_task, "waits"); at.known()) f.location = at;
        } else if (failure.kind == cj::schedules::failure_kind::exception &&
                   failure.exception_type == "std::logic_error") {  // check_size(): over capacity
            f.bug_class = bug::capacity_exceeded;
            for (const auto& st : f.steps)  // a co_await between the look and the store
                if (st.text == "yields" && st.at.known()) {
                    f.bug_class = bug::check_then_co_await;
                    f.location = st.at;
                    break;
                }
        } else if (failure.kind == cj::schedules::failure_kind::judged) {
            f.bug_class = bug::wrong_result;
        }
    }

    std::string judge() const {
        if (calls.linearizable(Capacity)) return {};
        char text[700];
        calls.describe(text, sizeof text, names);
        return "no one-at-a-time order of these calls gives these results (a jar of capacity " +
               std::to_string(Capacity) + "):" + text;
    }
};

// Two producers, one place: the consumer must get both cookies, one at a time.
struct two_producers_one_place : jar_scenario<1, 3> {
    void start(cj::event_loop& loop) {
        buffer.emplace(1);
        names = {"producer 1", "producer 2", "consumer"};
        loop.spawn(producer(0, {1}), names[0]);
        loop.spawn(producer(1, {2}), names[1]);
        loop.spawn(consumer(2, 2), names[2]);
    }
};

// Two consumers wait on an empty jar; one producer brings two cookies.
struct two_consumers_wait : jar_scenario<1, 3> {
    void start(cj::event_loop& loop) {
        buffer.emplace(1);
        names = {"consumer 1", "consumer 2", "producer"};
        loop.spawn(consumer(0, 1), names[0]);
        loop.spawn(consumer(1, 1), names[1]);
        loop.spawn(producer(2, {1, 2}), names[2]);
    }
};

// A producer fills a jar of two faster than the consumer empties it.
struct producer_runs_ahead : jar_scenario<2, 2> {
    void start(cj::event_loop& loop) {
        buffer.emplace(2);
        names = {"producer", "consumer"};
        loop.spawn(producer(0, {1, 2, 3, 4}), names[0]);
        loop.spawn(consumer(1, 4), names[1]);
    }
};

// Two of each on a jar of one: every pairing of puts and gets.
struct two_and_two : jar_scenario<1, 4> {
    void start(cj::event_loop& loop) {
        buffer.emplace(1);
        names = {"producer 1", "producer 2", "consumer 1", "consumer 2"};
        loop.spawn(producer(0, {1, 2}), names[0]);
        loop.spawn(producer(1, {3, 4}), names[1]);
        loop.spawn(consumer(2, 2), names[2]);
        loop.spawn(consumer(3, 2), names[3]);
    }
};

// Three producers and two consumers on a jar of two: too many orders to try them all
// within the budget, so the random search runs too.
struct three_and_two : jar_scenario<2, 5> {
    void start(cj::event_loop& loop) {
        buffer.emplace(2);
        names = {"producer 1", "producer 2", "producer 3", "consumer 1", "consumer 2"};
        loop.spawn(producer(0, {1, 2}), names[0]);
        loop.spawn(producer(1, {3, 4}), names[1]);
        loop.spawn(producer(2, {5, 6}), names[2]);
        loop.spawn(consumer(3, 3), names[3]);
        loop.spawn(consumer(4, 3), names[4]);
    }
};

template <class Scenario>
void schedule_check() {
    const auto result = cj::schedules::explore<Scenario>(cj::testing::current_test_name());
    // The report goes to stdout as it is: Catch2 would re-wrap its table.
    if (!result.passed()) std::printf("\n%s\n", result.report().c_str());
    else if (std::getenv("CJ_VERBOSE") != nullptr) std::printf("%s", result.report().c_str());
    INFO("the schedule explorer's report is printed above this failure");
    REQUIRE(result.passed());
}

}  // namespace

TEST_CASE("two producers and one place hand the consumer both cookies", "[lesson05][model]") {
    schedule_check<two_producers_one_place>();
}

TEST_CASE("two waiting consumers each get their own cookie", "[lesson05][model]") {
    schedule_check<two_consumers_wait>();
}

TEST_CASE("a producer that runs ahead waits for room and keeps the order", "[lesson05][model]") {
    schedule_check<producer_runs_ahead>();
}

TEST_CASE("two producers and two consumers share a jar of one", "[lesson05][model]") {
    schedule_check<two_and_two>();
}

TEST_CASE("three producers and two consumers share a jar of two", "[lesson05][model]") {
    schedule_check<three_and_two>();
}
