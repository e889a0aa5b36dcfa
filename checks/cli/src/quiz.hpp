#pragma once
// `cookiejar quiz NN`: questions whose answers are in the starter's real reports (what
// `cookiejar check NN` prints for the lesson's starter), asked one at a time.
//
// The questions are data: checks/NN-topic/quiz.json. An answer is stored only as a
// SHA-256 (`cmake -E sha256sum`, as the tamper manifest is hashed) of the question's salt,
// a newline and the answer normalised for its kind:
//   line, number  the one integer in the answer, in decimal: "70", "line 70", "@70",
//                 "bounded_buffer.hpp:70" and "lessons/02-lock/bounded_buffer.hpp:70" are all 70
//                 (a path before the last ':' is dropped; more than one number is no answer)
//   thread        lower case, "the" and "thread" dropped, nothing but letters and digits:
//                 "Producer 0", "producer0", "the producer #0" are producer0; "p0" and "c1"
//                 stand for producer0 and consumer1
//   word          lower case, quotes, backticks and a trailing "()" dropped, spaces squeezed:
//                 "`try_get()`" is try_get
// Not readable is not secret: whoever tries every line number finds the answer; reading the
// report is quicker. Each question's `source` says which check's report holds the answer and
// a pattern that finds it there: the repository's test (tests/quiz_reports_test.cpp) runs
// that check of the real starter and proves the stored hash is the report's answer.
//
// Progress (which questions were answered right) is kept in build_root/cookiejar-quiz.json,
// apart from the student's files and from the hints' state file. A state file that is not
// what it should be is reported, kept as cookiejar-quiz.json.bad when the quiz next saves,
// and progress starts again from nothing: never an error that stops the command.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runner.hpp"

namespace cookiejar {

struct context;

// One question. Invariant (load_quiz checks it): id is unique in its quiz, kind is one of
// line | number | thread | word, sha256 is 64 lower-case hex digits, ask and look are not empty,
// take is text or column, via is check or replay.
struct quiz_question {
  std::string id;         // what the progress file remembers
  std::string kind;       // how an answer is normalised
  std::string ask;        // the question; it names the command to run and the check to read
  std::string look;       // after a wrong answer: where in the report to look (never the answer)
  std::string salt;       // hashed before the answer, so equal answers hash differently
  std::string sha256;     // of salt + "\n" + the normalised answer
  std::string check;      // source: the starter's check (its sentence) whose report holds the answer
  std::string via;        // source: "check" (what `check` prints under it) or "replay" (what the
                          // `replay it:` command printed there prints: for a check `check` shows as
                          // "(as above)", the same failure as an earlier one)
  std::string pattern;    // source: an ECMAScript regex over that report's text, with a group 1
  std::string take;       // source: "text" (group 1 is the answer) or "column" (the answer is the
                          // thread whose column of the interleaving table group 1 starts in)
};

struct quiz {
  std::string number;                    // "02"
  std::vector<quiz_question> questions;  // in the order they are asked
};

// checks/NN-topic/quiz.json of `lesson`. Nothing (and `problem` empty) when the lesson has
// no quiz; nothing with the reason in `problem` when the file is not a valid quiz.
[[nodiscard]] std::optional<quiz> load_quiz(const lesson_info& lesson, std::string& problem);

// The answer normalised for `kind` (see above), or nothing with the reason in `why`
// ("answer with one number, e.g. 42 or line 42").
[[nodiscard]] std::optional<std::string> normalise_answer(const std::string& kind, const std::string& answer,
                                                          std::string& why);

// Lower-case hex SHA-256 of salt + "\n" + normalised, by `cmake -E sha256sum` on a
// temporary file. Throws std::runtime_error when cmake cannot hash.
[[nodiscard]] std::string answer_hash(const std::string& salt, const std::string& normalised);

// Progress: lesson number -> ids of the questions answered right. Invariant: when problem
// is not empty, answered is empty (a file read in part is not trusted in part). Ids the
// lesson's quiz no longer has count nowhere; `quiz` drops them when it next saves.
struct quiz_progress {
  std::map<std::string, std::set<std::string>> answered;
  std::string problem;  // not empty when the file was there but unreadable as progress
};
[[nodiscard]] std::filesystem::path quiz_state_file(const run_options& run);
// Never throws; a missing file is no progress and no problem.
[[nodiscard]] quiz_progress load_quiz_progress(const std::filesystem::path& file);
// Writes atomically; a file that was unreadable is first renamed to <file>.bad.
bool save_quiz_progress(const std::filesystem::path& file, const quiz_progress& progress);

// What `list` shows in its quiz column: "1/3" (answered right of all), or "" when the
// lesson has no quiz (or a broken one).
[[nodiscard]] std::string quiz_summary(const lesson_info& lesson, const run_options& run);

// `cookiejar quiz NN`: asks each question not yet answered, reading one answer a line from
// c.in (a wrong answer asks the same question again; an empty line skips it; the end of
// input stops). answers ("N", "text" pairs, from --answer) check those questions only.
// 0 when every question of the lesson is answered, 1 when not, 2 for bad input.
int quiz_command(const context& c, const std::string& number, const std::vector<std::string>& answers, bool reset);

}  // namespace cookiejar
