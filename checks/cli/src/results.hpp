#pragma once
// What one run of a lesson's checks produced, in the words the `cookiejar` command
// speaks. The runner (runner.hpp) fills these; `check` prints them for a student and
// `grade` (grade.hpp) turns them into points and report files.
//
// Guarantee: a lesson_result always exists for every lesson asked about, even when
// the build failed (build.status == "failed", checks empty) or a check crashed or
// hung (that check's status says so). Nothing here is ever left half-filled: strings
// that do not apply are empty, optionals are empty.
#include <optional>
#include <string>
#include <vector>

namespace cookiejar {

// One problem found in a failed check, translated for the student.
struct finding {
  std::string property;   // what failed, in plain words: "cookie 17 was eaten twice",
                          // "3 threads blocked forever", "a data race on count_"
  std::string analysis;   // which analysis found it: unit | property | stress | model | build
  std::string location;   // the student's own file:line ("lessons/02-lock/bounded_buffer.hpp:41"), or empty
  std::string bug_class;  // the planted-bug class it looks like ("data race", "check-then-act",
                          // "lost wake-up", "deadlock", "if instead of while", ...), or empty
  std::string details;    // the translated report: race accesses, interleaving table,
                          // wait-for picture, or the compiler's first error
  std::string replay;     // the command that replays it (model checks), or empty
};

// One CTest test (one Catch2 test case of one analysis).
struct check_result {
  std::string name;       // the CTest name: lesson02.student.model.two_producers_one_consumer...
  std::string sentence;   // the Catch2 test-case name, the part a student reads
  std::string analysis;   // unit | property | stress | model
  std::string status;     // passed | failed | crashed | hung | not_run
  int exit_code = 0;
  double seconds = 0;
  std::string output;     // raw stdout+stderr, kept for --verbose and for graders
  std::vector<finding> findings;  // empty when passed
};

struct lesson_result {
  std::string number;     // "02"
  std::string topic;      // "lock"
  std::string folder;     // "02-lock"
  std::string build_status;  // built | failed | not_started
  std::optional<finding> build_error;  // the compiler's first error when build_status == "failed"
  std::vector<check_result> checks;
  double seconds = 0;
};

}  // namespace cookiejar
