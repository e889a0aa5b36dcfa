#pragma once
// Golden cases: checks/cli/golden/<case>/ holds a check's real output (output.log), what
// the runner knew of it (check.json), a snapshot of the student's file it names
// (repo/lessons/NN-topic/bounded_buffer.hpp), and the translation a student must see
// (expected.txt). COOKIEJAR_UPDATE_GOLDEN=1 rewrites expected.txt from the translator
// (then read the diff before committing it).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "render.hpp"
#include "translate.hpp"

namespace cookiejar::golden {

inline std::filesystem::path dir(const std::string& name) {
  return std::filesystem::path(COOKIEJAR_CLI_GOLDEN_DIR) / name;
}

inline std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct outcome {
  std::string actual, expected;
  std::vector<finding> findings;
};

// Translates the case and renders its findings as `check` prints them (no colour).
inline outcome run(const std::string& name) {
  const auto d = dir(name);
  const auto meta = nlohmann::json::parse(read(d / "check.json"));
  const std::string folder = meta["lesson_folder"];
  lesson_info lesson{folder.substr(0, 2), folder.substr(3), folder, d / "repo" / "lessons" / folder,
                     d / "repo" / "solutions" / folder, d / "repo" / "checks" / folder};
  outcome o;
  if (meta["analysis"] == "build") {
    if (auto f = translate_build_error(read(d / "output.log"), lesson)) o.findings.push_back(*f);
  } else {
    check_result check;
    check.name = meta["name"];
    check.sentence = meta["sentence"];
    check.analysis = meta["analysis"];
    check.status = meta["status"];
    check.exit_code = meta["exit_code"];
    check.output = read(d / "output.log");
    o.findings = translate(check, lesson);
  }
  for (const auto& f : o.findings) o.actual += render_finding(f) + "\n";
  if (const char* update = std::getenv("COOKIEJAR_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(d / "expected.txt", std::ios::binary) << o.actual;
  }
  o.expected = read(d / "expected.txt");
  return o;
}

}  // namespace cookiejar::golden
