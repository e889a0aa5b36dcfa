#include "formats.hpp"
#include "state.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace cookiejar {

using nlohmann::ordered_json;

namespace {

// Dumped with invalid UTF-8 replaced: check output is whatever a program printed.
[[nodiscard]] std::string dump(const ordered_json& document) {
  return document.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}


// A lesson number as an integer ("02" -> 2), 0 when it is not one.
[[nodiscard]] int lesson_index(const std::string& number) {
  int value = 0;
  for (char c : number) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

// At most `limit` bytes of `text`, cut at a UTF-8 character boundary, with `marker` at
// the end when something was cut (the marker counts toward the limit).
[[nodiscard]] std::string truncated(std::string_view text, std::size_t limit, std::string_view marker) {
  if (text.size() <= limit) return std::string(text);
  auto keep = limit > marker.size() ? limit - marker.size() : 0;
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
  return std::string(text.substr(0, keep)) + std::string(marker);
}

// The last `limit` bytes of `text` (the end of a check's output is where it failed).
[[nodiscard]] std::string tail(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  auto from = text.size() - limit;
  while (from < text.size() && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;
  return "...\n" + std::string(text.substr(from));
}

[[nodiscard]] bool passed(const graded_check& c) { return c.result.status == check_status::passed; }

// What a check printed, for a report: nothing when it passed (a passing check's output
// decides nothing, and printing is how students debug), else the bounded head and tail
// cookiejar-run-check kept.
[[nodiscard]] const std::string& kept_output(const graded_check& c) {
  static const std::string none;
  return passed(c) ? none : c.result.output;
}

// `text` as a CTest -R regular expression that matches only itself.
[[nodiscard]] std::string regex_literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

[[nodiscard]] std::string ctest_command(const graded_lesson& lesson, const graded_check& check) {
  return fmt::format("ctest --test-dir build/lesson-{} --output-on-failure -R {}", lesson.result.number,
                     shell_quote("^" + regex_literal(check.result.name) + "$"));
}

[[nodiscard]] std::string points_text(double points) {
  if (std::floor(points) == points) return fmt::format("{}", static_cast<long long>(points));
  return fmt::format("{:.2f}", points);
}

// The text a grader shows for one check: the verdict, why, and (failed) the end of its output.
[[nodiscard]] std::string check_text(const graded_check& check, std::size_t output_limit) {
  if (passed(check)) return fmt::format("passed ({:.1f} s)", check.result.seconds);
  std::string text = check.message;
  if (!kept_output(check).empty() && output_limit > 0) {
    text += fmt::format("\n\n---- the end of what the check printed ({} bytes in all) ----\n{}",
                        check.result.output_bytes, tail(kept_output(check), output_limit));
  }
  return text;
}

[[nodiscard]] std::string build_error_text(const lesson_result& lesson) {
  if (!lesson.build_error) return {};
  const auto& e = *lesson.build_error;
  if (e.details.empty()) return e.property;
  if (e.property.empty() || e.details.find(e.property) != std::string::npos) return e.details;
  return e.property + "\n" + e.details;
}

}  // namespace

double grade_report::score() const {
  double sum = 0;
  for (const auto& l : lessons) sum += l.score;
  return sum;
}

double grade_report::max_score() const {
  double sum = 0;
  for (const auto& l : lessons) sum += l.max_score;
  return sum;
}

std::string display_name(const graded_lesson& lesson, const graded_check& check) {
  const auto& r = lesson.result;
  const auto where = r.topic.empty() ? fmt::format("lesson {}", r.number)
                                     : fmt::format("lesson {} ({})", r.number, r.topic);
  if (check.result.sentence.empty()) return fmt::format("{} {}", where, check.key);
  return fmt::format("{} {}: {}", where, cj::verdict::key_of(check.result.of), check.result.sentence);
}

std::string write_json(const grade_report& report) {
  ordered_json lessons = ordered_json::array();
  for (const auto& lesson : report.lessons) {
    const auto& r = lesson.result;
    ordered_json checks = ordered_json::array();
    for (const auto& c : lesson.checks) {
      ordered_json findings = ordered_json::array();
      for (const auto& f : c.result.findings) findings.push_back(finding_to_json(f));
      const auto code = c.result.exit_code();
      checks.push_back(ordered_json{
          {"name", c.result.name},
          {"key", c.key},
          {"sentence", c.result.sentence},
          {"analysis", cj::verdict::key_of(c.result.of)},
          {"status", key_of(c.result.status)},
          {"reason", c.result.reason},
          {"exit_code", code ? ordered_json(*code) : ordered_json(nullptr)},
          {"seconds", c.result.seconds},
          {"assertions", {{"passed", c.result.assertions_passed}, {"failed", c.result.assertions_failed}}},
          {"points", c.points},
          {"max_points", c.max_points},
          {"task", c.task ? ordered_json(*c.task) : ordered_json(nullptr)},
          {"message", c.message},
          {"findings", std::move(findings)},
          {"output", kept_output(c)},
          {"output_bytes", c.result.output_bytes},
      });
    }
    lessons.push_back(ordered_json{
        {"number", r.number},
        {"topic", r.topic},
        {"folder", r.folder},
        {"build_status", key_of(r.build)},
        {"build_error", r.build_error ? finding_to_json(*r.build_error) : ordered_json(nullptr)},
        {"seconds", r.seconds},
        {"score", lesson.score},
        {"max_score", lesson.max_score},
        {"grading_file", lesson.grading_file},
        {"notes", lesson.notes},
        {"checks", std::move(checks)},
    });
  }
  const auto& t = report.tamper;
  const ordered_json document{
      {"tool", "cookiejar"},
      {"report_version", 1},
      {"version", report.tool_version},
      {"commit", report.commit},
      {"stress_rounds", report.stress_rounds},
      {"seconds", report.seconds},
      {"score", report.score()},
      {"max_score", report.max_score()},
      {"tamper",
       ordered_json{{"state", t.state},
                    {"summary", t.summary},
                    {"files", t.files},
                    {"changed", t.changed},
                    {"added", t.added},
                    {"removed", t.removed}}},
      {"lessons", std::move(lessons)},
  };
  return dump(document);
}

std::string write_gradescope(const grade_report& report) {
  ordered_json tests = ordered_json::array();
  std::string output = fmt::format("cookiejar {} grade: {} of {} points; stress checks ran {} round(s) each.\n",
                                   report.tool_version, points_text(report.score()),
                                   points_text(report.max_score()), report.stress_rounds);
  for (const auto& lesson : report.lessons) {
    const auto& r = lesson.result;
    output += fmt::format("lesson {} ({}): {} of {} points", r.number, r.topic, points_text(lesson.score),
                          points_text(lesson.max_score));
    if (r.build != build_state::built) output += fmt::format(" - build {}", key_of(r.build));
    output += "\n";
    if (const auto error = build_error_text(r); !error.empty()) output += error + "\n";
    for (const auto& note : lesson.notes) output += "  note: " + note + "\n";
    for (std::size_t i = 0; i < lesson.checks.size(); ++i) {
      const auto& c = lesson.checks[i];
      ordered_json tags = ordered_json::array({"lesson" + r.number, cj::verdict::key_of(c.result.of)});
      for (const auto& f : c.result.findings) {
        const auto words = words_of(f.bug_class);
        if (!words.empty() && std::find(tags.begin(), tags.end(), words) == tags.end()) tags.push_back(words);
      }
      tests.push_back(ordered_json{
          {"name", display_name(lesson, c)},
          {"number", fmt::format("{}.{}", lesson_index(r.number), i + 1)},
          {"score", c.points},
          {"max_score", c.max_points},
          {"status", passed(c) ? "passed" : "failed"},
          {"output", check_text(c, 6000)},
          {"output_format", "text"},
          {"tags", std::move(tags)},
          {"visibility", "visible"},
      });
    }
  }
  output += report.tamper.summary + "\n";
  const auto& t = report.tamper;
  const ordered_json document{
      {"score", report.score()},
      {"max_score", report.max_score()},
      {"execution_time", static_cast<long long>(std::lround(report.seconds))},
      {"output", output},
      {"output_format", "text"},
      {"test_output_format", "text"},
      {"stdout_visibility", "visible"},
      {"visibility", "visible"},
      {"extra_data",
       ordered_json{{"tool_version", report.tool_version},
                    {"commit", report.commit},
                    {"stress_rounds", report.stress_rounds},
                    {"tamper", ordered_json{{"state", t.state},
                                            {"changed", t.changed},
                                            {"added", t.added},
                                            {"removed", t.removed}}}}},
      {"tests", std::move(tests)},
  };
  return dump(document);
}

std::string write_exercism(const grade_report& report) {
  constexpr std::size_t output_limit = 500;    // the specification's limit for a test's output
  constexpr std::size_t message_limit = 65535;  // and for the top-level message
  ordered_json tests = ordered_json::array();
  bool any_ran = false;
  bool all_passed = true;
  std::string errors;
  for (const auto& lesson : report.lessons) {
    if (const auto error = build_error_text(lesson.result); !error.empty()) {
      errors += fmt::format("lesson {}: {}\n", lesson.result.number, error);
    }
    for (const auto& c : lesson.checks) {
      const auto status = c.result.status;
      const std::string verdict = status == check_status::passed                                  ? "pass"
                                  : status == check_status::failed || status == check_status::hung ? "fail"
                                                                                                   : "error";
      if (status != check_status::not_run) any_ran = true;
      if (verdict != "pass") all_passed = false;
      ordered_json test{{"name", display_name(lesson, c)}, {"status", verdict}};
      if (verdict != "pass") test["message"] = truncated(c.message, message_limit, "\n...");
      if (!c.result.output.empty()) {
        test["output"] = truncated(c.result.output, output_limit, "\n... (cut at 500 characters)");
      }
      test["test_code"] = ctest_command(lesson, c);
      if (c.task) test["task_id"] = *c.task;
      tests.push_back(std::move(test));
    }
  }
  ordered_json document{{"version", 3}};
  if (!any_ran) {
    document["status"] = "error";
    document["message"] = truncated(errors.empty() ? std::string("no check ran") : errors, message_limit, "\n...");
  } else {
    document["status"] = all_passed ? "pass" : "fail";
  }
  document["tests"] = std::move(tests);
  return dump(document);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\t':
        case '\n':
        case '\r': out += static_cast<char>(c); break;
        default:
          if (c >= 0x20 && c != 0x7F) out += static_cast<char>(c);
      }
      ++p;
      continue;
    }
    // A multi-byte UTF-8 sequence: copy it when well-formed, else one U+FFFD per bad byte.
    const int length = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = length > 0 && end - p >= length;
    for (int i = 1; ok && i < length; ++i) ok = (p[i] & 0xC0) == 0x80;
    if (ok) {
      char32_t cp = length == 2 ? (c & 0x1F) : length == 3 ? (c & 0x0F) : (c & 0x07);
      for (int i = 1; i < length; ++i) cp = (cp << 6) | (p[i] & 0x3F);
      const bool overlong = (length == 2 && cp < 0x80) || (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
      ok = !overlong && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    }
    if (ok) {
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(length));
      p += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++p;
    }
  }
  return out;
}

std::string write_junit(const grade_report& report) {
  std::string suites;
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  for (const auto& lesson : report.lessons) {
    const auto& r = lesson.result;
    std::string cases;
    std::size_t lesson_failures = 0;
    std::size_t lesson_errors = 0;
    for (const auto& c : lesson.checks) {
      const auto status = c.result.status;
      const auto classname = fmt::format("lesson{}.{}", r.number, cj::verdict::key_of(c.result.of));
      const auto name = c.result.sentence.empty() ? c.key : c.result.sentence;
      cases += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3f}\">\n", xml_escape(name),
                           xml_escape(classname), c.result.seconds);
      if (status != check_status::passed) {
        const bool is_error = status != check_status::failed && status != check_status::hung;
        const auto first_line = c.message.substr(0, c.message.find('\n'));
        cases += fmt::format("      <{0} message=\"{1}\" type=\"{2}\">{3}</{0}>\n", is_error ? "error" : "failure",
                             xml_escape(first_line), key_of(status), xml_escape(c.message));
        ++(is_error ? lesson_errors : lesson_failures);
      }
      if (!kept_output(c).empty()) {
        cases += fmt::format("      <system-out>{}</system-out>\n", xml_escape(kept_output(c)));
      }
      cases += "    </testcase>\n";
    }
    std::string properties;
    const auto property = [&properties](std::string_view key, std::string_view value) {
      properties += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_escape(key), xml_escape(value));
    };
    property("score", points_text(lesson.score));
    property("max_score", points_text(lesson.max_score));
    property("build_status", key_of(r.build));
    if (const auto error = build_error_text(r); !error.empty()) property("build_error", error);
    property("tamper", report.tamper.summary);
    property("stress_rounds", fmt::format("{}", report.stress_rounds));
    for (const auto& note : lesson.notes) property("note", note);
    suites += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\">\n"
        "    <properties>\n{}    </properties>\n{}  </testsuite>\n",
        xml_escape(fmt::format("lesson{} ({})", r.number, r.topic)), lesson.checks.size(), lesson_failures,
        lesson_errors, r.seconds, properties, cases);
    tests += lesson.checks.size();
    failures += lesson_failures;
    errors += lesson_errors;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"cookiejar grade\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n{}"
      "</testsuites>\n",
      tests, failures, errors, report.seconds, suites);
}

std::optional<std::string> write_report(const grade_report& report, std::string_view format) {
  if (format == "json") return write_json(report);
  if (format == "gradescope") return write_gradescope(report);
  if (format == "exercism") return write_exercism(report);
  if (format == "junit") return write_junit(report);
  return std::nullopt;
}

}  // namespace cookiejar
