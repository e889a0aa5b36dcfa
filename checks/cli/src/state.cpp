#include "state.hpp"

#include <fstream>
#include <unistd.h>

namespace cookiejar {

namespace {

nlohmann::json finding_json(const finding& f) {
  return {{"property", f.property}, {"analysis", f.analysis}, {"location", f.location},
          {"bug_class", f.bug_class}, {"details", f.details}, {"replay", f.replay}};
}

finding finding_from(const nlohmann::json& j) {
  finding f;
  f.property = j.value("property", "");
  f.analysis = j.value("analysis", "");
  f.location = j.value("location", "");
  f.bug_class = j.value("bug_class", "");
  f.details = j.value("details", "");
  f.replay = j.value("replay", "");
  return f;
}

}  // namespace

nlohmann::json result_to_json(const lesson_result& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : r.checks) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : c.findings) findings.push_back(finding_json(f));
    checks.push_back({{"name", c.name}, {"sentence", c.sentence}, {"analysis", c.analysis}, {"status", c.status},
                      {"exit_code", c.exit_code}, {"seconds", c.seconds}, {"output", c.output},
                      {"findings", findings}});
  }
  nlohmann::json j = {{"number", r.number}, {"topic", r.topic}, {"folder", r.folder},
                      {"build_status", r.build_status}, {"checks", checks}, {"seconds", r.seconds}};
  j["build_error"] = r.build_error ? finding_json(*r.build_error) : nlohmann::json(nullptr);
  return j;
}

lesson_result result_from_json(const nlohmann::json& j) {
  lesson_result r;
  r.number = j.value("number", "");
  r.topic = j.value("topic", "");
  r.folder = j.value("folder", "");
  r.build_status = j.value("build_status", "");
  r.seconds = j.value("seconds", 0.0);
  if (j.contains("build_error") && j["build_error"].is_object()) r.build_error = finding_from(j["build_error"]);
  if (j.contains("checks") && j["checks"].is_array()) {
    for (const auto& c : j["checks"]) {
      check_result check;
      check.name = c.value("name", "");
      check.sentence = c.value("sentence", "");
      check.analysis = c.value("analysis", "");
      check.status = c.value("status", "");
      check.exit_code = c.value("exit_code", 0);
      check.seconds = c.value("seconds", 0.0);
      check.output = c.value("output", "");
      if (c.contains("findings") && c["findings"].is_array())
        for (const auto& f : c["findings"]) check.findings.push_back(finding_from(f));
      r.checks.push_back(std::move(check));
    }
  }
  return r;
}

bool save_json(const std::filesystem::path& file, const nlohmann::json& json) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const auto temporary = file.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary);
    if (!out) return false;
    out << json.dump(2) << '\n';
    if (!out) return false;
  }
  std::filesystem::rename(temporary, file, ec);
  return !ec;
}

std::optional<nlohmann::json> load_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

int hints_shown(const std::filesystem::path& state_file, const std::string& number) {
  const auto j = load_json(state_file);
  if (!j || !j->contains("hints_shown") || !(*j)["hints_shown"].is_object()) return 0;
  return (*j)["hints_shown"].value(number, 0);
}

bool set_hints_shown(const std::filesystem::path& state_file, const std::string& number, int shown) {
  auto j = load_json(state_file).value_or(nlohmann::json::object());
  if (!j.is_object()) j = nlohmann::json::object();
  j["hints_shown"][number] = shown;
  return save_json(state_file, j);
}

}  // namespace cookiejar
