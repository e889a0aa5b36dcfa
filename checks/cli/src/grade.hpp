#pragma once
// `cookiejar grade`: run lessons' checks the way an instructor grades them, turn the
// results into points (checks/NN-topic/grading.json) and write one report file.
//
// Guarantees:
//   * grade_command always writes options.output when the file can be written at all:
//     a build that fails, a check that crashes or hangs, a lesson with no grading.json
//     all still produce a complete report (the failure is the message).
//   * a stress check is run run.stress_rounds times and earns its points only if every
//     round passes, so a buggy jar does not score by luck.
//   * the report says whether checks/ matches checks/MANIFEST.sha256 (tamper.hpp).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats.hpp"
#include "results.hpp"
#include "runner.hpp"

namespace cookiejar {

// Rounds of each stress check when grading (main.cpp's `--rounds` default for grade).
// Three rounds keep a full grade of lessons 01-04 within a few minutes on two cores,
// and a bug that shows up in a third of runs slips past all three only 8 % of the
// time (see docs/instructors/README.md for what rounds can and cannot buy).
inline constexpr int default_grade_rounds = 3;

struct grade_options {
  std::vector<std::string> lessons;  // lesson numbers ("02"); empty = every lesson in the repository
  std::string format = "json";       // json | gradescope | exercism | junit
  std::filesystem::path output;      // the report file (written even when everything fails)
};

// Runs the chosen lessons with run_lesson() and grades them; never throws (a lesson that
// cannot be run is graded as not built, with the reason as its build error).
[[nodiscard]] grade_report grade_lessons(const grade_options& options, const run_options& run);

// grade_lessons(), then writes the report in options.format.
// Returns 0 when the report was written (whatever the score), non-zero only when it
// could not be written (unknown format, unwritable path).
int grade_command(const grade_options& options, const run_options& run);

// `cookiejar grade --write-manifest`: (re)writes checks/MANIFEST.sha256 for the checks/
// tree of `repo`. Returns 0 on success.
int write_manifest_command(const std::filesystem::path& repo);

// ---- points: checks/NN-topic/grading.json (format in docs/instructors/README.md) ----------

// How many points each check of one lesson is worth.
struct grading_rules {
  struct entry {
    double points = 0;
    std::optional<int> task;
  };
  std::map<std::string, double> analysis_points;        // a check grading.json does not list
  std::vector<std::pair<std::string, entry>> checks;    // "<analysis>.<sentence>" -> points, in file order
  std::optional<int> task;                              // Exercism task_id of every check (default: the lesson number)
  std::string file;                                     // the grading.json used (repository-relative); empty: defaults
  std::vector<std::string> problems;                    // what was wrong with the file (it is then used in part)
};

// Points per analysis when a lesson has no grading.json, or a check is not listed in it.
[[nodiscard]] double default_points(std::string_view analysis);

// The rules for a lesson with no grading.json: every check its analysis's default points.
[[nodiscard]] grading_rules default_grading(const std::string& lesson_number);

// Reads grading.json text. Never throws: what it cannot use is listed in problems.
[[nodiscard]] grading_rules parse_grading(std::string_view text, const std::string& lesson_number);

// checks/NN-topic/grading.json of `lesson` when it exists, else default_grading().
[[nodiscard]] grading_rules load_grading(const lesson_info& lesson, const std::filesystem::path& repo);

// A check's name in grading.json: the CTest name without "lessonNN.<variant>.", i.e.
// "<analysis>.<Catch2 sentence>".
[[nodiscard]] std::string check_key(const check_result& check);

// Points for one lesson's run. Every check grading.json lists appears, in the file's order
// (status not_run and 0 points when it did not run), then the checks it does not list;
// so the maximum is the same for every submission, whatever its build did.
[[nodiscard]] graded_lesson apply_grading(const lesson_result& result, const grading_rules& rules);

}  // namespace cookiejar
