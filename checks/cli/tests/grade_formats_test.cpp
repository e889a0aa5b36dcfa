// The report formats, checked the way their specifications shape them: required keys
// present, types right, enumerations in range, scores that add up. Every format is
// checked on the four shapes a grade must survive (grade_samples.hpp).
#include <cookiejar/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "formats.hpp"
#include "grade_samples.hpp"

using nlohmann::json;
using namespace cookiejar;

namespace {

std::vector<std::pair<std::string, grade_report>> every_shape() {
  return {{"all passed", samples::report(samples::all_passed())},
          {"build failed", samples::report(samples::build_failed())},
          {"crashed", samples::report(samples::crashed())},
          {"hung", samples::report(samples::hung())}};
}

bool is_one_of(const json& value, std::set<std::string> allowed) {
  return value.is_string() && allowed.contains(value.get<std::string>());
}

// A small well-formedness check of XML: tags nest and close, attribute values are
// quoted, and text holds no raw '<' and no '&' outside an entity.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  static const std::regex tag(R"(<(/?)([A-Za-z][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(/?)>)");
  static const std::regex entity(R"(&(amp|lt|gt|quot|apos);)");
  std::size_t at = xml.find("?>");
  if (xml.rfind("<?xml", 0) != 0 || at == std::string::npos) return "no XML declaration";
  at += 2;
  while (at < xml.size()) {
    const auto lt = xml.find('<', at);
    const auto text = xml.substr(at, (lt == std::string::npos ? xml.size() : lt) - at);
    const auto stripped = std::regex_replace(text, entity, "");
    if (stripped.find('&') != std::string::npos) return "a raw & in text: " + text;
    for (unsigned char c : text) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return "a control character in text";
    }
    if (lt == std::string::npos) break;
    std::smatch m;
    const auto rest = xml.substr(lt);
    if (!std::regex_search(rest, m, tag, std::regex_constants::match_continuous)) {
      return "a malformed tag at: " + rest.substr(0, 60);
    }
    if (std::regex_replace(m[3].str(), entity, "").find('&') != std::string::npos) return "a raw & in an attribute";
    if (m[1] == "/") {
      if (open.empty() || open.back() != m[2]) return "</" + m[2].str() + "> closes nothing open";
      open.pop_back();
    } else if (m[4] != "/") {
      open.push_back(m[2]);
    }
    at = lt + static_cast<std::size_t>(m.length(0));
  }
  return open.empty() ? "" : "<" + open.back() + "> is never closed";
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("grade.formats.a Gradescope results.json has the specification's fields, and its score is the sum of its tests",
          "[cli][grade]") {
  for (const auto& [shape, report] : every_shape()) {
    INFO("shape: " << shape);
    const auto doc = json::parse(write_gradescope(report));
    REQUIRE(doc.is_object());
    REQUIRE(doc["score"].is_number());
    REQUIRE(doc["max_score"].is_number());
    REQUIRE(doc["execution_time"].is_number_integer());
    REQUIRE(doc["output"].is_string());
    CHECK(is_one_of(doc["output_format"], {"text", "html", "simple_format", "md", "ansi"}));
    CHECK(is_one_of(doc["visibility"], {"hidden", "after_due_date", "after_published", "visible"}));
    CHECK(is_one_of(doc["stdout_visibility"], {"hidden", "after_due_date", "after_published", "visible"}));
    REQUIRE(doc["tests"].is_array());
    double score = 0;
    double max_score = 0;
    std::set<std::string> numbers;
    for (const auto& t : doc["tests"]) {
      REQUIRE(t["name"].is_string());
      REQUIRE(t["score"].is_number());
      REQUIRE(t["max_score"].is_number());
      CHECK(t["score"].get<double>() <= t["max_score"].get<double>());
      CHECK(is_one_of(t["status"], {"passed", "failed"}));
      CHECK((t["status"] == "passed") == (t["score"] == t["max_score"] && t["max_score"].get<double>() > 0));
      CHECK(t["output"].is_string());
      CHECK(is_one_of(t["output_format"], {"text", "html", "simple_format", "md", "ansi"}));
      CHECK(t["tags"].is_array());
      CHECK(is_one_of(t["visibility"], {"hidden", "after_due_date", "after_published", "visible"}));
      REQUIRE(t["number"].is_string());
      CHECK(numbers.insert(t["number"].get<std::string>()).second);
      score += t["score"].get<double>();
      max_score += t["max_score"].get<double>();
    }
    CHECK(doc["score"].get<double>() == score);
    CHECK(doc["max_score"].get<double>() == max_score);
    CHECK(max_score == 10);  // 1 + 4 + 5 in samples::rules(), whatever happened
  }
}

TEST_CASE("grade.formats.a Gradescope report gives a failed build no points and shows the compiler's error",
          "[cli][grade]") {
  const auto doc = json::parse(write_gradescope(samples::report(samples::build_failed())));
  CHECK(doc["score"] == 0);
  CHECK(doc["tests"].size() == 3);
  CHECK(doc["output"].get<std::string>().find("unknown type name 'mutexx'") != std::string::npos);
  for (const auto& t : doc["tests"]) {
    CHECK(t["status"] == "failed");
    CHECK(t["output"].get<std::string>().find("did not build") != std::string::npos);
  }
}

TEST_CASE("grade.formats.a Gradescope report of a hung check says it hung and names the bug class", "[cli][grade]") {
  const auto doc = json::parse(write_gradescope(samples::report(samples::hung())));
  CHECK(doc["score"] == 1);
  const auto& stress = doc["tests"][1];
  CHECK(stress["status"] == "failed");
  CHECK(stress["output"].get<std::string>().find("hung") != std::string::npos);
  CHECK(stress["output"].get<std::string>().find("lessons/02-lock/bounded_buffer.hpp:41") != std::string::npos);
  CHECK(std::find(stress["tags"].begin(), stress["tags"].end(), "check-then-act (atomicity violation)") !=
        stress["tags"].end());
  CHECK(doc["extra_data"]["tamper"]["state"] == "differs");
}

TEST_CASE("grade.formats.an Exercism results.json is version 3 with the specification's statuses and limits",
          "[cli][grade]") {
  const std::map<std::string, std::string> expected_status{
      {"all passed", "pass"}, {"build failed", "error"}, {"crashed", "fail"}, {"hung", "fail"}};
  for (const auto& [shape, report] : every_shape()) {
    INFO("shape: " << shape);
    const auto doc = json::parse(write_exercism(report));
    CHECK(doc["version"] == 3);
    CHECK(doc["status"] == expected_status.at(shape));
    if (doc["status"] == "error") {
      REQUIRE(doc["message"].is_string());
      CHECK(doc["message"].get<std::string>().find("unknown type name 'mutexx'") != std::string::npos);
    } else {
      CHECK((!doc.contains("message") || doc["message"].is_null()));
    }
    REQUIRE(doc["tests"].is_array());
    CHECK(doc["tests"].size() == 3);
    for (const auto& t : doc["tests"]) {
      REQUIRE(t["name"].is_string());
      CHECK(is_one_of(t["status"], {"pass", "fail", "error"}));
      if (t["status"] == "pass") {
        CHECK(!t.contains("message"));
      } else {
        REQUIRE(t["message"].is_string());
        CHECK(!t["message"].get<std::string>().empty());
      }
      if (t.contains("output")) {
        REQUIRE(t["output"].is_string());
        CHECK(t["output"].get<std::string>().size() <= 500);
      }
      REQUIRE(t["test_code"].is_string());
      CHECK(t["test_code"].get<std::string>().find("ctest --test-dir build/lesson-02") == 0);
      REQUIRE(t["task_id"].is_number_integer());
      CHECK(t["task_id"].get<int>() >= 1);
    }
    CHECK(doc["tests"][1]["task_id"] == 3);  // grading.json's task for the stress check
    CHECK(doc["tests"][0]["task_id"] == 2);  // else the lesson's number
  }
}

TEST_CASE("grade.formats.an Exercism report cuts a long output to 500 characters and calls a crash an error",
          "[cli][grade]") {
  auto result = samples::crashed();
  result.checks[0].output = std::string(2000, 'x');
  result.checks[0].output_bytes = 2000;
  const auto doc = json::parse(write_exercism(samples::report(result)));
  CHECK(doc["tests"][0]["status"] == "error");
  CHECK(doc["tests"][0]["output"].get<std::string>().size() <= 500);
  CHECK(doc["tests"][0]["output"].get<std::string>().find("cut") != std::string::npos);
  CHECK(doc["tests"][0]["message"].get<std::string>().find("signal 11") != std::string::npos);
}

TEST_CASE("grade.formats.a JUnit report is well-formed XML whose counts match its test cases", "[cli][grade]") {
  for (const auto& [shape, report] : every_shape()) {
    INFO("shape: " << shape);
    const auto xml = write_junit(report);
    CHECK(xml_problem(xml).empty());
    INFO(xml_problem(xml));
    CHECK(count(xml, "<testcase ") == 3);
    const auto failures = count(xml, "<failure ");
    const auto errors = count(xml, "<error ");
    CHECK(xml.find(fmt::format("tests=\"3\" failures=\"{}\" errors=\"{}\"", failures, errors)) != std::string::npos);
    CHECK(xml.find("<property name=\"max_score\" value=\"10\"/>") != std::string::npos);
  }
  const auto hung = write_junit(samples::report(samples::hung()));
  CHECK(hung.find("<failure message=\"hung: &quot;two producers and two consumers share a jar of one&quot;: hung: cookie "
                  "17 was eaten twice\" type=\"hung\">") != std::string::npos);
  CHECK(hung.find("&lt;with&gt; &quot;markup&quot; &amp; a [31mcolour") != std::string::npos);
  const auto broken = write_junit(samples::report(samples::build_failed()));
  CHECK(count(broken, "<error message=\"not run: the lesson did not build\" type=\"not_run\">") == 3);
}

TEST_CASE("grade.formats.xml_escape escapes markup, drops control characters and replaces broken UTF-8",
          "[cli][grade]") {
  CHECK(xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(xml_escape("tab\tline\nret\r") == "tab\tline\nret\r");
  CHECK(xml_escape(std::string("bell\x07 nul") + '\0' + "esc\x1b") == "bell nulesc");
  CHECK(xml_escape("caf\xc3\xa9 \xe2\x80\x94 ok") == "caf\xc3\xa9 \xe2\x80\x94 ok");
  CHECK(xml_escape("bad \xff byte") == "bad \xef\xbf\xbd byte");
  CHECK(xml_escape("cut \xe2\x80") == "cut \xef\xbf\xbd\xef\xbf\xbd");
  CHECK(xml_escape("overlong \xc0\xaf") == "overlong \xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("grade.formats.the json report holds every lesson, check, finding, point and the tamper evidence",
          "[cli][grade]") {
  for (const auto& [shape, report] : every_shape()) {
    INFO("shape: " << shape);
    const auto doc = json::parse(write_json(report));
    CHECK(doc["tool"] == "cookiejar");
    CHECK(doc["version"] == "0.1.0");
    CHECK(doc["commit"] == std::string(40, 'a'));
    CHECK(doc["stress_rounds"] == 3);
    CHECK(is_one_of(doc["tamper"]["state"], {"matches", "differs", "no_manifest", "unreadable"}));
    CHECK(doc["tamper"]["changed"] == json::array({"checks/02-lock/stress_test.cpp"}));
    REQUIRE(doc["lessons"].size() == 1);
    const auto& lesson = doc["lessons"][0];
    CHECK(lesson["number"] == "02");
    CHECK(is_one_of(lesson["build_status"], {"built", "failed", "not_started"}));
    double score = 0;
    for (const auto& c : lesson["checks"]) {
      CHECK(is_one_of(c["status"], {"passed", "failed", "crashed", "hung", "ended_early", "not_run"}));
      // A passed check's output decides nothing and is left out; a lost one's is kept, bounded.
      CHECK(c["output"].get<std::string>().empty() == (c["status"] == "passed" || c["status"] == "not_run"));
      CHECK(c["points"].get<double>() == (c["status"] == "passed" ? c["max_points"].get<double>() : 0.0));
      CHECK(c["findings"].is_array());
      CHECK(c["key"].get<std::string>().find(c["analysis"].get<std::string>() + ".") == 0);
      score += c["points"].get<double>();
    }
    CHECK(lesson["score"].get<double>() == score);
    CHECK(doc["score"].get<double>() == score);
    CHECK(doc["max_score"] == 10);
  }
  const auto hung = json::parse(write_json(samples::report(samples::hung())));
  CHECK(hung["lessons"][0]["checks"][2]["findings"][0]["replay"] == "CJ_MODEL_REPLAY=1:2:3 ./lesson02_student_model 'x'");
  const auto broken = json::parse(write_json(samples::report(samples::build_failed())));
  CHECK(broken["lessons"][0]["build_error"]["property"].get<std::string>().find("mutexx") != std::string::npos);
}

TEST_CASE("grade.formats.write_report knows exactly the four formats", "[cli][grade]") {
  const auto report = samples::report(samples::all_passed());
  for (auto format : report_formats) CHECK(write_report(report, format).has_value());
  CHECK_FALSE(write_report(report, "xml").has_value());
  CHECK_FALSE(write_report(report, "").has_value());
}
