#pragma once
// A grade, and the report files it is written as. The writers are pure: a grade_report
// in, the file's text out; nothing is run, read or printed here.
//
//   json        the project's own report: everything the grade knows (lessons, checks,
//               findings, points, tamper evidence, tool version, commit)
//   gradescope  Gradescope's autograder results.json
//   exercism    Exercism's test-runner results.json, version 3
//   junit       JUnit XML (testsuites / testsuite / testcase), for CI dashboards
//
// Guarantees: every writer accepts any grade_report, including a lesson whose build
// failed (its checks are listed with status not_run and the compiler's error as the
// message), a crashed or hung check, and text with bytes that are not UTF-8 or not
// allowed in XML (they are replaced, never passed through).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "results.hpp"
#include "tamper.hpp"

namespace cookiejar {

// One check with its points. `key` is the check's name in grading.json:
// "<analysis>.<Catch2 sentence>", the CTest name without "lessonNN.<variant>.".
struct graded_check {
  check_result result;        // status not_run when grading.json lists it but it did not run
  std::string key;
  double points = 0;          // max_points when passed, else 0
  double max_points = 0;
  std::optional<int> task;    // Exercism task_id
  std::string message;        // why it lost its points, for people; empty when passed
};

struct graded_lesson {
  lesson_result result;
  std::vector<graded_check> checks;
  double score = 0;
  double max_score = 0;
  std::string grading_file;        // the grading.json used, relative to the repository; empty: defaults
  std::vector<std::string> notes;  // problems with grading.json, checks it does not list, ...
};

struct grade_report {
  std::vector<graded_lesson> lessons;
  tamper_status tamper;
  std::string tool_version;
  std::string commit;       // the repository's HEAD, empty when unknown
  int stress_rounds = 1;
  double seconds = 0;
  [[nodiscard]] double score() const;
  [[nodiscard]] double max_score() const;
};

inline constexpr std::string_view report_formats[] = {"json", "gradescope", "exercism", "junit"};

[[nodiscard]] std::string write_json(const grade_report& report);
[[nodiscard]] std::string write_gradescope(const grade_report& report);
[[nodiscard]] std::string write_exercism(const grade_report& report);
[[nodiscard]] std::string write_junit(const grade_report& report);
// The writer for `format`; nullopt when the format is not one of report_formats.
[[nodiscard]] std::optional<std::string> write_report(const grade_report& report, std::string_view format);

// Text made safe for XML 1.0 character data and attribute values: & < > " ' escaped,
// control characters other than tab, newline and carriage return dropped, invalid
// UTF-8 bytes replaced by U+FFFD.
[[nodiscard]] std::string xml_escape(std::string_view text);

// The check's name as people read it in a report: "lesson 02 (lock) model: <sentence>".
[[nodiscard]] std::string display_name(const graded_lesson& lesson, const graded_check& check);

}  // namespace cookiejar
