#pragma once
// A scratch copy of the repository for the end-to-end tests: the files a lesson's build
// needs (CMakeLists.txt, CMakePresets.json, cmake/, checks/, lessons/NN-*, solutions/NN-*). Files are rewritten only when their content differs, so the
// lesson's build folder inside the copy stays valid between tests and Ninja rebuilds
// only what a test changed. The tests that use it hold a CTest RESOURCE_LOCK.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cookiejar::scratch {

namespace fs = std::filesystem;

// For the environment of a command an end-to-end test runs: the checks it runs keep
// their own time limits. The test itself has a longer one (CJ_TEST_SECONDS, set by
// CMake for the whole test, since it builds lessons), which its children must not inherit.
inline const std::string checks_own_limits = "CJ_TEST_SECONDS=";

inline std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `text` to `file` unless it already holds exactly that.
inline void put(const fs::path& file, const std::string& text) {
  if (fs::exists(file) && read(file) == text) return;
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

inline void sync_tree(const fs::path& from, const fs::path& to) {
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator(); ++it) {
    const auto name = it->path().filename().string();
    if (it->is_directory() && (name == "build" || name.front() == '.')) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) put(to / fs::relative(it->path(), from), read(it->path()));
  }
}

inline fs::path lesson_folder(const fs::path& repo, const std::string& top, const std::string& number) {
  for (const auto& entry : fs::directory_iterator(repo / top)) {
    if (entry.path().filename().string().rfind(number + "-", 0) == 0) return entry.path();
  }
  return {};
}

// The scratch repository with lesson `number`, in sync with the real one; returns its path.
inline fs::path prepare(const fs::path& real_repo, const fs::path& scratch_root, const std::string& number = "01") {
  const auto repo = scratch_root / "repo";
  for (const char* file : {"CMakeLists.txt", "CMakePresets.json"}) put(repo / file, read(real_repo / file));
  sync_tree(real_repo / "cmake", repo / "cmake");
  sync_tree(real_repo / "checks", repo / "checks");
  for (const char* top : {"lessons", "solutions"}) {
    const auto folder = lesson_folder(real_repo, top, number);
    sync_tree(folder, repo / top / folder.filename());
  }
  return repo;
}

}  // namespace cookiejar::scratch
