// Golden tests of the translation: real logs captured from the course's checks (see
// golden.hpp), each compared exactly with the text a student sees. Each test also
// asserts the one or two facts a wrong translator would get wrong, so a failure says
// what broke, not only that the text differs.
#include <cookiejar/catch.hpp>

#include "golden.hpp"

using cookiejar::golden::run;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

// A wrong translator would name one access only, lose which mutex the writer held, or
// blame the harness's stress_check.hpp line instead of the student's line.
TEST_CASE("translate.a data race names both lines and the mutex each held", "[cli][golden]") {
  const auto o = run("tsan-data-race-unlocked-size");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "data race");
  CHECK(o.findings[0].location == "lessons/02-lock/bounded_buffer.hpp:73");
  CHECK(has(o.actual, "size() reads count_ at line 73 holding no lock, while try_put() writes it at line 45 holding mutex_"));
  CHECK(has(o.actual, "observer 0 (T7)"));
  CHECK(o.actual == o.expected);
}

// A wrong translator would call it a data race (TSan's WARNING line) or name no mutex.
TEST_CASE("translate.a lock-order inversion names both mutexes and both lines", "[cli][golden]") {
  const auto o = run("tsan-lock-order-inversion");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "lock-order inversion (deadlock)");
  CHECK(has(o.actual, "locks stats_mutex_ while holding mutex_"));
  CHECK(has(o.actual, "locks mutex_ while holding stats_mutex_"));
  CHECK(o.actual == o.expected);
}

// A wrong translator would drop the table, or print Relacy's command instead of `cookiejar replay`.
TEST_CASE("translate.a model-check failure keeps the interleaving and offers cookiejar replay", "[cli][golden]") {
  const auto o = run("model-check-then-act");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "check-then-act (atomicity violation)");
  CHECK(has(o.actual, "| producer 0          | producer 1          | consumer 0"));
  CHECK(o.findings[0].replay.rfind("cookiejar replay 02 'bounded2:233 ", 0) == 0);
  CHECK(has(o.findings[0].replay, "@two producers racing for the last place never both get in'"));
  CHECK(o.actual == o.expected);
}

// A wrong translator would call a leaked lock a plain deadlock, or point at no line.
TEST_CASE("translate.a lock left locked at the end of a schedule is a lock never released", "[cli][golden]") {
  const auto o = run("model-lock-never-released");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "lock never released");
  CHECK(o.findings[0].location == "lessons/02-lock/bounded_buffer.hpp:70");
  CHECK(o.actual == o.expected);
}

// A wrong translator would point at the second lock (line 40), not the one never released (line 70).
TEST_CASE("translate.a relock report points at the lock that was never released", "[cli][golden]") {
  const auto o = run("relock-lock-never-released");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].location == "lessons/02-lock/bounded_buffer.hpp:70");
  CHECK(o.findings[0].bug_class == "lock never released");
  CHECK(o.actual == o.expected);
}

// A wrong translator would keep Catch2's 80-column wrapping or lose the first problem.
TEST_CASE("translate.a stress run's broken promises become one plain sentence each", "[cli][golden]") {
  const auto o = run("stress-lost-cookies");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].property == "cookie 10 of producer 0 was never eaten (lost)");
  CHECK(has(o.actual, "cookies were in a jar of capacity 1 - a put succeeded on a full jar\n"));
  CHECK(o.actual == o.expected);
}

// A wrong translator would miss that the blocked thread holds the mutex while it waits on a semaphore.
TEST_CASE("translate.a model deadlock with a semaphore wait under the lock is named as such", "[cli][golden]") {
  const auto o = run("model-deadlock-lock-before-semaphore");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "deadlock (a lock held while waiting)");
  CHECK(o.findings[0].location == "lessons/03-semaphore/bounded_buffer.hpp:60");
  CHECK(o.actual == o.expected);
}

// A wrong translator would count the observer (not blocked) or miss the holder of the mutex.
TEST_CASE("translate.a watchdog hang becomes the wait-for picture with the blocked threads counted", "[cli][golden]") {
  const auto o = run("watchdog-hang");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].property == "4 threads blocked forever: producer 0, producer 1, consumer 0, consumer 1");
  CHECK(has(o.actual, "mutex #1 is held by consumer 0, locked at lessons/03-semaphore/bounded_buffer.hpp:60 (get)"));
  CHECK(o.actual == o.expected);
}

// A wrong translator would call any deadlock "deadlock"; here a notify woke the wrong thread.
TEST_CASE("translate.a deadlock of condition-variable waiters is a lost wake-up", "[cli][golden]") {
  const auto o = run("model-lost-wake-up");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "lost wake-up");
  CHECK(o.actual == o.expected);
}

// A wrong translator would miss the spurious wake-up in the table and say "wrong result".
TEST_CASE("translate.a spurious wake-up in the table means if instead of while", "[cli][golden]") {
  const auto o = run("model-if-instead-of-while");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "if instead of while (spurious wake-up)");
  CHECK(o.actual == o.expected);
}

// A wrong translator would print Catch2's banner, or lose the exception text.
TEST_CASE("translate.a unit check that threw names the assertion and the exception", "[cli][golden]") {
  const auto o = run("unit-exception");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].property ==
        "REQUIRE_FALSE( jar.try_put(5) ) threw an exception: vector::_M_range_check: __n (which is 3) >= this->size() (which is 3)");
  CHECK(o.findings[0].bug_class == "index out of range (wrap-around or off-by-one)");
  CHECK(o.actual == o.expected);
}

// A wrong translator would list all four capacities' identical failures.
TEST_CASE("translate.a property check's repeated failures are shown once per kind", "[cli][golden]") {
  const auto o = run("property-disagreement");
  REQUIRE(!o.findings.empty());
  CHECK(o.findings.size() <= 2);
  CHECK(has(o.actual, "the model expected:     false  (the model is full)"));
  CHECK(o.findings[0].property.rfind("try_put(cookie 4)  [by move: T&&]: a one-thread jar gives false", 0) == 0);
  CHECK(o.actual == o.expected);
}

// A wrong translator would show the same error once per file that includes the header,
// or the absolute path of the machine that built it.
TEST_CASE("translate.a compile error shows the first error only, with a repository path", "[cli][golden]") {
  const auto o = run("compile-error");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].location == "lessons/01-synchronous/bounded_buffer.hpp:57");
  CHECK(o.findings[0].property == "use of undeclared identifier 'cout_'; did you mean 'count_'?");
  CHECK(!has(o.actual, "/tmp/"));
  CHECK(!has(o.actual, "unit_test.cpp"));
  CHECK(o.actual == o.expected);
}

// ---- lesson 05: the event loop's own verdicts ----

// A wrong translator would call the loop's deadlock a plain "wrong result" and point at no line.
TEST_CASE("translate.a deadlock on the event loop is a waiter never resumed, at the waiting line", "[cli][golden]") {
  const auto o = run("async-model-deadlock");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "waiter never resumed (deadlock on the loop)");
  CHECK(o.findings[0].location == "lessons/05-async/bounded_buffer.hpp:58");
  CHECK(o.findings[0].replay == "cookiejar replay 05 'order:0.0@two waiting consumers each get their own cookie'");
  CHECK(o.actual == o.expected);
}

// A wrong translator would point at the last line of the table instead of the co_await.
TEST_CASE("translate.an overfull jar after a yield is check-then-co_await, at the yield", "[cli][golden]") {
  const auto o = run("async-model-check-then-co-await");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "check-then-co_await (the place was taken during the co_await)");
  CHECK(o.findings[0].location == "lessons/05-async/bounded_buffer.hpp:49");
  CHECK(o.actual == o.expected);
}

// A wrong translator would keep only the first wrapped line of the exception.
TEST_CASE("translate.a waiter resumed by hand is named re-entrance with the whole message", "[cli][golden]") {
  const auto o = run("async-unit-reentrance");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "waiter resumed inline (re-entrance)");
  CHECK(o.findings[0].property.find("instead of calling handle.resume().") != std::string::npos);
  CHECK(o.actual == o.expected);
}

// A wrong translator would miss the deadlock inside the stress check's wrapped message.
TEST_CASE("translate.a stress run that ends in a loop deadlock is a waiter never resumed", "[cli][golden]") {
  const auto o = run("async-stress-deadlock");
  REQUIRE(!o.findings.empty());
  CHECK(o.findings[0].bug_class == "waiter never resumed (deadlock on the loop)");
  CHECK(o.actual == o.expected);
}

// A wrong translator would report a crash: the woken consumer read an empty slot.
TEST_CASE("translate.an empty slot read after a wake-up is if instead of while", "[cli][golden]") {
  const auto o = run("async-model-if-instead-of-while");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == "if instead of while (a woken task's cookie was taken in between)");
  CHECK(o.findings[0].location == "checks/05-async/mutants/if_instead_of_while.hpp:58");
  CHECK(o.actual == o.expected);
}
