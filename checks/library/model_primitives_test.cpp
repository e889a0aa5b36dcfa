// The cj:: primitives in the model backend (Relacy): scenarios of correct use that must
// pass both searches of cj::model::check (every schedule with up to two preemptions,
// then seeded random schedules with spurious wake-ups). A scenario states what must
// hold with cj::model::require; Catch2 only looks at the result, on the main thread.
//
// Shared data that the primitives must protect is an rl::var, so Relacy also reports
// a data race if a cj:: primitive failed to order the accesses.
#include <cookiejar/model_check.hpp>

#include <array>
#include <chrono>

#include <cookiejar/catch.hpp>

#include "library_test.hpp"

namespace {

using namespace std::chrono_literals;

// The library's budget: the lessons' bounds, fewer random schedules.
cj::model::budget library_budget(rl::iteration_t random_schedules = 20000) {
    cj::model::budget b;
    b.context_bound = 2;
    b.random_schedules = random_schedules;
    return b;
}

template <class Scenario>
cj::model::result check_passes(const cj::model::budget& b = library_budget()) {
    auto result = cj::model::check<Scenario>(cj::testing::current_test_name(), b);
    INFO(result.report());
    REQUIRE(result.passed());
    REQUIRE(result.runs.size() == 2);
    CHECK(result.runs[0].kind == cj::model::search_kind::bounded);
    CHECK(result.runs[0].schedules > 0);
    CHECK(result.runs[1].kind == cj::model::search_kind::random);
    CHECK(result.runs[1].schedules == b.random_schedules);
    return result;
}

// ------------------------------------------------------------------- mutex ----

// Two threads add to a counter: one with std::lock_guard, one with try_lock, falling
// back to lock. Mutual exclusion (no race on the counter, both increments count).
struct mutex_counter : rl::test_suite<mutex_counter, 2> {
    static constexpr std::array<const char*, 2> thread_names{"guarded", "trying"};
    cj::mutex* m = nullptr;
    rl::var<int> total;

    void before() {
        m = new cj::mutex;
        total(RL_INFO) = 0;
    }
    void thread(unsigned i) {
        if (i == 0) {
            std::lock_guard<cj::mutex> lock(*m);
            total(RL_INFO) = total(RL_INFO) + 1;
        } else {
            if (!m->try_lock()) m->lock();  // try_lock may also fail spuriously, as the standard allows
            total(RL_INFO) = total(RL_INFO) + 1;
            m->unlock();
        }
    }
    void after() {
        cj::model::require(total(RL_INFO) == 2, "total is %d, expected 2", int(total(RL_INFO)));
        delete m;
    }
};

// try_lock never succeeds on a mutex another thread holds.
struct try_lock_on_held : rl::test_suite<try_lock_on_held, 2> {
    static constexpr std::array<const char*, 2> thread_names{"holder", "trier"};
    cj::mutex* m = nullptr;
    cj::binary_semaphore* held = nullptr;
    cj::binary_semaphore* checked = nullptr;

    void before() {
        m = new cj::mutex;
        held = new cj::binary_semaphore(0);
        checked = new cj::binary_semaphore(0);
    }
    void thread(unsigned i) {
        if (i == 0) {
            m->lock();
            held->release();
            checked->acquire();
            m->unlock();
        } else {
            held->acquire();
            const bool got = m->try_lock();
            cj::model::require(!got, "try_lock succeeded on a mutex another thread holds");
            if (got) m->unlock();
            checked->release();
        }
    }
    void after() {
        delete checked;
        delete held;
        delete m;
    }
};

// Every std:: lock type on one thread. A lock type that forgot to unlock makes a later
// lock() fail (recursion) or the delete fail (destroying an owned mutex); one that
// unlocked too often fails with "unlocking without ownership".
struct lock_types : rl::test_suite<lock_types, 1> {
    static constexpr std::array<const char*, 1> thread_names{"main"};
    cj::mutex* a = nullptr;
    cj::mutex* b = nullptr;

    void before() {
        a = new cj::mutex;
        b = new cj::mutex;
    }
    void thread(unsigned) {
        using cj::model::require;
        { std::lock_guard<cj::mutex> lock(*a); }
        a->lock();
        { std::lock_guard<cj::mutex> adopted(*a, std::adopt_lock); }

        {
            std::unique_lock<cj::mutex> lock(*a, std::defer_lock);
            require(!lock.owns_lock() && lock.mutex() == a, "defer_lock: owns_lock() or mutex() is wrong");
            lock.lock();
            require(lock.owns_lock(), "unique_lock::lock() does not own");
            lock.unlock();
            require(!lock.owns_lock(), "unique_lock::unlock() still owns");
        }
        {
            std::unique_lock<cj::mutex> lock(*a, std::try_to_lock);
            if (!lock.owns_lock()) lock.lock();  // try_lock may fail spuriously
            std::unique_lock<cj::mutex> moved(std::move(lock));
            require(moved.owns_lock() && !lock.owns_lock() && lock.mutex() == nullptr,
                    "a moved unique_lock did not hand over its ownership");
            std::unique_lock<cj::mutex> other(*b);
            other = std::move(moved);  // unlocks b, takes a
            require(other.mutex() == a && other.owns_lock(), "move assignment did not take the ownership");
        }
        b->lock();  // b was unlocked by the move assignment
        {
            std::unique_lock<cj::mutex> adopted(*b, std::adopt_lock);
            cj::mutex* released = adopted.release();
            require(released == b && !adopted.owns_lock(), "release() did not give the mutex up");
        }
        b->unlock();  // release() left it locked

        { std::scoped_lock one(*a); }
        a->lock();
        { std::scoped_lock adopted(std::adopt_lock, *a); }
        { std::scoped_lock both(*a, *b); }
    }
    void after() {
        delete b;
        delete a;
    }
};

// ------------------------------------------------------ condition_variable ----

// The canonical handoff: a predicate wait. Must survive spurious wake-ups.
struct handoff : rl::test_suite<handoff, 2> {
    static constexpr std::array<const char*, 2> thread_names{"baker", "eater"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;
    bool ready = false;  // guarded by m
    rl::var<int> cookie;

    void before() {
        m = new cj::mutex;
        cv = new cj::condition_variable;
        ready = false;
        cookie(RL_INFO) = 0;
    }
    void thread(unsigned i) {
        if (i == 0) {
            {
                std::lock_guard<cj::mutex> lock(*m);
                cookie(RL_INFO) = 42;
                ready = true;
            }
            cv->notify_one();
        } else {
            std::unique_lock<cj::mutex> lock(*m);
            cv->wait(lock, [&] { return ready; });
            cj::model::require(lock.owns_lock(), "wait returned without the lock");
            cj::model::require(cookie(RL_INFO) == 42, "the cookie is %d, expected 42", int(cookie(RL_INFO)));
        }
    }
    void after() {
        delete cv;
        delete m;
    }
};

// notify_all wakes every waiter: otherwise a waiter stays blocked (deadlock).
struct wake_everyone : rl::test_suite<wake_everyone, 3> {
    static constexpr std::array<const char*, 3> thread_names{"opener", "waiter 1", "waiter 2"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;
    bool open = false;  // guarded by m

    void before() {
        m = new cj::mutex;
        cv = new cj::condition_variable;
        open = false;
    }
    void thread(unsigned i) {
        if (i == 0) {
            {
                std::lock_guard<cj::mutex> lock(*m);
                open = true;
            }
            cv->notify_all();
        } else {
            std::unique_lock<cj::mutex> lock(*m);
            while (!open) cv->wait(lock);
        }
    }
    void after() {
        delete cv;
        delete m;
    }
};

// Timed waits: in the model, time does not pass; a timed wait ends by a notify or by a
// timeout, whichever the checker picks. The predicate forms return the predicate.
struct timed_waits : rl::test_suite<timed_waits, 2> {
    static constexpr std::array<const char*, 2> thread_names{"waiter", "notifier"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;
    bool ready = false;  // guarded by m

    void before() {
        m = new cj::mutex;
        cv = new cj::condition_variable;
        ready = false;
    }
    void thread(unsigned i) {
        using cj::model::require;
        if (i == 1) {
            {
                std::lock_guard<cj::mutex> lock(*m);
                ready = true;
            }
            cv->notify_one();
            return;
        }
        std::unique_lock<cj::mutex> lock(*m);
        require(cv->wait_for(lock, 1h, [] { return true; }), "wait_for(pred) with a true predicate returned false");
        require(cv->wait_until(lock, std::chrono::steady_clock::now() + 1h, [] { return true; }),
                "wait_until(pred) with a true predicate returned false");
        require(!cv->wait_for(lock, 1ms, [] { return false; }), "wait_for(pred) with a false predicate returned true");
        const bool got = cv->wait_for(lock, 1ms, [&] { return ready; });
        require(got == ready, "wait_for(pred) returned %d while the predicate is %d", int(got), int(ready));
        require(lock.owns_lock(), "a timed wait returned without the lock");
    }
    void after() {
        delete cv;
        delete m;
    }
};

// With nobody to notify, a timed wait can only time out.
struct nobody_notifies : rl::test_suite<nobody_notifies, 1> {
    static constexpr std::array<const char*, 1> thread_names{"waiter"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;

    void before() {
        m = new cj::mutex;
        cv = new cj::condition_variable;
    }
    void thread(unsigned) {
        std::unique_lock<cj::mutex> lock(*m);
        const auto by_duration = cv->wait_for(lock, 1ms);
        cj::model::require(by_duration == std::cv_status::timeout, "wait_for with nobody notifying returned no_timeout");
        const auto by_deadline = cv->wait_until(lock, std::chrono::steady_clock::now() + 1ms);
        cj::model::require(by_deadline == std::cv_status::timeout,
                           "wait_until with nobody notifying returned no_timeout");
    }
    void after() {
        delete cv;
        delete m;
    }
};

// A notified timed wait: if the notify reaches the waiter, no_timeout is the answer.
struct notified_wait_until : rl::test_suite<notified_wait_until, 2> {
    static constexpr std::array<const char*, 2> thread_names{"waiter", "notifier"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;
    bool waiting = false;   // guarded by m
    bool notified = false;  // guarded by m: the notifier saw the waiter inside its wait

    void before() {
        m = new cj::mutex;
        cv = new cj::condition_variable;
        waiting = false;
        notified = false;
    }
    void thread(unsigned i) {
        if (i == 1) {
            std::lock_guard<cj::mutex> lock(*m);
            if (waiting) {  // the waiter released the lock inside wait_until: this notify reaches it
                notified = true;
                cv->notify_one();
            }
            return;
        }
        std::unique_lock<cj::mutex> lock(*m);
        waiting = true;
        const auto status = cv->wait_until(lock, std::chrono::steady_clock::now() + 1h);
        waiting = false;
        // A notified wait may still be reported as a timeout only if the timeout won the race
        // (the model may pick it); a timeout reported without any notify is the one impossible answer.
        cj::model::require(notified || status == std::cv_status::timeout,
                           "wait_until said no_timeout, but nobody notified");
    }
    void after() {
        delete cv;
        delete m;
    }
};

// A consumer that polls: nobody ever notifies, so only timeouts end its waits. Time passes
// when no thread can run, so it is not a deadlock, and the search ends.
struct polls_without_notify : rl::test_suite<polls_without_notify, 2> {
    static constexpr std::array<const char*, 2> thread_names{"baker", "poller"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;
    bool ready = false;  // guarded by m
    rl::var<int> cookie;

    void before() {
        m = new cj::mutex;
        cv = new cj::condition_variable;
        ready = false;
        cookie(RL_INFO) = 0;
    }
    void thread(unsigned i) {
        if (i == 0) {
            std::lock_guard<cj::mutex> lock(*m);
            cookie(RL_INFO) = 42;
            ready = true;  // and no notify: the poller looks again after its timeout
        } else {
            std::unique_lock<cj::mutex> lock(*m);
            while (!ready) cv->wait_for(lock, 1ms);
            cj::model::require(cookie(RL_INFO) == 42, "the cookie is %d, expected 42", int(cookie(RL_INFO)));
        }
    }
    void after() {
        delete cv;
        delete m;
    }
};

// The same poller with `if`: an early timeout (the bounded search's choice) lets it go on
// without the cookie.
struct waits_once_for_a_timeout : polls_without_notify {
    void thread(unsigned i) {
        if (i == 0) {
            polls_without_notify::thread(0);
            cv->notify_one();
        } else {
            std::unique_lock<cj::mutex> lock(*m);
            if (!ready) cv->wait_for(lock, 1ms);
            cj::model::require(ready, "wait_for returned and the cookie is not there");
        }
    }
};

// Two threads poll for a cookie nobody bakes: every wait times out, they look again, and
// nothing ever changes. Not a deadlock (they keep running), but the search must end.
struct nobody_bakes : rl::test_suite<nobody_bakes, 2> {
    static constexpr std::array<const char*, 2> thread_names{"poller 1", "poller 2"};
    cj::mutex* m = nullptr;
    cj::condition_variable* cv = nullptr;
    bool ready = false;  // guarded by m; never set

    void before() {
        m = new cj::mutex;
        cv = new cj::condition_variable;
        ready = false;
    }
    void thread(unsigned) {
        std::unique_lock<cj::mutex> lock(*m);
        while (!ready) cv->wait_for(lock, 1ms);
    }
    void after() {
        delete cv;
        delete m;
    }
};

// try_acquire_for in a loop: the releaser's one release gets through, whichever way the
// timed acquires end.
struct polls_a_semaphore : rl::test_suite<polls_a_semaphore, 2> {
    static constexpr std::array<const char*, 2> thread_names{"releaser", "poller"};
    cj::binary_semaphore* filled = nullptr;
    rl::var<int> cookie;

    void before() {
        filled = new cj::binary_semaphore(0);
        cookie(RL_INFO) = 0;
    }
    void thread(unsigned i) {
        if (i == 0) {
            cookie(RL_INFO) = 7;
            filled->release();
        } else {
            while (!filled->try_acquire_for(1ms)) {
            }
            cj::model::require(cookie(RL_INFO) == 7, "try_acquire_for returned true before the release published");
            cj::model::require(!filled->try_acquire_until(std::chrono::steady_clock::now() + 1ms),
                               "a second timed acquire got through after one release");
        }
    }
    void after() { delete filled; }
};

// ------------------------------------------------------------- semaphores ----

struct semaphore_counts : rl::test_suite<semaphore_counts, 2> {
    static constexpr std::array<const char*, 2> thread_names{"releaser", "acquirer"};
    cj::counting_semaphore<3>* filled = nullptr;
    rl::var<int> cookies;

    void before() {
        filled = new cj::counting_semaphore<3>(0);
        cookies(RL_INFO) = 0;
    }
    void thread(unsigned i) {
        if (i == 0) {
            cookies(RL_INFO) = 2;  // published by the release
            filled->release(2);
        } else {
            filled->acquire();
            filled->acquire();
            cj::model::require(cookies(RL_INFO) == 2, "acquire returned before the release published");
            cj::model::require(!filled->try_acquire(), "a third acquire got through after release(2)");
        }
    }
    void after() {
        delete filled;
    }
};

// Two binary semaphores pass a turn back and forth; the turns must alternate.
struct ping_pong : rl::test_suite<ping_pong, 2> {
    static constexpr std::array<const char*, 2> thread_names{"ping", "pong"};
    cj::binary_semaphore* ping = nullptr;
    cj::binary_semaphore* pong = nullptr;
    rl::var<int> turn;

    void before() {
        ping = new cj::binary_semaphore(1);
        pong = new cj::binary_semaphore(0);
        turn(RL_INFO) = 0;
    }
    void thread(unsigned i) {
        for (int round = 0; round < 2; ++round) {
            (i == 0 ? ping : pong)->acquire();
            const int t = turn(RL_INFO);
            cj::model::require(t % 2 == static_cast<int>(i), "thread %u got turn %d", i, t);
            turn(RL_INFO) = t + 1;
            (i == 0 ? pong : ping)->release();
        }
    }
    void after() {
        cj::model::require(turn(RL_INFO) == 4, "%d turns, expected 4", int(turn(RL_INFO)));
        delete pong;
        delete ping;
    }
};

}  // namespace

static_assert(cj::counting_semaphore<3>::max() == 3);
static_assert(cj::binary_semaphore::max() == 1);

TEST_CASE("a cj::mutex excludes in every schedule, with lock_guard or with try_lock", "[library][model]") {
    check_passes<mutex_counter>();
}

TEST_CASE("try_lock on a cj::mutex another thread holds fails in every schedule", "[library][model]") {
    check_passes<try_lock_on_held>();
}

TEST_CASE("lock_guard, unique_lock and scoped_lock lock and unlock cj::mutex exactly as often as they should",
          "[library][model]") {
    check_passes<lock_types>();
}

TEST_CASE("a handoff through a condition_variable wait with a predicate passes every schedule", "[library][model]") {
    check_passes<handoff>();
}

TEST_CASE("notify_all wakes every waiter in every schedule", "[library][model]") {
    check_passes<wake_everyone>();
}

TEST_CASE("the predicate forms of wait_for and wait_until return the predicate", "[library][model]") {
    check_passes<timed_waits>();
}

TEST_CASE("wait_for and wait_until with nobody to notify report a timeout", "[library][model]") {
    check_passes<nobody_notifies>();
}

TEST_CASE("wait_until reports no_timeout only if it was notified", "[library][model]") {
    check_passes<notified_wait_until>();
}

TEST_CASE("a counting_semaphore lets exactly as many acquires through as were released", "[library][model]") {
    check_passes<semaphore_counts>();
}

TEST_CASE("two binary_semaphores alternate turns in every schedule", "[library][model]") {
    check_passes<ping_pong>();
}

TEST_CASE("a consumer that polls with wait_for and is never notified still gets its cookie", "[library][model]") {
    const auto result = check_passes<polls_without_notify>();
    CHECK(result.runs[0].exhaustive());
    CHECK(result.runs[0].timed_waits);
}

TEST_CASE("a wait_for without a loop is caught by an early timeout in the bounded search", "[library][model]") {
    const auto result = cj::model::check<waits_once_for_a_timeout>(cj::testing::current_test_name(), library_budget());
    REQUIRE_FALSE(result.passed());
    CHECK(result.failed->found_by == cj::model::search_kind::bounded);
    CHECK(result.failed->timed_waits);
    CHECK(result.failed->message == "wait_for returned and the cookie is not there");
    const auto finding = result.to_finding();
    CHECK(finding.bug_class == cj::verdict::bug::if_instead_of_while);
    CHECK(finding.replay.rfind("bounded2t1:", 0) == 0);
    bool timed_out = false;
    for (const auto& s : finding.steps) timed_out = timed_out || s.text == "wait_for times out at once";
    CHECK(timed_out);
}

TEST_CASE("try_acquire_for and try_acquire_until in a polling loop pass every schedule", "[library][model]") {
    check_passes<polls_a_semaphore>();
}

TEST_CASE("a bounded search stopped by its schedule budget passes and says it covered that many, not all",
          "[library][model]") {
    cj::model::budget b;
    b.random_schedules = 0;
    b.bounded_schedules = 10;
    const auto result = cj::model::check<mutex_counter>(cj::testing::current_test_name(), b);
    INFO(result.report());
    REQUIRE(result.passed());
    REQUIRE(result.runs.size() == 1);
    CHECK(result.runs[0].end == cj::model::search_end::schedule_budget);
    CHECK(result.runs[0].schedules == 10);
    CHECK_FALSE(result.runs[0].exhaustive());
    CHECK_FALSE(result.complete());
    CHECK(result.report().find("10 schedules in") != std::string::npos);
    CHECK(result.report().find("no failure in them; its schedule budget stopped it (not exhaustive)") !=
          std::string::npos);
    const auto coverage = result.coverage();
    REQUIRE(coverage.size() == 1);
    CHECK(coverage[0].stopped_by == "schedule budget");
    CHECK_FALSE(coverage[0].exhaustive);
    CHECK(coverage[0].schedules == 10);
}

TEST_CASE("both searches stop at the time budget, and a search that ran to its end is exhaustive",
          "[library][model]") {
    cj::model::budget none;
    none.seconds = 0;
    const auto stopped = cj::model::check<mutex_counter>(cj::testing::current_test_name(), none);
    REQUIRE(stopped.passed());
    REQUIRE(stopped.runs.size() == 2);
    for (const auto& run : stopped.runs) {
        CHECK(run.end == cj::model::search_end::time_budget);
        CHECK(run.schedules == 0);
    }
    CHECK(stopped.report().find("not exhaustive") != std::string::npos);
    const auto full = check_passes<mutex_counter>();
    CHECK(full.complete());
    CHECK(full.runs[0].exhaustive());
    CHECK_FALSE(full.runs[1].exhaustive());  // a random search never is
    CHECK(full.coverage()[0].stopped_by.empty());
}

TEST_CASE("threads that poll for something nobody does are reported as a livelock, and the search ends",
          "[library][model]") {
    const auto result = cj::model::check<nobody_bakes>(cj::testing::current_test_name(), library_budget(1000));
    REQUIRE_FALSE(result.passed());
    CHECK(result.failed->verdict.rfind("LIVELOCK", 0) == 0);
    CHECK(result.failed->found_by == cj::model::search_kind::bounded);
    CHECK(result.failed->schedule == 1);  // the first schedule (Relacy counts from 1)
}
