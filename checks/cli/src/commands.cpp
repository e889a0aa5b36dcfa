#include "commands.hpp"
#include "text.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cookiejar/detail/bounded_output.hpp>
#include <cookiejar/detail/verdict_render.hpp>

#include "process.hpp"
#include "quiz.hpp"
#include "state.hpp"

namespace cookiejar {

namespace fs = std::filesystem;

fs::path state_file(const run_options& run) { return build_root_of(run) / "cookiejar-state.json"; }

lesson_status status_of_lesson(const lesson_info& lesson, const run_options& run) {
  lesson_status s;
  // Not started: the student's file is still the starter as committed (git knows it),
  // in the course's own repository: a copy of the course inside some other checkout
  // (a build folder, a scratch copy) is not that repository's file.
  const fs::path file = lesson.lesson_dir / "bounded_buffer.hpp";
  const auto rel = fs::relative(file, run.repo).string();
  const auto top = run_process({"git", "-C", run.repo.string(), "rev-parse", "--show-toplevel"});
  std::error_code same_ec;
  const bool own_repository = top.exit_code == 0 && !top.output.empty() &&
                              fs::equivalent(top.output.substr(0, top.output.find('\n')), run.repo, same_ec);
  process_result not_tracked;
  not_tracked.exit_code = 1;
  const auto pristine = own_repository ? run_process({"git", "-C", run.repo.string(), "show", "HEAD:" + rel})
                                       : not_tracked;
  const bool untouched = pristine.exit_code == 0 && read_file(file) == pristine.output;
  const auto last = load_json(lesson_build_dir(lesson, run) / "cookiejar-last.json");
  if (last) {
    const auto r = result_from_json(*last);
    s.total = r.checks.size();
    for (const auto& c : r.checks) s.passed += c.status == check_status::passed;
    if (r.build != build_state::built)
      s.state = "does not build";
    else
      s.state = s.total > 0 && s.passed == s.total ? "passing" : "failing";
    // Edited since the last check: say so rather than show a stale verdict.
    std::error_code ec;
    const auto checked = fs::last_write_time(lesson_build_dir(lesson, run) / "cookiejar-last.json", ec);
    const auto edited = fs::last_write_time(file, ec);
    if (!ec && edited > checked) s.state += " (edited since)";
    if (untouched && s.state == "failing") s.state = "not started";
    return s;
  }
  s.state = untouched ? "not started" : "not checked yet";
  return s;
}

int list_command(const context& c) {
  const auto lessons = discover_lessons(c.run.repo);
  auto& out = *c.out;
  out << fmt::format("{:<4} {:<14} {:<26} {:<15} {}\n", "#", "topic", "state", "checks passing", "quiz");
  for (const auto& l : lessons) {
    const auto s = status_of_lesson(l, c.run);
    const std::string count = s.total ? fmt::format("{}/{}", s.passed, s.total) : "-";
    std::string state = fmt::format("{:<26}", s.state);
    if (s.state.rfind("passing", 0) == 0) state = c.look.green(state);
    else if (s.state.rfind("failing", 0) == 0 || s.state.rfind("does not", 0) == 0) state = c.look.red(state);
    const auto quiz = quiz_summary(l, c.run);  // "1/3", "" for a lesson with none
    out << fmt::format("{:<4} {:<14} {} {:<15} {}\n", l.number, l.topic, state, count, quiz.empty() ? "-" : quiz);
  }
  out << "\n`cookiejar check NN` builds and checks lesson NN.\n";
  return 0;
}

int check_command(const context& c, const std::string& number, bool verbose, const page_options& pages) {
  const auto lesson = find_lesson(c.run.repo, number);
  const auto pages_dir = pages.html_path.empty() ? default_pages_dir(lesson, c.run) : pages.html_path;
  if (const auto why = pages.html ? refuse_page_target(pages_dir, true) : ""; !why.empty()) {
    *c.err << "cookiejar check: " << why << "\n";
    return 2;
  }
  const auto result = run_lesson(lesson, c.run);
  *c.out << render_result(result, c.look);
  if (pages.mermaid) print_check_diagrams(c, lesson, result);
  if (pages.html && write_check_pages(c, lesson, result, pages_dir) != 0) return 2;
  if (verbose) {
    for (const auto& check : result.checks)
      if (check.status != check_status::passed)
        *c.out << fmt::format("\n---- what {} printed ({} bytes; at most the first and last {} KiB are kept) ----\n{}",
                              check.name, check.output_bytes, cj::detail::bounded_output::default_keep / 1024,
                              check.output);
  }
  if (result.build != build_state::built) return 1;
  for (const auto& check : result.checks)
    if (check.status != check_status::passed) return 1;
  return 0;
}

std::vector<std::string> hint_sections(const fs::path& hints_md) {
  std::vector<std::string> sections;
  std::istringstream in(read_file(hints_md).value_or(""));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) sections.emplace_back();
    if (!sections.empty()) sections.back() += line + "\n";
  }
  for (auto& s : sections)
    while (s.size() > 1 && s[s.size() - 1] == '\n' && s[s.size() - 2] == '\n') s.pop_back();
  return sections;
}

int hint_command(const context& c, const std::string& number, bool all, bool reset) {
  const auto lesson = find_lesson(c.run.repo, number);
  const auto file = state_file(c.run);
  if (reset) {
    set_hints_shown(file, lesson.number, 0);
    *c.out << fmt::format("lesson {}: hints start again from the first.\n", lesson.number);
    return 0;
  }
  const auto sections = hint_sections(lesson.lesson_dir / "HINTS.md");
  if (sections.empty()) {
    *c.err << fmt::format("lesson {} has no hints ({} is missing or has no `## ` sections).\n", lesson.number,
                          (lesson.lesson_dir / "HINTS.md").string());
    return 1;
  }
  const int shown = hints_shown(file, lesson.number);
  if (all) {
    for (std::size_t i = 0; i < sections.size(); ++i)
      *c.out << c.look.dim(fmt::format("hint {} of {}", i + 1, sections.size())) << "\n" << sections[i] << "\n";
    set_hints_shown(file, lesson.number, static_cast<int>(sections.size()));
    return 0;
  }
  if (shown >= static_cast<int>(sections.size())) {
    *c.out << fmt::format("You have seen all {} hints of lesson {}. `cookiejar hint {} --all` shows them again; "
                          "--reset starts over.\n",
                          sections.size(), lesson.number, lesson.number);
    return 0;
  }
  *c.out << c.look.dim(fmt::format("hint {} of {}", shown + 1, sections.size())) << "\n" << sections[shown];
  if (shown + 1 < static_cast<int>(sections.size()))
    *c.out << fmt::format("\nStill stuck? `cookiejar hint {}` again shows the next one.\n", lesson.number);
  set_hints_shown(file, lesson.number, shown + 1);
  return 0;
}

std::optional<replay_target> parse_replay(const std::string& text) {
  const auto at = text.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= text.size()) return std::nullopt;
  const std::string schedule = text.substr(0, at);
  if (schedule.find(':') == std::string::npos) return std::nullopt;
  return replay_target{schedule, text.substr(at + 1)};
}

namespace {

// The lesson's model or schedule check whose sentence is `sentence`, as CTest lists it.
std::optional<test_spec> model_check(const fs::path& build, const std::string& sentence, std::string& problem) {
  const auto specs = list_checks(build, problem);
  if (!specs) return std::nullopt;
  for (const auto& spec : *specs) {
    const auto suffix = ".model." + sentence;
    if (spec.name.size() > suffix.size() && spec.name.compare(spec.name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return spec;
  }
  problem = fmt::format("the lesson has no model check \"{}\"", sentence);
  return std::nullopt;
}

// Why the checks in the build folder may not be the student's file as it is now: it is
// newer than the check, or differs from the copy kept at the last build. Empty when neither.
std::string changed_since_build(const lesson_info& lesson, const run_options& run, const test_spec& spec) {
  const auto file = lesson.lesson_dir / "bounded_buffer.hpp";
  std::error_code ec;
  const auto edited = fs::last_write_time(file, ec);
  const auto exe = std::find(spec.command.begin(), spec.command.end(), "--");
  if (!ec && exe != spec.command.end() && exe + 1 != spec.command.end()) {
    std::error_code built_ec;
    const auto built = fs::last_write_time(*(exe + 1), built_ec);
    if (!built_ec && edited > built) return "your file is newer than the build";
  }
  if (read_file(file) != read_file(built_copy(lesson, run))) return "your file differs from the one the checks were built from";
  return "";
}

// The schedule finding of a replayed run (a model checker's or the schedule explorer's).
const cj::verdict::finding* schedule_finding(const cj::verdict::run_verdict& v) {
  for (const auto& r : v.records)
    for (const auto& f : r.findings)
      if (f.from == cj::verdict::source::model || f.from == cj::verdict::source::schedule) return &f;
  return nullptr;
}

}  // namespace

int replay_command(const context& c, const std::string& number, const std::string& replay, bool step,
                   const page_options& pages) {
  const auto lesson = find_lesson(c.run.repo, number);
  if (const auto why = pages.html ? refuse_page_target(pages.html_path, false) : ""; !why.empty()) {
    *c.err << "cookiejar replay: " << why << "\n";
    return 2;
  }
  const auto target = parse_replay(replay);
  if (!target) {
    *c.err << "cookiejar replay: that is not a replay string. Copy the whole quoted string after `cookiejar replay "
           << lesson.number << "` from what `cookiejar check " << lesson.number << "` printed.\n";
    return 2;
  }
  const auto build = lesson_build_dir(lesson, c.run);
  if (!fs::exists(build / "CMakeCache.txt")) {
    *c.err << fmt::format("cookiejar replay: lesson {} has not been built yet. Run `cookiejar check {}` first (it "
                          "builds the checks in {}).\n",
                          lesson.number, lesson.number, build.string());
    return 2;
  }
  std::string problem;
  auto spec = model_check(build, target->sentence, problem);
  if (!spec) {
    *c.err << fmt::format("cookiejar replay: {}. `cookiejar check {}` lists the model checks that failed, each with "
                          "its replay string.\n",
                          problem, lesson.number);
    return 2;
  }
  // A schedule belongs to the code it was found in: replay what the student's file is now.
  if (const auto why = changed_since_build(lesson, c.run, *spec); !why.empty()) {
    *c.err << fmt::format("{}: rebuilding lesson {} first ...\n", why, lesson.number);
    auto quiet = c.run;
    quiet.show_progress = false;
    if (auto error = build_lesson(lesson, quiet, [](const std::string&) {})) {
      *c.err << fmt::format("cookiejar replay: lesson {} does not build now, so there is nothing to replay the "
                            "schedule on. Fix this first (`cookiejar check {}` says the same):\n\n{}",
                            lesson.number, lesson.number, render_finding(*error, c.look));
      return 1;
    }
    spec = model_check(build, target->sentence, problem);
    if (!spec) {
      *c.err << fmt::format("cookiejar replay: after the rebuild, {}.\n", problem);
      return 2;
    }
  }
  *c.out << fmt::format("replaying schedule {} of \"{}\"\n", target->schedule.substr(0, target->schedule.find(' ')),
                        target->sentence);
  const auto run = run_judged(*spec, build / "cookiejar-verdicts" / "replay.json",
                              {"CJ_MODEL_REPLAY=" + target->schedule});
  if (!run.verdict) {
    *c.err << "cookiejar replay: " << run.problem << "\n" << run.process.output;
    return 1;
  }
  const auto* f = schedule_finding(*run.verdict);
  if (run.verdict->passed()) {
    *c.out << "The check passes with this schedule now: whatever failed there is fixed. `cookiejar check "
           << lesson.number << "` checks every schedule again.\n";
    return 0;
  }
  if (f == nullptr || f->steps.empty()) {
    // No schedule in the records: the replay did not follow the schedule to its end.
    *c.out << fmt::format("The replay did not end in the failure it was found with ({}).\n"
                          "This schedule no longer fits your code: a change added, removed or reordered a cj:: call. "
                          "Run `cookiejar check {}` for a fresh one.\n",
                          run.verdict->reason, lesson.number);
    return 1;
  }
  const auto report = cj::verdict::render_report(target->sentence, *f);
  const auto outputs = [&] { return write_replay_outputs(c, lesson, *spec, target->sentence, *run.verdict, pages) == 0 ? 1 : 2; };
  if (!step) {
    *c.out << report;
    return outputs();
  }
  // Step by step: the report up to the table, then one row per step, each after an Enter.
  const auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }(report);
  const auto table = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("  ----+", 0) == 0; });
  const bool interactive = c.in == &std::cin && ::isatty(0) == 1;
  std::size_t shown = 0;
  for (auto it = lines.begin(); it != lines.end(); ++it) {
    *c.out << *it << "\n";
    const bool is_step = table != lines.end() && it > table && shown < f->steps.size();
    if (!is_step) continue;
    ++shown;
    c.out->flush();
    if (interactive) *c.err << c.look.dim("  (Enter: next step)");
    std::string ignored;
    if (c.in != nullptr && *c.in) std::getline(*c.in, ignored);
  }
  *c.out << fmt::format("({} steps)\n", shown);
  return outputs();
}

}  // namespace cookiejar
