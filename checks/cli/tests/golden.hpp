#pragma once
// Golden cases (checks/cli/golden/README.md): checks/cli/golden/<case>/ holds the verdict
// cookiejar-run-check wrote for a real run of one check (verdict.json) or, for a build
// case, the compiler's output (build.log); which check it was (check.json); a snapshot
// of the student's file the records point into (repo/lessons/NN-topic/bounded_buffer.hpp);
// and the translation a student must see (expected.txt). COOKIEJAR_UPDATE_GOLDEN=1
// rewrites expected.txt from the translator (then read the diff before committing it).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include <cookiejar/verdict_json.hpp>

#include "render.hpp"
#include "translate.hpp"

namespace cookiejar::golden {

inline std::filesystem::path dir(const std::string& name) {
  return std::filesystem::path(COOKIEJAR_CLI_GOLDEN_DIR) / name;
}

inline std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The lesson a case's records point into: its snapshot of the student's file.
inline lesson_info lesson_of(const std::string& name) {
  const auto d = dir(name);
  const std::string folder = nlohmann::json::parse(read(d / "check.json"))["lesson_folder"];
  return {folder.substr(0, 2), folder.substr(3), folder, d / "repo" / "lessons" / folder,
          d / "repo" / "solutions" / folder, d / "repo" / "checks" / folder};
}

// The case's verdict, read as the command reads a verdict file.
inline cj::verdict::run_verdict verdict_of(const std::string& name) {
  std::string why;
  auto v = cj::verdict::run_verdict_from_json(nlohmann::json::parse(read(dir(name) / "verdict.json")), &why);
  if (!v) throw std::runtime_error(name + "/verdict.json is not a verdict: " + why);
  return *v;
}

// What the runner knows of the check before it translates it.
inline check_result check_of(const std::string& name, const cj::verdict::run_verdict& v) {
  const auto meta = nlohmann::json::parse(read(dir(name) / "check.json"));
  check_result check;
  check.name = meta["check"];
  check.sentence = sentence_of(check.name);
  check.of = v.of;
  check.status = status_of(v.result);
  return check;
}

struct outcome {
  std::string actual, expected;
  std::vector<finding> findings;
};

// Translates the case and renders its findings as `check` prints them (no colour).
inline outcome run(const std::string& name) {
  const auto d = dir(name);
  const auto lesson = lesson_of(name);
  outcome o;
  if (std::filesystem::exists(d / "build.log")) {
    if (auto f = translate_build_error(read(d / "build.log"), lesson)) o.findings.push_back(*f);
  } else {
    const auto v = verdict_of(name);
    o.findings = translate(v, check_of(name, v), lesson);
  }
  for (const auto& f : o.findings) o.actual += render_finding(f) + "\n";
  if (const char* update = std::getenv("COOKIEJAR_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(d / "expected.txt", std::ios::binary) << o.actual;
  }
  o.expected = read(d / "expected.txt");
  return o;
}

}  // namespace cookiejar::golden
