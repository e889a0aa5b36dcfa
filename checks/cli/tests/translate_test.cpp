// Golden tests of the translation: verdicts captured from real runs of the course's
// checks (see golden.hpp), each compared exactly with the text a student sees. Each test
// also asserts the one or two facts a wrong translator would get wrong, so a failure
// says what broke, not only that the text differs.
#include <cookiejar/catch.hpp>

#include <set>

#include "golden.hpp"

using cookiejar::golden::run;
using cookiejar::bug;
namespace verdict = cj::verdict;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> every_case() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(COOKIEJAR_CLI_GOLDEN_DIR))
    if (e.is_directory()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A verdict with one record of the given findings, as cookiejar-run-check writes it.
verdict::run_verdict verdict_with(std::vector<verdict::finding> findings, verdict::analysis of = verdict::analysis::unit) {
  verdict::run_verdict v;
  v.of = of;
  v.result = verdict::outcome::failed;
  v.reason = "\"a check\": failed";
  verdict::record r;
  r.check = "a check";
  r.of = of;
  r.result = verdict::outcome::failed;
  r.ended = true;
  r.findings = std::move(findings);
  v.records.push_back(std::move(r));
  return v;
}

// A golden case that must translate to exactly one finding, of bug class `b` at
// `location` ("" when the records name no line), printed exactly as expected.txt says.
cookiejar::golden::outcome one_finding(const std::string& name, bug b, const std::string& location) {
  auto o = run(name);
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].bug_class == b);
  CHECK(o.findings[0].location == location);
  CHECK(o.actual == o.expected);
  return o;
}

cookiejar::check_result failed_check(verdict::analysis of = verdict::analysis::unit) {
  cookiejar::check_result c;
  c.name = "lesson02.student.unit.a check";
  c.sentence = "a check";
  c.of = of;
  c.status = cookiejar::check_status::failed;
  return c;
}
}  // namespace

// ---- ThreadSanitizer: records in the shape its report callback writes ----

// A wrong translator would name one access only, lose which mutex the writer held, or
// blame the harness's stress_check.hpp line instead of the student's line.
TEST_CASE("translate.a data race names both lines and the mutex each held", "[cli][golden]") {
  const auto o = one_finding("tsan-data-race-unlocked-size", bug::data_race, "lessons/02-lock/bounded_buffer.hpp:73");
  CHECK(o.findings[0].property == "a data race on count_: size() reads it holding no lock, while try_put() writes it holding mutex_");
  CHECK(has(o.actual, "size() reads count_ at line 73 holding no lock, while try_put() writes it at line 45 holding mutex_"));
  CHECK(has(o.actual, "observer 0 (T7) reads count_ in size()"));
}

// A wrong translator would say "holding no lock" for both when the record could not
// tell which access held which mutex.
TEST_CASE("translate.a data race whose locks are not known says nothing about them, and shows the note", "[cli]") {
  auto v = cookiejar::golden::verdict_of("tsan-data-race-unlocked-size");
  auto& f = v.records[0].findings[0];
  for (auto& a : f.accesses) a.locks.clear();
  f.messages = {"the accesses held M0 between them; which access held which is not known"};
  const auto lesson = cookiejar::golden::lesson_of("tsan-data-race-unlocked-size");
  const auto findings = cookiejar::translate(v, failed_check(verdict::analysis::stress), lesson);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].property == "a data race on count_: size() reads it, while try_put() writes it");
  CHECK(!has(findings[0].details, "holding"));
  CHECK(has(findings[0].details, "which access held which is not known"));
}

// A wrong translator would call it a data race, or name the mutexes by ThreadSanitizer's numbers.
TEST_CASE("translate.a lock-order inversion names both mutexes and both lines", "[cli][golden]") {
  const auto o = one_finding("tsan-lock-order-inversion", bug::lock_order_inversion, "lessons/02-lock/bounded_buffer.hpp:63");
  CHECK(has(o.actual, "consumer 0 (T5) locks stats_mutex_ while holding mutex_"));
  CHECK(has(o.actual, "observer 0 (T7) locks mutex_ while holding stats_mutex_"));
}

// ---- the model checker and the schedule explorer ----

// A wrong translator would drop the table, or print Relacy's command instead of `cookiejar replay`.
TEST_CASE("translate.a model-check failure keeps the interleaving and offers cookiejar replay", "[cli][golden]") {
  const auto o = one_finding("model-check-then-act", bug::check_then_act, "lessons/02-lock/bounded_buffer.hpp:41");
  CHECK(has(o.actual, "| producer 0          | producer 1          | consumer 0"));
  CHECK(has(o.actual, "    producer 0: try_put(1) -> true\n"));  // the promise's own lines
  CHECK(o.findings[0].replay.rfind("cookiejar replay 02 'bounded2:233 ", 0) == 0);
  CHECK(has(o.findings[0].replay, "@two producers racing for the last place never both get in'"));
}

// A wrong translator would call a leaked lock a plain deadlock, or point at no line.
TEST_CASE("translate.a lock left locked at the end of a schedule is a lock never released", "[cli][golden]") {
  const auto o = one_finding("model-lock-never-released", bug::lock_never_released, "lessons/02-lock/bounded_buffer.hpp:70");
  CHECK(has(o.actual, "then: DESTROYING OWNED MUTEX"));
}

// A wrong translator would miss that the blocked thread holds the mutex while it waits on a semaphore.
TEST_CASE("translate.a model deadlock with a semaphore wait under the lock is named as such", "[cli][golden]") {
  one_finding("model-deadlock-lock-before-semaphore", bug::lock_held_while_waiting, "lessons/03-semaphore/bounded_buffer.hpp:60");
}

// A wrong translator would call any deadlock "deadlock"; here a notify woke the wrong thread.
TEST_CASE("translate.a deadlock of condition-variable waiters is a lost wake-up", "[cli][golden]") {
  one_finding("model-lost-wake-up", bug::lost_wake_up, "lessons/04-condition/bounded_buffer.hpp:62");
}

// A wrong translator would miss the spurious wake-up in the table and say "wrong result".
TEST_CASE("translate.a spurious wake-up in the table means if instead of while", "[cli][golden]") {
  const auto o = one_finding("model-if-instead-of-while", bug::if_instead_of_while, "lessons/04-condition/bounded_buffer.hpp:99");
  CHECK(has(o.actual, "SPURIOUSLY"));
}

// A wrong translator would call the loop's deadlock a plain "wrong result" and point at no line.
TEST_CASE("translate.a deadlock on the event loop is a waiter never resumed, at the waiting line", "[cli][golden]") {
  const auto o = one_finding("async-model-deadlock", bug::waiter_never_resumed, "lessons/05-async/bounded_buffer.hpp:47");
  CHECK(o.findings[0].replay == "cookiejar replay 05 'order:0.0@two waiting consumers each get their own cookie'");
  CHECK(has(o.actual, "the steps (time runs down; one task runs at a time;"));
}

// A wrong translator would point at the last line of the table instead of the co_await.
TEST_CASE("translate.an overfull jar after a yield is check-then-co_await, at the yield", "[cli][golden]") {
  one_finding("async-model-check-then-co-await", bug::check_then_co_await, "lessons/05-async/bounded_buffer.hpp:49");
}

// A wrong translator would report a crash: the woken consumer read an empty slot.
TEST_CASE("translate.an empty slot read after a wake-up is if instead of while", "[cli][golden]") {
  one_finding("async-model-if-instead-of-while", bug::if_instead_of_while, "lessons/05-async/bounded_buffer.hpp:58");
}

// ---- watchdogs and the relock detector: the wait-for picture ----

// A wrong translator would point at the second lock, not the one never released.
TEST_CASE("translate.a relock report points at the lock that was never released", "[cli][golden]") {
  const auto o = one_finding("relock-lock-never-released", bug::lock_never_released, "lessons/02-lock/bounded_buffer.hpp:70");
  CHECK(has(o.actual, "locked at   lessons/02-lock/bounded_buffer.hpp:70 and not unlocked since"));
}

// A wrong translator would count the observer (not blocked) or miss the holder of the mutex.
TEST_CASE("translate.a watchdog hang becomes the wait-for picture with the blocked threads counted", "[cli][golden]") {
  const auto o = run("watchdog-hang");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].property == "4 threads blocked forever: producer 0, producer 1, consumer 0, consumer 1");
  CHECK(o.findings[0].bug_class == bug::lock_held_while_waiting);
  CHECK(has(o.actual, "mutex #1 is held by consumer 0, locked at lessons/03-semaphore/bounded_buffer.hpp:60"));
  CHECK(has(o.actual, "What it means: consumer 0 holds mutex #1"));
  CHECK(o.actual == o.expected);
}

// The deadlock detector's record has the watchdog's shape (the same wait-for picture),
// with source "deadlock": a wrong translator would drop the picture or not count the
// blocked threads.
TEST_CASE("translate.a deadlock detector's report becomes the same wait-for picture as a watchdog's", "[cli]") {
  auto v = cookiejar::golden::verdict_of("watchdog-hang");
  auto& f = v.records[0].findings[0];
  f.from = verdict::source::deadlock;
  f.promise = "deadlock: every thread of the check waits in a cj:: call that no running thread can end";
  const auto lesson = cookiejar::golden::lesson_of("watchdog-hang");
  const auto findings = cookiejar::translate(v, failed_check(verdict::analysis::stress), lesson);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].property == "4 threads blocked forever: producer 0, producer 1, consumer 0, consumer 1");
  CHECK(findings[0].bug_class == bug::lock_held_while_waiting);
  CHECK(has(findings[0].details, "mutex #1 is held by consumer 0, locked at lessons/03-semaphore/bounded_buffer.hpp:60"));
  CHECK(has(findings[0].details, "What it means: consumer 0 holds mutex #1"));
}

// ---- the stress harness and Catch2's assertions ----

// A wrong translator would merge the run's broken promises into one, or lose the first one.
TEST_CASE("translate.a stress run's broken promises become one finding per bug class", "[cli][golden]") {
  const auto o = run("stress-lost-cookies");
  REQUIRE(o.findings.size() == 2);
  CHECK(o.findings[0].bug_class == bug::lost_items);
  CHECK(has(o.findings[0].property, "was never eaten (lost)"));
  CHECK(o.findings[1].bug_class == bug::capacity_exceeded);
  CHECK(has(o.findings[1].details, "What it means: puts succeeded on a full jar and overwrote cookies"));
  CHECK(o.actual == o.expected);
}

// A wrong translator would print Catch2's banner, or lose the exception text.
TEST_CASE("translate.a unit check that threw names the assertion and the exception", "[cli][golden]") {
  const auto o = run("unit-exception");
  REQUIRE(o.findings.size() == 1);
  CHECK(has(o.findings[0].property, "threw an exception: vector::_M_range_check"));
  CHECK(has(o.actual, "the check at checks/common/try_buffer/unit_test.cpp:"));
  CHECK(o.actual == o.expected);
}

// A wrong translator would list all four capacities' identical failures.
TEST_CASE("translate.a property check's repeated failures are shown once per kind", "[cli][golden]") {
  const auto o = run("property-disagreement");
  REQUIRE(!o.findings.empty());
  CHECK(o.findings.size() <= 2);
  CHECK(o.findings[0].property.rfind("try_put(cookie 4)  [by move: T&&]: a one-thread jar gives false", 0) == 0);
  CHECK(o.findings[0].bug_class == bug::wrap_around);
  CHECK(has(o.actual, "the model expected:     false  (the model is full)"));
  CHECK(o.actual == o.expected);
}

// A wrong translator would keep only the first line of the exception.
TEST_CASE("translate.a waiter resumed by hand is named with the whole message", "[cli][golden]") {
  const auto o = run("async-unit-reentrance");
  REQUIRE(o.findings.size() == 1);
  CHECK(has(o.findings[0].property, "instead of calling handle.resume()."));
  CHECK(o.actual == o.expected);
}

// A wrong translator would show "REQUIRE( problem.empty() ) did not hold: false" as what failed.
TEST_CASE("translate.a stress run that ends in a loop deadlock is a waiter never resumed", "[cli][golden]") {
  const auto o = one_finding("async-stress-deadlock", bug::waiter_never_resumed, "");
  CHECK(has(o.findings[0].property, "the loop stopped: deadlock"));
  CHECK(has(o.actual, "consumer 0 waits in get() at lessons/05-async/bounded_buffer.hpp:58"));
}

// A wrong translator, or a stress check that records only what() ("seed 11: the loop
// stopped: bad optional access"), would name no line of the student's file.
TEST_CASE("translate.a stress run that ends in an exception names the line its task last resumed at", "[cli][golden]") {
  const auto o = one_finding("async-stress-exception", bug::if_instead_of_while, "lessons/05-async/bounded_buffer.hpp:58");
  CHECK(has(o.findings[0].property, "consumer 1 ended with an exception, std::bad_optional_access"));
  CHECK(has(o.actual, "resumed at lessons/05-async/bounded_buffer.hpp:58 (get)"));
}

// ---- the compiler: an outside tool, read as text ----

// A wrong translator would show the same error once per file that includes the header,
// or the absolute path of the machine that built it.
TEST_CASE("translate.a compile error shows the first error only, with a repository path", "[cli][golden]") {
  const auto o = run("compile-error");
  REQUIRE(o.findings.size() == 1);
  CHECK(o.findings[0].location == "lessons/01-synchronous/bounded_buffer.hpp:57");
  CHECK(o.findings[0].property == "use of undeclared identifier 'cout_'; did you mean 'count_'?");
  CHECK(o.findings[0].bug_class == bug::compile_error);
  CHECK(!has(o.actual, "/tmp/"));
  CHECK(!has(o.actual, "unit_test.cpp"));
  CHECK(o.actual == o.expected);
}

// ---- records in, text out: whatever the verdict file went through ----

// A wrong reader would lose a field on the way (a step's line, a wait's holder, an
// access's locks): the translation of a verdict written out and read back must not change.
TEST_CASE("translate.every golden verdict reads back from its JSON to the same findings and text", "[cli]") {
  std::size_t verdicts = 0;
  for (const auto& name : every_case()) {
    if (!std::filesystem::exists(cookiejar::golden::dir(name) / "verdict.json")) continue;
    ++verdicts;
    INFO(name);
    const auto v = cookiejar::golden::verdict_of(name);
    std::string why;
    const auto again = verdict::run_verdict_from_json(nlohmann::json::parse(verdict::to_json(v).dump()), &why);
    REQUIRE(again);
    CHECK(again->findings().size() == v.findings().size());
    const auto lesson = cookiejar::golden::lesson_of(name);
    const auto check = cookiejar::golden::check_of(name, v);
    std::string first, second;
    for (const auto& f : cookiejar::translate(v, check, lesson)) first += cookiejar::render_finding(f);
    for (const auto& f : cookiejar::translate(*again, check, lesson)) second += cookiejar::render_finding(f);
    CHECK(!first.empty());
    CHECK(first == second);
  }
  CHECK(verdicts >= 16);
}

// Every case has what the README says it has, so no case silently tests nothing.
TEST_CASE("translate.every golden case has its check, its snapshot, a verdict or a build log, and its text", "[cli]") {
  const auto cases = every_case();
  CHECK(cases.size() >= 18);
  for (const auto& name : cases) {
    INFO(name);
    const auto d = cookiejar::golden::dir(name);
    CHECK(std::filesystem::exists(d / "check.json"));
    CHECK(std::filesystem::exists(d / "expected.txt"));
    CHECK(std::filesystem::exists(d / "verdict.json") != std::filesystem::exists(d / "build.log"));
    CHECK(std::filesystem::exists(cookiejar::golden::lesson_of(name).lesson_dir / "bounded_buffer.hpp"));
    CHECK(!cookiejar::golden::run(name).findings.empty());
  }
}

// ---- what the records leave to the translator ----

// A wrong translator would pass a check whose records name no problem, or say nothing.
TEST_CASE("translate.a check that ended before any record fails with the runner's reason and its last lines", "[cli]") {
  verdict::run_verdict v;
  v.result = verdict::outcome::ended_early;
  v.reason = "the check did not finish: the process ended early (status 0)";
  v.output_tail = "line 1\nthe student's own exit(0)\n";
  auto check = failed_check();
  check.status = cookiejar::check_status::ended_early;
  const auto findings = cookiejar::translate(v, check, cookiejar::golden::lesson_of("unit-exception"));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].property == v.reason);
  CHECK(findings[0].bug_class == bug::process_ended);
  CHECK(has(findings[0].details, "the student's own exit(0)"));
}

TEST_CASE("translate.a passed verdict has no finding, and a check with no verdict says why", "[cli]") {
  verdict::run_verdict v;
  v.result = verdict::outcome::passed;
  CHECK(cookiejar::translate(v, failed_check(), cookiejar::golden::lesson_of("unit-exception")).empty());
  const auto none = cookiejar::translate_no_verdict("cookiejar-run-check wrote no verdict", "a\nb\n", verdict::analysis::model);
  REQUIRE(none.size() == 1);
  CHECK(none[0].property == "cookiejar-run-check wrote no verdict");
  CHECK(none[0].found_by == verdict::analysis::model);
  CHECK(none[0].details == "a\nb\n");
}

// A wrong translator would show the same problem five times, or more than three at all.
TEST_CASE("translate.one finding per distinct problem, at most three per check", "[cli]") {
  const auto lesson = cookiejar::golden::lesson_of("unit-exception");
  std::vector<verdict::finding> same(5), different(5);
  for (std::size_t i = 0; i < 5; ++i) {
    same[i].promise = "REQUIRE( jar.size() == 1 ) did not hold: 2 == 1";
    same[i].bug_class = bug::full_off_by_one;
    different[i].promise = "problem " + std::to_string(i);
  }
  CHECK(cookiejar::translate(verdict_with(same), failed_check(), lesson).size() == 1);
  const auto shown = cookiejar::translate(verdict_with(different), failed_check(), lesson);
  REQUIRE(shown.size() == cookiejar::max_findings_per_check);
  CHECK(shown[0].property == "problem 0");
  CHECK(shown[2].property == "problem 2");
}

// A wrong translator would keep "did not hold: false", which says nothing, as the property.
TEST_CASE("translate.an assertion on a bare true-or-false is named by its message", "[cli]") {
  verdict::finding f;
  f.from = verdict::source::assertion;
  f.promise = "REQUIRE( problem.empty() ) did not hold: false";
  f.expression = "REQUIRE( problem.empty() )";
  f.expansion = "false";
  f.messages = {"cookie 3 was eaten twice\n  by consumer 1"};
  f.check_location = {"checks/02-lock/stress_test.cpp", 40};
  const auto findings = cookiejar::translate(verdict_with({f}), failed_check(), cookiejar::golden::lesson_of("unit-exception"));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].property == "cookie 3 was eaten twice");
  CHECK(has(findings[0].details, "the check at checks/02-lock/stress_test.cpp:40\n    REQUIRE( problem.empty() )\n"));
  CHECK(has(findings[0].details, "    by consumer 1\n"));
}
