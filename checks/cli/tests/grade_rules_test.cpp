// Points: grading.json, the defaults, and how a run's checks become a graded lesson.
#include <cookiejar/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "grade.hpp"
#include "grade_samples.hpp"
#include "process.hpp"
#include "runner.hpp"

using namespace cookiejar;
namespace fs = std::filesystem;

namespace {

// Options for run_process with a time limit (and a working folder).
inline cookiejar::process_options limited(double seconds, const std::filesystem::path& folder = {}) {
  cookiejar::process_options options;
  options.timeout_seconds = seconds;
  options.working_directory = folder;
  return options;
}
}  // namespace

TEST_CASE("grade.rules.a check's grading key is its CTest name without lesson and variant, dots and all",
          "[cli][grade]") {
  check_result c;
  c.name = "lesson04.student.unit.close() keeps the cookies: get() hands them out. Then std::nullopt";
  c.of = analysis::unit;
  c.sentence = "close() keeps the cookies: get() hands them out. Then std::nullopt";
  CHECK(check_key(c) == "unit.close() keeps the cookies: get() hands them out. Then std::nullopt");
  c.name = "not a ctest name";
  CHECK(check_key(c) == "unit.close() keeps the cookies: get() hands them out. Then std::nullopt");
}

TEST_CASE("grade.rules.every check grading.json lists keeps its points in the maximum, even when the build failed",
          "[cli][grade]") {
  const auto graded = apply_grading(samples::build_failed(), samples::rules());
  REQUIRE(graded.checks.size() == 3);
  CHECK(graded.max_score == 10);
  CHECK(graded.score == 0);
  for (const auto& c : graded.checks) {
    CHECK(c.result.status == check_status::not_run);
    CHECK(c.message.find("did not build") != std::string::npos);
    CHECK(c.message.find("unknown type name 'mutexx'") != std::string::npos);
  }
  CHECK(graded.checks[1].key == "stress.two producers and two consumers share a jar of one");
  CHECK(graded.checks[1].result.name == "lesson02.student.stress.two producers and two consumers share a jar of one");
}

TEST_CASE("grade.rules.a passed check earns its points, and a failed, crashed or hung one earns none and says why",
          "[cli][grade]") {
  const auto graded = apply_grading(samples::hung(), samples::rules());
  REQUIRE(graded.checks.size() == 3);
  CHECK(graded.checks[0].points == 1);
  CHECK(graded.checks[0].message.empty());
  CHECK(graded.checks[1].points == 0);
  CHECK(graded.checks[1].message.rfind("hung:", 0) == 0);
  CHECK(graded.checks[1].message.find("looks like: check-then-act") != std::string::npos);
  CHECK(graded.checks[2].points == 0);
  // A failed check's count of assertions comes from its records, not from an exit code.
  CHECK(graded.checks[2].message.rfind("failed: 2 assertion(s) did not hold\n", 0) == 0);
  CHECK(graded.checks[2].message.find("replay: CJ_MODEL_REPLAY=") != std::string::npos);
  CHECK(graded.score == 1);
  CHECK(graded.max_score == 10);
  const auto crash = apply_grading(samples::crashed(), samples::rules());
  CHECK(crash.checks[0].message.rfind("crashed: signal 11 (Segmentation fault) ended the check", 0) == 0);
  CHECK(crash.score == 9);
}

TEST_CASE("grade.rules.a file the policy check refused scores 0 on every check, and each check says why",
          "[cli][grade]") {
  auto result = samples::all_passed();
  auto policy = samples::check("policy", "the file keeps to the rules of the course", check_status::failed);
  policy.findings.front().location = "lessons/02-lock/bounded_buffer.hpp:9";
  result.checks.push_back(policy);
  const auto graded = apply_grading(result, samples::rules());
  CHECK(graded.score == 0);
  CHECK(graded.max_score == 10);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(graded.checks[i].result.status == check_status::passed);
    CHECK(graded.checks[i].points == 0);
    CHECK(graded.checks[i].message.find("the policy check refused the file (at lessons/02-lock/bounded_buffer.hpp:9)") !=
          std::string::npos);
  }
  REQUIRE(!graded.notes.empty());
  CHECK(graded.notes.back().find("every check scores 0") != std::string::npos);
  // The same file with the policy check passed keeps its points.
  result.checks.back().status = check_status::passed;
  CHECK(apply_grading(result, samples::rules()).score == 10);
}

TEST_CASE("grade.rules.a check grading.json does not list is worth its analysis's points, and the report says so",
          "[cli][grade]") {
  auto result = samples::all_passed();
  result.checks.push_back(samples::check("model", "a scenario added after grading.json was written", check_status::passed));
  auto rules = samples::rules();
  rules.file = "checks/02-lock/grading.json";
  const auto graded = apply_grading(result, rules);
  REQUIRE(graded.checks.size() == 4);
  CHECK(graded.checks[3].max_points == 3);  // "points": {"model": 3}
  CHECK(graded.max_score == 13);
  REQUIRE(graded.notes.size() == 1);
  CHECK(graded.notes[0].find("does not list \"model.a scenario added after grading.json was written\"") !=
        std::string::npos);
}

TEST_CASE("grade.rules.a check grading.json lists that the built lesson lacks scores zero and is named in a note",
          "[cli][grade]") {
  auto result = samples::all_passed();
  result.checks.pop_back();
  auto rules = samples::rules();
  rules.file = "checks/02-lock/grading.json";
  const auto graded = apply_grading(result, rules);
  CHECK(graded.max_score == 10);
  CHECK(graded.score == 5);
  CHECK(graded.checks[2].result.status == check_status::not_run);
  CHECK(graded.checks[2].message.find("no check by this name") != std::string::npos);
  REQUIRE(graded.notes.size() == 1);
  CHECK(graded.notes[0].find("model.two producers racing") != std::string::npos);
}

TEST_CASE("grade.rules.without grading.json every check is worth its analysis's default points", "[cli][grade]") {
  const auto graded = apply_grading(samples::all_passed(), default_grading("05"));
  CHECK(graded.max_score == default_points("unit") + default_points("stress") + default_points("model"));
  CHECK(graded.score == graded.max_score);
  CHECK(graded.notes.empty());
  CHECK(graded.checks[0].task == 5);
  CHECK(default_points("an analysis from a future lesson") == 1);
  const auto broken = apply_grading(samples::build_failed(), default_grading("05"));
  REQUIRE(broken.checks.size() == 1);
  CHECK(broken.checks[0].key == "build");
  CHECK(broken.checks[0].message.find("mutexx") != std::string::npos);
}

TEST_CASE("grade.rules.grading.json's mistakes are reported, and what is usable in it is still used", "[cli][grade]") {
  const auto rules = parse_grading(R"({
    "lesson": "03",
    "points": {"model": -1, "stress": 5},
    "task": 0,
    "checks": {"unit.fine": 2, "unit.bad": "two", "nodot": 1, "stress.with task": {"points": 1, "task": 2}},
    "colour": "blue"
  })",
                                   "02");
  CHECK(rules.analysis_points.at("stress") == 5);
  CHECK(rules.analysis_points.at("model") == default_points("model"));
  REQUIRE(rules.checks.size() == 2);
  CHECK(rules.checks[0].first == "unit.fine");
  CHECK(rules.checks[1].second.task == 2);
  CHECK(rules.problems.size() == 6);
  CHECK(parse_grading("not json", "02").problems.size() == 1);
}

TEST_CASE("grade.rules.every lesson's grading.json reads without a problem and gives points", "[cli][grade]") {
  const fs::path repo = COOKIEJAR_CLI_REPO;
  int files = 0;
  for (const auto& lesson : discover_lessons(repo)) {
    if (!fs::exists(lesson.checks_dir / "grading.json")) continue;
    ++files;
    INFO("lesson " << lesson.number);
    const auto rules = load_grading(lesson, repo);
    CHECK(rules.problems.empty());
    CHECK(rules.file == "checks/" + lesson.folder + "/grading.json");
    double total = 0;
    for (const auto& [key, entry] : rules.checks) total += entry.points;
    CHECK(total > 0);
  }
  CHECK(files >= 4);
}

#ifdef COOKIEJAR_CLI_REPOSITORY_SCOPE
// In the repository's own build every lesson's checks run against the solution as
// lessonNN.solution.<analysis>.<sentence>: grading.json must name exactly those, or a
// renamed check would cost every student (and the solution) its points.
TEST_CASE("grade.rules.every grading.json names exactly the checks its lesson has", "[cli][grade]") {
  const auto ctest = find_program("ctest");
  REQUIRE(ctest);
  const auto listed = run_process({ctest->string(), "--test-dir", COOKIEJAR_CLI_BUILD_DIR, "--show-only=json-v1"},
                                  limited(60));
  REQUIRE(listed.exit_code == 0);
  const auto json_start = listed.output.find('{');
  REQUIRE(json_start != std::string::npos);
  const auto tests = nlohmann::json::parse(listed.output.substr(json_start))["tests"];
  std::map<std::string, std::set<std::string>> have;  // lesson number -> keys
  for (const auto& t : tests) {
    const auto name = t["name"].get<std::string>();
    if (name.size() < 18 || name.rfind("lesson", 0) != 0 || name.substr(8, 10) != ".solution.") continue;
    const auto key = name.substr(18);
    if (key.rfind("demo.", 0) == 0) continue;
    have[name.substr(6, 2)].insert(key);
  }
  const fs::path repo = COOKIEJAR_CLI_REPO;
  int compared = 0;
  for (const auto& lesson : discover_lessons(repo)) {
    if (!have.contains(lesson.number) || !fs::exists(lesson.checks_dir / "grading.json")) continue;
    ++compared;
    INFO("lesson " << lesson.number);
    std::set<std::string> listed_keys;
    for (const auto& [key, entry] : load_grading(lesson, repo).checks) listed_keys.insert(key);
    std::vector<std::string> missing;
    std::vector<std::string> extra;
    std::set_difference(have[lesson.number].begin(), have[lesson.number].end(), listed_keys.begin(), listed_keys.end(),
                        std::back_inserter(missing));
    std::set_difference(listed_keys.begin(), listed_keys.end(), have[lesson.number].begin(), have[lesson.number].end(),
                        std::back_inserter(extra));
    INFO("checks grading.json does not list: " << nlohmann::json(missing).dump());
    INFO("grading.json entries with no check: " << nlohmann::json(extra).dump());
    CHECK(missing.empty());
    CHECK(extra.empty());
  }
  CHECK(compared >= 1);
}
#endif
