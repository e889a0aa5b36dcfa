// The commands that need no build: hint (progressive, remembered) and list.
#include <cookiejar/catch.hpp>

#include <fstream>
#include <sstream>

#include <unistd.h>

#include "commands.hpp"
#include "process.hpp"

namespace fs = std::filesystem;

namespace {
struct course {
  fs::path root;
  cookiejar::context c;
  std::ostringstream out, err;
  explicit course(const std::string& tag) {
    root = fs::temp_directory_path() / ("cookiejar-cli-cmd-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "checks");
    fs::create_directories(root / "lessons" / "01-synchronous");
    fs::create_directories(root / "lessons" / "02-lock");
    std::ofstream(root / "CMakePresets.json") << "{}\n";
    std::ofstream(root / "lessons" / "02-lock" / "HINTS.md")
        << "# Hints\n\nintro\n\n## General\n\nfirst hint\n\n## 1. The count\n\nsecond hint\n";
    for (const char* l : {"01-synchronous", "02-lock"})
      std::ofstream(root / "lessons" / l / "bounded_buffer.hpp") << "// starter\n";
    c.run.repo = root;
    c.run.build_root = root / "build";
    c.out = &out;
    c.err = &err;
  }
  ~course() { fs::remove_all(root); }
};
}  // namespace

TEST_CASE("hint.hints come one at a time, are remembered, and start over on --reset", "[cli]") {
  course k("hint");
  REQUIRE(cookiejar::hint_command(k.c, "02", false, false) == 0);
  CHECK(k.out.str().find("hint 1 of 2") != std::string::npos);
  CHECK(k.out.str().find("first hint") != std::string::npos);
  CHECK(k.out.str().find("second hint") == std::string::npos);
  k.out.str("");
  REQUIRE(cookiejar::hint_command(k.c, "2", false, false) == 0);
  CHECK(k.out.str().find("second hint") != std::string::npos);
  k.out.str("");
  REQUIRE(cookiejar::hint_command(k.c, "02", false, false) == 0);
  CHECK(k.out.str().find("You have seen all 2 hints") != std::string::npos);
  REQUIRE(cookiejar::hint_command(k.c, "02", false, true) == 0);
  k.out.str("");
  REQUIRE(cookiejar::hint_command(k.c, "02", false, false) == 0);
  CHECK(k.out.str().find("first hint") != std::string::npos);
  CHECK(cookiejar::hint_command(k.c, "01", false, false) == 1);  // no HINTS.md
}

TEST_CASE("list.a lesson never checked says so instead of building it", "[cli]") {
  course k("list");
  REQUIRE(cookiejar::list_command(k.c) == 0);
  const auto text = k.out.str();
  CHECK(text.find("01   synchronous") != std::string::npos);
  CHECK(text.find("not checked yet") != std::string::npos);
  CHECK(!fs::exists(k.root / "build" / "lesson-01"));
}

TEST_CASE("list.a lesson whose file is the committed starter is not started", "[cli]") {
  course k("git");
  const auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", k.root.string(), "-c", "user.name=t", "-c", "user.email=t@t"});
    return cookiejar::run_process(args).exit_code;
  };
  REQUIRE(git({"init", "-q"}) == 0);
  REQUIRE(git({"add", "."}) == 0);
  REQUIRE(git({"commit", "-qm", "starters"}) == 0);
  std::ofstream(k.root / "lessons" / "02-lock" / "bounded_buffer.hpp") << "// my work\n";
  REQUIRE(cookiejar::list_command(k.c) == 0);
  const auto text = k.out.str();
  const auto row01 = text.substr(text.find("01   "), text.find('\n', text.find("01   ")) - text.find("01   "));
  const auto row02 = text.substr(text.find("02   "), text.find('\n', text.find("02   ")) - text.find("02   "));
  CHECK(row01.find("not started") != std::string::npos);
  CHECK(row02.find("not checked yet") != std::string::npos);
}

// On a machine set up as docs/getting-started.md says (CI is one), every item passes, and
// the ThreadSanitizer item passes only because a racy program was actually flagged.
TEST_CASE("doctor.a ready machine passes every item, ThreadSanitizer by flagging a real race", "[cli]") {
  course k("doctor");
  CHECK(cookiejar::doctor_command(k.c) == 0);
  CHECK(k.out.str().find("a racy test program was flagged, at race.cpp and its line") != std::string::npos);
  CHECK(k.out.str().find("MISSING") == std::string::npos);
}

// The first lines of the racy program's report, as ThreadSanitizer printed them on
// Debian 13 (clang 19) without and with the llvm package.
namespace {
const char* const report_without_symbolizer =
    "==9884==WARNING: invalid path to external symbolizer!\n"
    "==9884==WARNING: Failed to use and restart external symbolizer!\n"
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=9884)\n"
    "  Write of size 4 at 0x55c07e46bae8 by thread T2:\n"
    "    #0 <null> <null> (race+0xe9ae1) (BuildId: 5c4f674b777bef35a37b33cc97e79fb0086b355b)\n"
    "    #1 <null> <null> (libstdc++.so.6+0xe1223) (BuildId: 133b71e0013695cc7832680a74edb51008c4fc4c)\n";
const char* const report_with_symbolizer =
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=10069)\n"
    "  Write of size 4 at 0x55b8fa84aae8 by thread T2:\n"
    "    #0 main::$_1::operator()() const /root/t/race.cpp:5:53 (race+0xe9ae1) (BuildId: "
    "5c4f674b777bef35a37b33cc97e79fb0086b355b)\n";
}  // namespace

TEST_CASE("doctor.a race reported without file and line asks for llvm, which brings llvm-symbolizer", "[cli]") {
  const auto p = cookiejar::judge_tsan_probe(66, report_without_symbolizer, "race.cpp");
  CHECK_FALSE(p.ok);
  CHECK(p.install == "llvm");
  CHECK(p.what.find("names no file and line") != std::string::npos);
  CHECK(p.what.find("llvm-symbolizer") != std::string::npos);
}

TEST_CASE("doctor.a race reported at its file and line passes, and a race not reported does not", "[cli]") {
  CHECK(cookiejar::judge_tsan_probe(66, report_with_symbolizer, "race.cpp").ok);
  // Another file's line is not the probe's.
  CHECK_FALSE(cookiejar::judge_tsan_probe(66, report_with_symbolizer, "other.cpp").ok);
  const auto silent = cookiejar::judge_tsan_probe(0, "", "race.cpp");
  CHECK_FALSE(silent.ok);
  CHECK(silent.install == "libclang-rt-dev");
  const auto no_start = cookiejar::judge_tsan_probe(
      66, "FATAL: ThreadSanitizer: unexpected memory mapping 0x7f0000000000-0x7f0000001000\n", "race.cpp");
  CHECK_FALSE(no_start.ok);
  CHECK(no_start.what.find("vm.mmap_rnd_bits=28") != std::string::npos);
}

// replay needs a built lesson and a string `check` printed; anything else is refused with
// what to do instead, and nothing is built or changed.
TEST_CASE("replay.a string that is not a replay string, or a lesson never built, is refused with what to do", "[cli]") {
  course k("replay");
  const auto file = k.root / "lessons" / "02-lock" / "bounded_buffer.hpp";
  const auto before = fs::last_write_time(file);
  CHECK(cookiejar::replay_command(k.c, "02", "no schedule here", false) == 2);
  CHECK(k.err.str().find("that is not a replay string. Copy the whole quoted string after `cookiejar replay 02`") !=
        std::string::npos);
  k.err.str("");
  CHECK(cookiejar::replay_command(k.c, "02", "bounded2:1 2 3 @two producers", true) == 2);
  CHECK(k.err.str().find("lesson 02 has not been built yet. Run `cookiejar check 02` first") != std::string::npos);
  CHECK(k.out.str().empty());
  CHECK(!fs::exists(k.root / "build" / "lesson-02"));
  CHECK(fs::last_write_time(file) == before);
}

// A damaged cookiejar-last.json must never show a lesson as passing, nor stop `list`.
TEST_CASE("list.a last result with wrong types or unknown statuses reads as failing", "[cli]") {
  course k("damaged");
  const auto last = k.root / "build" / "lesson-02" / "cookiejar-last.json";
  fs::create_directories(last.parent_path());
  std::ofstream(last) << R"({"number": 2, "build_status": "built", "checks": [
      {"name": "lesson02.student.unit.a", "status": "passed", "seconds": "soon"},
      {"name": "lesson02.student.unit.b", "status": "green", "findings": [{"bug_class": 7}]},
      "not a check"]})";
  REQUIRE(cookiejar::list_command(k.c) == 0);
  const auto text = k.out.str();
  const auto row = text.substr(text.find("02   "), text.find('\n', text.find("02   ")) - text.find("02   "));
  CHECK(row.find("failing") != std::string::npos);
  CHECK(row.find("1/2") != std::string::npos);
}

// A copy of the course inside another checkout (a build folder, a scratch copy) is not
// that checkout's file: its lessons are failing, not "not started".
TEST_CASE("list.a course inside another git repository is judged by its own files, not that repository's", "[cli]") {
  course outer("outer");
  const auto git = [&](const fs::path& at, std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", at.string(), "-c", "user.name=t", "-c", "user.email=t@t"});
    return cookiejar::run_process(args).exit_code;
  };
  REQUIRE(git(outer.root, {"init", "-q"}) == 0);
  REQUIRE(git(outer.root, {"add", "."}) == 0);
  REQUIRE(git(outer.root, {"commit", "-qm", "starters"}) == 0);
  // The same course, copied below the outer checkout, with a last result that fails.
  const auto inner = outer.root / "build" / "copy";
  fs::create_directories(inner);
  fs::copy(outer.root / "lessons", inner / "lessons", fs::copy_options::recursive);
  fs::copy(outer.root / "checks", inner / "checks", fs::copy_options::recursive);
  fs::copy(outer.root / "CMakePresets.json", inner / "CMakePresets.json");
  const auto last = inner / "build" / "lesson-02" / "cookiejar-last.json";
  fs::create_directories(last.parent_path());
  std::ofstream(last) << R"({"build_status": "built", "checks": [{"status": "failed"}]})";
  outer.c.run.repo = inner;
  outer.c.run.build_root = inner / "build";
  REQUIRE(cookiejar::list_command(outer.c) == 0);
  const auto text = outer.out.str();
  const auto row = text.substr(text.find("02   "), text.find('\n', text.find("02   ")) - text.find("02   "));
  CHECK(row.find("failing") != std::string::npos);
}
