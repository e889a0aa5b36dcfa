// The model harness on broken scenarios: each classic bug must be caught, with the
// right verdict, by the right search, and reported at the line of this file where the
// scenario made the call (not a line inside <mutex>); the printed replay string must
// bring the same failure back at once.
#include <cookiejar/model_check.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <cookiejar/catch.hpp>

#include "library_test.hpp"

namespace {

using cj::library_test::contains;
using cj::library_test::where;

// Lines of this file that a report must name. Each is set on the same line as the call
// it names (the same value in every schedule, so the scenario stays deterministic).
struct lines {
    static inline unsigned first_lock[2] = {0, 0};  // ABBA: each thread's first lock
    static inline unsigned wait = 0;                // lost wake-up: the wait
    static inline unsigned leaked_lock = 0;         // destroyed while locked: the lock
};

// How many schedules a check ran (counted in before()), to tell a replay from a search.
inline unsigned executions = 0;

// ------------------------------------------------------------ the scenarios ----

// Two threads take two mutexes in opposite orders.
struct abba : rl::test_suite<abba, 2> {
    static constexpr std::array<const char*, 2> thread_names{"left", "right"};
    cj::mutex* a = nullptr;
    cj::mutex* b = nullptr;

    void before() {
        ++executions;
        a = new cj::mutex;
        b = new cj::mutex;
    }
    void thread(unsigned i) {
        if (i == 0) {
            std::lock_guard<cj::mutex> first(*a); lines::first_lock[0] = __LINE__;
            std::lock_guard<cj::mutex> second(*b);
        } else {
            std::unique_lock<cj::mutex> first(*b); lines::first_lock[1] = __LINE__;
            std::unique_lock<cj::mutex> second(*a);
        }
    }
    void after() {
        delete b;
        delete a;
    }
};

// A wait without a predicate: if the notify comes first, nobody wakes the waiter.
struct lost_wakeup : rl::test_suite<lost_wakeup, 2> {
    static constexpr std::array<const char*, 2> thread_names{"eater", "baker"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;
    bool ready = false;  // guarded by m; never looked at by the eater (the bug)

    void before() {
        m = new cj::mutex;
        cv = new cj::condition_variable;
        ready = false;
    }
    void thread(unsigned i) {
        if (i == 0) {
            std::unique_lock<cj::mutex> lock(*m);
            lines::wait = __LINE__; cv->wait(lock);
        } else {
            {
                std::lock_guard<cj::mutex> lock(*m);
                ready = true;
            }
            cv->notify_one();
        }
    }
    void after() {
        delete cv;
        delete m;
    }
};

// A call that returns early without unlocking; the jar (here: its mutex) is then destroyed.
struct destroyed_while_locked : rl::test_suite<destroyed_while_locked, 1> {
    static constexpr std::array<const char*, 1> thread_names{"consumer"};
    cj::mutex* m = nullptr;
    int count = 0;  // guarded by m

    void before() {
        m = new cj::mutex;
        count = 0;
    }
    bool try_get() {
        m->lock(); lines::leaked_lock = __LINE__;
        if (count == 0) return false;  // the bug: returns with the mutex locked
        --count;
        m->unlock();
        return true;
    }
    void thread(unsigned) { (void)try_get(); }
    void after() { delete m; }
};

// `if` instead of `while` around the wait, with one consumer: correct unless the wait
// wakes up spuriously, which only the random search does.
struct if_instead_of_while : rl::test_suite<if_instead_of_while, 2> {
    static constexpr std::array<const char*, 2> thread_names{"eater", "baker"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;
    bool ready = false;  // guarded by m

    void before() {
        ++executions;
        m = new cj::mutex;
        cv = new cj::condition_variable;
        ready = false;
    }
    void thread(unsigned i) {
        if (i == 0) {
            std::unique_lock<cj::mutex> lock(*m);
            if (!ready) cv->wait(lock);  // the bug
            cj::model::require(ready, "the eater woke up and there is no cookie");
        } else {
            {
                std::lock_guard<cj::mutex> lock(*m);
                ready = true;
            }
            cv->notify_one();
        }
    }
    void after() {
        delete cv;
        delete m;
    }
};

// A thread locks a mutex it already holds.
struct locks_twice : rl::test_suite<locks_twice, 1> {
    static constexpr std::array<const char*, 1> thread_names{"main"};
    cj::mutex* m = nullptr;

    void before() { m = new cj::mutex; }
    void thread(unsigned) {
        std::lock_guard<cj::mutex> outer(*m);
        std::lock_guard<cj::mutex> inner(*m);
    }
    void after() { delete m; }
};

// A release that would raise a semaphore above its max().
struct release_above_max : rl::test_suite<release_above_max, 1> {
    static constexpr std::array<const char*, 1> thread_names{"main"};
    cj::binary_semaphore* s = nullptr;

    void before() { s = new cj::binary_semaphore(1); }
    void thread(unsigned) { s->release(); }
    void after() { delete s; }
};

// A wait on a condition variable without holding the lock.
struct wait_without_lock : rl::test_suite<wait_without_lock, 1> {
    static constexpr std::array<const char*, 1> thread_names{"main"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;

    void before() {
        m = new cj::mutex;
        cv = new cj::condition_variable;
    }
    void thread(unsigned) {
        std::unique_lock<cj::mutex> lock(*m, std::defer_lock);
        (void)cv->wait_for(lock, std::chrono::milliseconds(1));
    }
    void after() {
        delete cv;
        delete m;
    }
};

// ------------------------------------------------------------ helpers ----

template <class Scenario>
cj::model::result check_fails(const cj::model::budget& b = cj::model::budget{}) {  // the lessons' budget
    executions = 0;
    auto result = cj::model::check<Scenario>(cj::testing::current_test_name(), b);
    INFO(result.report());
    REQUIRE_FALSE(result.passed());
    REQUIRE(result.failed.has_value());
    return result;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The "<search>:<state>" a report prints in its replay command.
std::string printed_replay(const std::string& report) {
    const std::string key = "CJ_MODEL_REPLAY='";
    const auto at = report.find(key);
    if (at == std::string::npos) return "";
    const auto end = report.find('\'', at + key.size());
    return end == std::string::npos ? "" : report.substr(at + key.size(), end - at - key.size());
}

// Sets CJ_MODEL_REPLAY for its lifetime (and no longer, even if an assertion throws).
class replay_environment {
public:
    explicit replay_environment(const std::string& value) { ::setenv("CJ_MODEL_REPLAY", value.c_str(), 1); }
    ~replay_environment() { ::unsetenv("CJ_MODEL_REPLAY"); }
    replay_environment(const replay_environment&) = delete;
    replay_environment& operator=(const replay_environment&) = delete;
};

// Where a report points into the library's or the standard library's headers.
bool names_a_library_header(const std::string& report) {
    return contains(report, "lock_specializations.hpp") || contains(report, "sync_model.hpp") ||
           contains(report, "/c++/") || contains(report, "std_mutex.h") || contains(report, "unique_lock.h");
}

// Replays the printed schedule of `failed` and checks it fails the same way, at once.
template <class Scenario>
void check_replay(const cj::model::result& failed) {
    const std::string replay = printed_replay(failed.report());
    REQUIRE_FALSE(replay.empty());
    const std::string search = failed.failed->found_by == cj::model::search_kind::bounded ? "bounded" : "random";
    CHECK(starts_with(replay, (search + (search == "bounded" ? std::to_string(failed.failed->context_bound) : "") + ":").c_str()));

    executions = 0;
    cj::model::result again;
    {
        replay_environment env(replay);
        again = cj::model::check<Scenario>(cj::testing::current_test_name());
    }
    INFO(again.report());
    REQUIRE(again.failed.has_value());
    CHECK(again.runs.size() == 1);  // one replay, no searches
    CHECK(again.failed->verdict == failed.failed->verdict);
    CHECK(again.failed->found_by == failed.failed->found_by);
    CHECK(again.failed->schedule == failed.failed->schedule);
    CHECK(again.failed->steps.size() == failed.failed->steps.size());
    // The failing schedule and its re-run with history: nothing searched before it.
    CHECK(executions <= 2);
}

}  // namespace

// -------------------------------------------------------------------- tests ----

TEST_CASE("an ABBA lock order is a DEADLOCK found by the bounded search, reported at the lines of the locks",
          "[library][model]") {
    const auto result = check_fails<abba>();
    const auto& f = *result.failed;
    CHECK(starts_with(f.verdict, "DEADLOCK"));
    CHECK(f.found_by == cj::model::search_kind::bounded);
    CHECK(f.context_bound == 2);
    CHECK(result.runs.size() == 1);  // the random search did not run after a failure

    const std::string report = result.report();
    INFO(report);
    CHECK(contains(report, "model check \"" + cj::testing::current_test_name() + "\" FAILED"));
    CHECK(contains(report, "what went wrong: deadlock"));
    CHECK(contains(report, "found by the bounded search"));
    CHECK(contains(report, "held by left since " + where(__FILE__, lines::first_lock[0])));
    CHECK(contains(report, "held by right since " + where(__FILE__, lines::first_lock[1])));
    CHECK(contains(report, "lock mutex #1 @" + std::to_string(lines::first_lock[0])));
    CHECK(contains(report, "replay exactly this schedule:"));
    CHECK(contains(report, "CJ_MODEL_REPLAY='bounded2:"));
    CHECK_FALSE(names_a_library_header(report));
}

TEST_CASE("the printed replay string brings an ABBA deadlock back at once", "[library][model]") {
    check_replay<abba>(check_fails<abba>());
}

TEST_CASE("a wait without a predicate that the notify can overtake is a lost wake-up (DEADLOCK)",
          "[library][model]") {
    const auto result = check_fails<lost_wakeup>();
    const auto& f = *result.failed;
    CHECK(starts_with(f.verdict, "DEADLOCK"));
    CHECK(f.found_by == cj::model::search_kind::bounded);

    const std::string report = result.report();
    INFO(report);
    CHECK(contains(report, "eater waits for condvar #1"));
    CHECK(contains(report, "wait on condvar #1 @" + std::to_string(lines::wait)));
    CHECK(contains(report, "notify_one condvar #1"));
    CHECK(contains(report, "checks/library/model_verdicts_test.cpp"));
    CHECK_FALSE(names_a_library_header(report));
}

TEST_CASE("a lost wake-up's interleaving says that the notify found nobody waiting", "[library][model]") {
    const auto result = check_fails<lost_wakeup>();
    const std::string report = result.report();
    INFO(report);
    // The crux of a lost wake-up, in the words a student should read (not cut short).
    CHECK(contains(report, "notify_one condvar #1 (nobody waits)"));
}

TEST_CASE("a mutex destroyed while locked is reported with the line that locked it", "[library][model]") {
    const auto result = check_fails<destroyed_while_locked>();
    const auto& f = *result.failed;
    CHECK(starts_with(f.verdict, "DESTROYING OWNED MUTEX"));

    const std::string report = result.report();
    INFO(report);
    CHECK(contains(report, "a mutex was still locked when the jar was destroyed"));
    CHECK(contains(report, "consumer locked mutex #1 at " + where(__FILE__, lines::leaked_lock) +
                               " and never unlocked it"));
}

TEST_CASE("`if` instead of `while` around a wait with one consumer is caught only by the random search",
          "[library][model]") {
    const auto result = check_fails<if_instead_of_while>();
    const auto& f = *result.failed;
    CHECK(f.verdict == "USER ASSERT FAILED");
    CHECK(f.message == "the eater woke up and there is no cookie");
    CHECK(f.found_by == cj::model::search_kind::random);
    REQUIRE(result.runs.size() == 2);
    CHECK(result.runs[0].passed);  // the bounded search injects no spurious wake-ups
    CHECK_FALSE(result.runs[1].passed);

    const std::string report = result.report();
    INFO(report);
    CHECK(contains(report, "what went wrong: the eater woke up and there is no cookie"));
    CHECK(contains(report, "found by the random search"));
    CHECK(contains(report, "woken SPURIOUSLY"));
    CHECK(contains(report, "CJ_MODEL_REPLAY='random:"));
}

TEST_CASE("the printed replay string brings a failure of the random search back at once", "[library][model]") {
    check_replay<if_instead_of_while>(check_fails<if_instead_of_while>());
}

// The replay command ends with the test case's name, for Catch2 to select it again. In a
// Catch2 test spec a comma separates alternatives, so the name must come escaped.
TEST_CASE("the printed replay command selects the failing test case, even with a comma in its name",
          "[library][model]") {
    const auto result = check_fails<abba>();
    const std::string command = result.replay_command;
    REQUIRE_FALSE(command.empty());
#ifdef COOKIEJAR_CATCH2_V3
    const std::string list = " --list-tests --verbosity quiet";
#else
    const std::string list = " --list-test-names-only";
#endif
    std::string listed;
    if (std::FILE* out = ::popen((command + list + " 2>&1").c_str(), "r")) {
        char chunk[512];
        while (std::fgets(chunk, sizeof chunk, out) != nullptr) listed += chunk;
        ::pclose(out);
    }
    INFO("command: " << command << list << "\nlisted:\n" << listed);
    CHECK(listed == cj::testing::current_test_name() + "\n");
}

TEST_CASE("a thread locking a cj::mutex it holds is reported as recursion", "[library][model]") {
    const auto result = check_fails<locks_twice>();
    CHECK(starts_with(result.failed->verdict, "RECURSION ON NON-RECURSIVE MUTEX"));
    CHECK(contains(result.report(), "locked a mutex it already holds"));
}

TEST_CASE("releasing a semaphore above its max() is reported", "[library][model]") {
    const auto result = check_fails<release_above_max>();
    CHECK(starts_with(result.failed->verdict, "USER ASSERT FAILED"));
    CHECK(contains(result.report(), "release would raise the count above max()"));
}

TEST_CASE("waiting on a condition_variable without holding the lock is reported", "[library][model]") {
    const auto result = check_fails<wait_without_lock>();
    CHECK(starts_with(result.failed->verdict, "USER ASSERT FAILED"));
    CHECK(contains(result.report(), "condition_variable::wait called without holding the lock"));
}
