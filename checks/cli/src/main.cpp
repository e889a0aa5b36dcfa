// cookiejar: check a lesson and read its failures in plain words. See docs/cli.md.
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "grade.hpp"
#include "quiz.hpp"
#include "runner.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  CLI::App app{"cookiejar: build and check a lesson of the course, and explain each failure in plain words"};
  app.require_subcommand(1);
  std::string repo_option, build_option;
  int jobs = 2;
  bool quiet = false;
  app.add_option("--repo", repo_option, "the course's folder (default: the one around the current folder)");
  app.add_option("--build-dir", build_option, "where lessons build (default: <repo>/build)");
  app.add_option("-j,--jobs", jobs, "checks run at once (1 or 2)")->check(CLI::Range(1, 2));
  app.add_flag("-q,--quiet", quiet, "no progress lines");

  auto* list = app.add_subcommand("list", "every lesson with its state and how many checks pass");

  std::string number;
  bool verbose = false;
  int rounds = 1;
  auto* check = app.add_subcommand("check", "build lesson NN and run its checks; explain each failure");
  check->add_option("lesson", number, "the lesson's number, e.g. 02")->required();
  check->add_flag("-v,--verbose", verbose, "also print each failed check's raw output");
  check->add_option("--rounds", rounds, "run each stress check this many times")->check(CLI::PositiveNumber);
  cookiejar::page_options check_pages;
  std::string check_html;
  auto* check_html_option = check->add_option("--html", check_html,
                                              "also write a page per failed check and index.html into DIR "
                                              "(default: build/lesson-NN/pages)")
                                ->expected(0, 1)
                                ->type_name("[DIR]");
  check->add_flag("--mermaid", check_pages.mermaid, "also print a Mermaid sequenceDiagram of each failing schedule");

  bool all = false, reset = false;
  auto* hint = app.add_subcommand("hint", "the next hint for lesson NN (remembers how many you have seen)");
  hint->add_option("lesson", number, "the lesson's number")->required();
  hint->add_flag("--all", all, "every hint at once");
  hint->add_flag("--reset", reset, "start again from the first hint");

  std::string replay_string;
  bool step = false;
  auto* replay = app.add_subcommand("replay", "re-run a failing model-check schedule that `check` printed");
  replay->add_option("lesson", number, "the lesson's number")->required();
  replay->add_option("schedule", replay_string, "the quoted string `check` printed")->required();
  replay->add_flag("--step", step, "show the interleaving one step at a time (Enter for the next)");
  cookiejar::page_options replay_pages;
  std::string replay_html;
  auto* replay_html_option = replay->add_option("--html", replay_html, "also write the schedule's page to FILE (.html)")
                                 ->type_name("FILE");
  replay->add_flag("--mermaid", replay_pages.mermaid, "also print the schedule as a Mermaid sequenceDiagram");

  int max_runs = 0;
  double poll = 0.5;
  auto* watch = app.add_subcommand("watch", "check lesson NN now and again each time you save its files");
  watch->add_option("lesson", number, "the lesson's number")->required();
  watch->add_option("--max-runs", max_runs, "stop after this many checks (0: never)");
  watch->add_option("--poll", poll, "seconds between looks at the files")->check(CLI::PositiveNumber);

  std::vector<std::pair<std::string, std::string>> quiz_answers;
  bool quiz_reset = false;
  auto* quiz = app.add_subcommand("quiz", "questions on what lesson NN's reports say (remembers what you answered)");
  quiz->add_option("lesson", number, "the lesson's number")->required();
  quiz->add_option("--answer", quiz_answers, "answer question N without being asked (may be given again)")
      ->type_name("N TEXT");
  quiz->add_flag("--reset", quiz_reset, "forget this lesson's answers and start again");

  auto* doctor = app.add_subcommand("doctor", "is this machine ready? compiler, ThreadSanitizer, CMake, Catch2, Relacy");

  cookiejar::grade_options grade_options;
  int grade_rounds = cookiejar::default_grade_rounds;
  bool write_manifest = false;
  auto* grade = app.add_subcommand("grade", "grade lessons for an instructor and write a report file");
  grade->add_option("lessons", grade_options.lessons, "lesson numbers (default: every lesson)");
  grade->add_option("--format", grade_options.format, "json | gradescope | exercism | junit")
      ->check(CLI::IsMember({"json", "gradescope", "exercism", "junit"}));
  grade->add_option("--output", grade_options.output, "the report file");
  grade->add_option("--rounds", grade_rounds, "run each stress check this many times")->check(CLI::PositiveNumber);
  grade->add_flag("--write-manifest", write_manifest, "rewrite checks/MANIFEST.sha256 and stop");

  CLI11_PARSE(app, argc, argv);

  try {
    cookiejar::context c;
    c.look = cookiejar::terminal_style();
    c.run.repo = repo_option.empty() ? cookiejar::find_repo(fs::current_path()) : cookiejar::find_repo(repo_option);
    c.run.build_root = build_option.empty() ? c.run.repo / "build" : fs::absolute(build_option);
    c.run.jobs = jobs;
    c.run.show_progress = !quiet;
    c.run.stress_rounds = rounds;

    if (*list) return cookiejar::list_command(c);
    if (*check) {
      check_pages.html = check_html_option->count() > 0;
      if (!check_html.empty()) check_pages.html_path = fs::absolute(check_html);
      return cookiejar::check_command(c, number, verbose, check_pages);
    }
    if (*hint) return cookiejar::hint_command(c, number, all, reset);
    if (*replay) {
      replay_pages.html = replay_html_option->count() > 0;
      if (replay_pages.html) replay_pages.html_path = fs::absolute(replay_html);
      return cookiejar::replay_command(c, number, replay_string, step, replay_pages);
    }
    if (*watch) return cookiejar::watch_command(c, number, max_runs, poll);
    if (*quiz) {
      std::vector<std::string> answers;
      for (const auto& [n, text] : quiz_answers) answers.insert(answers.end(), {n, text});
      return cookiejar::quiz_command(c, number, answers, quiz_reset);
    }
    if (*doctor) return cookiejar::doctor_command(c);
    if (*grade) {
      if (write_manifest) return cookiejar::write_manifest_command(c.run.repo);
      if (grade_options.output.empty()) {
        std::cerr << "cookiejar grade: --output FILE is required\n";
        return 2;
      }
      c.run.stress_rounds = grade_rounds;
      return cookiejar::grade_command(grade_options, c.run);
    }
  } catch (const std::exception& e) {
    std::cerr << "cookiejar: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
