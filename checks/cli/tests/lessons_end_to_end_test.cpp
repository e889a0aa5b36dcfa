// `cookiejar check`, `grade` and `replay` end to end on the starter of every lesson
// with model checks (02 to 05; lesson 01's are in end_to_end_test.cpp and
// grade_end_to_end_test.cpp): each in its own scratch copy of the course, built once.
// What each starter must fail, and the points it must get, are in starters.json.
#include <cookiejar/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <regex>
#include <set>

#include "grade_scratch.hpp"
#include "process.hpp"
#include "quiz.hpp"
#include "text.hpp"

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path real_repo = COOKIEJAR_CLI_REPO;

cookiejar::process_result cookiejar_cli(const fs::path& repo, std::vector<std::string> args, std::string input = {}) {
  args.insert(args.begin(), {COOKIEJAR_CLI_EXE, "--repo", repo.string(), "--quiet"});
  if (input.empty()) return cookiejar::run_process(args, {.timeout_seconds = 1800, .environment = {"NO_COLOR=1", cookiejar::scratch::checks_own_limits}});
  // stdin from a file: what a student would type, one Enter per step.
  const auto typed = repo / "typed.txt";
  std::ofstream(typed) << input;
  std::string line = "exec";
  for (const auto& a : args) line += " " + cookiejar::shell_quote(a);
  return cookiejar::run_process({"sh", "-c", line + " < " + cookiejar::shell_quote(typed.string())},
                                {.timeout_seconds = 1800, .environment = {"NO_COLOR=1", cookiejar::scratch::checks_own_limits}});
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json expectations(const std::string& number) {
  return json::parse(cookiejar::scratch::read(fs::path(COOKIEJAR_CLI_TESTS_DIR) / "starters.json"))[number];
}

// Times each step, so `ctest -V` shows where an end-to-end run spends its minutes.
struct stopwatch {
  std::string what;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  ~stopwatch() {
    std::cout << what << ": "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
  }
};

// The lesson's quiz (checks/NN-topic/quiz.json) asks about what `check` printed: a
// question that reads `check`'s report finds its check there in full (not "(as above)")
// and its answer in it; one that reads the replay finds the check "(as above)", as it says,
// with its `replay it:` command.
void quiz_is_answerable_from(const std::string& number, const std::string& output) {
  std::string problem;
  const auto q = cookiejar::load_quiz(cookiejar::find_lesson(real_repo, number), problem);
  INFO(problem);
  REQUIRE(q);
  for (const auto& x : q->questions) {
    INFO("quiz question '" << x.id << "' reads '" << x.check << "' via " << x.via);
    const auto at = output.find("\xe2\x9c\x97 " + x.check + "  [");  // "✗ <sentence>  [model, failed]"
    REQUIRE(at != std::string::npos);
    const auto end = output.find("\n\xe2\x9c\x97 ", at);
    const auto section = output.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (x.via == "replay") {
      CHECK(has(section, "(as above)"));
      CHECK(has(section, "replay it:   cookiejar replay " + number + " '"));
      continue;
    }
    CHECK(!has(section, "(as above)"));
    if (x.take != "text") continue;  // a column's thread: quiz_reports_test.cpp reads the table
    std::smatch m;
    REQUIRE(std::regex_search(section, m, std::regex(x.pattern)));
    std::string why;
    const auto answer = cookiejar::normalise_answer(x.kind, m[1].str(), why);
    REQUIRE(answer);
    CHECK(cookiejar::answer_hash(x.salt, *answer) == x.sha256);
  }
}

// check, then grade on the same build; their verdicts must be the starter's.
void starter_is_caught(const std::string& number) {
  const auto expected = expectations(number);
  REQUIRE(expected.is_object());
  const auto repo = cookiejar::scratch::prepare(real_repo, fs::path(COOKIEJAR_E2E_SCRATCH) / number, number);
  std::set<std::string> must_fail, may_fail;
  for (const auto& k : expected["fail"]) must_fail.insert(k.get<std::string>());
  for (const auto& k : expected["either"]) may_fail.insert(k.get<std::string>());

  cookiejar::process_result checked;
  {
    stopwatch t{"lesson " + number + ": build and check"};
    checked = cookiejar_cli(repo, {"check", number, "--html"});
  }
  INFO(checked.output);
  CHECK(checked.exit_code == 1);
  CHECK(has(checked.output, "Stuck? cookiejar hint " + number));
  quiz_is_answerable_from(number, checked.output);
  const auto last = json::parse(cookiejar::scratch::read(repo / "build" / ("lesson-" + number) / "cookiejar-last.json"));
  CHECK(last["build_status"] == "built");
  std::size_t passed = 0;
  for (const auto& c : last["checks"]) {
    const auto name = c["name"].get<std::string>();
    const auto key = name.substr(name.find('.', name.find('.') + 1) + 1);  // lessonNN.student.<key>
    INFO(key);
    const bool failed = c["status"] != "passed";
    passed += !failed;
    if (!may_fail.contains(key)) CHECK(failed == must_fail.contains(key));
    if (failed) CHECK(!c["findings"].empty());
  }
  CHECK(has(checked.output, "lesson " + number + ": " + std::to_string(passed) + " of " +
                                std::to_string(last["checks"].size()) + " checks pass."));

  // --html: a page per failed check, linked from the index; a model check's page holds
  // its schedule (browser_test.cpp walks such pages in chromium).
  const auto pages = repo / "build" / ("lesson-" + number) / "pages";
  CHECK(has(checked.output, "pages: " + std::to_string(last["checks"].size() - passed) + " failed check"));
  REQUIRE(fs::exists(pages / "index.html"));
  const auto embedded = [](const fs::path& page) {
    const auto text = cookiejar::scratch::read(page);
    const std::string open = "id=\"cookiejar-data\">";
    const auto from = text.find(open);
    REQUIRE(from != std::string::npos);
    return json::parse(text.substr(from + open.size(), text.find("</script>", from) - from - open.size()));
  };
  const auto index = embedded(pages / "index.html");
  CHECK(index["pages"].size() == last["checks"].size() - passed);
  bool a_schedule = false;
  for (const auto& p : index["pages"]) {
    INFO(p.dump());
    REQUIRE(fs::exists(pages / p["file"].get<std::string>()));
    const auto page = embedded(pages / p["file"].get<std::string>());
    CHECK(page["check"]["sentence"] == p["sentence"]);
    CHECK(!page["findings"].empty());
    for (const auto& f : page["findings"]) a_schedule = a_schedule || !f["steps"].empty();
  }
  CHECK(a_schedule);

  const auto report = repo / "grade.json";
  cookiejar::process_result graded;
  {
    stopwatch t{"lesson " + number + ": grade"};
    graded = cookiejar_cli(repo, {"grade", number, "--format", "json", "--output", report.string(), "--rounds", "1"});
  }
  INFO(graded.output);
  REQUIRE(graded.exit_code == 0);
  const auto doc = json::parse(cookiejar::scratch::read(report));
  const auto& lesson = doc["lessons"][0];
  const double score = lesson["score"];
  CHECK(score >= expected["points"][0].get<double>());
  CHECK(score <= expected["points"][1].get<double>());
  CHECK(lesson["max_score"] == expected["max_points"]);
  for (const auto& c : lesson["checks"]) {
    const auto key = c["key"].get<std::string>();
    INFO(key);
    if (!may_fail.contains(key)) CHECK((c["status"] != "passed") == must_fail.contains(key));
    if (c["status"] != "passed") CHECK(!c["message"].get<std::string>().empty());
  }
}

// The first model failure's replay, stepped through with one Enter per step.
void replay_steps(const std::string& number) {
  const auto repo = fs::path(COOKIEJAR_E2E_SCRATCH) / number / "repo";
  const auto last = json::parse(cookiejar::scratch::read(repo / "build" / ("lesson-" + number) / "cookiejar-last.json"));
  std::string replay;
  for (const auto& c : last["checks"])
    for (const auto& f : c["findings"])
      if (replay.empty() && !f["replay"].get<std::string>().empty()) replay = f["replay"];
  INFO("the replay `check` offered: " << replay);
  const std::string prefix = "cookiejar replay " + number + " '";
  REQUIRE(replay.rfind(prefix, 0) == 0);
  const auto argument = replay.substr(prefix.size(), replay.size() - prefix.size() - 1);  // the one quoted word
  REQUIRE(argument.find('\'') == std::string::npos);

  const auto stepped = cookiejar_cli(repo, {"replay", number, argument, "--step"}, std::string(500, '\n'));
  INFO(stepped.output);
  CHECK(stepped.exit_code == 1);
  CHECK(has(stepped.output, "FAILED\n"));
  CHECK(has(stepped.output, "  1   | "));
  const auto steps_at = stepped.output.rfind("\n(");
  REQUIRE(steps_at != std::string::npos);
  const int steps = std::stoi(stepped.output.substr(steps_at + 2));
  CHECK(steps > 0);
  // The table's rows are numbered "  N   | ": the last step's row is there, no row after it.
  const auto row = [](int n) {
    auto label = std::to_string(n);
    label.resize(4, ' ');
    return "\n  " + label + "| ";
  };
  CHECK(has(stepped.output, row(steps)));
  CHECK(!has(stepped.output, row(steps + 1)));

  // The same schedule as a page and as a Mermaid diagram.
  const auto page = repo / "replayed.html";
  const auto drawn = cookiejar_cli(repo, {"replay", number, argument, "--html", page.string(), "--mermaid"});
  INFO(drawn.output);
  CHECK(drawn.exit_code == 1);
  CHECK(has(drawn.output, "```mermaid\nsequenceDiagram\n"));
  CHECK(has(drawn.output, "page: " + page.string()));
  REQUIRE(fs::exists(page));
  CHECK(has(cookiejar::scratch::read(page), "\"steps\":[{"));
  // Not a page: refused before anything runs, the file left as it was.
  const auto file = cookiejar::scratch::lesson_folder(repo, "lessons", number) / "bounded_buffer.hpp";
  const auto before = cookiejar::scratch::read(file);
  const auto refused = cookiejar_cli(repo, {"replay", number, argument, "--html", file.string()});
  CHECK(refused.exit_code == 2);
  CHECK(has(refused.output, "does not end in .html"));
  CHECK(cookiejar::scratch::read(file) == before);
}

}  // namespace

TEST_CASE("end-to-end.lesson 02's starter: check and grade fail it where starters.json says, replay steps", "[cli][e2e]") {
  starter_is_caught("02");
  replay_steps("02");

  // replay goes by the student's file as it is now: a change means a rebuild first, and
  // a file that does not compile is refused, saying why, without touching the file.
  const auto repo = fs::path(COOKIEJAR_E2E_SCRATCH) / "02" / "repo";
  const auto file = cookiejar::scratch::lesson_folder(repo, "lessons", "02") / "bounded_buffer.hpp";
  const auto starter = cookiejar::scratch::read(file);
  const auto last = json::parse(cookiejar::scratch::read(repo / "build/lesson-02/cookiejar-last.json"));
  std::string replay;
  for (const auto& c : last["checks"])
    for (const auto& f : c["findings"])
      if (replay.empty() && !f["replay"].get<std::string>().empty()) replay = f["replay"];
  const auto argument = replay.substr(std::string("cookiejar replay 02 '").size(),
                                      replay.size() - std::string("cookiejar replay 02 '").size() - 1);

  cookiejar::scratch::put(file, starter + "// a comment at the end changes no line of a cj:: call\n");
  const auto rebuilt = cookiejar_cli(repo, {"replay", "02", argument});
  INFO(rebuilt.output);
  CHECK(has(rebuilt.output, "your file is newer than the build: rebuilding lesson 02 first"));
  CHECK(has(rebuilt.output, "FAILED\n"));

  const auto broken = starter + "this line is not C++;\n";
  cookiejar::scratch::put(file, broken);
  const auto refused = cookiejar_cli(repo, {"replay", "02", argument});
  INFO(refused.output);
  CHECK(refused.exit_code == 1);
  CHECK(has(refused.output, "lesson 02 does not build now, so there is nothing to replay the schedule on"));
  CHECK(has(refused.output, "lessons/02-lock/bounded_buffer.hpp:"));
  CHECK(cookiejar::scratch::read(file) == broken);
  cookiejar::scratch::put(file, starter);
}

TEST_CASE("end-to-end.lesson 03's starter: check and grade fail it where starters.json says, replay steps", "[cli][e2e]") {
  starter_is_caught("03");
  replay_steps("03");
}

TEST_CASE("end-to-end.lesson 04's starter: check and grade fail it where starters.json says, replay steps", "[cli][e2e]") {
  starter_is_caught("04");
  replay_steps("04");
}

TEST_CASE("end-to-end.lesson 05's starter: check and grade fail it where starters.json says, replay steps", "[cli][e2e]") {
  starter_is_caught("05");
  replay_steps("05");
}

