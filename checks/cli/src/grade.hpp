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
#include <string>
#include <vector>

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

// Runs the chosen lessons with run_lesson() and writes the report in options.format.
// Returns 0 when the report was written (whatever the score), non-zero only when it
// could not be written (unknown format, unwritable path).
int grade_command(const grade_options& options, const run_options& run);

// `cookiejar grade --write-manifest`: (re)writes checks/MANIFEST.sha256 for the checks/
// tree of `repo`. Returns 0 on success.
int write_manifest_command(const std::filesystem::path& repo);

}  // namespace cookiejar
