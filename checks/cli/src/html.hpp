#pragma once
// The page that steps through a failing check on the student's own file
// (`cookiejar check NN --html [DIR]`, `cookiejar replay NN '<string>' --html FILE`).
//
// A page is rendered from data, never from report text: page_data() takes the runner's
// verdict (the check's records: steps with thread and file:line, wait-for edges, the
// race's accesses) and the check's translation (the plain words), and the page's own
// script builds every element from that JSON, embedded in the page. The C++ side
// writes the template and the data; the script (page_assets.cpp) draws the grid, the
// student's file, the wait-for graph and the race.
//
// Guarantees:
//   * A page is one self-contained file: inline CSS and script, no network, no CDN.
//   * The embedded JSON cannot end its <script> element: every '<' in it is \u003c.
//   * Bounded: the steps are the record's (at most cj::verdict::max_steps), a page
//     quotes at most max_page_files files of at most max_page_file_bytes each.
//   * Writing never replaces a file that is not a cookiejar page (refuse_page_target):
//     a wrong --html path changes nothing of the student's.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <cookiejar/verdict_json.hpp>

#include "results.hpp"
#include "runner.hpp"

namespace cookiejar {

struct context;

inline constexpr int page_schema_version = 1;
inline constexpr std::size_t max_page_files = 4;
inline constexpr std::size_t max_page_file_bytes = 256 * 1024;
// Every page carries this; a file without it is never overwritten.
inline constexpr const char* page_generator_mark = "<meta name=\"generator\" content=\"cookiejar pages\">";

// What a step of a model or schedule report does, in the model checker's own words
// (<cookiejar/detail/model_report.hpp> writes "lock mutex #1", "wait on condvar #1",
// "notify_one condvar #1 (nobody waits)", "acquire sem #2", "woken (notified)"): the
// verb and the cj:: object. Both empty for a scenario's note ("try_put(1) begins").
struct step_action {
  std::string op;      // lock | unlock | blocks | wait | woken | notify_one | notify_all | acquire | try_acquire | release
  std::string object;  // "mutex #1"; empty when the words name none ("woken (notified)")
};
[[nodiscard]] step_action action_of(const std::string& step_text);

// The page's data for one failed check, from its records (check.records; without any,
// the translated findings alone, with no steps). `made_by` is the command that wrote
// the page. Files are read from the lesson's repository.
[[nodiscard]] nlohmann::json page_data(const lesson_info& lesson, const check_result& check, const std::string& made_by);

// The index of a lesson's pages: one entry per written page ({file, check, ...}).
[[nodiscard]] nlohmann::json index_data(const lesson_info& lesson, const nlohmann::json& entries,
                                        const std::string& made_by);

// JSON for a <script type="application/json"> element: '<', '>' and '&' escaped.
[[nodiscard]] std::string embed_json(const nlohmann::json& data);

// The whole page (index or check) for `data`: template, style, script and the data.
[[nodiscard]] std::string page_html(const nlohmann::json& data);

// The file name of a check's page: "<analysis>-<the sentence, lower case, dashes>.html".
[[nodiscard]] std::string page_file_name(const check_result& check);

// Why `target` cannot take pages: "" when it can. A directory (check) may exist and
// hold anything; only files it already has that are not cookiejar pages are refused. A
// file (replay) must end in .html and, when it exists, be a cookiejar page.
[[nodiscard]] std::string refuse_page_target(const std::filesystem::path& target, bool directory);

// What the two commands add: --html and --mermaid.
struct page_options {
  bool html = false;
  std::filesystem::path html_path;  // check: a folder (empty: the default); replay: a file
  bool mermaid = false;
};

// `check NN --html DIR`: one page per failed check of `result` and index.html; the
// pages an earlier run wrote there for checks that pass now are removed (only files
// that are cookiejar pages). Says where they are on c.out. 0, or 2 when one could not
// be written (the reason on c.err).
int write_check_pages(const context& c, const lesson_info& lesson, const lesson_result& result,
                      const std::filesystem::path& dir);
// The default folder: <build root>/lesson-NN/pages.
[[nodiscard]] std::filesystem::path default_pages_dir(const lesson_info& lesson, const run_options& run);

// `check NN --mermaid`: a fenced sequenceDiagram per failed check with a schedule.
void print_check_diagrams(const context& c, const lesson_info& lesson, const lesson_result& result);

// `replay ... --html FILE` / `--mermaid`: the page or the diagram of one replayed run.
int write_replay_outputs(const context& c, const lesson_info& lesson, const test_spec& spec,
                         const std::string& sentence, const cj::verdict::run_verdict& verdict,
                         const page_options& pages);

}  // namespace cookiejar
