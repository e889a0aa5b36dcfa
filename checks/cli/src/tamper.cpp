#include "tamper.hpp"
#include "text.hpp"

#include "process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>


namespace cookiejar {

namespace fs = std::filesystem;

namespace {

[[nodiscard]] bool is_scratch(const fs::path& relative) {
  for (const auto& part : relative) {
    const auto name = part.string();
    if (!name.empty() && name.front() == '.') return true;
  }
  return false;
}

void add_tree(const fs::path& repo, const fs::path& top, std::vector<std::string>& out) {
  const auto root = repo / top;
  if (!fs::is_directory(root)) return;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const auto relative = fs::relative(it->path(), repo);
    // The command's own sources, tests and goldens read verdicts; they judge nothing.
    if (relative.generic_string() == command_tree) {
      it.disable_recursion_pending();
      continue;
    }
    if (is_scratch(relative)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    const auto name = relative.generic_string();
    if (name == manifest_path) continue;
    out.push_back(name);
  }
}

}  // namespace

std::string cmake_program() {
#ifdef COOKIEJAR_CMAKE_COMMAND
  std::error_code ec;
  if (fs::exists(COOKIEJAR_CMAKE_COMMAND, ec)) return COOKIEJAR_CMAKE_COMMAND;
#endif
  return "cmake";
}

std::vector<std::string> judged_files(const fs::path& repo) {
  std::vector<std::string> files;
  add_tree(repo, "checks", files);
  add_tree(repo, "cmake", files);
  // The hunt jars (lessons/NN-topic/hunt/): they sit beside the learner's files to be
  // read, but judge the learner's scenarios, so they are judging files too.
  std::error_code ec;
  for (const auto& lesson : fs::directory_iterator(repo / "lessons", ec))
    if (lesson.is_directory()) add_tree(repo, fs::relative(lesson.path(), repo) / "hunt", files);
  for (const char* top : {"CMakeLists.txt", "CMakePresets.json"}) {
    if (fs::is_regular_file(repo / top)) files.emplace_back(top);
  }
  std::sort(files.begin(), files.end());
  return files;
}

file_hashes hash_files(const fs::path& repo, const std::vector<std::string>& files) {
  file_hashes hashes;
  const auto base = fs::absolute(repo).lexically_normal().generic_string();
  const auto prefix = base.back() == '/' ? base : base + "/";
  constexpr std::size_t batch = 200;
  process_options options;
  options.timeout_seconds = 120;
  for (std::size_t from = 0; from < files.size(); from += batch) {
    std::vector<std::string> argv{cmake_program(), "-E", "sha256sum"};
    const auto to = std::min(files.size(), from + batch);
    for (auto i = from; i < to; ++i) argv.push_back(prefix + files[i]);
    const auto run = run_process(argv, options);
    if (run.exit_code != 0) {
      throw std::runtime_error(fmt::format("`{} -E sha256sum` failed (exit code {})", argv[0], run.exit_code));
    }
    std::istringstream lines(run.output);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      const auto gap = line.find("  ");
      if (gap == std::string::npos) throw std::runtime_error("cmake -E sha256sum printed: " + line);
      auto path = line.substr(gap + 2);
      if (path.rfind(prefix, 0) == 0) path.erase(0, prefix.size());
      hashes[path] = line.substr(0, gap);
    }
  }
  for (const auto& f : files) {
    if (!hashes.contains(f)) throw std::runtime_error("cmake -E sha256sum gave no hash for " + f);
  }
  return hashes;
}

std::string manifest_text(const file_hashes& hashes) {
  std::string text;
  for (const auto& [path, hash] : hashes) text += fmt::format("{}  {}\n", hash, path);
  return text;
}

file_hashes parse_manifest(std::string_view text) {
  file_hashes hashes;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const auto gap = line.find("  ");
    const bool hex = gap == 64 && std::all_of(line.begin(), line.begin() + 64, [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    if (!hex || gap + 2 >= line.size()) {
      throw std::runtime_error(fmt::format("line {} is not \"<sha256>  <path>\"", number));
    }
    hashes[std::string(line.substr(gap + 2))] = std::string(line.substr(0, gap));
  }
  return hashes;
}

tamper_status compare_hashes(const file_hashes& manifest, const file_hashes& on_disk) {
  tamper_status status;
  status.files = manifest.size();
  for (const auto& [path, hash] : manifest) {
    const auto found = on_disk.find(path);
    if (found == on_disk.end()) {
      status.removed.push_back(path);
    } else if (found->second != hash) {
      status.changed.push_back(path);
    }
  }
  for (const auto& [path, hash] : on_disk) {
    if (!manifest.contains(path)) status.added.push_back(path);
  }
  if (status.changed.empty() && status.added.empty() && status.removed.empty()) {
    status.state = "matches";
    status.summary = fmt::format("checks/ matches the manifest ({} files)", status.files);
  } else {
    status.state = "differs";
    status.summary = fmt::format("checks/ differs from the manifest: {} changed, {} added, {} removed",
                                 status.changed.size(), status.added.size(), status.removed.size());
  }
  return status;
}

tamper_status check_manifest(const fs::path& repo) {
  tamper_status status;
  const auto file = repo / manifest_path;
  if (!fs::exists(file)) {
    status.state = "no_manifest";
    status.summary = fmt::format("no {}: nothing to compare checks/ with", manifest_path);
    return status;
  }
  try {
    const auto text = read_file(file);
    if (!text) throw std::runtime_error("cannot read it");
    const auto manifest = parse_manifest(*text);
    return compare_hashes(manifest, hash_files(repo, judged_files(repo)));
  } catch (const std::exception& e) {
    status.state = "unreadable";
    status.summary = fmt::format("checks/ could not be compared with {}: {}", manifest_path, e.what());
    return status;
  }
}

void write_manifest(const fs::path& repo) {
  const auto text = manifest_text(hash_files(repo, judged_files(repo)));
  const auto file = repo / manifest_path;
  const auto temporary = fs::path(file).concat(".new");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary.string());
  }
  fs::rename(temporary, file);
}

}  // namespace cookiejar
