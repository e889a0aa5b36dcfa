// The runner's plumbing: finding the course and its lessons, running a process with a
// time limit, and the replay string's round trip.
#include <cookiejar/catch.hpp>

#include <fstream>

#include <unistd.h>

#include "commands.hpp"
#include "process.hpp"
#include "runner.hpp"
#include "text.hpp"

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {
// A throwaway course tree: CMakePresets.json, checks/, and the given lesson folders.
fs::path fake_course(const std::string& tag, std::initializer_list<const char*> lessons) {
  const auto root = fs::temp_directory_path() / ("cookiejar-cli-test-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "checks");
  std::ofstream(root / "CMakePresets.json") << "{}\n";
  for (const char* l : lessons) fs::create_directories(root / "lessons" / l);
  return root;
}
}  // namespace

TEST_CASE("runner.the course is found from a folder deep inside it", "[cli]") {
  const auto root = fake_course("find", {"01-synchronous"});
  fs::create_directories(root / "lessons" / "01-synchronous" / "deeper");
  CHECK(cookiejar::find_repo(root / "lessons" / "01-synchronous" / "deeper") == root);
  fs::remove_all(root);
}

TEST_CASE("runner.lessons are every lessons/NN-topic folder, in order, whatever their number", "[cli]") {
  const auto root = fake_course("discover", {"05-async", "01-synchronous", "02-lock", "notes"});
  const auto lessons = cookiejar::discover_lessons(root);
  REQUIRE(lessons.size() == 3);
  CHECK(lessons[0].folder == "01-synchronous");
  CHECK(lessons[2].number == "05");
  CHECK(lessons[2].topic == "async");
  CHECK(lessons[2].checks_dir == root / "checks" / "05-async");
  CHECK(cookiejar::find_lesson(root, "5").folder == "05-async");
  CHECK_THROWS_WITH(cookiejar::find_lesson(root, "09"), cj::testing::contains("the lessons are 01, 02, 05"));
  fs::remove_all(root);
}

TEST_CASE("runner.a process past its time limit is killed with its children and says so", "[cli]") {
  const auto r = cookiejar::run_process({"sh", "-c", "echo started; sleep 30 & sleep 30"}, {.timeout_seconds = 0.5});
  CHECK(r.timed_out);
  CHECK(r.seconds < 5);
  CHECK(r.output == "started\n");
}

TEST_CASE("runner.a process's exit code, output and working folder come back as they were", "[cli]") {
  const auto r = cookiejar::run_process({"sh", "-c", "pwd; echo to-stderr >&2; exit 66"},
                                        {.working_directory = "/tmp", .timeout_seconds = 10});
  CHECK(r.exit_code == 66);
  CHECK(r.output == "/tmp\nto-stderr\n");
  CHECK(cookiejar::run_process({"no-such-program-anywhere"}).exit_code == 127);
}

TEST_CASE("runner.a replay string splits into the schedule and the check's sentence", "[cli]") {
  const auto t = cookiejar::parse_replay("bounded2:233 8 3 0 @two producers: racing @ the end");
  REQUIRE(t);
  CHECK(t->schedule == "bounded2:233 8 3 0 ");
  CHECK(t->sentence == "two producers: racing @ the end");
  CHECK_FALSE(cookiejar::parse_replay("no schedule here"));
  CHECK_FALSE(cookiejar::parse_replay("@only a sentence"));
}

// ---- what a check's verdict is, and what it is not ----

namespace {

// A stand-in for cookiejar-run-check (the command trusts only a verdict file, whoever
// wrote it): a shell script with the runner's name that runs `body`.
cookiejar::test_spec fake_runner(const fs::path& dir, const std::string& body) {
  fs::create_directories(dir);
  const auto script = dir / "cookiejar-run-check";
  std::ofstream(script) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(script, fs::perms::owner_all);
  cookiejar::test_spec spec;
  spec.name = "lesson02.student.unit.a check";
  spec.command = {script.string(), "--analysis", "unit", "--timeout", "20", "--", "/bin/true"};
  spec.judged = true;
  spec.timeout = 30;
  return spec;
}

cookiejar::lesson_info a_lesson(const fs::path& root) {
  return {"02", "lock", "02-lock", root / "lessons" / "02-lock", root / "solutions" / "02-lock", root / "checks" / "02-lock"};
}

}  // namespace

TEST_CASE("runner.a check with no readable verdict fails and says why, whatever its exit code", "[cli]") {
  const auto root = fake_course("verdicts", {"02-lock"});
  const auto lesson = a_lesson(root);
  const auto file = root / "verdict.json";
  using cookiejar::check_status;

  // Exits 0 and writes nothing: an exit status proves nothing.
  auto silent = cookiejar::run_check(fake_runner(root / "silent", "echo all good; exit 0"), lesson, file);
  CHECK(silent.status == check_status::failed);
  CHECK(silent.reason == "cookiejar-run-check wrote no verdict (it ended with exit code 0)");
  REQUIRE(silent.findings.size() == 1);
  CHECK(silent.findings[0].property == silent.reason);
  CHECK(silent.findings[0].details == "all good\n");

  const auto garbage = cookiejar::run_check(
      fake_runner(root / "garbage", "echo 'passed!' > \"$COOKIEJAR_VERDICT_OUT\""), lesson, file);
  CHECK(garbage.status == check_status::failed);
  CHECK(garbage.reason == "cookiejar-run-check's verdict could not be read: it is not JSON");

  const auto other = cookiejar::run_check(
      fake_runner(root / "other", "echo '{\"schema\": \"something-else\", \"outcome\": \"passed\"}' > \"$COOKIEJAR_VERDICT_OUT\""),
      lesson, file);
  CHECK(other.status == check_status::failed);
  CHECK(other.reason == "cookiejar-run-check's verdict could not be read: not a cookiejar-check-run verdict of version 1");

  // A check CTest does not run through the runner is never judged at all.
  auto direct = fake_runner(root / "direct", "exit 0");
  direct.judged = false;
  const auto unjudged = cookiejar::run_check(direct, lesson, file);
  CHECK(unjudged.status == check_status::failed);
  CHECK(unjudged.reason.find("not run through cookiejar-run-check") != std::string::npos);

  // What it does take: a verdict that says passed (and the file is gone after reading).
  const auto passed = cookiejar::run_check(
      fake_runner(root / "passed", "printf '%s' '{\"schema\": \"cookiejar-check-run\", \"version\": 1, \"analysis\": "
                                   "\"unit\", \"outcome\": \"passed\", \"records\": [], \"output\": {\"head\": \"hi\", "
                                   "\"tail\": \"\", \"bytes\": 2, \"cut\": 0}}' > \"$COOKIEJAR_VERDICT_OUT\""),
      lesson, file);
  CHECK(passed.status == check_status::passed);
  CHECK(passed.findings.empty());
  CHECK(passed.output == "hi");
  CHECK(!fs::exists(file));
  fs::remove_all(root);
}

TEST_CASE("runner.the real runner's verdict of a program that made no record is ended early, never passed", "[cli]") {
  const auto root = fake_course("no-record", {"02-lock"});
  cookiejar::test_spec spec;
  spec.name = "lesson02.student.unit.exits at once";
  spec.command = {COOKIEJAR_CLI_RUN_CHECK, "--analysis", "stress", "--timeout", "20", "--", "/bin/sh", "-c", "echo bye; exit 0"};
  const auto parsed = cookiejar::parse_test_list(
      nlohmann::json{{"tests", {{{"name", spec.name}, {"command", spec.command}}}}}.dump());
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0].judged);
  CHECK(parsed[0].of == cj::verdict::analysis::stress);
  const auto check = cookiejar::run_check(parsed[0], a_lesson(root), root / "verdict.json");
  CHECK(check.status == cookiejar::check_status::ended_early);
  CHECK(check.of == cj::verdict::analysis::stress);
  CHECK(check.reason == "the check did not finish: the process ended early (status 0)");
  CHECK(check.exit_code() == 0);
  REQUIRE(check.findings.size() == 1);
  CHECK(check.findings[0].bug_class == cj::verdict::bug::process_ended);
  CHECK(check.output.find("bye") != std::string::npos);
  fs::remove_all(root);
}

// A program that prints without end costs neither memory nor a report's size.
TEST_CASE("runner.what a check prints is kept as its head and tail, saying how much was cut", "[cli]") {
  const auto root = fake_course("loud", {"02-lock"});
  cookiejar::test_spec spec;
  spec.name = "lesson02.student.unit.prints 8 MB";
  spec.command = {COOKIEJAR_CLI_RUN_CHECK, "--analysis", "unit", "--timeout", "60", "--", "/bin/sh", "-c",
                  "echo first; head -c 8000000 /dev/zero | tr '\\0' x; echo; echo last"};
  spec.judged = true;
  const auto check = cookiejar::run_check(spec, a_lesson(root), root / "verdict.json");
  CHECK(check.status == cookiejar::check_status::ended_early);
  CHECK(check.output_bytes > 8000000);
  CHECK(check.output.size() < 40 * 1024);
  CHECK(check.output.rfind("first\n", 0) == 0);
  CHECK(check.output.find("bytes of output cut here") != std::string::npos);
  CHECK(check.output.find("last\n") != std::string::npos);
  fs::remove_all(root);

  const auto r = cookiejar::run_process({"sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' y; echo end"},
                                        {.timeout_seconds = 60, .keep_bytes = 4096});
  CHECK(r.output_bytes == 3000004);
  CHECK(r.output_cut());
  CHECK(r.output.size() < 3 * 4096);
  CHECK(r.output.find("end\n") != std::string::npos);
}

TEST_CASE("runner.a CTest listing gives each check's command, folder, time limit and analysis", "[cli]") {
  const auto specs = cookiejar::parse_test_list(R"(junk before the JSON {"tests": [
      {"name": "lesson02.student.model.two producers",
       "command": ["/b/bin/cookiejar-run-check", "--analysis", "model", "--timeout", "110", "--", "/b/exe", "two producers"],
       "properties": [{"name": "WORKING_DIRECTORY", "value": "/b/checks"}, {"name": "TIMEOUT", "value": 120.0}]},
      {"name": "lesson02.solution.demo.runs", "command": ["/b/demo"]},
      {"name": "no command"},
      "not even an object"]})");
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].of == cj::verdict::analysis::model);
  CHECK(specs[0].judged);
  CHECK(specs[0].working_directory == "/b/checks");
  CHECK(specs[0].timeout == 120);
  CHECK(!specs[1].judged);
  CHECK(cookiejar::sentence_of(specs[0].name) == "two producers");
  CHECK(cookiejar::sentence_of("lesson02.student.unit.a b. c") == "a b. c");
  CHECK(cookiejar::parse_test_list("not json").empty());
}

TEST_CASE("runner.the last lines of a text are its last lines, or all of it", "[cli]") {
  CHECK(cookiejar::last_lines("a\nb\nc\n", 2) == "b\nc\n");
  CHECK(cookiejar::last_lines("a\nb\nc", 2) == "b\nc");
  CHECK(cookiejar::last_lines("a\nb\n", 15) == "a\nb\n");
  CHECK(cookiejar::last_lines("", 3).empty());
}
