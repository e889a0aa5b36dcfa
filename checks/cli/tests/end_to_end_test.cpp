// `cookiejar check 01` end to end, on the scratch copy of the course the grading tests
// share (grade_scratch.hpp): the starter fails the checks starters.json names, with the
// bug classes lesson 01 plants, the solution passes, and `watch` checks again when a
// file of the lesson changes.
#include <cookiejar/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>

#include "grade_scratch.hpp"
#include "process.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path real_repo = COOKIEJAR_CLI_REPO;

cookiejar::process_result cookiejar_cli(const fs::path& root, std::vector<std::string> args, bool quiet = true) {
  args.insert(args.begin(), {COOKIEJAR_CLI_EXE, "--repo", root.string()});
  if (quiet) args.insert(args.begin() + 3, "--quiet");
  return cookiejar::run_process(args, {.timeout_seconds = 1100, .environment = {"NO_COLOR=1", cookiejar::scratch::checks_own_limits}});
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("end-to-end.check fails the lesson 01 starter with its bug classes, then passes the solution", "[cli][e2e]") {
  const auto root = cookiejar::scratch::prepare(real_repo, COOKIEJAR_GRADE_SCRATCH);
  const auto folder = cookiejar::scratch::lesson_folder(root, "lessons", "01").filename();

  const auto starter = cookiejar_cli(root, {"check", "01"});
  INFO(starter.output);
  CHECK(starter.exit_code == 1);
  CHECK(has(starter.output, "looks like:  wrap-around (an index that does not wrap at the end of the ring)"));
  CHECK(has(starter.output, "Stuck? cookiejar hint 01"));
  const auto last = nlohmann::json::parse(cookiejar::scratch::read(root / "build" / "lesson-01" / "cookiejar-last.json"));
  const auto expected = nlohmann::json::parse(cookiejar::scratch::read(fs::path(COOKIEJAR_CLI_TESTS_DIR) / "starters.json"))["01"];
  std::set<std::string> must_fail;
  for (const auto& k : expected["fail"]) must_fail.insert(k.get<std::string>());
  REQUIRE(!must_fail.empty());
  for (const auto& c : last["checks"]) {
    const auto name = c["name"].get<std::string>();
    INFO(name);
    CHECK((c["status"] != "passed") == must_fail.contains(name.substr(std::string("lesson01.student.").size())));
  }

  const auto listed = cookiejar_cli(root, {"list"});
  CHECK(has(listed.output, "failing"));

  cookiejar::scratch::put(root / "lessons" / folder / "bounded_buffer.hpp",
                          cookiejar::scratch::read(root / "solutions" / folder / "bounded_buffer.hpp"));
  const auto solution = cookiejar_cli(root, {"check", "01"}, /*quiet=*/false);
  INFO(solution.output);
  CHECK(solution.exit_code == 0);
  CHECK(has(solution.output, "lesson 01: all "));
  // Its progress lines count up, [1/N] first, whichever of the two jobs finishes when.
  std::istringstream progress(solution.output);
  std::size_t counted = 0;
  for (std::string line; std::getline(progress, line);) {
    if (!line.starts_with("[")) continue;
    INFO(line);
    CHECK(line.starts_with(fmt::format("[{}/", ++counted)));
  }
  CHECK(counted == last["checks"].size());

  // watch: one check at once, a second one after a file of the lesson changes.
  const auto notes = root / "lessons" / folder / "notes.txt";
  const auto watched = cookiejar::run_process(
      {"sh", "-c",
       std::string("\"$0\" --repo \"$1\" --quiet watch 01 --max-runs 2 --poll 0.2 & sleep 4; echo note > \"$2\"; wait"),
       COOKIEJAR_CLI_EXE, root.string(), notes.string()},
      {.timeout_seconds = 120, .environment = {"NO_COLOR=1", cookiejar::scratch::checks_own_limits}});
  fs::remove(notes);
  INFO(watched.output);
  CHECK(watched.exit_code == 0);
  CHECK(has(watched.output, "changed; checking again."));
  std::size_t passes = 0;
  for (auto at = watched.output.find("lesson 01: all "); at != std::string::npos;
       at = watched.output.find("lesson 01: all ", at + 1))
    ++passes;
  CHECK(passes == 2);
}
