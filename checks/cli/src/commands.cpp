#include "commands.hpp"
#include "text.hpp"

#include <fstream>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "process.hpp"
#include "state.hpp"

namespace cookiejar {

namespace fs = std::filesystem;

fs::path state_file(const run_options& run) { return build_root_of(run) / "cookiejar-state.json"; }

lesson_status status_of_lesson(const lesson_info& lesson, const run_options& run) {
  lesson_status s;
  // Not started: the student's file is still the starter as committed (git knows it).
  const fs::path file = lesson.lesson_dir / "bounded_buffer.hpp";
  const auto rel = fs::relative(file, run.repo).string();
  const auto pristine = run_process({"git", "-C", run.repo.string(), "show", "HEAD:" + rel});
  const bool untouched = pristine.exit_code == 0 && read_file(file) == pristine.output;
  const auto last = load_json(lesson_build_dir(lesson, run) / "cookiejar-last.json");
  if (last) {
    const auto r = result_from_json(*last);
    s.total = r.checks.size();
    for (const auto& c : r.checks) s.passed += c.status == "passed";
    if (r.build_status == "failed")
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
  out << fmt::format("{:<4} {:<14} {:<26} {}\n", "#", "topic", "state", "checks passing");
  for (const auto& l : lessons) {
    const auto s = status_of_lesson(l, c.run);
    const std::string count = s.total ? fmt::format("{}/{}", s.passed, s.total) : "-";
    std::string state = fmt::format("{:<26}", s.state);
    if (s.state.rfind("passing", 0) == 0) state = c.look.green(state);
    else if (s.state.rfind("failing", 0) == 0 || s.state.rfind("does not", 0) == 0) state = c.look.red(state);
    out << fmt::format("{:<4} {:<14} {} {}\n", l.number, l.topic, state, count);
  }
  out << "\n`cookiejar check NN` builds and checks lesson NN.\n";
  return 0;
}

int check_command(const context& c, const std::string& number, bool verbose) {
  const auto lesson = find_lesson(c.run.repo, number);
  const auto result = run_lesson(lesson, c.run);
  *c.out << render_result(result, c.look);
  if (verbose) {
    for (const auto& check : result.checks)
      if (check.status != "passed") *c.out << fmt::format("\n---- raw output of {} ----\n{}", check.name, check.output);
  }
  if (result.build_status != "built") return 1;
  for (const auto& check : result.checks)
    if (check.status != "passed") return 1;
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

int replay_command(const context& c, const std::string& number, const std::string& replay, bool step) {
  const auto lesson = find_lesson(c.run.repo, number);
  const auto target = parse_replay(replay);
  if (!target) {
    *c.err << "cookiejar replay: that is not a replay string. Copy the whole quoted string after `cookiejar replay "
           << lesson.number << "` from what `cookiejar check " << lesson.number << "` printed.\n";
    return 2;
  }
  const auto build = lesson_build_dir(lesson, c.run);
  const auto listed = run_process({"ctest", "--test-dir", build.string(), "--show-only=json-v1"});
  const auto start = listed.output.find('{');
  const auto j = start == std::string::npos ? nlohmann::json() : nlohmann::json::parse(listed.output.substr(start), nullptr, false);
  std::vector<std::string> command;
  fs::path directory;
  if (!j.is_discarded() && j.contains("tests")) {
    for (const auto& t : j["tests"]) {
      const std::string name = t.value("name", "");
      if (name.find(".model.") == std::string::npos) continue;
      if (name.size() < target->sentence.size() ||
          name.compare(name.size() - target->sentence.size(), std::string::npos, target->sentence) != 0)
        continue;
      command = t["command"].get<std::vector<std::string>>();
      for (const auto& p : t["properties"])
        if (p.value("name", "") == "WORKING_DIRECTORY") directory = p["value"].get<std::string>();
    }
  }
  if (command.empty()) {
    *c.err << fmt::format("cookiejar replay: lesson {} has no built model check \"{}\". Run `cookiejar check {}` "
                          "first (it builds the checks in {}).\n",
                          lesson.number, target->sentence, lesson.number, build.string());
    return 2;
  }
  *c.out << fmt::format("replaying schedule {} of \"{}\"\n", target->schedule.substr(0, target->schedule.find(' ')),
                        target->sentence);
  const auto r = run_process(command, {.working_directory = directory,
                                       .timeout_seconds = 120,
                                       .environment = {"CJ_MODEL_REPLAY=" + target->schedule}});
  // The report, cut before Catch2's own summary.
  std::string report = r.output;
  if (const auto tilde = report.find("\n~~~~"); tilde != std::string::npos) report = report.substr(0, tilde);
  if (r.exit_code == 134 || report.find("RELACY INTERNAL ASSERT") != std::string::npos) {
    *c.out << report << "\nThis schedule no longer fits your code: a change added, removed or reordered a cj:: "
              "call. Run `cookiejar check " << lesson.number << "` for a fresh one.\n";
    return 1;
  }
  if (!step) {
    *c.out << report << "\n";
    return r.exit_code == 0 ? 0 : 1;
  }
  // Step by step: the report up to the table, then one row per Enter.
  std::istringstream in(report);
  bool in_table = false;
  int rows = 0;
  const bool interactive = ::isatty(0) == 1;
  for (std::string line; std::getline(in, line);) {
    const bool row = in_table && line.size() > 6 && std::isdigit(static_cast<unsigned char>(line[2]));
    if (line.find("the interleaving") != std::string::npos) in_table = true;
    if (line.rfind("  then: ", 0) == 0) in_table = false;
    *c.out << line << "\n";
    if (row) {
      ++rows;
      c.out->flush();
      if (interactive) {
        std::string ignored;
        *c.err << c.look.dim("  (Enter: next step)");
        std::getline(std::cin, ignored);
      }
    }
  }
  *c.out << fmt::format("({} steps)\n", rows);
  return r.exit_code == 0 ? 0 : 1;
}

}  // namespace cookiejar
