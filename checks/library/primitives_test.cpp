// The cj:: primitives behave like their std:: counterparts, with real threads, in the
// backend this file is built for: std (plain), unit (stress backend, no sanitizer) and
// stress (stress backend under ThreadSanitizer, which also proves the wrappers add no
// data race of their own). The model backend has its own scenarios (model_*_test.cpp).
//
// Catch2 assertions run on the main thread only; workers store what they saw.
// No test relies on timing to pass: a thread that must be blocked is observed blocked
// (a flag set under the lock before the wait, or the wait-for picture) before anyone
// acts on it.
#include <cookiejar/sync.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include <cookiejar/catch.hpp>

#include "library_test.hpp"

#ifdef COOKIEJAR_STRESS
#include <cookiejar/detail/wait_for_picture.hpp>
#endif

using namespace std::chrono_literals;

namespace {

// True if another thread cannot take `m` right now (it tries once and lets go if it got it).
bool held_elsewhere(cj::mutex& m) {
    bool got = false;
    std::thread other([&] {
        got = m.try_lock();
        if (got) m.unlock();
    });
    other.join();
    return !got;
}

// The system_error code a call throws, or a default error_code if it throws none.
template <class F>
std::error_code error_of(F&& f) {
    try {
        f();
    } catch (const std::system_error& e) {
        return e.code();
    }
    return {};
}

}  // namespace

// ------------------------------------------------------------------ mutex ----

TEST_CASE("a mutex is held from lock to unlock and try_lock takes it only when it is free", LIBRARY_TAGS) {
    cj::mutex m;
    CHECK_FALSE(held_elsewhere(m));
    m.lock();
    CHECK(held_elsewhere(m));
    m.unlock();
    CHECK_FALSE(held_elsewhere(m));

    REQUIRE(m.try_lock());
    CHECK(held_elsewhere(m));
    m.unlock();
    CHECK_FALSE(held_elsewhere(m));
}

TEST_CASE("a mutex makes the increments of four threads add up", LIBRARY_TAGS) {
    cj::mutex m;
    long total = 0;  // guarded by m
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) {
                std::lock_guard<cj::mutex> lock(m);
                ++total;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(total == 8000);
}

// The stress backend keeps a slot per thread (for its reports and its check that a
// thread does not lock a mutex it already holds); a long-lived test process makes many
// threads. Two different threads must never be taken for one, however many came before.
TEST_CASE("a mutex held by one thread blocks another even after 300 threads came and went", LIBRARY_TAGS) {
    cj::mutex m;
    for (int i = 0; i < 300; ++i) {
        std::thread([&] { std::lock_guard<cj::mutex> lock(m); }).join();
    }
    std::atomic<bool> holding{false};
    std::atomic<bool> trying{false};
    bool waiter_got_it = false;
    std::thread holder([&] {
        std::lock_guard<cj::mutex> lock(m);
        holding = true;
        while (!trying) std::this_thread::yield();
        std::this_thread::sleep_for(20ms);  // let the waiter reach lock() while this one holds it
    });
    while (!holding) std::this_thread::yield();
    std::thread waiter([&] {
        trying = true;
        std::lock_guard<cj::mutex> lock(m);
        waiter_got_it = true;
    });
    holder.join();
    waiter.join();
    CHECK(waiter_got_it);
}

// ------------------------------------------------------ std:: lock types ----

TEST_CASE("std::lock_guard holds a cj::mutex for its scope and can adopt a held one", LIBRARY_TAGS) {
    cj::mutex m;
    {
        std::lock_guard<cj::mutex> lock(m);
        CHECK(held_elsewhere(m));
    }
    CHECK_FALSE(held_elsewhere(m));

    m.lock();
    {
        std::lock_guard<cj::mutex> lock(m, std::adopt_lock);
        CHECK(held_elsewhere(m));
    }
    CHECK_FALSE(held_elsewhere(m));

    {
        std::lock_guard deduced(m);  // class template argument deduction, as students write it
        static_assert(std::is_same_v<decltype(deduced), std::lock_guard<cj::mutex>>);
        CHECK(held_elsewhere(m));
    }
    CHECK_FALSE(held_elsewhere(m));
}

TEST_CASE("std::unique_lock on a cj::mutex supports every constructor", LIBRARY_TAGS) {
    cj::mutex m;

    SECTION("default: no mutex, owns nothing") {
        std::unique_lock<cj::mutex> lock;
        CHECK(lock.mutex() == nullptr);
        CHECK_FALSE(lock.owns_lock());
        CHECK_FALSE(static_cast<bool>(lock));
    }
    SECTION("from a mutex: locks it until destroyed") {
        {
            std::unique_lock<cj::mutex> lock(m);
            CHECK(lock.owns_lock());
            CHECK(static_cast<bool>(lock));
            CHECK(lock.mutex() == &m);
            CHECK(held_elsewhere(m));
        }
        CHECK_FALSE(held_elsewhere(m));
    }
    SECTION("defer_lock: takes the mutex later") {
        std::unique_lock<cj::mutex> lock(m, std::defer_lock);
        CHECK_FALSE(lock.owns_lock());
        CHECK(lock.mutex() == &m);
        CHECK_FALSE(held_elsewhere(m));
        lock.lock();
        CHECK(lock.owns_lock());
        CHECK(held_elsewhere(m));
        lock.unlock();
        CHECK_FALSE(lock.owns_lock());
        CHECK_FALSE(held_elsewhere(m));
        CHECK(lock.try_lock());
        CHECK(held_elsewhere(m));
    }
    SECTION("try_to_lock: owns the mutex if it was free") {
        std::unique_lock<cj::mutex> lock(m, std::try_to_lock);
        CHECK(lock.owns_lock());
        CHECK(held_elsewhere(m));
    }
    SECTION("try_to_lock: owns nothing if another thread holds the mutex") {
        std::lock_guard<cj::mutex> mine(m);
        bool owned = true;
        std::thread other([&] {
            std::unique_lock<cj::mutex> lock(m, std::try_to_lock);
            owned = lock.owns_lock();
        });
        other.join();
        CHECK_FALSE(owned);
    }
    SECTION("adopt_lock: takes over a mutex the thread holds") {
        m.lock();
        {
            std::unique_lock<cj::mutex> lock(m, std::adopt_lock);
            CHECK(lock.owns_lock());
            CHECK(held_elsewhere(m));
        }
        CHECK_FALSE(held_elsewhere(m));
    }
    SECTION("class template argument deduction") {
        std::unique_lock deduced(m);
        static_assert(std::is_same_v<decltype(deduced), std::unique_lock<cj::mutex>>);
        CHECK(deduced.owns_lock());
    }
}

TEST_CASE("std::unique_lock on a cj::mutex can be moved, swapped and released", LIBRARY_TAGS) {
    cj::mutex a;
    cj::mutex b;

    SECTION("move construction hands the ownership over") {
        std::unique_lock<cj::mutex> first(a);
        std::unique_lock<cj::mutex> second(std::move(first));
        CHECK_FALSE(first.owns_lock());  // NOLINT(bugprone-use-after-move): a moved-from lock is specified
        CHECK(first.mutex() == nullptr);
        CHECK(second.owns_lock());
        CHECK(second.mutex() == &a);
        CHECK(held_elsewhere(a));
    }
    SECTION("move assignment unlocks what the target held") {
        std::unique_lock<cj::mutex> target(a);
        std::unique_lock<cj::mutex> source(b);
        target = std::move(source);
        CHECK_FALSE(held_elsewhere(a));
        CHECK(held_elsewhere(b));
        CHECK(target.mutex() == &b);
        CHECK(target.owns_lock());
        CHECK_FALSE(source.owns_lock());  // NOLINT(bugprone-use-after-move)
    }
    SECTION("swap exchanges mutex and ownership") {
        std::unique_lock<cj::mutex> locked(a);
        std::unique_lock<cj::mutex> deferred(b, std::defer_lock);
        locked.swap(deferred);
        CHECK(locked.mutex() == &b);
        CHECK_FALSE(locked.owns_lock());
        CHECK(deferred.mutex() == &a);
        CHECK(deferred.owns_lock());
        swap(locked, deferred);
        CHECK(locked.mutex() == &a);
        CHECK(locked.owns_lock());
    }
    SECTION("release gives up the mutex still locked") {
        cj::mutex* released = nullptr;
        {
            std::unique_lock<cj::mutex> lock(a);
            released = lock.release();
            CHECK(lock.mutex() == nullptr);
            CHECK_FALSE(lock.owns_lock());
        }
        CHECK(released == &a);
        CHECK(held_elsewhere(a));  // the destructor did not unlock it
        released->unlock();
        CHECK_FALSE(held_elsewhere(a));
    }
}

TEST_CASE("std::unique_lock on a cj::mutex throws the standard errors on misuse", LIBRARY_TAGS) {
    cj::mutex m;
    const auto not_permitted = std::make_error_code(std::errc::operation_not_permitted);
    const auto would_deadlock = std::make_error_code(std::errc::resource_deadlock_would_occur);

    std::unique_lock<cj::mutex> none;
    CHECK(error_of([&] { none.lock(); }) == not_permitted);
    CHECK(error_of([&] { (void)none.try_lock(); }) == not_permitted);
    CHECK(error_of([&] { none.unlock(); }) == not_permitted);

    std::unique_lock<cj::mutex> lock(m);
    CHECK(error_of([&] { lock.lock(); }) == would_deadlock);
    CHECK(error_of([&] { (void)lock.try_lock(); }) == would_deadlock);
    CHECK(lock.owns_lock());
    lock.unlock();
    CHECK(error_of([&] { lock.unlock(); }) == not_permitted);
    CHECK_FALSE(held_elsewhere(m));
}

TEST_CASE("std::scoped_lock holds one cj::mutex, adopts one, and takes two without deadlock", LIBRARY_TAGS) {
    cj::mutex a;
    cj::mutex b;
    {
        std::scoped_lock one(a);  // deduces std::scoped_lock<cj::mutex>
        static_assert(std::is_same_v<decltype(one), std::scoped_lock<cj::mutex>>);
        CHECK(held_elsewhere(a));
    }
    CHECK_FALSE(held_elsewhere(a));

    a.lock();
    {
        std::scoped_lock adopted(std::adopt_lock, a);
        CHECK(held_elsewhere(a));
    }
    CHECK_FALSE(held_elsewhere(a));

    {
        std::scoped_lock both(a, b);
        CHECK(held_elsewhere(a));
        CHECK(held_elsewhere(b));
    }
    CHECK_FALSE(held_elsewhere(a));
    CHECK_FALSE(held_elsewhere(b));

    // Opposite orders in two threads: std::lock's deadlock avoidance must work on cj::mutex.
    long count = 0;  // guarded by a and b
    std::thread ab([&] {
        for (int i = 0; i < 1000; ++i) {
            std::scoped_lock lock(a, b);
            ++count;
        }
    });
    std::thread ba([&] {
        for (int i = 0; i < 1000; ++i) {
            std::scoped_lock lock(b, a);
            ++count;
        }
    });
    ab.join();
    ba.join();
    CHECK(count == 2000);
}

// ----------------------------------------------------- condition_variable ----

TEST_CASE("a condition_variable wait with a predicate returns once the predicate holds", LIBRARY_TAGS) {
    cj::mutex m;
    cj::condition_variable cv;
    bool ready = false;  // guarded by m
    int cookie = 0;      // guarded by m
    std::thread baker([&] {
        std::lock_guard<cj::mutex> lock(m);
        cookie = 42;
        ready = true;
        cv.notify_one();
    });
    int eaten = 0;
    bool owned_after_wait = false;
    {
        std::unique_lock<cj::mutex> lock(m);
        cv.wait(lock, [&] { return ready; });
        owned_after_wait = lock.owns_lock();
        eaten = cookie;
    }
    baker.join();
    CHECK(owned_after_wait);
    CHECK(eaten == 42);
}

TEST_CASE("a condition_variable wait without a predicate is ended by notify_one", LIBRARY_TAGS) {
    cj::mutex m;
    cj::condition_variable cv;
    bool waiting = false;  // guarded by m; set right before the wait
    std::cv_status status = std::cv_status::timeout;
    bool owned_after_wait = false;
    std::thread waiter([&] {
        std::unique_lock<cj::mutex> lock(m);
        waiting = true;
        // One wait (a long time limit, so a broken notify fails the test instead of hanging it).
        status = cv.wait_for(lock, 30s);
        owned_after_wait = lock.owns_lock();
    });
    // `waiting` is true under the lock only once the waiter is inside wait_for (which
    // released the lock), so this notify cannot come too early.
    for (bool notified = false; !notified; std::this_thread::yield()) {
        std::lock_guard<cj::mutex> lock(m);
        if (waiting) {
            cv.notify_one();
            notified = true;
        }
    }
    waiter.join();
    CHECK(status == std::cv_status::no_timeout);
    CHECK(owned_after_wait);

    // The plain wait(lock) overload: ended by a notify the same way.
    waiting = false;
    std::thread plain_waiter([&] {
        std::unique_lock<cj::mutex> lock(m);
        waiting = true;
        cv.wait(lock);
    });
    for (bool notified = false; !notified; std::this_thread::yield()) {
        std::lock_guard<cj::mutex> lock(m);
        if (waiting) {
            cv.notify_one();
            notified = true;
        }
    }
    plain_waiter.join();  // returns only if the wait ended
    CHECK(waiting);
}

TEST_CASE("notify_all wakes every thread waiting on a condition_variable", LIBRARY_TAGS) {
    cj::mutex m;
    cj::condition_variable cv;
    int waiting = 0;  // guarded by m
    bool go = false;  // guarded by m
    std::atomic<int> timed_out{0};
    std::vector<std::thread> waiters;
    for (int i = 0; i < 3; ++i) {
        waiters.emplace_back([&] {
            std::unique_lock<cj::mutex> lock(m);
            ++waiting;
            while (!go) {
                if (cv.wait_for(lock, 30s) == std::cv_status::timeout) {
                    ++timed_out;
                    return;
                }
            }
        });
    }
    for (bool notified = false; !notified; std::this_thread::yield()) {
        std::lock_guard<cj::mutex> lock(m);
        if (waiting == 3) {  // all three are inside a wait
            go = true;
            cv.notify_all();
            notified = true;
        }
    }
    for (auto& t : waiters) t.join();
    CHECK(timed_out == 0);
}

TEST_CASE("wait_for and wait_until on a condition_variable say whether they timed out", LIBRARY_TAGS) {
    cj::mutex m;
    cj::condition_variable cv;
    std::unique_lock<cj::mutex> lock(m);

    SECTION("wait_for with nobody notifying times out, no earlier than asked") {
        const auto t0 = std::chrono::steady_clock::now();
        auto status = std::cv_status::no_timeout;
        // A spurious wake-up returns no_timeout; the standard allows it, so wait again.
        while (status == std::cv_status::no_timeout && std::chrono::steady_clock::now() - t0 < 10s)
            status = cv.wait_for(lock, 20ms);
        CHECK(status == std::cv_status::timeout);
        CHECK(std::chrono::steady_clock::now() - t0 >= 20ms);
        CHECK(lock.owns_lock());
    }
    SECTION("wait_until a deadline that has passed times out") {
        CHECK(cv.wait_until(lock, std::chrono::steady_clock::now() - 1s) == std::cv_status::timeout);
        CHECK(cv.wait_until(lock, std::chrono::system_clock::now() - 1s) == std::cv_status::timeout);
        CHECK(lock.owns_lock());
    }
    SECTION("the predicate forms return the predicate's value") {
        CHECK_FALSE(cv.wait_for(lock, 10ms, [] { return false; }));
        CHECK_FALSE(cv.wait_until(lock, std::chrono::steady_clock::now() + 10ms, [] { return false; }));
        CHECK(cv.wait_for(lock, 1h, [] { return true; }));  // holds already: no wait at all
        CHECK(cv.wait_until(lock, std::chrono::steady_clock::now() + 1h, [] { return true; }));
        CHECK(lock.owns_lock());
    }
    SECTION("the predicate forms return true when notified in time") {
        bool ready = false;  // guarded by m
        std::thread notifier([&] {
            std::lock_guard<cj::mutex> other(m);  // waits until the main thread is inside wait_for
            ready = true;
            cv.notify_one();
        });
        const bool got = cv.wait_for(lock, 30s, [&] { return ready; });
        lock.unlock();
        notifier.join();
        CHECK(got);
    }
}

// ------------------------------------------------------------- semaphores ----

TEST_CASE("a counting_semaphore lets as many acquires through as were released", LIBRARY_TAGS) {
    static_assert(cj::counting_semaphore<3>::max() >= 3);
    static_assert(cj::binary_semaphore::max() >= 1);

    cj::counting_semaphore<3> jar(0);
    CHECK_FALSE(jar.try_acquire());
    jar.release(2);
    CHECK(jar.try_acquire());
    CHECK(jar.try_acquire());
    CHECK_FALSE(jar.try_acquire());

    jar.release();
    jar.acquire();
    CHECK_FALSE(jar.try_acquire());

    cj::counting_semaphore<3> full(3);
    for (int i = 0; i < 3; ++i) full.acquire();
    CHECK_FALSE(full.try_acquire());

    CHECK_FALSE(jar.try_acquire_for(10ms));
    CHECK_FALSE(jar.try_acquire_until(std::chrono::steady_clock::now() + 10ms));
    jar.release(3);
    CHECK(jar.try_acquire_for(10ms));
    CHECK(jar.try_acquire_until(std::chrono::steady_clock::now() + 10ms));
    CHECK(jar.try_acquire());
    CHECK_FALSE(jar.try_acquire());
}

TEST_CASE("a semaphore's acquire waits for a release in another thread, and sees what it published", LIBRARY_TAGS) {
    cj::counting_semaphore<4> filled(0);
    int cookies[4] = {};  // written before each release, read after the matching acquire
    std::thread baker([&] {
        for (int i = 0; i < 4; ++i) {
            cookies[i] = 10 + i;
            filled.release();
        }
    });
    int sum = 0;
    for (int i = 0; i < 4; ++i) {
        filled.acquire();
        sum += cookies[i];
    }
    baker.join();
    CHECK(sum == 10 + 11 + 12 + 13);
}

// The wake-up libstdc++'s std::counting_semaphore can lose (detail/posix_semaphore.hpp):
// several sleepers, and releases that come while a woken one is getting up. Each waiter
// must wake for its cookie; a lost wake-up is a hang, which the watchdog fails.
TEST_CASE("three waiters on one semaphore each wake for every release meant for them", LIBRARY_TAGS) {
    cj::counting_semaphore<8> filled(0);
    constexpr int each = 2000;
    std::atomic<int> taken{0};
    std::vector<std::thread> eaters;
    for (int e = 0; e < 3; ++e)
        eaters.emplace_back([&] {
            for (int i = 0; i < each; ++i) {
                filled.acquire();
                taken.fetch_add(1, std::memory_order_relaxed);
            }
        });
    for (int i = 0; i < 3 * each; ++i) {
        while (i - taken.load(std::memory_order_relaxed) >= 3) std::this_thread::yield();  // at most 3 waiting
        filled.release();
    }
    for (auto& t : eaters) t.join();
    CHECK(taken.load() == 3 * each);
    CHECK_FALSE(filled.try_acquire());
}

TEST_CASE("two binary_semaphores pass a turn back and forth between two threads", LIBRARY_TAGS) {
    cj::binary_semaphore ping(1);
    cj::binary_semaphore pong(0);
    std::vector<int> order;  // written only by whoever has the turn
    std::thread other([&] {
        for (int i = 0; i < 500; ++i) {
            pong.acquire();
            order.push_back(1);
            ping.release();
        }
    });
    for (int i = 0; i < 500; ++i) {
        ping.acquire();
        order.push_back(0);
        pong.release();
    }
    other.join();
    REQUIRE(order.size() == 1000);
    bool alternates = true;
    for (std::size_t i = 0; i < order.size(); ++i) alternates = alternates && order[i] == static_cast<int>(i % 2);
    CHECK(alternates);
}

// ------------------------------------- polling is not a deadlock (stress backend) ----
// In the stress backend a state no thread can leave ends the process at once
// (detail/deadlock_detector.hpp, which reports within 0.1-0.4 s). These programs spend
// well over that time in states where every other thread is blocked and one thread
// polls, or where a waiter has been woken but not yet run: they must finish normally.
// (In the std backend they simply run.)

TEST_CASE("a thread that polls with try_lock while the others are blocked is not taken for a deadlock",
          LIBRARY_TAGS) {
    cj::mutex m;
    cj::counting_semaphore<1> go_on(0);  // the holder waits on it, holding m
    cj::counting_semaphore<1> done(0);   // the main thread waits on it
    std::atomic<bool> holding{false};
    std::thread holder([&] {
        std::lock_guard<cj::mutex> lock(m);
        holding = true;
        go_on.acquire();  // blocked, holding m, until the poller gives up
    });
    while (!holding) std::this_thread::yield();
    int tries = 0;
    bool got = false;
    std::thread poller([&] {
        const auto until = std::chrono::steady_clock::now() + 800ms;
        while (std::chrono::steady_clock::now() < until) {
            if (m.try_lock()) {
                got = true;
                m.unlock();
            }
            ++tries;
            std::this_thread::sleep_for(1ms);
        }
        go_on.release();
        std::lock_guard<cj::mutex> lock(m);  // now the holder lets go
        done.release();
    });
    done.acquire();  // blocked for the whole polling
    poller.join();
    holder.join();
    CHECK_FALSE(got);
    CHECK(tries > 10);
}

TEST_CASE("a thread that polls with wait_for and try_acquire_for while the others are blocked is not taken for a deadlock",
          LIBRARY_TAGS) {
    cj::mutex m;
    cj::condition_variable cv;
    cj::counting_semaphore<1> done(0);
    cj::counting_semaphore<1> never(0);
    int timeouts = 0;
    // Each wait lasts longer than the detector's confirmation (100 ms): were a timed wait
    // taken for a blocked one, the state would be reported in the middle of it.
    std::thread poller([&] {
        {
            std::unique_lock<cj::mutex> lock(m);
            for (int i = 0; i < 3; ++i)  // nobody notifies: every wait times out (or wakes spuriously)
                if (cv.wait_for(lock, 250ms) == std::cv_status::timeout) ++timeouts;
            if (!cv.wait_until(lock, std::chrono::steady_clock::now() + 250ms, [] { return false; })) ++timeouts;
        }
        for (int i = 0; i < 2; ++i)
            if (!never.try_acquire_for(250ms)) ++timeouts;
        if (!never.try_acquire_until(std::chrono::steady_clock::now() + 250ms)) ++timeouts;
        done.release();
    });
    done.acquire();  // blocked for the whole polling
    poller.join();
    CHECK(timeouts >= 5);
}

TEST_CASE("a notify or a release racing a wait is not taken for a deadlock, 2000 times", LIBRARY_TAGS) {
    cj::mutex m;
    cj::condition_variable cv;
    cj::counting_semaphore<1> back(0);
    int turn = 0;  // guarded by m
    int seen = 0;  // the waiter's count; read after the join
    std::thread waiter([&] {
        for (int i = 1; i <= 2000; ++i) {
            {
                std::unique_lock<cj::mutex> lock(m);
                while (turn < i) cv.wait(lock);
                ++seen;
            }
            back.release();  // the main thread may be blocked on it already
        }
    });
    for (int i = 1; i <= 2000; ++i) {
        {
            std::lock_guard<cj::mutex> lock(m);
            turn = i;
        }
        cv.notify_one();  // the waiter may not run yet: the main thread blocks right after
        back.acquire();
    }
    waiter.join();
    CHECK(seen == 2000);
}

// ------------------------------------------- stress backend: the wait-for picture ----
#ifdef COOKIEJAR_STRESS

namespace {

using cj::library_test::contains;
using cj::library_test::where;

// The wait-for picture, once it shows every part in `parts` (or after 10 s).
std::string picture_showing(std::initializer_list<std::string> parts) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::string picture;
    for (;;) {
        picture = cj::stress::wait_for_picture();
        bool all = true;
        for (const auto& p : parts) all = all && contains(picture, p);
        if (all || std::chrono::steady_clock::now() > deadline) return picture;
        std::this_thread::sleep_for(1ms);
    }
}

// Where a report points into the C++ library's own headers instead of the caller's line.
bool names_a_library_header(const std::string& picture) {
    return contains(picture, "lock_specializations.hpp") || contains(picture, "sync_stress.hpp") ||
           contains(picture, "/c++/") || contains(picture, "std_mutex.h") || contains(picture, "unique_lock.h");
}

void wait_for(const std::atomic<bool>& flag) {
    while (!flag) std::this_thread::yield();
}

}  // namespace

// The detector's judgement itself, at the moments a report would be wrong: a waiter that
// a notify has woken, but that cannot run yet (the notifier still holds the mutex), and
// a waiter with a time limit. The main thread poses as the stress run's joining thread,
// so that only the waiter decides.
TEST_CASE("the deadlock detector counts a woken waiter and a waiter with a time limit as able to move",
          LIBRARY_TAGS) {
    using cj::stress::detail::stuck;
    auto judge = [] {
        cj::stress::joining_scope joining;
        cj::stress::detail::registry_guard g;
        return cj::stress::detail::judge_locked();
    };
    cj::mutex m;
    cj::condition_variable cv;
    bool waiting = false;  // guarded by m; set right before the wait
    bool go = false;       // guarded by m
    const bool timed = GENERATE(false, true);
    std::thread waiter([&] {
        std::unique_lock<cj::mutex> lock(m);
        waiting = true;
        while (!go) {
            if (timed) (void)cv.wait_for(lock, 30s);
            else cv.wait(lock);
        }
    });
    // Once `waiting` is seen under the lock, the waiter is inside its wait.
    std::unique_lock<cj::mutex> lock(m);
    while (!waiting) {
        lock.unlock();
        std::this_thread::yield();
        lock.lock();
    }
    const stuck before = judge();
    go = true;
    cv.notify_one();
    const stuck after = judge();  // the waiter is awake, but waits for m, which this thread holds
    lock.unlock();
    waiter.join();
    INFO("timed: " << timed);
    CHECK(before == (timed ? stuck::free : stuck::everyone_blocked));
    CHECK(after == stuck::free);
}

TEST_CASE("a thread blocked on a cj::mutex is reported at its own line, with the line where the holder locked it",
          LIBRARY_TAGS) {
    cj::mutex m;
    std::atomic<unsigned> holder_line{0};
    std::atomic<unsigned> waiter_line{0};
    std::atomic<bool> holding{false};
    std::atomic<bool> let_go{false};
    // The lock and the __LINE__ that names it share a line: the report must name that line.
    std::thread holder([&] {
        cj::stress::name_this_thread("lock holder");
        {
            std::lock_guard<cj::mutex> lock(m); holder_line = __LINE__;
            holding = true;
            wait_for(let_go);
        }
        cj::stress::mark_this_thread_finished();
    });
    wait_for(holding);
    std::thread waiter([&] {
        cj::stress::name_this_thread("lock waiter");
        {
            waiter_line = __LINE__; std::unique_lock<cj::mutex> lock(m);
        }
        cj::stress::mark_this_thread_finished();
    });
    const std::string picture = picture_showing({"lock waiter waits to lock"});
    let_go = true;
    holder.join();
    waiter.join();

    INFO(picture);
    CHECK(contains(picture, "lock waiter waits to lock mutex #"));
    CHECK(contains(picture, " at " + where(__FILE__, waiter_line) + " ("));
    CHECK(contains(picture, "is held by lock holder, locked at " + where(__FILE__, holder_line) + " ("));
    CHECK_FALSE(names_a_library_header(picture));
}

TEST_CASE("threads waiting on a condition_variable or a semaphore are reported at the line of the call",
          LIBRARY_TAGS) {
    cj::mutex m;
    cj::condition_variable cv;
    cj::counting_semaphore<2> sem(0);
    bool go = false;  // guarded by m
    std::atomic<unsigned> wait_line{0};
    std::atomic<unsigned> acquire_line{0};
    std::thread cv_waiter([&] {
        cj::stress::name_this_thread("condition waiter");
        {
            std::unique_lock<cj::mutex> lock(m);
            wait_line = __LINE__; cv.wait(lock, [&] { return go; });
        }
        cj::stress::mark_this_thread_finished();
    });
    std::thread sem_waiter([&] {
        cj::stress::name_this_thread("semaphore waiter");
        acquire_line = __LINE__; sem.acquire();
        cj::stress::mark_this_thread_finished();
    });
    const std::string picture =
        picture_showing({"condition waiter waits on condition variable", "semaphore waiter waits to acquire"});
    {
        std::lock_guard<cj::mutex> lock(m);
        go = true;
    }
    cv.notify_all();
    sem.release();
    cv_waiter.join();
    sem_waiter.join();

    INFO(picture);
    CHECK(contains(picture, "condition waiter waits on condition variable #"));
    CHECK(contains(picture, " at " + where(__FILE__, wait_line) + " ("));
    CHECK(contains(picture, "for a notify that has not come"));
    CHECK(contains(picture, "semaphore waiter waits to acquire semaphore #"));
    CHECK(contains(picture, " at " + where(__FILE__, acquire_line) + " ("));
    CHECK_FALSE(names_a_library_header(picture));
}

TEST_CASE("a thread woken from a condition_variable wait is reported as the mutex's holder, at the line of the wait",
          LIBRARY_TAGS) {
    cj::mutex m;
    cj::condition_variable cv;
    bool go = false;  // guarded by m
    std::atomic<unsigned> wait_line{0};
    std::atomic<bool> woken{false};
    std::atomic<bool> let_go{false};
    std::thread waiter([&] {
        cj::stress::name_this_thread("woken waiter");
        {
            std::unique_lock<cj::mutex> lock(m);
            wait_line = __LINE__; cv.wait(lock, [&] { return go; });
            woken = true;
            wait_for(let_go);  // keeps the lock
        }
        cj::stress::mark_this_thread_finished();
    });
    (void)picture_showing({"woken waiter waits on condition variable"});
    {
        std::lock_guard<cj::mutex> lock(m);
        go = true;
    }
    cv.notify_one();
    wait_for(woken);
    std::thread late([&] {
        cj::stress::name_this_thread("late locker");
        { std::lock_guard<cj::mutex> lock(m); }
        cj::stress::mark_this_thread_finished();
    });
    const std::string picture = picture_showing({"late locker waits to lock"});
    let_go = true;
    waiter.join();
    late.join();

    INFO(picture);
    CHECK(contains(picture, "late locker waits to lock mutex #"));
    CHECK(contains(picture, "is held by woken waiter, locked at " + where(__FILE__, wait_line) + " ("));
}

#endif  // COOKIEJAR_STRESS
