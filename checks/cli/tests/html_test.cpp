// The page generator and the Mermaid diagram (html.hpp, mermaid.hpp), from records made
// here: the data a page embeds is the record's, the page cannot be broken out of, needs
// nothing from outside, and never replaces a file that is not a page. What the page's
// script draws from the data is tested in a browser (browser_test.cpp).
#include <cookiejar/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include <unistd.h>

#include "commands.hpp"
#include "html.hpp"
#include "mermaid.hpp"
#include "text.hpp"

using nlohmann::json;
namespace fs = std::filesystem;
namespace verdict = cj::verdict;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A course of one lesson whose file has numbered lines ("line 1" ... "line 90").
struct course {
  fs::path root;
  cookiejar::lesson_info lesson;
  explicit course(const std::string& tag) {
    root = fs::temp_directory_path() / ("cookiejar-cli-html-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "lessons" / "02-lock");
    fs::create_directories(root / "checks");
    std::ofstream file(root / "lessons" / "02-lock" / "bounded_buffer.hpp");
    for (int i = 1; i <= 90; ++i) file << "line " << i << "\n";
    lesson = {"02", "lock", "02-lock", root / "lessons" / "02-lock", root / "solutions" / "02-lock", root / "checks" / "02-lock"};
  }
  ~course() { fs::remove_all(root); }
};

const std::string student_file = "lessons/02-lock/bounded_buffer.hpp";

verdict::step step(std::size_t thread, std::string text, unsigned line = 0) {
  return {thread, std::move(text), line > 0 ? verdict::place{student_file, line} : verdict::place{}};
}

// A deadlock as the model checker records it: consumer 1 finished holding the mutex.
verdict::finding deadlock() {
  verdict::finding f;
  f.from = verdict::source::model;
  f.promise = "deadlock: every thread that has not finished is blocked, and nothing can wake them";
  f.bug_class = verdict::bug::deadlock;
  f.location = {student_file, 70};
  f.threads = {"producer 0", "consumer 0", "consumer 1"};
  f.steps = {step(0, "try_put(1) begins"), step(2, "try_get() begins"), step(2, "lock mutex #1", 70),
             step(2, "try_get() -> nullopt"), step(2, "(finished)"), step(0, "blocks on mutex #1", 46)};
  verdict::wait_edge w;
  w.thread = "producer 0";
  w.action = "lock";
  w.object = "mutex #1";
  w.holder = "consumer 1";
  w.held_at = {student_file, 70};
  w.holder_finished = true;
  f.waits = {w};
  f.found_by = "found by the bounded search (every schedule with at most 2 preemptions), schedule 153";
  f.conclusion = "DEADLOCK";
  f.replay = "bounded2:153 1 2 3";
  return f;
}

cookiejar::check_result failed_check(const verdict::finding& f, verdict::analysis of = verdict::analysis::model) {
  cookiejar::check_result c;
  c.name = "lesson02.student.model.two consumers racing for cookies never share one";
  c.sentence = "two consumers racing for cookies never share one";
  c.of = of;
  c.status = cookiejar::check_status::failed;
  verdict::record r;
  r.check = c.sentence;
  r.of = of;
  r.findings = {f};
  c.records = {r};
  return c;
}

// The JSON a page embeds, read back out of the page.
json embedded(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"cookiejar-data\">";
  const auto from = page.find(open);
  REQUIRE(from != std::string::npos);
  const auto to = page.find("</script>", from);
  REQUIRE(to != std::string::npos);
  return json::parse(page.substr(from + open.size(), to - from - open.size()));
}

}  // namespace

TEST_CASE("pages.a page's data is the record's: every step with its thread, line and object, and who holds what",
          "[cli][pages]") {
  course k("data");
  const auto f = deadlock();
  const auto data = cookiejar::page_data(k.lesson, failed_check(f), "cookiejar check 02 --html");
  CHECK(data["kind"] == "check");
  CHECK(data["hint"] == "cookiejar hint 02");
  REQUIRE(data["findings"].size() == 1);
  const auto& p = data["findings"][0];
  CHECK(p["verdict"] == "deadlock: every thread that has not finished is blocked, and nothing can wake them");
  CHECK(p["bug_words"] == "deadlock");
  CHECK(p["timeline"] == "steps");
  CHECK(p["replay"] == "cookiejar replay 02 'bounded2:153 1 2 3@two consumers racing for cookies never share one'");
  CHECK(p["threads"] == json::array({"producer 0", "consumer 0", "consumer 1"}));
  REQUIRE(p["steps"].size() == f.steps.size());
  for (std::size_t i = 0; i < f.steps.size(); ++i) {
    INFO("step " << i + 1);
    CHECK(p["steps"][i]["thread"] == f.steps[i].thread);
    CHECK(p["steps"][i]["text"] == f.steps[i].text);
    CHECK(p["steps"][i]["line"] == f.steps[i].at.line);
  }
  CHECK(p["steps"][2]["op"] == "lock");
  CHECK(p["steps"][2]["object"] == "mutex #1");
  CHECK(p["steps"][5]["op"] == "blocks");
  CHECK(p["steps"][0]["op"] == "");
  REQUIRE(p["waits"].size() == 1);
  CHECK(p["waits"][0]["holder"] == "consumer 1");
  CHECK(p["waits"][0]["holder_finished"] == true);
  // The student's file, as it is, is in the page.
  REQUIRE(data["files"].size() == 1);
  CHECK(data["files"][0]["path"] == student_file);
  CHECK(data["files"][0]["text"] == *cookiejar::read_file(k.root / student_file));
}

TEST_CASE("pages.the embedded data cannot end its script element, and reads back as the same data", "[cli][pages]") {
  course k("escape");
  auto f = deadlock();
  f.steps[0].text = "</script><script>alert(1)</script><!-- & \u2028";
  const auto data = cookiejar::page_data(k.lesson, failed_check(f), "cookiejar check 02 --html");
  const auto page = cookiejar::page_html(data);
  CHECK(count(page, "</script>") == 2);  // the data's own, and the script's
  CHECK(!has(page, "alert(1)</script>"));
  CHECK(embedded(page) == data);
  CHECK(embedded(page)["findings"][0]["steps"][0]["text"] == f.steps[0].text);
}

TEST_CASE("pages.a page needs nothing from outside its file: no address, and a policy that allows no network",
          "[cli][pages]") {
  course k("alone");
  const auto page = cookiejar::page_html(cookiejar::page_data(k.lesson, failed_check(deadlock()), "test"));
  CHECK(has(page, "default-src 'none'"));
  CHECK(has(page, cookiejar::page_generator_mark));
  CHECK(!has(page, " src="));
  CHECK(!has(page, "<link rel=\"stylesheet\""));
  CHECK(!has(page, "https:"));
  // The one "http:" is the SVG namespace, a name the script passes to createElementNS.
  CHECK(count(page, "http:") == 1);
  CHECK(has(page, "'http://www.w3.org/2000/svg'"));
}

TEST_CASE("pages.a data race becomes two steps, the earlier access first, each with the locks it held", "[cli][pages]") {
  course k("race");
  verdict::finding f;
  f.from = verdict::source::tsan;
  f.promise = "a data race";
  f.bug_class = verdict::bug::data_race;
  verdict::memory_access now{"observer 0 (T7)", false, "size()", {student_file, 82}, {}};
  verdict::memory_access before{"producer 0 (T3)", true, "try_put()", {student_file, 63}, {{"M0", {student_file, 40}}}};
  f.accesses = {now, before};
  const auto data = cookiejar::page_data(k.lesson, failed_check(f, verdict::analysis::stress), "test");
  const auto& p = data["findings"][0];
  CHECK(p["timeline"] == "race");
  CHECK(p["threads"] == json::array({"producer 0 (T3)", "observer 0 (T7)"}));
  REQUIRE(p["steps"].size() == 2);
  CHECK(p["steps"][0]["line"] == 63);
  CHECK(p["steps"][0]["thread"] == 0);
  CHECK(p["steps"][0]["text"] == "writes in try_put(), holding M0");
  CHECK(p["steps"][1]["line"] == 82);
  CHECK(p["steps"][1]["thread"] == 1);
  CHECK(p["steps"][1]["text"] == "reads in size(), holding no lock");
  CHECK(p["accesses"][1]["locks"][0]["id"] == "M0");
}

TEST_CASE("pages.a check without records gets a page of its words alone", "[cli][pages]") {
  course k("words");
  cookiejar::check_result c;
  c.sentence = "a new jar is empty";
  c.of = verdict::analysis::unit;
  c.status = cookiejar::check_status::crashed;
  cookiejar::finding words;
  words.property = "the check crashed";
  words.bug_class = verdict::bug::crash;
  c.findings = {words};
  const auto data = cookiejar::page_data(k.lesson, c, "test");
  REQUIRE(data["findings"].size() == 1);
  CHECK(data["findings"][0]["verdict"] == "the check crashed");
  CHECK(data["findings"][0]["steps"].empty());
  CHECK(data["findings"][0]["source"].is_null());
}

TEST_CASE("pages.the model checker's words say what a step does to which object", "[cli][pages]") {
  const auto a = [](const std::string& text) {
    const auto r = cookiejar::action_of(text);
    return r.op + "|" + r.object;
  };
  CHECK(a("lock mutex #1") == "lock|mutex #1");
  CHECK(a("unlock mutex #2") == "unlock|mutex #2");
  CHECK(a("blocks on mutex #1") == "blocks|mutex #1");
  CHECK(a("wait on condvar #1") == "wait|condvar #1");
  CHECK(a("notify_one condvar #1 (nobody waits)") == "notify_one|condvar #1");
  CHECK(a("acquire sem #2") == "acquire|sem #2");
  CHECK(a("release sem #1 ABOVE MAX") == "release|sem #1");
  CHECK(a("woken SPURIOUSLY") == "woken|");
  CHECK(a("try_put(1) begins") == "|");
  CHECK(a("(finished)") == "|");
}

TEST_CASE("pages.a page's file is named after its check", "[cli][pages]") {
  cookiejar::check_result c;
  c.of = verdict::analysis::model;
  c.sentence = "close() racing with put(): a refused cookie never comes out, an accepted one always does";
  CHECK(cookiejar::page_file_name(c) ==
        "model-close-racing-with-put-a-refused-cookie-never-comes-out-an-accepted-one-always-do.html");
}

TEST_CASE("pages.--html refuses a path that is not a page, and changes nothing there", "[cli][pages]") {
  course k("refuse");
  const auto file = k.root / student_file;
  const auto before = *cookiejar::read_file(file);
  CHECK(has(cookiejar::refuse_page_target(file, false), "does not end in .html"));
  CHECK(has(cookiejar::refuse_page_target(file, true), "is a file, not a folder"));
  const auto notes = k.root / "notes.html";
  std::ofstream(notes) << "<p>my notes</p>\n";
  CHECK(has(cookiejar::refuse_page_target(notes, false), "is not a page cookiejar wrote"));
  CHECK(has(cookiejar::refuse_page_target(k.root / "no-such-folder" / "p.html", false), "does not exist"));
  CHECK(cookiejar::refuse_page_target(k.root / "new.html", false).empty());
  // A page cookiejar wrote may be written again.
  std::ofstream(k.root / "old.html") << cookiejar::page_html(cookiejar::index_data(k.lesson, json::array(), "test"));
  CHECK(cookiejar::refuse_page_target(k.root / "old.html", false).empty());

  // check --html into a folder whose index.html is someone else's: refused, left as it was.
  cookiejar::context c;
  std::ostringstream out, err;
  c.out = &out;
  c.err = &err;
  c.run.repo = k.root;
  const auto dir = k.root / "pages";
  fs::create_directories(dir);
  std::ofstream(dir / "index.html") << "<p>mine</p>\n";
  cookiejar::lesson_result result;
  result.number = "02";
  result.build = cookiejar::build_state::built;
  result.checks = {failed_check(deadlock())};
  CHECK(cookiejar::write_check_pages(c, k.lesson, result, dir) == 2);
  CHECK(has(err.str(), "is not a page cookiejar wrote"));
  CHECK(*cookiejar::read_file(dir / "index.html") == "<p>mine</p>\n");
  CHECK(*cookiejar::read_file(file) == before);
}

TEST_CASE("pages.check --html writes a page per failed check and an index that links them, and drops stale pages",
          "[cli][pages]") {
  course k("write");
  cookiejar::context c;
  std::ostringstream out, err;
  c.out = &out;
  c.err = &err;
  c.run.repo = k.root;
  cookiejar::lesson_result result;
  result.number = "02";
  result.build = cookiejar::build_state::built;
  cookiejar::check_result passed;
  passed.sentence = "a new jar is empty";
  passed.status = cookiejar::check_status::passed;
  result.checks = {passed, failed_check(deadlock())};
  const auto dir = k.root / "pages";
  fs::create_directories(dir);
  // An earlier run's page of a check that passes now goes; a file of the student's stays.
  std::ofstream(dir / "unit-a-new-jar-is-empty.html") << cookiejar::page_html(cookiejar::index_data(k.lesson, json::array(), "test"));
  std::ofstream(dir / "notes.html") << "<p>mine</p>\n";
  REQUIRE(cookiejar::write_check_pages(c, k.lesson, result, dir) == 0);
  CHECK(fs::exists(dir / "notes.html"));
  const auto name = "model-two-consumers-racing-for-cookies-never-share-one.html";
  REQUIRE(fs::exists(dir / name));
  CHECK(!fs::exists(dir / "unit-a-new-jar-is-empty.html"));
  const auto index = embedded(*cookiejar::read_file(dir / "index.html"));
  REQUIRE(index["pages"].size() == 1);
  CHECK(index["pages"][0]["file"] == name);
  CHECK(index["pages"][0]["steps"] == 6);
  CHECK(embedded(*cookiejar::read_file(dir / name))["findings"][0]["steps"].size() == 6);
  CHECK(has(out.str(), "pages: 1 failed check in "));
  CHECK(has(out.str(), "index.html"));
}

TEST_CASE("mermaid.a schedule becomes a sequenceDiagram: a participant per thread and object, an arrow per step on one",
          "[cli][mermaid]") {
  const auto f = deadlock();
  CHECK(cookiejar::mermaid_sequence(f) ==
        "sequenceDiagram\n"
        "    participant T0 as producer 0\n"
        "    participant T1 as consumer 0\n"
        "    participant T2 as consumer 1\n"
        "    participant O1 as mutex #1\n"
        "    Note over T0: try_put(1) begins\n"
        "    Note over T2: try_get() begins\n"
        "    T2->>O1: lock mutex #1 (line 70)\n"
        "    Note over T2: try_get() -> nullopt\n"
        "    Note over T2: (finished)\n"
        "    T0-->>O1: blocks on mutex #1 (line 46)\n"
        "    Note over T0,T2: DEADLOCK\n");
  const auto block = cookiejar::mermaid_block(f, "lesson02.student.model.x");
  CHECK(block.rfind("```mermaid\nsequenceDiagram\n    %% lesson02.student.model.x\n", 0) == 0);
  CHECK(block.size() > 4);
  CHECK(block.substr(block.size() - 4) == "```\n");
}

TEST_CASE("mermaid.a woken thread's arrow comes from what it waited on, and a semicolon cannot end a statement",
          "[cli][mermaid]") {
  verdict::finding f;
  f.from = verdict::source::model;
  f.threads = {"consumer 0"};
  f.steps = {step(0, "wait on condvar #1", 60), step(0, "woken SPURIOUSLY", 60), step(0, "a; b")};
  const auto d = cookiejar::mermaid_sequence(f);
  CHECK(has(d, "    T0-->>O1: wait on condvar #1 (line 60)\n"));
  CHECK(has(d, "    O1-->>T0: woken SPURIOUSLY (line 60)\n"));
  CHECK(has(d, "    Note over T0: a#59; b\n"));
  CHECK(!has(d, ";\n"));
  CHECK(cookiejar::mermaid_sequence(verdict::finding{}).empty());
}
