// `cookiejar grade` end to end, on a scratch copy of the repository with lesson 01:
// the starter loses points to the bugs its checks find, the solution gets full marks,
// and a build that fails still gets a report. Each run uses the real command.
#include <cookiejar/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <set>

#include "grade_scratch.hpp"
#include "results.hpp"
#include "process.hpp"
#include "tamper.hpp"

using nlohmann::json;
using namespace cookiejar;
namespace fs = std::filesystem;

namespace {

// Options for run_process with a time limit (and a working folder).
inline cookiejar::process_options limited(double seconds, const std::filesystem::path& folder = {}) {
  cookiejar::process_options options;
  options.timeout_seconds = seconds;
  options.working_directory = folder;
  options.environment = {scratch::checks_own_limits};
  return options;
}

const fs::path real_repo = COOKIEJAR_CLI_REPO;
const fs::path scratch_root = COOKIEJAR_GRADE_SCRATCH;

struct graded {
  process_result run;
  std::string report;
};

// Grades lesson 01 of the scratch repository in `format`.
graded grade(const fs::path& repo, const std::string& format) {
  const auto output = scratch_root / ("report." + format);
  fs::remove(output);
  graded g;
  g.run = run_process({COOKIEJAR_CLI_EXE, "--repo", repo.string(), "-q", "grade", "01", "--format", format,
                       "--output", output.string(), "--rounds", "1"},
                      limited(1100));
  if (fs::exists(output)) g.report = scratch::read(output);
  return g;
}

double grading_total() {
  const auto doc = json::parse(scratch::read(scratch::lesson_folder(real_repo, "checks", "01") / "grading.json"));
  double total = 0;
  for (const auto& [key, points] : doc["checks"].items()) total += points.get<double>();
  return total;
}

std::set<std::string> lesson01_bug_classes() {
  const auto doc = json::parse(scratch::read(scratch::lesson_folder(real_repo, "checks", "01") / "mutants/manifest.json"));
  std::set<std::string> classes;
  for (const auto& m : doc["mutants"]) classes.insert(m["bug_class"].get<std::string>());
  return classes;
}

}  // namespace

TEST_CASE("grade.end to end.the lesson 01 starter loses points, its failures are explained, and a changed check is named",
          "[cli][grade][end-to-end]") {
  const auto repo = scratch::prepare(real_repo, scratch_root);
  write_manifest(repo);
  const auto tampered = "checks/" + scratch::lesson_folder(repo, "checks", "01").filename().string() +
                        "/mutants/manifest.json";
  scratch::put(repo / tampered, scratch::read(repo / tampered) + "\n");

  const auto g = grade(repo, "json");
  INFO(g.run.output);
  REQUIRE(g.run.exit_code == 0);
  REQUIRE(!g.report.empty());
  const auto doc = json::parse(g.report);
  REQUIRE(doc["lessons"].size() == 1);
  const auto& lesson = doc["lessons"][0];
  CHECK(lesson["build_status"] == "built");
  CHECK(lesson["max_score"].get<double>() == grading_total());
  CHECK(lesson["score"].get<double>() < lesson["max_score"].get<double>());
  const auto starter = json::parse(scratch::read(fs::path(COOKIEJAR_CLI_TESTS_DIR) / "starters.json"))["01"];
  CHECK(lesson["score"] == starter["points"][0]);  // lesson 01 has no stress check: exactly
  CHECK(lesson["notes"].empty());

  const auto known = lesson01_bug_classes();
  std::set<std::string> found;
  int failed = 0;
  for (const auto& c : lesson["checks"]) {
    INFO(c["name"].get<std::string>());
    CHECK(c["status"] != "not_run");
    if (c["status"] == "passed") continue;
    ++failed;
    CHECK(c["analysis"] == "unit");  // the manifest: the starter is caught by the unit checks
    CHECK(c["points"] == 0);
    CHECK(!c["findings"].empty());
    CHECK(!c["message"].get<std::string>().empty());
    for (const auto& f : c["findings"]) {
      // A report names a bug class in the words a student reads; the manifest by its key.
      const auto words = f["bug_class"].get<std::string>();
      if (!words.empty()) found.insert(cj::verdict::key_of(bug_from_words(words)));
    }
  }
  CHECK(failed >= 3);
  // The starter's planted bugs are the lesson's wrap-around and off-by-one classes
  // (mutants/manifest.json); the findings must name them.
  INFO("bug classes named: " << json(found).dump());
  REQUIRE(known.contains("wrap_around"));
  CHECK(found.contains("wrap_around"));
  CHECK((found.contains("full_off_by_one") || found.contains("empty_off_by_one")));

  CHECK(doc["tamper"]["state"] == "differs");
  CHECK(doc["tamper"]["changed"] == json::array({tampered}));
  CHECK(doc["tamper"]["added"].empty());
  CHECK(doc["tamper"]["removed"].empty());
}

TEST_CASE("grade.end to end.the lesson 01 solution gets full marks in a Gradescope report", "[cli][grade][end-to-end]") {
  const auto repo = scratch::prepare(real_repo, scratch_root);
  const auto lesson = scratch::lesson_folder(repo, "lessons", "01");
  scratch::put(lesson / "bounded_buffer.hpp",
               scratch::read(scratch::lesson_folder(repo, "solutions", "01") / "bounded_buffer.hpp"));
  write_manifest(repo);

  const auto g = grade(repo, "gradescope");
  INFO(g.run.output);
  REQUIRE(g.run.exit_code == 0);
  const auto doc = json::parse(g.report);
  CHECK(doc["max_score"].get<double>() == grading_total());
  CHECK(doc["score"] == doc["max_score"]);
  CHECK(doc["tests"].size() == json::parse(scratch::read(real_repo / "checks" / lesson.filename() / "grading.json"))["checks"].size());
  for (const auto& t : doc["tests"]) CHECK(t["status"] == "passed");
  CHECK(doc["extra_data"]["tamper"]["state"] == "matches");
  CHECK(doc["output"].get<std::string>().find("checks/ matches the manifest") != std::string::npos);
}

TEST_CASE("grade.end to end.a lesson that does not compile still gets an Exercism report with the compiler's error",
          "[cli][grade][end-to-end]") {
  const auto repo = scratch::prepare(real_repo, scratch_root);
  const auto lesson = scratch::lesson_folder(repo, "lessons", "01");
  scratch::put(lesson / "bounded_buffer.hpp",
               scratch::read(lesson / "bounded_buffer.hpp") + "\nthis line is not C++;\n");

  const auto g = grade(repo, "exercism");
  INFO(g.run.output);
  REQUIRE(g.run.exit_code == 0);
  const auto doc = json::parse(g.report);
  CHECK(doc["version"] == 3);
  CHECK(doc["status"] == "error");
  CHECK(doc["message"].get<std::string>().find("bounded_buffer.hpp") != std::string::npos);
  CHECK(doc["message"].get<std::string>().find("error") != std::string::npos);
  CHECK(doc["tests"].size() == json::parse(scratch::read(real_repo / "checks" / lesson.filename() / "grading.json"))["checks"].size());
  for (const auto& t : doc["tests"]) CHECK(t["status"] == "error");
}

// Printing is how students debug: a correct jar that prints a lot must get every point,
// and no report may grow with what it printed (only a lost check keeps its output, and
// only the head and tail cookiejar-run-check kept). The time is measured, not asserted.
// 16 KiB a call (about 3 GB in all): at 64 KiB (13 GB) the random-sequence unit check took
// longer than its 10 s limit once on Debian 13, and a check that fails on the machine's
// speed proves nothing about the report.
TEST_CASE("grade.end to end.a correct jar that prints 16 KiB on every try_put gets full marks in a small report",
          "[cli][grade][end-to-end]") {
  const auto repo = scratch::prepare(real_repo, scratch_root);
  const auto lesson = scratch::lesson_folder(repo, "lessons", "01");
  auto loud = scratch::read(scratch::lesson_folder(repo, "solutions", "01") / "bounded_buffer.hpp");
  const auto replace = [&](const std::string& what, const std::string& with) {
    const auto at = loud.find(what);
    REQUIRE(at != std::string::npos);
    loud.replace(at, what.size(), with);
  };
  replace("#include <cstddef>", "#include <cstddef>\n#include <cstdio>\n#include <string>");
  replace("bool try_put(const T& item) {", "bool try_put(const T& item) {\n        loud();");
  replace("bool try_put(T&& item) {", "bool try_put(T&& item) {\n        loud();");
  replace("private:", "private:\n    static void loud() {\n        static const std::string line(16 * 1024 - 1, 'x');\n"
                      "        std::printf(\"%s\\n\", line.c_str());\n    }\n");
  scratch::put(lesson / "bounded_buffer.hpp", loud);
  write_manifest(repo);

  const auto t0 = std::chrono::steady_clock::now();
  const auto g = grade(repo, "json");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "grade 01 of a jar printing 16 KiB per try_put: " << seconds << " s (build included), report "
            << g.report.size() << " bytes\n";
  INFO(g.run.output);
  REQUIRE(g.run.exit_code == 0);
  const auto doc = json::parse(g.report);
  CHECK(doc["max_score"].get<double>() == grading_total());
  CHECK(doc["score"] == doc["max_score"]);
  std::size_t printed = 0;
  for (const auto& c : doc["lessons"][0]["checks"]) {
    CHECK(c["status"] == "passed");
    CHECK(c["output"] == "");
    printed += c["output_bytes"].get<std::size_t>();
  }
  CHECK(printed > 25 * 1024 * 1024);  // it did print: more than 25 MiB in all
  CHECK(g.report.size() < 32 * 1024);
}

// A jar that ends the checks' process with status 0 (in its members, after faking
// Catch2's summary, from a signal handler) earns nothing: every check it cut short
// says it ended early, and the policy check names the line that ends the process.
TEST_CASE("grade.end to end.lesson 01 jars that end the process with status 0 score 0, each check saying why",
          "[cli][grade][end-to-end]") {
  const auto repo = scratch::prepare(real_repo, scratch_root);
  const auto lesson = scratch::lesson_folder(repo, "lessons", "01");
  const auto adversarial = scratch::lesson_folder(real_repo, "checks", "01") / "adversarial";
  for (const char* name : {"exit_in_members", "prints_pass_summary", "signal_handler_exits"}) {
    INFO(name);
    scratch::put(lesson / "bounded_buffer.hpp", scratch::read(adversarial / (std::string(name) + ".hpp")));
    write_manifest(repo);
    const auto g = grade(repo, "json");
    INFO(g.run.output);
    REQUIRE(g.run.exit_code == 0);
    const auto doc = json::parse(g.report);
    const auto& l = doc["lessons"][0];
    CHECK(l["max_score"].get<double>() == grading_total());
    CHECK(l["score"] == 0);
    int ended_early = 0;
    bool policy_refused = false;
    for (const auto& c : l["checks"]) {
      INFO(c["name"].get<std::string>());
      CHECK(c["points"] == 0);
      CHECK(!c["message"].get<std::string>().empty());
      if (c["analysis"] == "policy") {
        policy_refused = c["status"] == "failed";
        REQUIRE(!c["findings"].empty());
        CHECK(c["findings"][0]["location"].get<std::string>().find("bounded_buffer.hpp:") != std::string::npos);
      } else if (c["status"] == "ended_early") {
        ++ended_early;
        CHECK(c["message"].get<std::string>().find("ended early") != std::string::npos);
      }
    }
    CHECK(policy_refused);
    CHECK(ended_early >= 1);
  }
}
