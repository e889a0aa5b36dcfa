// The runner's plumbing: finding the course and its lessons, running a process with a
// time limit, and the replay string's round trip.
#include <cookiejar/catch.hpp>

#include <fstream>

#include <unistd.h>

#include "commands.hpp"
#include "process.hpp"
#include "runner.hpp"

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
