#pragma once
// The student's subcommands. Each returns the process's exit code and writes only to
// the streams in its context, so tests can run them in-process.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "html.hpp"
#include "render.hpp"
#include "runner.hpp"

namespace cookiejar {

struct context {
  run_options run;                 // run.repo is the course; run.build_root where lessons build
  std::ostream* out = &std::cout;
  std::ostream* err = &std::cerr;
  std::istream* in = &std::cin;    // what `replay --step` waits on between steps
  style look;                      // colour or not
};

// The state file (hints shown): build_root / "cookiejar-state.json".
[[nodiscard]] std::filesystem::path state_file(const run_options& run);

// A lesson's state for `list`: passing | failing | not started | not checked yet | does not build.
struct lesson_status {
  std::string state;
  std::size_t passed = 0, total = 0;
};
[[nodiscard]] lesson_status status_of_lesson(const lesson_info& lesson, const run_options& run);

// HINTS.md split into its `## ` sections, in order (the text before the first is dropped).
[[nodiscard]] std::vector<std::string> hint_sections(const std::filesystem::path& hints_md);

// The replay string `check` prints: "<search>:<state>@<test sentence>".
struct replay_target {
  std::string schedule;  // the CJ_MODEL_REPLAY value
  std::string sentence;  // the model check's test case
};
[[nodiscard]] std::optional<replay_target> parse_replay(const std::string& text);

int list_command(const context& c);
// pages: --html (a page per failed check and an index) and --mermaid (a diagram per schedule).
int check_command(const context& c, const std::string& number, bool verbose, const page_options& pages = {});
int hint_command(const context& c, const std::string& number, bool all, bool reset);
int replay_command(const context& c, const std::string& number, const std::string& replay, bool step,
                   const page_options& pages = {});
// Checks now, then again whenever a file of the lesson changes. Stops after `max_runs`
// checks when it is > 0 (0: until Ctrl-C). Returns the last check's exit code.
int watch_command(const context& c, const std::string& number, int max_runs, double poll_seconds);
int doctor_command(const context& c);

// What `doctor` makes of the run of its racy test program (compiled from `source_name`):
// ok only when ThreadSanitizer flagged the race AND the report names `source_name`:<line>,
// which takes llvm-symbolizer. `install` is the package to suggest when not ok.
struct tsan_probe {
  bool ok = false;
  std::string what;
  std::string install;
};
[[nodiscard]] tsan_probe judge_tsan_probe(int exit_code, const std::string& output, const std::string& source_name);

}  // namespace cookiejar
