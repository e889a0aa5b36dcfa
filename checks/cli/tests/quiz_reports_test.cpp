// The quiz cannot drift from the reports: for every question of checks/NN-topic/quiz.json,
// the starter's real check that its `source` names is run as `cookiejar check` runs it
// (this build's lessonNN_starter_model, through the runner, its failure translated), its
// findings are rendered as `check` prints them (via "replay": the schedule of its `replay
// it:` command is replayed through the runner and rendered as `replay` prints it), the
// source's pattern finds the answer in that text, and the answer, normalised for its kind,
// must hash to the stored sha256.
// The same answers must appear nowhere in their lesson's quiz file but in its hashes (a
// question that names another's answer gives it away; so would a pattern or a note), and
// the line of the report that holds each answer must not be quoted in the lesson's
// chapter, its HINTS.md or docs/cli.md (a question answered by reading those is no
// question about the report).
//
// COOKIEJAR_QUIZ_SHOW=1 prints each report read and each answer's hash (to re-capture a
// quiz after a starter changed: the hash to store is printed, the answer is not stored).
#include <cookiejar/catch.hpp>
#include <cookiejar/detail/verdict_render.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "quiz.hpp"
#include "text.hpp"
#include "render.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path repo = COOKIEJAR_CLI_REPO;
const fs::path out_dir = COOKIEJAR_QUIZ_OUT;

const std::map<std::string, std::string> starter_model = {
    {"02", COOKIEJAR_LESSON02_STARTER_MODEL},
    {"03", COOKIEJAR_LESSON03_STARTER_MODEL},
    {"04", COOKIEJAR_LESSON04_STARTER_MODEL},
    {"05", COOKIEJAR_LESSON05_STARTER_MODEL},
};

bool show() {
  const char* v = std::getenv("COOKIEJAR_QUIZ_SHOW");
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

cookiejar::test_spec starter_spec(const cookiejar::lesson_info& lesson, const std::string& sentence) {
  const auto exe = starter_model.at(lesson.number);
  cookiejar::test_spec spec;
  spec.name = "lesson" + lesson.number + ".starter.model." + sentence;
  spec.command = {COOKIEJAR_CLI_RUN_CHECK, "--analysis", "model", "--timeout", "100", "--", exe, sentence};
  spec.working_directory = fs::path(exe).parent_path();
  spec.timeout = 100;
  spec.of = cj::verdict::analysis::model;
  spec.judged = true;
  fs::create_directories(out_dir);
  return spec;
}

// What `check` prints under the starter's model check `sentence` (its findings, rendered),
// or with via == "replay" what the `replay it:` command printed there prints (the schedule
// replayed through the runner, rendered as `replay` renders it).
std::string starter_report(const cookiejar::lesson_info& lesson, const std::string& sentence, const std::string& via) {
  const auto spec = starter_spec(lesson, sentence);
  const auto check = cookiejar::run_check(spec, lesson, out_dir / ("lesson" + lesson.number + "-verdict.json"));
  INFO("the starter's check '" << sentence << "' did not fail: the quiz asks about its failure");
  REQUIRE(check.status == cookiejar::check_status::failed);
  std::string text;
  for (const auto& f : check.findings) text += cookiejar::render_finding(f) + "\n";
  if (via == "check") return text;
  REQUIRE(via == "replay");
  std::string command;
  for (const auto& f : check.findings)
    if (!f.replay.empty()) command = f.replay;
  INFO("the check's report:\n" << text);
  REQUIRE(command.rfind("cookiejar replay " + lesson.number + " '", 0) == 0);
  const auto quoted = command.substr(command.find('\'') + 1);
  const auto target = cookiejar::parse_replay(quoted.substr(0, quoted.rfind('\'')));
  REQUIRE(target);
  REQUIRE(target->sentence == sentence);
  const auto run = cookiejar::run_judged(spec, out_dir / ("lesson" + lesson.number + "-replay.json"),
                                         {"CJ_MODEL_REPLAY=" + target->schedule});
  INFO(run.problem);
  REQUIRE(run.verdict);
  for (const auto& r : run.verdict->records)
    for (const auto& f : r.findings)
      if ((f.from == cj::verdict::source::model || f.from == cj::verdict::source::schedule) && !f.steps.empty())
        return cj::verdict::render_report(sentence, f);
  FAIL("the replay's records hold no schedule");
  return "";
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  return first == std::string::npos ? "" : s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Whether `file` has a line that is `line` (both trimmed).
bool quoted_in(const fs::path& file, const std::string& line) {
  std::istringstream lines(cookiejar::read_file(file).value_or(""));
  for (std::string l; std::getline(lines, l);)
    if (trim(l) == line) return true;
  return false;
}

bool has_word(const std::string& text, const std::string& word) {
  // case-insensitive, not inside a longer word or number
  const std::regex whole("(^|[^A-Za-z0-9_])" + std::regex_replace(word, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                             "($|[^A-Za-z0-9_])",
                         std::regex::icase);
  return std::regex_search(text, whole);
}

// The names in the header of the report's table (the first line that starts, after
// spaces, with "|").
std::vector<std::string> table_threads(const std::string& report) {
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] != '|') continue;
    std::vector<std::string> names;
    std::istringstream parts(line.substr(first + 1));
    for (std::string cell; std::getline(parts, cell, '|');) {
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      names.push_back(cell);
    }
    return names;
  }
  return {};
}

// The thread whose column of the report's table holds `offset`: the table's header is the
// first line that starts (after spaces) with "|", its cells the threads' names.
std::string column_thread(const std::string& report, std::size_t offset) {
  const auto line_start = report.rfind('\n', offset) + 1;  // npos + 1 == 0
  const auto bars = std::count(report.begin() + static_cast<long>(line_start), report.begin() + static_cast<long>(offset), '|');
  const auto names = table_threads(report);
  INFO("the report's table has " << names.size() << " columns; the match is after " << bars << " bars");
  REQUIRE(bars >= 1);
  REQUIRE(static_cast<std::size_t>(bars) <= names.size());
  return names[static_cast<std::size_t>(bars) - 1];
}

void quiz_matches_the_starters_reports(const std::string& number) {
  const auto lesson = cookiejar::find_lesson(repo, number);
  std::string problem;
  const auto q = cookiejar::load_quiz(lesson, problem);
  INFO(problem);
  REQUIRE(q);
  REQUIRE(q->questions.size() >= 2);
  REQUIRE(q->questions.size() <= 3);
  std::map<std::string, std::string> reports;  // a check read once for all its questions
  std::vector<std::string> answers;
  for (const auto& x : q->questions) {
    INFO("lesson " << number << ", question '" << x.id << "' (source: '" << x.check << "')");
    REQUIRE(!x.check.empty());
    REQUIRE(!x.pattern.empty());
    const auto key = x.via + ":" + x.check;
    if (!reports.contains(key)) reports[key] = starter_report(lesson, x.check, x.via);
    const auto& report = reports[key];
    if (show()) std::cout << "---- lesson " << number << ", " << x.via << ": " << x.check << "\n" << report;
    std::smatch m;
    INFO("the report:\n" << report);
    REQUIRE(std::regex_search(report, m, std::regex(x.pattern)));
    REQUIRE(m.size() >= 2);
    REQUIRE((x.take == "text" || x.take == "column"));
    const auto raw = x.take == "text" ? m[1].str() : column_thread(report, static_cast<std::size_t>(m.position(1)));
    std::string why;
    const auto normal = cookiejar::normalise_answer(x.kind, raw, why);
    INFO(why);
    REQUIRE(normal);
    const auto hash = cookiejar::answer_hash(x.salt, *normal);
    if (show()) std::cout << "==== " << x.id << ": the report's answer hashes to " << hash << "\n";
    INFO("the report's answer now hashes to " << hash << " (COOKIEJAR_QUIZ_SHOW=1 shows the reports)");
    CHECK(hash == x.sha256);
    // What the hash must tell apart: the numbers next to the answer, the table's other threads.
    std::vector<std::string> near;
    if (x.kind == "line" || x.kind == "number") {
      const auto value = std::stoul(*normal);
      near = {std::to_string(value + 1), std::to_string(value - 1)};
    } else if (x.kind == "thread") {
      near = table_threads(report);
      CHECK(std::find(near.begin(), near.end(), raw) != near.end());
      std::erase(near, raw);
      CHECK(!near.empty());
    }
    for (const auto& other : near) {
      INFO("another answer: " << other);
      const auto other_normal = cookiejar::normalise_answer(x.kind, other, why);
      REQUIRE(other_normal);
      CHECK(cookiejar::answer_hash(x.salt, *other_normal) != x.sha256);
    }
    answers.push_back(raw);
    // The line of the report that holds the answer is quoted in none of what a student
    // reads besides the report: the chapter, its hints, docs/cli.md.
    const auto at = static_cast<std::size_t>(m.position(1));
    const auto from = report.rfind('\n', at) + 1;  // npos + 1 == 0
    const auto answer_line = trim(report.substr(from, report.find('\n', at) - from));
    for (const auto& doc : {lesson.lesson_dir / "README.md", lesson.lesson_dir / "HINTS.md", repo / "docs" / "cli.md"}) {
      INFO("the answer's line of the report, '" << answer_line << "', is quoted in " << doc.string());
      CHECK(!quoted_in(doc, answer_line));
    }
  }
  // The file as a reader sees it, without the salts and hashes: no answer in it.
  auto file = nlohmann::json::parse(cookiejar::read_file(lesson.checks_dir / "quiz.json").value());
  for (auto& item : file["questions"]) {
    item.erase("salt");
    item.erase("sha256");
  }
  const auto readable = file.dump(2);
  for (const auto& a : answers) {
    INFO("lesson " << number << ": checks/" << lesson.folder << "/quiz.json names the answer '" << a << "'");
    CHECK(!has_word(readable, a));
  }
}

}  // namespace

TEST_CASE("quiz.lesson 02's stored answers are what the starter's model checks report", "[cli][quiz]") {
  quiz_matches_the_starters_reports("02");
}
TEST_CASE("quiz.lesson 03's stored answers are what the starter's model checks report", "[cli][quiz]") {
  quiz_matches_the_starters_reports("03");
}
TEST_CASE("quiz.lesson 04's stored answers are what the starter's model checks report", "[cli][quiz]") {
  quiz_matches_the_starters_reports("04");
}
TEST_CASE("quiz.lesson 05's stored answers are what the schedule explorer reports of the starter", "[cli][quiz]") {
  quiz_matches_the_starters_reports("05");
}
