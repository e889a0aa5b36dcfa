// `cookiejar check 01` end to end, on a copy of the course in a temporary folder: the
// starter fails with the bug classes lesson 01 plants, the solution passes, and `watch`
// checks again when a file of the lesson changes. About half a minute (one build).
#include <cookiejar/catch.hpp>

#include <fstream>
#include <sstream>

#include <unistd.h>

#include "process.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path repo = COOKIEJAR_CLI_REPO;

fs::path copy_course() {
  const auto root = fs::temp_directory_path() / ("cookiejar-cli-e2e-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "lessons");
  fs::create_directories(root / "solutions");
  const auto opts = fs::copy_options::recursive;
  fs::copy(repo / "CMakeLists.txt", root / "CMakeLists.txt");
  fs::copy(repo / "CMakePresets.json", root / "CMakePresets.json");
  fs::copy(repo / "cmake", root / "cmake", opts);
  fs::copy(repo / "checks", root / "checks", opts);
  fs::remove_all(root / "checks" / "cli");
  for (const auto& e : fs::directory_iterator(repo / "lessons"))
    if (e.path().filename().string().rfind("01-", 0) == 0) {
      fs::copy(e.path(), root / "lessons" / e.path().filename(), opts);
      fs::copy(repo / "solutions" / e.path().filename(), root / "solutions" / e.path().filename(), opts);
    }
  return root;
}

cookiejar::process_result cookiejar_cli(const fs::path& root, std::vector<std::string> args) {
  args.insert(args.begin(), {COOKIEJAR_CLI_EXE, "--repo", root.string(), "--quiet"});
  return cookiejar::run_process(args, {.timeout_seconds = 200, .environment = {"NO_COLOR=1"}});
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("end-to-end.check fails the lesson 01 starter with its bug classes, then passes the solution", "[cli][e2e]") {
  const auto root = copy_course();
  const auto folder = fs::directory_iterator(root / "lessons")->path().filename();

  const auto starter = cookiejar_cli(root, {"check", "01"});
  INFO(starter.output);
  CHECK(starter.exit_code == 1);
  CHECK(has(starter.output, "looks like:  index out of range (wrap-around or off-by-one)"));
  CHECK(has(starter.output, "lessons/01-synchronous/bounded_buffer.hpp") == false);  // unit reports name the check's line
  CHECK(has(starter.output, "Stuck? cookiejar hint 01"));
  CHECK(fs::exists(root / "build" / "lesson-01" / "cookiejar-last.json"));

  const auto listed = cookiejar_cli(root, {"list"});
  CHECK(has(listed.output, "failing"));

  fs::copy(root / "solutions" / folder / "bounded_buffer.hpp", root / "lessons" / folder / "bounded_buffer.hpp",
           fs::copy_options::overwrite_existing);
  const auto solution = cookiejar_cli(root, {"check", "01"});
  INFO(solution.output);
  CHECK(solution.exit_code == 0);
  CHECK(has(solution.output, "lesson 01: all "));

  // watch: one check at once, a second one after a file of the lesson changes.
  const auto watched = cookiejar::run_process(
      {"sh", "-c",
       std::string("\"$0\" --repo \"$1\" --quiet watch 01 --max-runs 2 --poll 0.2 & sleep 4; echo note > \"$2\"; wait"),
       COOKIEJAR_CLI_EXE, root.string(), (root / "lessons" / folder / "notes.txt").string()},
      {.timeout_seconds = 120, .environment = {"NO_COLOR=1"}});
  INFO(watched.output);
  CHECK(watched.exit_code == 0);
  CHECK(has(watched.output, "changed; checking again."));
  std::size_t passes = 0;
  for (auto at = watched.output.find("lesson 01: all "); at != std::string::npos;
       at = watched.output.find("lesson 01: all ", at + 1))
    ++passes;
  CHECK(passes == 2);
  fs::remove_all(root);
}
