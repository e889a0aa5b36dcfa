#pragma once
// Finding the repository and its lessons, and running one lesson's checks the way
// `cmake --workflow --preset lesson-NN` would, but test by test, so each check's own
// output and exit code can be translated for the student.
#include <filesystem>
#include <iosfwd>
#include <iostream>
#include <string>
#include <vector>

#include "results.hpp"

namespace cookiejar {

// One lesson of the course, found by its folder lessons/NN-topic.
struct lesson_info {
  std::string number;                  // "02"
  std::string topic;                   // "lock"
  std::string folder;                  // "02-lock"
  std::filesystem::path lesson_dir;    // <repo>/lessons/02-lock (what the student edits)
  std::filesystem::path solution_dir;  // <repo>/solutions/02-lock
  std::filesystem::path checks_dir;    // <repo>/checks/02-lock
};

// The repository that holds `start` (or one of its parents): the first folder, walking
// up, with CMakePresets.json, lessons/ and checks/. When none does, the repository this
// program was built from. Throws std::runtime_error saying where it looked.
[[nodiscard]] std::filesystem::path find_repo(const std::filesystem::path& start);

// Every lessons/NN-topic folder of the repository, in lesson order.
[[nodiscard]] std::vector<lesson_info> discover_lessons(const std::filesystem::path& repo);

// The lesson whose number is `number` ("2" and "02" both name lesson 02).
// Throws std::runtime_error listing the lessons there are when none matches.
[[nodiscard]] lesson_info find_lesson(const std::filesystem::path& repo, const std::string& number);

struct run_options {
  std::filesystem::path repo;
  std::filesystem::path build_root;  // default: repo / "build"; the lesson builds in build_root / "lesson-NN" using the lesson-NN presets
  int stress_rounds = 1;             // each stress check runs this many times; it passes only if every round passes
  bool show_progress = true;         // progress lines on *progress
  std::ostream* progress = &std::cerr;
  int jobs = 2;                      // checks run at once (at most 2 on the course's machines)
};

// The folder lesson `lesson` builds in: build_root / "lesson-NN".
// options.build_root, or repo / "build" when it is empty.
[[nodiscard]] std::filesystem::path build_root_of(const run_options& options);
[[nodiscard]] std::filesystem::path lesson_build_dir(const lesson_info& lesson, const run_options& options);

// Configures (if needed), builds (Ninja rebuilds only what changed), runs every check of the
// lesson and translates each failure. Never throws for a student's mistake: a compile error
// becomes build_status "failed" + build_error; a crash/hang becomes that check's status.
// Throws std::runtime_error only when the tools themselves cannot run (no cmake, no ctest).
// Saves the result to lesson_build_dir(...) / "cookiejar-last.json" (read by `list`).
[[nodiscard]] lesson_result run_lesson(const lesson_info& lesson, const run_options& options);

}  // namespace cookiejar
