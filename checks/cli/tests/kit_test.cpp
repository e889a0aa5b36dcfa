// The instructor kit (docs/instructors/): the Gradescope autograder run against a
// sample submission, its packer, and the shape of the GitHub Classroom workflow.
#include <cookiejar/catch.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "grade_scratch.hpp"
#include "process.hpp"

using nlohmann::json;
using namespace cookiejar;
namespace fs = std::filesystem;

namespace {

// Options for run_process with a time limit, a working folder and added environment.
process_options limited(double seconds, const fs::path& folder = {}, std::vector<std::string> environment = {}) {
  process_options options;
  options.timeout_seconds = seconds;
  options.working_directory = folder;
  options.environment = std::move(environment);
  return options;
}

const fs::path real_repo = COOKIEJAR_CLI_REPO;
const fs::path kit = real_repo / "docs/instructors";
const fs::path scratch_root = COOKIEJAR_GRADE_SCRATCH;

process_result run_autograder(const fs::path& course, const fs::path& submission, const std::string& tool) {
  const auto root = scratch_root / "autograder";
  fs::remove_all(root);
  fs::create_directories(root / "source");
  return run_process({"bash", (kit / "gradescope/run_autograder").string()},
                     limited(900, {}, {scratch::checks_own_limits, "AUTOGRADER_ROOT=" + root.string(), "AUTOGRADER_SUBMISSION=" + submission.string(),
                                      "COOKIEJAR_COURSE=" + course.string(), "COOKIEJAR_TOOL=" + tool,
                                      "COOKIEJAR_GRADE_LESSONS=01", "COOKIEJAR_GRADE_ROUNDS=1"}));
}

json results() { return json::parse(scratch::read(scratch_root / "autograder/results/results.json")); }

// The workflow's steps, read line by line: the file is written in one fixed layout
// (two-space indents, one key per line), which this also holds it to.
struct workflow_step {
  std::string id, uses;
  std::map<std::string, std::string> with;
};

std::vector<workflow_step> workflow_steps(const std::string& yaml) {
  std::vector<workflow_step> steps;
  std::istringstream lines(yaml);
  std::string line;
  static const std::regex key(R"(^ {8,10}([\w-]+): ?(.*)$)");
  bool in_with = false;
  while (std::getline(lines, line)) {
    if (line.rfind("      - ", 0) == 0) {
      steps.emplace_back();
      in_with = false;
      line = "        " + line.substr(8);
    }
    if (steps.empty()) continue;
    std::smatch m;
    if (line.rfind("        with:", 0) == 0) {
      in_with = true;
    } else if (line.rfind("          ", 0) == 0 && in_with && std::regex_match(line, m, key)) {
      auto value = m[2].str();
      if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
      }
      steps.back().with[m[1]] = value;
    } else if (std::regex_match(line, m, key) && line.rfind("          ", 0) != 0) {
      in_with = false;
      if (m[1] == "id") steps.back().id = m[2];
      if (m[1] == "uses") steps.back().uses = m[2];
    }
  }
  return steps;
}

}  // namespace

TEST_CASE("kit.the Gradescope autograder gives the sample submission partial marks and names its one bug",
          "[cli][kit][end-to-end]") {
  const auto course = scratch::prepare(real_repo, scratch_root);
  const auto run = run_autograder(course, real_repo / "checks/cli/tests/samples/lesson01-one-bug-left",
                                  COOKIEJAR_CLI_EXE);
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(run.output.find("bounded_buffer.hpp from the submission") != std::string::npos);
  const auto doc = results();
  const auto score = doc["score"].get<double>();
  const auto max_score = doc["max_score"].get<double>();
  CHECK(score > 0);
  CHECK(score < max_score);
  std::vector<std::string> failed;
  for (const auto& t : doc["tests"]) {
    if (t["status"] == "failed") failed.push_back(t["name"]);
  }
  INFO("failed: " << json(failed).dump());
  // Task 4 (a refused cookie is moved from) is the one bug left: exactly the checks that
  // move a cookie into a full jar fail (the property check's sequences are seeded).
  CHECK(failed == std::vector<std::string>{
                      "lesson 01 (synchronous) unit: a full jar refuses a moved cookie without moving from it",
                      "lesson 01 (synchronous) unit: a full jar refuses a std::unique_ptr without emptying it",
                      "lesson 01 (synchronous) unit: random puts and gets agree with a std::deque model at every step"});
  CHECK(max_score - score == 4);  // 1 + 1 + 2 points in checks/01-synchronous/grading.json
}

TEST_CASE("kit.the Gradescope autograder writes results.json even when the cookiejar command is missing",
          "[cli][kit]") {
  const auto course = scratch::prepare(real_repo, scratch_root);
  const auto run = run_autograder(course, real_repo / "checks/cli/tests/samples/lesson01-one-bug-left",
                                  "/nonexistent/cookiejar");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  const auto doc = results();
  CHECK(doc["score"] == 0);
  CHECK(doc["output"].get<std::string>().find("/nonexistent/cookiejar") != std::string::npos);
}

TEST_CASE("kit.make-autograder.sh packs setup.sh, run_autograder and the course, without its solutions",
          "[cli][kit]") {
  const auto out = scratch_root / "kit-zip";
  fs::remove_all(out);
  fs::create_directories(out);
  const auto zip = out / "autograder.zip";
  const auto made = run_process({"bash", (kit / "gradescope/make-autograder.sh").string(), "-o", zip.string(), "02"},
                                limited(120));
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
  const auto listed = run_process({"cmake", "-E", "tar", "tf", zip.string()}, limited(60));
  REQUIRE(listed.exit_code == 0);
  std::set<std::string> entries;
  std::istringstream lines(listed.output);
  for (std::string line; std::getline(lines, line);) entries.insert(line);
  for (const char* wanted : {"setup.sh", "run_autograder", "lessons.txt", "cookiejar/CMakePresets.json",
                             "cookiejar/checks/MANIFEST.sha256", "cookiejar/lessons/02-lock/bounded_buffer.hpp",
                             "cookiejar/checks/02-lock/grading.json"}) {
    INFO(wanted);
    CHECK(entries.contains(wanted));
  }
  for (const auto& e : entries) {
    INFO(e);
    CHECK(e.find("solutions/") == std::string::npos);
    CHECK(e.find("/build/") == std::string::npos);
    CHECK(e.find(".git/") == std::string::npos);
  }
  const auto unpacked = out / "unpacked";
  fs::create_directories(unpacked);
  REQUIRE(run_process({"cmake", "-E", "chdir", unpacked.string(), "cmake", "-E", "tar", "xf", zip.string()}).exit_code == 0);
  CHECK(scratch::read(unpacked / "lessons.txt") == "02\n");
  CHECK((fs::status(unpacked / "run_autograder").permissions() & fs::perms::owner_exec) != fs::perms::none);
  CHECK(run_process({"bash", "-n", (unpacked / "setup.sh").string()}).exit_code == 0);
}

TEST_CASE("kit.the Classroom workflow grades each lesson's analyses for grading.json's points, TSan options inline",
          "[cli][kit]") {
  const auto yaml = scratch::read(kit / "github-classroom/classroom.yml");
  const auto steps = workflow_steps(yaml);
  std::vector<std::string> graders;
  std::map<std::string, double> expected;  // step id -> points of that lesson's analysis in grading.json
  for (const auto& entry : fs::directory_iterator(real_repo / "checks")) {
    const auto grading = entry.path() / "grading.json";
    if (!fs::exists(grading)) continue;
    const auto doc = json::parse(scratch::read(grading));
    for (const auto& [key, points] : doc["checks"].items()) {
      expected[fmt::format("lesson-{}-{}", doc["lesson"].get<std::string>(), key.substr(0, key.find('.')))] +=
          points.get<double>();
    }
  }
  std::string reporter_runners;
  for (const auto& s : steps) {
    INFO("step " << s.id);
    if (s.uses == "classroom-resources/autograding-grading-reporter@v1") {
      reporter_runners = s.with.count("runners") ? s.with.at("runners") : "";
      continue;
    }
    if (s.uses != "classroom-resources/autograding-command-grader@v1") continue;
    graders.push_back(s.id);
    for (const char* input : {"test-name", "setup-command", "command", "timeout", "max-score"}) {
      INFO(input);
      CHECK(s.with.count(input) == 1);
    }
    const auto& command = s.with.at("command");
    if (s.id.ends_with("-stress")) {
      CHECK(command.rfind("TSAN_OPTIONS=\"halt_on_error=1:exitcode=66", 0) == 0);
      CHECK(command.find("--repeat until-fail:3") != std::string::npos);
    }
    if (s.id != "tamper" && !s.id.ends_with("-policy")) {
      // A refused file scores 0 in every step, so each step with points runs the policy check too.
      const auto of = s.id.substr(10);
      CHECK(command.find(fmt::format("-L \"^({}|policy)$\"", of)) != std::string::npos);
    }
    if (s.id != "tamper") {
      REQUIRE(expected.contains(s.id));
      CHECK(std::stod(s.with.at("max-score")) == expected.at(s.id));
      CHECK(command.find(fmt::format("build/lesson-{}", s.id.substr(7, 2))) != std::string::npos);
    }
    CHECK(yaml.find(fmt::format("{}_RESULTS: \"${{{{steps.{}.outputs.result}}}}\"",
                                [&] {
                                  auto upper = s.id;
                                  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                                  return upper;
                                }(),
                                s.id)) != std::string::npos);
  }
  CHECK(graders.size() == expected.size() + 1);  // and the tamper step
  CHECK(fmt::format("{}", fmt::join(graders, ",")) == reporter_runners);
  if (const auto python = find_program("python3")) {
    // With PyYAML at hand, the file must also be YAML that a workflow parser reads the same way.
    const auto parsed = run_process(
        {python->string(), "-c",
         "import sys, yaml\n"
         "d = yaml.safe_load(open(sys.argv[1]))\n"
         "steps = d['jobs']['run-autograding-tests']['steps']\n"
         "print(sum(1 for s in steps if s.get('uses', '').startswith('classroom-resources/autograding-command-grader')))\n",
         (kit / "github-classroom/classroom.yml").string()},
        limited(30));
    if (parsed.output.find("No module named 'yaml'") == std::string::npos) {
      INFO(parsed.output);
      CHECK(parsed.exit_code == 0);
      CHECK(parsed.output == fmt::format("{}\n", graders.size()));
    }
  }
}
