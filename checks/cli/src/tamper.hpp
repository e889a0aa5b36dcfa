#pragma once
// Tamper evidence for grading: a manifest of SHA-256 hashes of the files that judge a
// submission, and a comparison of a working tree against it.
//
// What is hashed ("the judging files"): what decides a submission's verdict — every
// regular file under checks/ (the check sources, the harness headers, grading.json, the
// runner, the lessons' CMake files) except the command's own tree checks/cli/, plus
// cmake/, CMakeLists.txt and CMakePresets.json (they decide what the checks build
// against), and the hunt jars lessons/*/hunt/ (they judge a learner's hunt scenarios;
// the learner's own hunt.cpp beside them is not judged). Left out: checks/cli/ (the
// command only reads the verdicts the runner writes, so changing it, its tests or its
// goldens needs no new manifest), checks/MANIFEST.sha256 itself, and any path with a
// component that starts with '.'
// (editor and file-manager scratch such as .swp files or .DS_Store).
//
// The manifest is checks/MANIFEST.sha256, one "<hash>  <path>" line per file, sorted
// by path, paths relative to the repository: the format of `sha256sum`, so
// `sha256sum -c checks/MANIFEST.sha256` run from the repository checks it too.
// Hashes come from `cmake -E sha256sum` (CMake's own SHA-256), never from code here.
//
// What it does not promise: it is evidence, not prevention. Whoever can change
// checks/ can also change the manifest, or the grader; a grade run from a trusted copy
// of the checks (the Gradescope kit does that) needs no evidence.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cookiejar {

inline constexpr std::string_view manifest_path = "checks/MANIFEST.sha256";
// The command's own folder: not a judging file (see above).
inline constexpr std::string_view command_tree = "checks/cli";

struct tamper_status {
  std::string state;                 // matches | differs | no_manifest | unreadable
  std::vector<std::string> changed;  // in the manifest and on disk, with another hash
  std::vector<std::string> added;    // on disk, not in the manifest
  std::vector<std::string> removed;  // in the manifest, not on disk
  std::size_t files = 0;             // files the manifest lists
  std::string summary;               // one line for people: "checks/ matches the manifest (83 files)"
};

// path (relative, '/'-separated) -> lower-case hex SHA-256
using file_hashes = std::map<std::string, std::string>;

// The judging files of `repo`, relative to it, sorted.
[[nodiscard]] std::vector<std::string> judged_files(const std::filesystem::path& repo);

// Hashes of `files` (relative to `repo`) by `cmake -E sha256sum`. Throws std::runtime_error
// when cmake cannot be run or does not hash every file.
[[nodiscard]] file_hashes hash_files(const std::filesystem::path& repo, const std::vector<std::string>& files);

// The manifest's text for `hashes` (sorted "<hash>  <path>\n" lines).
[[nodiscard]] std::string manifest_text(const file_hashes& hashes);

// Reads manifest text; ignores blank lines. Throws std::runtime_error on a malformed line.
[[nodiscard]] file_hashes parse_manifest(std::string_view text);

// Compares the judging files on disk with `manifest` (the pure part of check_manifest).
[[nodiscard]] tamper_status compare_hashes(const file_hashes& manifest, const file_hashes& on_disk);

// Reads repo/checks/MANIFEST.sha256 and compares. Never throws: an unreadable manifest or
// a failed hash gives state "unreadable" with the reason in summary.
[[nodiscard]] tamper_status check_manifest(const std::filesystem::path& repo);

// Writes repo/checks/MANIFEST.sha256 for the files as they are now. Throws on failure.
void write_manifest(const std::filesystem::path& repo);

// The cmake to spawn: the one that configured this tool when it still exists, else `cmake`.
[[nodiscard]] std::string cmake_program();

}  // namespace cookiejar
