#pragma once
// Synthetic lesson results for the grading tests: the four shapes a grade must handle
// (everything passed, a failed build, a crashed check, a hung check).
#include <string>

#include "grade.hpp"

namespace cookiejar::samples {

// A check as the runner makes it from a verdict: a failed one has a reason, its
// records' assertion counts, a bounded output and a finding.
inline check_result check(const std::string& analysis, const std::string& sentence, check_status status,
                          std::optional<int> exit_status = 0, std::optional<int> signal = std::nullopt) {
  check_result c;
  c.name = "lesson02.student." + analysis + "." + sentence;
  c.sentence = sentence;
  c.of = cj::verdict::from_key(analysis, cj::verdict::all_analyses).value();
  c.status = status;
  c.exit_status = exit_status;
  c.signal = signal;
  c.seconds = 0.25;
  c.assertions_passed = 3;
  if (status != check_status::passed) {
    c.output = "some output <with> \"markup\" & a \x1b[31mcolour\x1b[0m and a bad byte \xff\n";
    c.output_bytes = c.output.size();
    c.reason = "\"" + sentence + "\": " + key_of(status) + ": cookie 17 was eaten twice";
    c.assertions_failed = status == check_status::failed ? 2 : 0;
    finding f;
    f.property = "cookie 17 was eaten twice";
    f.found_by = c.of;
    f.location = "lessons/02-lock/bounded_buffer.hpp:41";
    f.bug_class = bug::check_then_act;
    f.details = "step | producer 0 | producer 1\n1    | lock        |";
    f.replay = "CJ_MODEL_REPLAY=1:2:3 ./lesson02_student_model 'x'";
    c.findings.push_back(f);
  }
  return c;
}

inline lesson_result lesson(build_state build = build_state::built) {
  lesson_result r;
  r.number = "02";
  r.topic = "lock";
  r.folder = "02-lock";
  r.build = build;
  r.seconds = 3.5;
  return r;
}

inline lesson_result all_passed() {
  auto r = lesson();
  r.checks.push_back(check("unit", "a jar of capacity 0 is refused", check_status::passed));
  r.checks.push_back(check("stress", "two producers and two consumers share a jar of one", check_status::passed));
  r.checks.push_back(check("model", "two producers racing for the last place never both get in", check_status::passed));
  return r;
}

inline lesson_result build_failed() {
  auto r = lesson(build_state::failed);
  finding e;
  e.property = "lessons/02-lock/bounded_buffer.hpp:12:5: error: unknown type name 'mutexx'";
  e.found_by = analysis::build;
  e.location = "lessons/02-lock/bounded_buffer.hpp:12";
  e.details = "    cj::mutexx mutex_;\n    ^";
  r.build_error = e;
  return r;
}

inline lesson_result crashed() {
  auto r = all_passed();
  r.checks[0] = check("unit", "a jar of capacity 0 is refused", check_status::crashed, std::nullopt, 11);
  return r;
}

inline lesson_result hung() {
  auto r = all_passed();
  r.checks[1] = check("stress", "two producers and two consumers share a jar of one", check_status::hung, 70);
  r.checks[2] = check("model", "two producers racing for the last place never both get in", check_status::failed, 1);
  return r;
}

// grading.json for the lesson above: points per check, the stress check with a task.
inline grading_rules rules() {
  return parse_grading(R"({
    "lesson": "02",
    "points": {"unit": 1, "stress": 2, "model": 3},
    "checks": {
      "unit.a jar of capacity 0 is refused": 1,
      "stress.two producers and two consumers share a jar of one": {"points": 4, "task": 3},
      "model.two producers racing for the last place never both get in": 5
    }
  })",
                       "02");
}

inline grade_report report(const lesson_result& r) {
  grade_report g;
  g.lessons.push_back(apply_grading(r, rules()));
  g.tool_version = "0.1.0";
  g.commit = std::string(40, 'a');
  g.stress_rounds = 3;
  g.seconds = 12.6;
  g.tamper.state = "differs";
  g.tamper.changed = {"checks/02-lock/stress_test.cpp"};
  g.tamper.files = 80;
  g.tamper.summary = "checks/ differs from the manifest: 1 changed, 0 added, 0 removed";
  return g;
}

}  // namespace cookiejar::samples
