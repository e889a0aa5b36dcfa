// Tamper evidence: the manifest of the judging files, and what a comparison reports.
#include <cookiejar/catch.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <random>

#include "process.hpp"
#include "tamper.hpp"

using namespace cookiejar;
namespace fs = std::filesystem;

namespace {

// Options for run_process with a time limit (and a working folder).
inline cookiejar::process_options limited(double seconds, const std::filesystem::path& folder = {}) {
  cookiejar::process_options options;
  options.timeout_seconds = seconds;
  options.working_directory = folder;
  return options;
}

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// A small repository-shaped tree in a fresh temporary folder, removed at the end.
struct scratch_tree {
  fs::path root;
  scratch_tree() {
    std::random_device seed;
    root = fs::temp_directory_path() / fmt::format("cookiejar-tamper-{}", seed());
    write(root / "checks/02-lock/stress_test.cpp", "abc");
    write(root / "checks/include/cookiejar/sync.hpp", "// sync\n");
    write(root / "checks/.editor/swap", "scratch");
    write(root / "checks/02-lock/.stress_test.cpp.swp", "scratch");
    write(root / "checks/cli/src/grade.cpp", "// the command: it reads verdicts, it judges nothing\n");
    write(root / "checks/cli/golden/case/verdict.json", "{}\n");
    write(root / "cmake/CookiejarChecks.cmake", "# checks\n");
    write(root / "CMakeLists.txt", "project(x)\n");
    write(root / "CMakePresets.json", "{}\n");
    write(root / "lessons/02-lock/bounded_buffer.hpp", "// the student's, not judged\n");
    write(root / "lessons/02-lock/hunt.cpp", "// the student's hunt scenarios, not judged\n");
    write(root / "lessons/02-lock/hunt/late_tail.hpp", "// a hunt jar: it judges the student's scenarios\n");
  }
  ~scratch_tree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  scratch_tree(const scratch_tree&) = delete;
  scratch_tree& operator=(const scratch_tree&) = delete;
};

}  // namespace

TEST_CASE("grade.tamper.the manifest covers checks/, cmake/, the top CMake files and hunt jars, not the command, scratch or the student's files",
          "[cli][grade]") {
  scratch_tree tree;
  write(tree.root / "checks/MANIFEST.sha256", "");
  CHECK(judged_files(tree.root) == std::vector<std::string>{"CMakeLists.txt", "CMakePresets.json",
                                                             "checks/02-lock/stress_test.cpp",
                                                             "checks/include/cookiejar/sync.hpp",
                                                             "cmake/CookiejarChecks.cmake",
                                                             "lessons/02-lock/hunt/late_tail.hpp"});
}

TEST_CASE("grade.tamper.hashes are CMake's SHA-256, written as sha256sum writes them", "[cli][grade]") {
  scratch_tree tree;
  const auto hashes = hash_files(tree.root, {"checks/02-lock/stress_test.cpp"});
  CHECK(hashes.at("checks/02-lock/stress_test.cpp") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // SHA-256("abc")
  write_manifest(tree.root);
  std::ifstream in(tree.root / manifest_path);
  std::string first;
  std::getline(in, first);
  CHECK(first.size() == 64 + 2 + std::string("CMakeLists.txt").size());
  CHECK(first.substr(64) == "  CMakeLists.txt");
  if (const auto sha256sum = find_program("sha256sum")) {
    const auto verified = run_process({sha256sum->string(), "--strict", "-c", std::string(manifest_path)},
                                      limited(30, tree.root));
    INFO(verified.output);
    CHECK(verified.exit_code == 0);
  }
}

TEST_CASE("grade.tamper.an untouched tree matches its manifest", "[cli][grade]") {
  scratch_tree tree;
  write_manifest(tree.root);
  write(tree.root / "lessons/02-lock/bounded_buffer.hpp", "// the student's work changes; it is not judged\n");
  write(tree.root / "lessons/02-lock/hunt.cpp", "// so do the student's hunt scenarios\n");
  write(tree.root / "checks/02-lock/.another.swp", "scratch");
  write(tree.root / "checks/cli/src/grade.cpp", "// a change to the command needs no new manifest\n");
  write(tree.root / "checks/cli/golden/new-case/verdict.json", "{}\n");
  const auto status = check_manifest(tree.root);
  CHECK(status.state == "matches");
  CHECK(status.files == 6);
  CHECK(status.summary == "checks/ matches the manifest (6 files)");
}

TEST_CASE("grade.tamper.a changed, an added and a removed check file are each named", "[cli][grade]") {
  scratch_tree tree;
  write_manifest(tree.root);
  write(tree.root / "checks/02-lock/stress_test.cpp", "abd");
  write(tree.root / "checks/02-lock/always_pass.cpp", "int main() {}\n");
  fs::remove(tree.root / "cmake/CookiejarChecks.cmake");
  const auto status = check_manifest(tree.root);
  CHECK(status.state == "differs");
  CHECK(status.changed == std::vector<std::string>{"checks/02-lock/stress_test.cpp"});
  CHECK(status.added == std::vector<std::string>{"checks/02-lock/always_pass.cpp"});
  CHECK(status.removed == std::vector<std::string>{"cmake/CookiejarChecks.cmake"});
  CHECK(status.summary == "checks/ differs from the manifest: 1 changed, 1 added, 1 removed");
}

TEST_CASE("grade.tamper.a hunt jar made easier to catch is named as changed", "[cli][grade]") {
  scratch_tree tree;
  write_manifest(tree.root);
  write(tree.root / "lessons/02-lock/hunt/late_tail.hpp", "// now it throws from every call\n");
  const auto status = check_manifest(tree.root);
  CHECK(status.state == "differs");
  CHECK(status.changed == std::vector<std::string>{"lessons/02-lock/hunt/late_tail.hpp"});
}

TEST_CASE("grade.tamper.a missing or malformed manifest is reported, never a crash", "[cli][grade]") {
  scratch_tree tree;
  CHECK(check_manifest(tree.root).state == "no_manifest");
  write(tree.root / manifest_path, "not a hash line\n");
  const auto status = check_manifest(tree.root);
  CHECK(status.state == "unreadable");
  CHECK(status.summary.find("line 1") != std::string::npos);
  CHECK_THROWS_AS(parse_manifest(std::string(63, 'a') + "  short-hash"), std::runtime_error);
  CHECK(parse_manifest(std::string(64, 'a') + "  a file with spaces\r\n\n").at("a file with spaces") ==
        std::string(64, 'a'));
}

TEST_CASE("grade.tamper.the repository's committed manifest matches its checks", "[cli][grade]") {
  const auto status = check_manifest(COOKIEJAR_CLI_REPO);
  INFO(status.summary);
  INFO("changed: " << fmt::format("{}", fmt::join(status.changed, ", ")));
  INFO("added: " << fmt::format("{}", fmt::join(status.added, ", ")));
  INFO("removed: " << fmt::format("{}", fmt::join(status.removed, ", ")));
  INFO("after changing checks/, cmake/ or the top CMake files, run `cookiejar grade --write-manifest`");
  CHECK(status.state == "matches");
}
