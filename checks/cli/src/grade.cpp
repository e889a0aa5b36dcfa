#include "grade.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "process.hpp"
#include "tamper.hpp"

namespace cookiejar {

namespace fs = std::filesystem;

namespace {

#ifdef COOKIEJAR_GRADE_VERSION
constexpr const char* tool_version = COOKIEJAR_GRADE_VERSION;
#else
constexpr const char* tool_version = "unknown";
#endif

[[nodiscard]] int lesson_index(const std::string& number) {
  try {
    return std::stoi(number);
  } catch (const std::exception&) {
    return 0;
  }
}

// "lesson02.student.model.two producers ..." -> {"model", "two producers ..."}
[[nodiscard]] std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto dot = key.find('.');
  if (dot == std::string::npos) return {key, {}};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

[[nodiscard]] std::string indented(const std::string& text, std::string_view prefix) {
  std::string out;
  std::size_t from = 0;
  while (from < text.size()) {
    auto end = text.find('\n', from);
    if (end == std::string::npos) end = text.size();
    out += fmt::format("{}{}\n", prefix, std::string_view(text).substr(from, end - from));
    from = end + 1;
  }
  return out;
}

// The first line of a lost check's message: how it ended, in the runner's words. Counts
// of assertions come from the check's records, never from an exit code.
[[nodiscard]] std::string verdict_line(const check_result& check) {
  const std::string reason = check.reason.empty() ? std::string{} : ": " + check.reason;
  switch (check.status) {
    case check_status::hung:
      return "hung" + (reason.empty() ? std::string(": the check did not finish within its time limit") : reason);
    case check_status::crashed:
      if (check.signal) {
        const char* name = ::strsignal(*check.signal);
        return fmt::format("crashed: signal {}{} ended the check", *check.signal,
                           name ? fmt::format(" ({})", name) : std::string{});
      }
      return "crashed" + reason;
    case check_status::ended_early: return "ended early" + reason;
    case check_status::failed:
      if (check.assertions_failed > 0)
        return fmt::format("failed: {} assertion(s) did not hold", check.assertions_failed);
      return "failed" + reason;
    case check_status::passed:
    case check_status::not_run: break;
  }
  return key_of(check.status);
}

// Why a check that ran lost its points, from its findings.
[[nodiscard]] std::string failure_message(const check_result& check) {
  std::string text = verdict_line(check) + "\n";
  for (const auto& f : check.findings) {
    text += fmt::format("- {}\n", f.property.empty() ? std::string("a problem") : f.property);
    if (!f.location.empty()) text += fmt::format("  at {}\n", f.location);
    if (f.bug_class != bug::none) text += fmt::format("  looks like: {}\n", words_of(f.bug_class));
    if (!f.details.empty()) text += indented(f.details, "    ");
    if (!f.replay.empty()) text += fmt::format("  replay: {}\n", f.replay);
  }
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

[[nodiscard]] std::string not_run_message(const lesson_result& result) {
  std::string text;
  if (result.build == build_state::failed) {
    text = "not run: the lesson did not build";
  } else {
    text = "not run: the lesson's checks could not be run";
  }
  if (result.build_error) {
    const auto& e = *result.build_error;
    if (!e.property.empty()) text += "\n" + e.property;
    if (!e.location.empty()) text += "\n  at " + e.location;
    if (!e.details.empty()) text += "\n" + e.details;
  }
  return text;
}

[[nodiscard]] lesson_result not_started(const lesson_info& lesson, const std::string& reason) {
  lesson_result result;
  result.number = lesson.number;
  result.topic = lesson.topic;
  result.folder = lesson.folder;
  result.build = build_state::not_started;
  finding why;
  why.property = reason;
  why.found_by = analysis::build;
  result.build_error = why;
  return result;
}

[[nodiscard]] std::string head_commit(const fs::path& repo) {
  const auto git = find_program("git");
  if (!git) return {};
  process_options options;
  options.timeout_seconds = 30;
  const auto run = run_process({git->string(), "-C", repo.string(), "rev-parse", "HEAD"}, options);
  if (run.exit_code != 0) return {};
  auto commit = run.output;
  while (!commit.empty() && (commit.back() == '\n' || commit.back() == '\r')) commit.pop_back();
  const bool hex = commit.size() == 40 && std::all_of(commit.begin(), commit.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  return hex ? commit : std::string{};
}

[[nodiscard]] std::string normalized_number(const std::string& number) {
  return number.size() == 1 ? "0" + number : number;
}

}  // namespace

double default_points(std::string_view analysis) {
  if (analysis == "unit") return 1;
  if (analysis == "property") return 2;
  if (analysis == "stress") return 2;
  if (analysis == "model") return 3;
  if (analysis == "policy") return 0;  // keeping to the rules earns nothing by itself
  return 1;
}

grading_rules default_grading(const std::string& lesson_number) {
  grading_rules rules;
  for (const char* a : {"unit", "property", "stress", "model"}) rules.analysis_points[a] = default_points(a);
  if (const int n = lesson_index(lesson_number); n > 0) rules.task = n;
  return rules;
}

grading_rules parse_grading(std::string_view text, const std::string& lesson_number) {
  auto rules = default_grading(lesson_number);
  const auto document = nlohmann::ordered_json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    rules.problems.push_back("it is not a JSON object; every check is worth its analysis's default points");
    return rules;
  }
  const auto points_of = [](const nlohmann::ordered_json& value) -> std::optional<double> {
    if (value.is_number() && value.get<double>() >= 0) return value.get<double>();
    return std::nullopt;
  };
  const auto task_of = [](const nlohmann::ordered_json& value) -> std::optional<int> {
    if (value.is_number_integer() && value.get<long long>() >= 1 && value.get<long long>() <= 1000) {
      return static_cast<int>(value.get<long long>());
    }
    return std::nullopt;
  };
  for (const auto& [key, value] : document.items()) {
    if (key == "lesson") {
      if (!value.is_string() || value.get<std::string>() != lesson_number) {
        rules.problems.push_back(fmt::format("\"lesson\" is {}, not \"{}\"", value.dump(), lesson_number));
      }
    } else if (key == "points") {
      if (!value.is_object()) {
        rules.problems.push_back("\"points\" is not an object of analysis: points");
        continue;
      }
      for (const auto& [analysis, p] : value.items()) {
        if (const auto points = points_of(p)) {
          rules.analysis_points[analysis] = *points;
        } else {
          rules.problems.push_back(fmt::format("\"points\".\"{}\" is not a number >= 0", analysis));
        }
      }
    } else if (key == "task") {
      if (const auto task = task_of(value)) {
        rules.task = task;
      } else {
        rules.problems.push_back("\"task\" is not a whole number from 1 to 1000");
      }
    } else if (key == "checks") {
      if (!value.is_object()) {
        rules.problems.push_back("\"checks\" is not an object of \"<analysis>.<test case>\": points");
        continue;
      }
      for (const auto& [name, spec] : value.items()) {
        grading_rules::entry entry;
        if (const auto points = points_of(spec)) {
          entry.points = *points;
        } else if (spec.is_object() && spec.contains("points") && points_of(spec["points"])) {
          entry.points = *points_of(spec["points"]);
          if (spec.contains("task")) {
            entry.task = task_of(spec["task"]);
            if (!entry.task) rules.problems.push_back(fmt::format("\"{}\": \"task\" is not a whole number from 1 to 1000", name));
          }
        } else {
          rules.problems.push_back(fmt::format("\"{}\" is neither points nor {{\"points\": ..., \"task\": ...}}", name));
          continue;
        }
        if (name.find('.') == std::string::npos) {
          rules.problems.push_back(fmt::format("\"{}\" is not \"<analysis>.<test case>\"", name));
          continue;
        }
        rules.checks.emplace_back(name, entry);
      }
    } else if (key != "about") {
      rules.problems.push_back(fmt::format("unknown key \"{}\" (ignored)", key));
    }
  }
  return rules;
}

grading_rules load_grading(const lesson_info& lesson, const fs::path& repo) {
  const auto file = lesson.checks_dir / "grading.json";
  if (!fs::exists(file)) return default_grading(lesson.number);
  const auto text = read_file(file);
  auto rules = parse_grading(text.value_or(""), lesson.number);
  std::error_code ec;
  const auto relative = fs::relative(file, repo, ec);
  rules.file = ec || relative.empty() ? file.generic_string() : relative.generic_string();
  if (!text) rules.problems.push_back("it could not be read");
  return rules;
}

std::string check_key(const check_result& check) {
  // lessonNN . variant . analysis . sentence (the sentence may hold dots itself)
  const auto first = check.name.find('.');
  const auto second = first == std::string::npos ? first : check.name.find('.', first + 1);
  if (check.name.rfind("lesson", 0) == 0 && second != std::string::npos) return check.name.substr(second + 1);
  return fmt::format("{}.{}", cj::verdict::key_of(check.of), check.sentence);
}

graded_lesson apply_grading(const lesson_result& result, const grading_rules& rules) {
  graded_lesson lesson;
  lesson.result = result;
  lesson.grading_file = rules.file;
  for (const auto& problem : rules.problems) {
    lesson.notes.push_back(fmt::format("{}: {}", rules.file.empty() ? "grading.json" : rules.file, problem));
  }
  const auto grade = [&](const check_result& check, const std::string& key, double max_points,
                         std::optional<int> task) {
    graded_check g;
    g.result = check;
    g.key = key;
    g.max_points = max_points;
    g.task = task ? task : rules.task;
    if (check.status == check_status::passed) {
      g.points = max_points;
    } else if (check.status == check_status::not_run) {
      g.message = not_run_message(result);
    } else {
      g.message = failure_message(check);
    }
    lesson.checks.push_back(std::move(g));
  };

  std::vector<bool> used(result.checks.size(), false);
  for (const auto& [key, entry] : rules.checks) {
    std::size_t found = result.checks.size();
    for (std::size_t i = 0; i < result.checks.size(); ++i) {
      if (!used[i] && check_key(result.checks[i]) == key) {
        found = i;
        break;
      }
    }
    if (found < result.checks.size()) {
      used[found] = true;
      grade(result.checks[found], key, entry.points, entry.task);
      continue;
    }
    const auto [of_key, sentence] = split_key(key);
    check_result missing;
    missing.name = fmt::format("lesson{}.student.{}", result.number, key);
    missing.sentence = sentence;
    missing.of = cj::verdict::from_key(of_key, cj::verdict::all_analyses).value_or(analysis::unit);
    missing.status = check_status::not_run;
    grade(missing, key, entry.points, entry.task);
    if (result.build == build_state::built) {
      auto& g = lesson.checks.back();
      g.message = fmt::format("not run: {} lists this check, but the lesson has no check by this name",
                              rules.file.empty() ? "grading.json" : rules.file);
      lesson.notes.push_back(fmt::format("{} lists \"{}\", which the lesson does not have", rules.file, key));
    }
  }
  for (std::size_t i = 0; i < result.checks.size(); ++i) {
    if (used[i]) continue;
    const auto& check = result.checks[i];
    const std::string of = cj::verdict::key_of(check.of);
    const auto found = rules.analysis_points.find(of);
    const auto points = found != rules.analysis_points.end() ? found->second : default_points(of);
    const auto key = check_key(check);
    if (!rules.file.empty()) {
      lesson.notes.push_back(
          fmt::format("{} does not list \"{}\": it is worth {} points ({})", rules.file, key, points, of));
    }
    grade(check, key, points, std::nullopt);
  }
  // A lesson that did not build and has no grading.json has no checks to list: one
  // entry says why, so no report is ever silent about a lesson.
  if (lesson.checks.empty() && result.build != build_state::built) {
    check_result build;
    build.name = fmt::format("lesson{}.student.build", result.number);
    build.of = analysis::build;
    build.status = check_status::not_run;
    grade(build, "build", 0, std::nullopt);
    lesson.notes.push_back("no grading.json and no build: the lesson's maximum is unknown (0 here)");
  }
  // A file the policy check refused ends, forks or signals the checks' process, or
  // reaches into the checks: what its other checks say is not evidence, so none of
  // them earns points (docs/instructors/README.md, "Points").
  const auto refused = std::find_if(lesson.checks.begin(), lesson.checks.end(), [](const graded_check& c) {
    return c.result.of == analysis::policy && c.result.status != check_status::passed &&
           c.result.status != check_status::not_run;
  });
  if (refused != lesson.checks.end()) {
    const std::string why = refused->result.findings.empty() || refused->result.findings.front().location.empty()
                                ? std::string{}
                                : fmt::format(" (at {})", refused->result.findings.front().location);
    for (auto& c : lesson.checks) {
      if (c.result.of == analysis::policy || c.points == 0) continue;
      c.points = 0;
      c.message = fmt::format("0 points: the policy check refused the file{}, so this check's pass is not "
                              "evidence; its report says which rule the file breaks",
                              why);
    }
    lesson.notes.push_back(fmt::format("the policy check refused lesson {}'s file{}: every check scores 0",
                                       result.number, why));
  }
  for (const auto& c : lesson.checks) {
    lesson.score += c.points;
    lesson.max_score += c.max_points;
  }
  return lesson;
}

grade_report grade_lessons(const grade_options& options, const run_options& run) {
  const auto started = std::chrono::steady_clock::now();
  grade_report report;
  report.tool_version = tool_version;
  report.stress_rounds = std::max(1, run.stress_rounds);
  auto options_run = run;
  options_run.stress_rounds = report.stress_rounds;

  std::vector<lesson_info> all;
  std::string discover_error;
  try {
    all = discover_lessons(run.repo);
  } catch (const std::exception& e) {
    discover_error = e.what();
  }
  std::vector<lesson_info> chosen;
  if (options.lessons.empty()) {
    chosen = all;
  } else {
    for (const auto& wanted : options.lessons) {
      const auto number = normalized_number(wanted);
      const auto found = std::find_if(all.begin(), all.end(), [&](const lesson_info& l) { return l.number == number; });
      if (found != all.end()) {
        chosen.push_back(*found);
      } else {
        lesson_info missing;
        missing.number = number;
        missing.checks_dir = run.repo / "checks" / "-";
        chosen.push_back(missing);
      }
    }
  }
  if (chosen.empty()) {
    lesson_info none;
    none.number = "00";
    chosen.push_back(none);
    discover_error = discover_error.empty() ? "the repository has no lessons/NN-topic folder" : discover_error;
  }

  for (const auto& lesson : chosen) {
    lesson_result result;
    if (lesson.folder.empty()) {
      result = not_started(lesson, discover_error.empty()
                                       ? fmt::format("there is no lesson {} (no lessons/{}-* folder)", lesson.number,
                                                     lesson.number)
                                       : discover_error);
    } else {
      try {
        result = run_lesson(lesson, options_run);
      } catch (const std::exception& e) {
        result = not_started(lesson, fmt::format("the checks could not be run: {}", e.what()));
      }
    }
    grading_rules rules;
    try {
      rules = lesson.folder.empty() ? default_grading(lesson.number) : load_grading(lesson, run.repo);
    } catch (const std::exception& e) {
      rules = default_grading(lesson.number);
      rules.problems.push_back(e.what());
    }
    report.lessons.push_back(apply_grading(result, rules));
  }
  report.tamper = check_manifest(run.repo);
  report.commit = head_commit(run.repo);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

int grade_command(const grade_options& options, const run_options& run) {
  auto& err = run.progress ? *run.progress : std::cerr;
  if (std::find(std::begin(report_formats), std::end(report_formats), options.format) == std::end(report_formats)) {
    err << fmt::format("cookiejar grade: unknown format '{}' (json, gradescope, exercism or junit)\n", options.format);
    return 2;
  }
  if (options.output.empty()) {
    err << "cookiejar grade: say where to write the report: --output FILE\n";
    return 2;
  }
  grade_report report;
  try {
    report = grade_lessons(options, run);
  } catch (const std::exception& e) {
    // grade_lessons does not throw for anything a submission does; if the grader itself
    // fails, the report still says so rather than being missing.
    report = grade_report{};
    report.tool_version = tool_version;
    report.tamper.state = "unreadable";
    report.tamper.summary = "not compared: the grade stopped early";
    graded_lesson failed;
    failed.result.number = "00";
    failed.result.build = build_state::not_started;
    finding stopped;
    stopped.property = fmt::format("the grader stopped: {}", e.what());
    stopped.found_by = analysis::build;
    failed.result.build_error = stopped;
    report.lessons.push_back(apply_grading(failed.result, default_grading("00")));
  }
  const auto text = write_report(report, options.format);
  std::error_code ec;
  if (options.output.has_parent_path()) fs::create_directories(options.output.parent_path(), ec);
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  out << *text;
  out.flush();
  if (!out) {
    err << fmt::format("cookiejar grade: cannot write {}\n", options.output.string());
    return 1;
  }
  err << fmt::format("cookiejar grade: {} of {} points; {}; {} report written to {}\n", report.score(),
                     report.max_score(), report.tamper.summary, options.format, options.output.string());
  return 0;
}

int write_manifest_command(const fs::path& repo) {
  try {
    write_manifest(repo);
    const auto status = check_manifest(repo);
    std::cerr << fmt::format("cookiejar: wrote {} ({} files)\n", (repo / manifest_path).string(), status.files);
    return status.state == "matches" ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << fmt::format("cookiejar: cannot write {}: {}\n", (repo / manifest_path).string(), e.what());
    return 1;
  }
}

}  // namespace cookiejar
