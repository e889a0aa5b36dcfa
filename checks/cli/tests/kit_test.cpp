// The instructor kit (docs/instructors/), run for real: the students' edition and the
// Gradescope zip written from a commit and searched for answers, setup.sh and
// run_autograder in a simulated Gradescope root, the Classroom steps of lesson 01 run as
// the command grader runs them, and the shape of the whole Classroom workflow.
#include <cookiejar/catch.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
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


// The course as a committed git repository of its own in the scratch folder: the kit's
// scripts write from the last commit, and the Debian 13 pass's copy of this repository has
// no .git. Everything but build folders and git's own files is copied (a worktree's .git
// is a file naming the real repository: never copied, and git is told which .git to use).
// Files are rewritten only when they differ, so builds made from the copy stay valid.
fs::path committed_copy() {
  const auto copy = scratch_root / "kit-repo";
  for (auto it = fs::recursive_directory_iterator(real_repo); it != fs::recursive_directory_iterator(); ++it) {
    const auto name = it->path().filename().string();
    if (name == ".git" || name == ".cache" || (it->is_directory() && name == "build")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) scratch::put(copy / fs::relative(it->path(), real_repo), scratch::read(it->path()));
  }
  const auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "--git-dir=" + (copy / ".git").string(), "--work-tree=" + copy.string(), "-c",
                               "user.name=kit test", "-c", "user.email=kit@example.invalid", "-c",
                               "commit.gpgsign=false"});
    const auto run = run_process(args, limited(120));
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
  };
  if (!fs::is_directory(copy / ".git")) {
    fs::remove(copy / ".git");
    git({"init", "-q"});
  }
  git({"add", "-A"});
  git({"commit", "-q", "--allow-empty", "-m", "the course, for the kit's tests"});
  return copy;
}

std::set<std::string> listed(const process_result& run) {
  std::set<std::string> entries;
  std::istringstream lines(run.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) entries.insert(line);
  }
  return entries;
}

std::set<std::string> files_under(const fs::path& folder) {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(folder)) {
    if (e.is_regular_file()) files.insert(fs::relative(e.path(), folder).generic_string());
  }
  return files;
}

// What students must never get: the answers and what is close to them, and the kit.
bool is_answer_or_kit(const std::string& path) {
  return path.starts_with("solutions/") || path.starts_with("docs/instructors/") ||
         path.find("/mutants/") != std::string::npos || path.find("/adversarial/") != std::string::npos ||
         (path.starts_with("checks/") && path.find("/correct/") != std::string::npos) ||
         path.starts_with("checks/cli/tests/samples/") ||
         (path.starts_with("checks/cli/golden/") && path.find("/repo/") != std::string::npos);
}

// The text of every answer and near-answer (a solution, a mutant, an adversarial file, another
// correct jar, the sample submission): no file of the edition may be one, under any name. (The translation
// tests' golden lesson files are left out of the edition but are not answers: some are starters.)
std::set<std::string> answer_texts(const fs::path& repo) {
  std::set<std::string> texts;
  for (const auto& f : files_under(repo)) {
    if (is_answer_or_kit(f) && !f.starts_with("docs/instructors/") && !f.starts_with("checks/cli/golden/") &&
        !f.ends_with(".json")) {
      texts.insert(scratch::read(repo / f));
    }
  }
  return texts;
}

const std::string lesson01 = "lessons/01-synchronous/bounded_buffer.hpp";

// make-autograder.sh for lesson 01 from the committed copy; returns the zip.
fs::path make_zip(const fs::path& copy) {
  const auto zip = scratch_root / "kit-zip/autograder.zip";
  fs::create_directories(zip.parent_path());
  const auto made = run_process({"bash", (copy / "docs/instructors/gradescope/make-autograder.sh").string(), "-o",
                                 zip.string(), "01"},
                                limited(300, {}, {"COOKIEJAR_TOOL=" COOKIEJAR_CLI_EXE}));
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
  return zip;
}

// A simulated Gradescope image: the zip unpacked in <root>/source, kept in sync file by
// file so that setup.sh's builds there stay valid from one test to the next. Lesson 01's
// file is taken from the zip only the first time: the tests put their own before every
// grade, and the last one a test leaves is the first the next one grades (no rebuild).
fs::path gradescope_root(const fs::path& zip) {
  const auto root = scratch_root / "kit-gradescope";
  const auto unpacked = scratch_root / "kit-unpacked";
  fs::remove_all(unpacked);
  fs::create_directories(unpacked);
  REQUIRE(run_process({"cmake", "-E", "chdir", unpacked.string(), "cmake", "-E", "tar", "xf", zip.string()},
                      limited(120))
              .exit_code == 0);
  const auto lesson_file = root / "source/cookiejar" / lesson01;
  const auto left = fs::exists(lesson_file) ? scratch::read(lesson_file) : std::string();
  // sync_tree leaves out folders whose name starts with '.': the workflow comes separately.
  scratch::sync_tree(unpacked, root / "source");
  if (!left.empty()) scratch::put(lesson_file, left);
  scratch::put(root / "source/cookiejar/.github/workflows/classroom.yml",
               scratch::read(unpacked / "cookiejar/.github/workflows/classroom.yml"));
  for (const char* script : {"setup.sh", "run_autograder"}) {
    fs::permissions(root / "source" / script, fs::perms::owner_exec, fs::perm_options::add);
  }
  return root;
}

std::string starter_text() { return scratch::read(real_repo / lesson01); }
std::string solution_text() { return scratch::read(real_repo / "solutions/01-synchronous/bounded_buffer.hpp"); }
// The solution with a missing ';' at its end: it does not compile.
std::string broken_text() { return solution_text() + "\nstruct missing_semicolon {}\n"; }
// The solution calling a member std::optional does not have: the file parses on its own
// (the policy check, which reads it alone, keeps it), and fails only where a check
// instantiates the jar, that is in the build.
std::string fails_in_build_text() {
  auto text = solution_text();
  const auto at = text.find("        return item;\n");
  REQUIRE(at != std::string::npos);
  return text.replace(at, 21, "        return item.no_such_member();\n");
}

// run_autograder in the simulated root on a submission made of `files`, the course's
// lesson file back to the starter first, as in a fresh Gradescope container; returns results.json.
json grade_submission(const fs::path& root, const std::map<std::string, std::string>& files, process_result& run) {
  scratch::put(root / "source/cookiejar" / lesson01, starter_text());
  fs::remove_all(root / "submission");
  fs::remove_all(root / "results");
  fs::create_directories(root / "submission");
  for (const auto& [name, text] : files) scratch::put(root / "submission" / name, text);
  run = run_process({"bash", (root / "source/run_autograder").string()},
                    limited(900, {}, {scratch::checks_own_limits, "AUTOGRADER_ROOT=" + root.string()}));
  return json::parse(scratch::read(root / "results/results.json"));
}

std::vector<std::string> failed_tests(const json& doc) {
  std::vector<std::string> failed;
  for (const auto& t : doc["tests"]) {
    if (t["status"] == "failed") failed.push_back(t["name"]);
  }
  return failed;
}

// One command-grader step run as the grader runs it: `sh -c` with an empty environment
// but PATH and HOME, the setup command and then the command, each within the step's timeout
// (minutes). Its score is max-score when both exit 0, else 0.
struct step_run {
  bool passed = false;
  double score = 0;
  std::string output;
};
step_run run_step(const workflow_step& step, const fs::path& course) {
  step_run result;
  const double limit = std::stod(step.with.at("timeout")) * 60;
  const char* path = std::getenv("PATH");
  const char* home = std::getenv("HOME");
  for (const char* part : {"setup-command", "command"}) {
    const auto& command = step.with.at(part);
    if (command.empty()) continue;
    const auto run = run_process({"env", "-i", std::string("PATH=") + (path ? path : "/usr/bin:/bin"),
                                  std::string("HOME=") + (home ? home : "/root"), "sh", "-c", command},
                                 limited(limit, course));
    result.output += fmt::format("$ {}\n{}(exit {})\n", command, run.output, run.exit_code);
    if (run.exit_code != 0 || run.timed_out) return result;
  }
  result.passed = true;
  result.score = std::stod(step.with.at("max-score"));
  return result;
}

}  // namespace

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

TEST_CASE("kit.the student edition and the Gradescope zip are written from the last commit and hold no answers",
          "[cli][kit]") {
  const auto copy = committed_copy();
  // Not committed, so neither may reach the edition: a changed starter and a new file.
  const auto starter = copy / lesson01;
  const auto committed_starter = scratch::read(starter);
  scratch::put(starter, solution_text());
  scratch::put(copy / "lessons/01-synchronous/untracked.hpp", "// not committed\n");
  scratch::put(copy / "checks/01-synchronous/untracked.cpp", "// not committed\n");
  const auto edition = scratch_root / "kit-edition";
  fs::remove_all(edition);
  const auto made = run_process({"bash", (copy / "docs/instructors/make-student-edition.sh").string(), "-o",
                                 edition.string()},
                                limited(300, {}, {"COOKIEJAR_TOOL=" COOKIEJAR_CLI_EXE}));
  const auto zip = make_zip(copy);
  scratch::put(starter, committed_starter);
  fs::remove(copy / "lessons/01-synchronous/untracked.hpp");
  fs::remove(copy / "checks/01-synchronous/untracked.cpp");
  INFO(made.output);
  REQUIRE(made.exit_code == 0);

  const auto files = files_under(edition);
  for (const char* wanted : {"CMakePresets.json", "checks/MANIFEST.sha256", "checks/01-synchronous/grading.json",
                             "lessons/01-synchronous/bounded_buffer.hpp", ".github/workflows/classroom.yml"}) {
    INFO(wanted);
    CHECK(files.contains(wanted));
  }
  const auto answers = answer_texts(copy);
  REQUIRE(answers.size() > 40);  // 5 solutions, the mutants, the adversarial files, the sample
  for (const auto& f : files) {
    INFO(f);
    CHECK_FALSE(is_answer_or_kit(f));
    CHECK_FALSE(f.starts_with(".ci/"));
    CHECK_FALSE(f.find("untracked") != std::string::npos);
    CHECK_FALSE(answers.contains(scratch::read(edition / f)));
  }
  CHECK(scratch::read(edition / lesson01) == committed_starter);
  // Its own manifest, and the workflow pins that manifest's hash.
  const auto verified = run_process({"sha256sum", "--strict", "--quiet", "-c", "checks/MANIFEST.sha256"},
                                    limited(60, edition));
  INFO(verified.output);
  CHECK(verified.exit_code == 0);
  const auto pin = run_process({"sha256sum", "checks/MANIFEST.sha256"}, limited(60, edition)).output.substr(0, 64);
  const auto workflow = scratch::read(edition / ".github/workflows/classroom.yml");
  CHECK(workflow.find("COOKIEJAR_MANIFEST_SHA256") == std::string::npos);
  CHECK(workflow.find("echo \"" + pin + "  checks/MANIFEST.sha256\" | sha256sum --strict --quiet -c -") !=
        std::string::npos);

  // The zip: the same edition under cookiejar/, and the autograder's three files.
  const auto entries = listed(run_process({"cmake", "-E", "tar", "tf", zip.string()}, limited(60)));
  for (const char* wanted : {"setup.sh", "run_autograder", "lessons.txt", "cookiejar/checks/MANIFEST.sha256",
                             "cookiejar/lessons/01-synchronous/bounded_buffer.hpp"}) {
    INFO(wanted);
    CHECK(entries.contains(wanted));
  }
  std::size_t in_course = 0;
  for (const auto& e : entries) {
    INFO(e);
    if (!e.starts_with("cookiejar/")) {
      CHECK((e == "setup.sh" || e == "run_autograder" || e == "lessons.txt"));
      continue;
    }
    const auto path = e.substr(10);
    if (path.empty() || path.ends_with("/")) continue;
    ++in_course;
    CHECK(files.contains(path));
  }
  CHECK(in_course == files.size());

  // A zip or an edition that would be left untracked in the repository is refused.
  const auto refused = run_process({"bash", (copy / "docs/instructors/gradescope/make-autograder.sh").string(),
                                    "-o", (copy / "autograder.zip").string(), "01"},
                                   limited(60, {}, {"COOKIEJAR_TOOL=" COOKIEJAR_CLI_EXE}));
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("not ignored by git") != std::string::npos);
  CHECK_FALSE(fs::exists(copy / "autograder.zip"));
  const auto again = run_process({"bash", (copy / "docs/instructors/make-student-edition.sh").string(), "-o",
                                  edition.string()},
                                 limited(60, {}, {"COOKIEJAR_TOOL=" COOKIEJAR_CLI_EXE}));
  CHECK(again.exit_code == 2);
  CHECK(again.output.find("is not empty") != std::string::npos);
}

TEST_CASE("kit.setup.sh builds the zip in a simulated Gradescope root and run_autograder grades what it is given",
          "[cli][kit][end-to-end]") {
  const auto root = gradescope_root(make_zip(committed_copy()));
  const auto setup = run_process({"bash", (root / "source/setup.sh").string()},
                                 limited(1100, {}, {scratch::checks_own_limits, "AUTOGRADER_SOURCE=" + (root / "source").string(),
                                                   "COOKIEJAR_SETUP_SKIP_APT=1"}));
  {
    INFO(setup.output);
    REQUIRE(setup.exit_code == 0);
    CHECK(setup.output.find("pip") == std::string::npos);  // this machine's CMake is new enough
  }
  WARN(fmt::format("setup.sh took {:.1f} s", setup.seconds));
  process_result run;
  const auto check_scores = [&](const json& doc, double score, const char* what) {
    INFO(what << "\n" << run.output << "\n" << doc.dump(2).substr(0, 6000));
    CHECK(run.exit_code == 0);
    CHECK(doc["max_score"] == 14);  // checks/01-synchronous/grading.json
    CHECK(doc["tests"].size() == 14);  // every check listed, whatever the submission
    CHECK(doc["score"] == score);
    CHECK(doc["extra_data"]["tamper"]["state"] == "matches");
  };

  const auto starter = grade_submission(root, {{"bounded_buffer.hpp", starter_text()}}, run);
  check_scores(starter, 5, "the starter");
  // A correct jar under another name is graded as the starter (the same score, and no
  // rebuild, since the course already holds the starter), and the report says so, at the
  // top and in every test.
  const auto misnamed = grade_submission(root, {{"my_bounded_buffer.hpp", solution_text()}}, run);
  check_scores(misnamed, 5, "a correct jar named my_bounded_buffer.hpp");
  const std::string said =
      "Submission: lesson 01: the submission has no lessons/01-synchronous/ and no bounded_buffer.hpp "
      "(it has: my_bounded_buffer.hpp); lesson 01 is graded as the course's starter";
  CHECK(misnamed["output"].get<std::string>().starts_with(said));
  for (const auto& t : misnamed["tests"]) {
    INFO(t["name"]);
    CHECK(t["output"].get<std::string>().starts_with(said));
  }
  CHECK(run.output.find("grading lesson(s) 01, 3 stress round(s)") != std::string::npos);
  // A copy of the course with task 4 (a refused cookie is moved from) left undone: exactly
  // the checks that move a cookie into a full jar fail.
  const auto sample = real_repo / "checks/cli/tests/samples/lesson01-one-bug-left";
  const auto one_bug = grade_submission(root, {{"course/" + lesson01, scratch::read(sample / lesson01)}}, run);
  check_scores(one_bug, 10, "the sample submission, one bug left");
  CHECK(run.output.find("bounded_buffer.hpp from the submission") != std::string::npos);
  CHECK(failed_tests(one_bug) ==
        std::vector<std::string>{
            "lesson 01 (synchronous) unit: a full jar refuses a moved cookie without moving from it",
            "lesson 01 (synchronous) unit: a full jar refuses a std::unique_ptr without emptying it",
            "lesson 01 (synchronous) unit: random puts and gets agree with a std::deque model at every step"});
  const auto broken = grade_submission(root, {{"bounded_buffer.hpp", broken_text()}}, run);
  check_scores(broken, 0, "a file with a missing ;");
  CHECK(broken["output"].get<std::string>().find("build failed") != std::string::npos);
  CHECK(broken["output"].get<std::string>().find("error:") != std::string::npos);
  // Last, so that the Classroom test starts from the solution's build.
  const auto solution = grade_submission(root, {{"bounded_buffer.hpp", solution_text()}}, run);
  check_scores(solution, 14, "the solution");
  CHECK(failed_tests(solution).empty());
}

TEST_CASE("kit.the Classroom steps of lesson 01, run as the command grader runs them, pay only for a correct file and the course's own checks",
          "[cli][kit][end-to-end]") {
  const auto course = gradescope_root(make_zip(committed_copy())) / "source/cookiejar";
  std::vector<workflow_step> steps;
  for (const auto& s : workflow_steps(scratch::read(course / ".github/workflows/classroom.yml"))) {
    if (s.id == "tamper" || s.id.starts_with("lesson-01-")) steps.push_back(s);
  }
  REQUIRE(steps.size() == 3);  // tamper, unit, policy
  std::size_t steps_passed = 0;
  const auto grade = [&](const std::string& text, const char* what) {
    scratch::put(course / lesson01, text);
    double score = 0;
    std::string output;
    steps_passed = 0;
    for (const auto& s : steps) {
      const auto r = run_step(s, course);
      score += r.score;
      steps_passed += r.passed ? 1 : 0;
      output += fmt::format("== {}: {} points\n{}", s.id, r.score, r.output);
    }
    UNSCOPED_INFO(what << ": " << score << " points\n" << output.substr(0, 20000));
    return std::pair{score, output};
  };
  // The solution first: the Gradescope test leaves its build.
  CHECK(grade(solution_text(), "the solution").first == 14);
  CHECK(steps_passed == 3);
  {
    // The lesson's own workflow preset works in the students' edition.
    const auto workflow = run_process({"cmake", "--workflow", "--preset", "lesson-01"},
                                      limited(900, course, {scratch::checks_own_limits}));
    INFO(workflow.output);
    CHECK(workflow.exit_code == 0);
  }
  // A changed judged file scores 0, and so does a manifest changed to match it: its hash is pinned.
  const auto judged = course / "checks/01-synchronous/grading.json";
  const auto manifest = course / "checks/MANIFEST.sha256";
  const auto judged_text = scratch::read(judged);
  const auto manifest_text = scratch::read(manifest);
  scratch::put(judged, judged_text + "\n");
  CHECK(grade(solution_text(), "the solution, checks/ changed").first == 0);
  const auto rehashed = run_process({"sh", "-c", "sha256sum checks/01-synchronous/grading.json"}, limited(60, course));
  auto edited = manifest_text;
  const auto line = edited.find("  checks/01-synchronous/grading.json\n");
  REQUIRE(line != std::string::npos);
  edited.replace(line - 64, 64, rehashed.output.substr(0, 64));
  scratch::put(manifest, edited);
  CHECK(run_process({"sha256sum", "--strict", "--quiet", "-c", "checks/MANIFEST.sha256"}, limited(60, course))
            .exit_code == 0);
  const auto [forged, forged_output] = grade(solution_text(), "the solution, checks/ and the manifest changed");
  CHECK(forged == 0);
  CHECK(forged_output.find("checks/MANIFEST.sha256: FAILED") != std::string::npos);
  scratch::put(judged, judged_text);
  scratch::put(manifest, manifest_text);
  // A file that fails only in the build: every lesson step fails, also the policy step,
  // whose check alone would keep the file (each step rebuilds the lesson first).
  const auto [broken, broken_output] = grade(fails_in_build_text(), "a file that does not compile");
  CHECK(broken == 0);
  CHECK(steps_passed == 1);  // the tamper step only
  CHECK(broken_output.find("no_such_member") != std::string::npos);
  // Last, so that the Gradescope test's setup.sh finds the starter's build.
  CHECK(grade(starter_text(), "the starter").first == 0);
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
    // Every step checks the course's files against the pinned manifest first.
    CHECK(command.rfind("echo \"COOKIEJAR_MANIFEST_SHA256  checks/MANIFEST.sha256\" | sha256sum --strict --quiet -c - "
                        "&& sha256sum --strict --quiet -c checks/MANIFEST.sha256",
                        0) == 0);
    if (s.id != "tamper") {
      // A build failure and an empty test list fail the step.
      CHECK(command.find(fmt::format("&& cmake --build build/lesson-{} && ", s.id.substr(7, 2))) != std::string::npos);
      CHECK(command.find("--no-tests=error") != std::string::npos);
    }
    if (s.id.ends_with("-stress")) {
      CHECK(command.find("&& TSAN_OPTIONS=\"halt_on_error=1:exitcode=66") != std::string::npos);
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
