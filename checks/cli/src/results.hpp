#pragma once
// What one run of a lesson's checks produced, in the words the `cookiejar` command
// speaks. The runner (runner.hpp) fills these from the verdicts cookiejar-run-check
// writes (<cookiejar/verdict_json.hpp>); `check` prints them for a student and `grade`
// (grade.hpp) turns them into points and report files.
//
// Guarantee: a lesson_result always exists for every lesson asked about, even when
// the build failed (build == build_state::failed, checks not run) or a check crashed
// or hung (that check's status says so). Nothing here is ever left half-filled:
// strings that do not apply are empty, optionals are empty.
//
// Bounded: a check's `output` is at most the head and the tail cookiejar-run-check kept
// (16 KiB each by default, detail/bounded_output.hpp) and a line saying how much was cut
// between them; findings are at most max_findings per check. Nothing here grows with
// what a student's program prints.
#include <cookiejar/verdict.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cookiejar {

using cj::verdict::analysis;
using cj::verdict::bug;

// How a check ended: the runner's verdict (cj::verdict::outcome), or not run at all
// (the lesson did not build; grading.json lists a check the lesson does not have).
enum class check_status : unsigned char { passed, failed, hung, crashed, ended_early, not_run };
// How far the lesson's build got.
enum class build_state : unsigned char { built, failed, not_started };

// The strings of cookiejar-last.json and of every grade format (docs/instructors/README.md).
[[nodiscard]] constexpr const char* key_of(check_status s) noexcept {
  switch (s) {
    case check_status::passed: return "passed";
    case check_status::failed: return "failed";
    case check_status::hung: return "hung";
    case check_status::crashed: return "crashed";
    case check_status::ended_early: return "ended_early";
    case check_status::not_run: return "not_run";
  }
  return "failed";
}
[[nodiscard]] constexpr const char* key_of(build_state s) noexcept {
  switch (s) {
    case build_state::built: return "built";
    case build_state::failed: return "failed";
    case build_state::not_started: return "not_started";
  }
  return "failed";
}
inline constexpr check_status all_statuses[] = {check_status::passed,  check_status::failed,
                                                check_status::hung,    check_status::crashed,
                                                check_status::ended_early, check_status::not_run};
inline constexpr build_state all_build_states[] = {build_state::built, build_state::failed, build_state::not_started};

// The status a runner's outcome means. did_not_build never comes from a run (the
// runner runs what was built); it is not_run like every check of a failed build.
[[nodiscard]] constexpr check_status status_of(cj::verdict::outcome o) noexcept {
  using cj::verdict::outcome;
  switch (o) {
    case outcome::passed: return check_status::passed;
    case outcome::failed: return check_status::failed;
    case outcome::hang: return check_status::hung;
    case outcome::crashed: return check_status::crashed;
    case outcome::ended_early: return check_status::ended_early;
    case outcome::did_not_build: return check_status::not_run;
  }
  return check_status::failed;
}

// A bug class as a student reads it ("data race"); "" for bug::none.
[[nodiscard]] inline std::string words_of(bug b) { return cj::verdict::info_of(b).words; }
// The bug class those words name (what cookiejar-last.json holds); bug::none when none does.
[[nodiscard]] inline bug bug_from_words(std::string_view words) {
  for (const auto& i : cj::verdict::bug_classes)
    if (words == i.words) return i.id;
  return bug::none;
}

// One problem found in a failed check, translated for the student.
struct finding {
  std::string property;   // what failed, in plain words: "cookie 17 was eaten twice",
                          // "3 threads blocked forever", "a data race on count_"
  analysis found_by = analysis::unit;  // which analysis found it (JSON: "analysis")
  std::string location;   // the student's own file:line ("lessons/02-lock/bounded_buffer.hpp:41"), or empty
  bug bug_class = bug::none;  // the planted-bug class it looks like (JSON: its words)
  std::string details;    // the translated report: race accesses, interleaving table,
                          // wait-for picture, assertion, or the compiler's first error
  std::string replay;     // the command that replays it (model and schedule checks), or empty
};

// One CTest test (one Catch2 test case of one analysis), judged by cookiejar-run-check.
struct check_result {
  std::string name;       // the CTest name: lesson02.student.model.two producers racing ...
  std::string sentence;   // the Catch2 test-case name, the part a student reads
  analysis of = analysis::unit;  // the analysis the check was run as (the runner's --analysis)
  check_status status = check_status::not_run;
  std::string reason;     // the runner's reason in words; empty when passed
  std::optional<int> exit_status;  // how the process ended: an exit status,
  std::optional<int> signal;       // or a signal (neither: it was ended at its time limit)
  bool timed_out = false;
  double seconds = 0;
  unsigned assertions_passed = 0;  // the Catch2 assertions its records count
  unsigned assertions_failed = 0;
  std::string output;          // what it printed, bounded: head, "[... N bytes cut ...]", tail
  std::size_t output_bytes = 0;  // how much it printed in all
  std::vector<finding> findings;  // empty when passed
  // The check's records as the runner read them (steps, wait-for edges, accesses), for
  // what draws from them (the pages, html.hpp); empty when passed or without a verdict.
  // Bounded as the records are (cj::verdict::record_capacity each).
  std::vector<cj::verdict::record> records;

  // The exit code a shell would show: the status, or 128 + the signal; nothing when it
  // did not run or was ended at its time limit. Information for people: nothing in the
  // command reads a meaning into it.
  [[nodiscard]] std::optional<int> exit_code() const {
    if (exit_status) return *exit_status;
    if (signal) return 128 + *signal;
    return std::nullopt;
  }
};

struct lesson_result {
  std::string number;     // "02"
  std::string topic;      // "lock"
  std::string folder;     // "02-lock"
  build_state build = build_state::not_started;
  std::optional<finding> build_error;  // the compiler's first error when build == build_state::failed
  std::vector<check_result> checks;
  double seconds = 0;
};

// What a student calls the check in a report: its analysis ("model"), or "hunt" for a
// check of the learner's hunt scenarios (CTest name lessonNN.<variant>.hunt.<sentence>),
// which the model checker or the schedule explorer runs.
[[nodiscard]] inline std::string kind_of(const check_result& check) {
  const auto first = check.name.find('.');
  const auto second = first == std::string::npos ? first : check.name.find('.', first + 1);
  if (second != std::string::npos && check.name.compare(second + 1, 5, "hunt.") == 0) return "hunt";
  return cj::verdict::key_of(check.of);
}

}  // namespace cookiejar
