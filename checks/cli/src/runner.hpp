#pragma once
// Finding the repository and its lessons, and running one lesson's checks the way
// `cmake --workflow --preset lesson-NN` would, but test by test, so each check's verdict
// can be translated for the student.
//
// A check is judged only by the verdict cookiejar-run-check writes (CTest runs every
// check through it; the command points COOKIEJAR_VERDICT_OUT at a file of its own). A
// check with no readable verdict failed, and its finding says why: never a pass.
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <cookiejar/verdict_json.hpp>

#include "process.hpp"
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
// becomes build_state::failed + build_error; a crash/hang becomes that check's status.
// Saves the result to lesson_build_dir(...) / "cookiejar-last.json" (read by `list`).
[[nodiscard]] lesson_result run_lesson(const lesson_info& lesson, const run_options& options);

// Configures the lesson's build folder when it has none, then builds it. Nothing when
// it built; else the reason, as a finding (the compiler's first error when there is
// one). A successful build keeps a copy of the student's file as it was built
// (built_copy), so `replay` can tell that it changed since.
[[nodiscard]] std::optional<finding> build_lesson(const lesson_info& lesson, const run_options& options,
                                                  const std::function<void(const std::string&)>& say);
[[nodiscard]] std::filesystem::path built_copy(const lesson_info& lesson, const run_options& options);

// The variable cookiejar-run-check writes its verdict to (checks/tools/run_check.cpp).
inline constexpr const char* verdict_out_variable = "COOKIEJAR_VERDICT_OUT";

// The Catch2 sentence of a CTest name lessonNN.<variant>.<analysis>.<sentence> (the
// whole name when it has fewer parts).
[[nodiscard]] std::string sentence_of(const std::string& ctest_name);

// One check as `ctest --show-only=json-v1` lists it.
struct test_spec {
  std::string name;
  std::vector<std::string> command;     // cookiejar-run-check --analysis A --timeout S -- EXE ARGS...
  std::filesystem::path working_directory;
  double timeout = 300;
  analysis of = analysis::unit;        // the runner's --analysis
  bool judged = false;                 // the command starts with cookiejar-run-check
};
[[nodiscard]] std::vector<test_spec> parse_test_list(const std::string& json_text);
// The checks of a built lesson; nothing (and the reason in `problem`) when ctest cannot list them.
[[nodiscard]] std::optional<std::vector<test_spec>> list_checks(const std::filesystem::path& build,
                                                               std::string& problem);

// One run of one check through cookiejar-run-check: its verdict, or why there is none
// (then the run failed). `environment` ("NAME=value") is added to the check's.
struct judged_run {
  std::optional<cj::verdict::run_verdict> verdict;
  std::string problem;
  process_result process;  // what the runner itself printed (bounded)
};
[[nodiscard]] judged_run run_judged(const test_spec& spec, const std::filesystem::path& verdict_file,
                                    std::vector<std::string> environment = {});

// Runs one check (`rounds` times while it passes) with its verdict in `verdict_file` and
// `environment` ("NAME=value") added, and translates a failure.
[[nodiscard]] check_result run_check(const test_spec& spec, const lesson_info& lesson,
                                     const std::filesystem::path& verdict_file, int rounds = 1,
                                     const std::vector<std::string>& environment = {});

}  // namespace cookiejar
