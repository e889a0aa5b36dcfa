// The pages in a real browser: Debian's chromium, headless, driven by playwright-core
// (checks/cli/tests/browser/page_test.mjs, installed by .ci/run with `npm ci`). For the
// starters of lessons 02 and 04, the repository's own build of each starter's model
// check finds its failing schedule; the page is written as `cookiejar check --html`
// writes it; the browser presses → through every step. What the page showed is then
// compared with the record it was made from, not with the page's own data.
//
// A missing node, chromium or playwright-core fails these tests: they never skip.
// COOKIEJAR_SCREENSHOT_DIR=<dir> also copies the screenshots there (docs/images).
#include <cookiejar/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

#include "html.hpp"
#include "process.hpp"
#include "text.hpp"

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path repo = COOKIEJAR_CLI_REPO;
const fs::path out_dir = COOKIEJAR_BROWSER_OUT;
const fs::path browser_dir = COOKIEJAR_BROWSER_DIR;
const fs::path chromium = "/usr/bin/chromium";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The starter's model check `sentence`, run as `cookiejar check` runs it: through the
// runner, its failure translated, its records kept.
cookiejar::check_result starter_check(const std::string& number, const std::string& exe, const std::string& sentence) {
  const auto lesson = cookiejar::find_lesson(repo, number);
  cookiejar::test_spec spec;
  spec.name = "lesson" + number + ".starter.model." + sentence;
  spec.command = {COOKIEJAR_CLI_RUN_CHECK, "--analysis", "model", "--timeout", "100", "--", exe, sentence};
  spec.working_directory = fs::path(exe).parent_path();
  spec.timeout = 100;
  spec.of = cj::verdict::analysis::model;
  spec.judged = true;
  fs::create_directories(out_dir);
  return cookiejar::run_check(spec, lesson, out_dir / ("lesson" + number + "-verdict.json"));
}

// The schedule the record holds (the model checker's finding).
const cj::verdict::finding& schedule_of(const cookiejar::check_result& check) {
  for (const auto& r : check.records)
    for (const auto& f : r.findings)
      if (f.from == cj::verdict::source::model && !f.steps.empty()) return f;
  FAIL("the check's records hold no model-checker schedule");
  throw std::logic_error("unreachable");
}

fs::path write_page(const std::string& name, const json& data) {
  const auto file = out_dir / name;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << cookiejar::page_html(data);
  return file;
}

// Runs page_test.mjs over `pages` ("file.html[=shot.png[,dark]]"); what the browser saw.
json browse(const std::vector<std::string>& pages) {
  INFO("node: " << COOKIEJAR_NODE << " (apt-get install nodejs)");
  REQUIRE(fs::exists(COOKIEJAR_NODE));
  INFO("Debian's browser: " << chromium.string() << " (apt-get install chromium)");
  REQUIRE(fs::exists(chromium));
  INFO("playwright-core: npm ci --prefix " << browser_dir.string() << " (what .ci/run does)");
  REQUIRE(fs::exists(browser_dir / "node_modules" / "playwright-core" / "package.json"));
  const auto result = out_dir / "browser-result.json";
  fs::remove(result);
  std::vector<std::string> argv{COOKIEJAR_NODE, (browser_dir / "page_test.mjs").string(), result.string()};
  argv.insert(argv.end(), pages.begin(), pages.end());
  const auto run = cookiejar::run_process(argv, {.timeout_seconds = 120});
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const auto text = cookiejar::read_file(result);
  REQUIRE(text);
  return json::parse(*text);
}

// Where what the page showed differs from the record; empty when it does not.
std::vector<std::string> differences(const json& seen, const cj::verdict::finding& f) {
  std::vector<std::string> d;
  const auto n = f.steps.size();
  if (seen["steps"] != n) d.push_back("the grid has " + seen["steps"].dump() + " rows, the record " + std::to_string(n) + " steps");
  if (seen["first"] != 1) d.push_back("the page opened at step " + seen["first"].dump());
  for (std::size_t k = 0; k < n && k < seen["seen"].size(); ++k) {
    const auto& s = f.steps[k];
    const auto& at = seen["seen"][k];
    const auto step = "step " + std::to_string(k + 1) + " (" + s.text + "): ";
    if (at["step"] != k + 1) d.push_back(step + "the page was at step " + at["step"].dump());
    const json line = s.at.line > 0 ? json(s.at.line) : json(nullptr);
    if (at["selected"] != line) d.push_back(step + "highlighted line " + at["selected"].dump() + ", the record says " + line.dump());
    if (s.at.line > 0) {
      bool marked = false;
      for (const auto& m : at["marks"]) marked = marked || (m["thread"] == s.thread && m["line"] == s.at.line);
      if (!marked) d.push_back(step + "thread " + std::to_string(s.thread) + " is not marked at line " + std::to_string(s.at.line));
    }
  }
  if (seen["after_last"] != n) d.push_back("→ after the last step went to step " + seen["after_last"].dump());
  if (seen["hash"] != "#step-" + std::to_string(n)) d.push_back("the address says " + seen["hash"].dump());
  if (n > 2 && seen["reloaded_step"] != 2) d.push_back("a reload of #step-2 showed step " + seen["reloaded_step"].dump());
  if (n > 2 && seen["back_step"] != 1) d.push_back("← from step 2 went to step " + seen["back_step"].dump());
  for (const auto& e : seen["errors"]) d.push_back("the page logged: " + e.get<std::string>());
  const auto waits = seen["waits_text"].get<std::string>();
  const auto graph = seen["waits_svg_text"].get<std::string>();
  for (const auto& w : f.waits) {
    if (!has(graph, w.thread) || !has(graph, w.object)) d.push_back("the wait-for graph does not draw " + w.thread + " and " + w.object);
    if (!w.holder.empty() && !has(graph, "held by " + w.holder)) d.push_back("the wait-for graph does not name the holder " + w.holder);
    if (!w.holder.empty() && !has(waits, w.object + " is held by " + w.holder)) d.push_back("the words under the graph do not name the holder " + w.holder);
  }
  return d;
}

std::string listed(const std::vector<std::string>& d) {
  std::string s;
  for (const auto& x : d) s += "  " + x + "\n";
  return s;
}

void keep_screenshot(const fs::path& shot, const std::string& name) {
  CHECK(fs::exists(shot));
  CHECK(fs::file_size(shot) > 10000);
  if (const char* dir = std::getenv("COOKIEJAR_SCREENSHOT_DIR"); dir != nullptr && *dir != '\0')
    fs::copy_file(shot, fs::path(dir) / name, fs::copy_options::overwrite_existing);
}

}  // namespace

TEST_CASE("browser.lesson 02's starter deadlock page shows the record's line at every step and names the mutex's holder",
          "[cli][browser]") {
  const auto lesson = cookiejar::find_lesson(repo, "02");
  const auto check = starter_check("02", COOKIEJAR_LESSON02_STARTER_MODEL, "two consumers racing for cookies never share one");
  REQUIRE(check.status == cookiejar::check_status::failed);
  const auto& f = schedule_of(check);
  REQUIRE(f.steps.size() > 2);
  // The record's deadlock has a holder, so the graph's holder is checked, not assumed.
  REQUIRE(!f.waits.empty());
  REQUIRE(!f.waits.front().holder.empty());
  REQUIRE(f.steps.back().at.line > 0);

  const auto data = cookiejar::page_data(lesson, check, "cookiejar check 02 --html");
  const auto page = write_page("lesson02.html", data);
  // The same page with every step's line one too far: what these tests must catch.
  auto wrong = data;
  for (auto& s : wrong["findings"][0]["steps"])
    if (s["line"].get<unsigned>() > 0) s["line"] = s["line"].get<unsigned>() + 1;
  const auto off_by_one = write_page("lesson02-off-by-one.html", wrong);
  const auto shot = out_dir / "lesson02-page.png", dark = out_dir / "lesson02-page-dark.png";

  const auto seen = browse({page.string() + "=" + shot.string(), page.string() + "=" + dark.string() + ",dark",
                            off_by_one.string()});
  REQUIRE(seen.size() == 3);
  const auto d = differences(seen[0], f);
  INFO("where the page differs from the record:\n" << listed(d));
  CHECK(d.empty());
  CHECK(differences(seen[1], f).empty());  // the dark theme shows the same
  const auto last = seen[0]["seen"].back();
  CHECK(last["selected"] == f.steps.back().at.line);
  CHECK(has(seen[0]["verdict"].get<std::string>(), "deadlock"));
  CHECK(seen[0]["bug_class"] == "deadlock");

  const auto caught = differences(seen[2], f);
  INFO("what the off-by-one page was caught at:\n" << listed(caught));
  CHECK(std::any_of(caught.begin(), caught.end(), [](const std::string& x) { return has(x, "highlighted line"); }));
  keep_screenshot(shot, "lesson02-page.png");
  keep_screenshot(dark, "lesson02-page-dark.png");
}

TEST_CASE("browser.lesson 04's starter lost wake-up page shows the record's line at every step and who waits on the condvar",
          "[cli][browser]") {
  const auto lesson = cookiejar::find_lesson(repo, "04");
  const auto check =
      starter_check("04", COOKIEJAR_LESSON04_STARTER_MODEL, "two consumers waiting for one producer never come back empty-handed");
  REQUIRE(check.status == cookiejar::check_status::failed);
  const auto& f = schedule_of(check);
  REQUIRE(f.steps.size() > 2);
  REQUIRE(!f.waits.empty());

  const auto page = write_page("lesson04.html", cookiejar::page_data(lesson, check, "cookiejar check 04 --html"));
  const auto shot = out_dir / "lesson04-page.png";
  const auto seen = browse({page.string() + "=" + shot.string()});
  REQUIRE(seen.size() == 1);
  const auto d = differences(seen[0], f);
  INFO("where the page differs from the record:\n" << listed(d));
  CHECK(d.empty());
  // A condition variable has no holder: the graph says who waits and that the others finished.
  const auto waits = seen[0]["waits_text"].get<std::string>();
  CHECK(has(waits, f.waits.front().thread + " waits on " + f.waits.front().object));
  CHECK(has(waits, "nobody holds a condition variable"));
  CHECK(has(waits, "finished"));
  CHECK(seen[0]["bug_class"] == cookiejar::words_of(f.bug_class));
  keep_screenshot(shot, "lesson04-page.png");
}
