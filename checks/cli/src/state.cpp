#include "state.hpp"

#include <cookiejar/verdict_json.hpp>

#include <fstream>
#include <unistd.h>

namespace cookiejar {

namespace {

using nlohmann::ordered_json;

bool save_text(const std::filesystem::path& file, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const auto temporary = file.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary);
    if (!out) return false;
    out << text << '\n';
    if (!out) return false;
  }
  std::filesystem::rename(temporary, file, ec);
  return !ec;
}

// A field of the type it should have, else the default: a file someone edited by hand
// must not stop `list`.
using cj::verdict::json_detail::text;
using cj::verdict::json_detail::whole;
double number(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}
template <class E, std::size_t N>
E enum_of(const nlohmann::json& j, const char* key, const E (&all)[N], E otherwise) {
  return cj::verdict::from_key(text(j, key), all).value_or(otherwise);
}

}  // namespace

ordered_json finding_to_json(const finding& f) {
  return {{"property", f.property},
          {"analysis", cj::verdict::key_of(f.found_by)},
          {"location", f.location},
          {"bug_class", words_of(f.bug_class)},
          {"details", f.details},
          {"replay", f.replay}};
}

finding finding_from_json(const nlohmann::json& j) {
  finding f;
  f.property = text(j, "property");
  f.found_by = enum_of(j, "analysis", cj::verdict::all_analyses, analysis::unit);
  f.location = text(j, "location");
  f.bug_class = bug_from_words(text(j, "bug_class"));
  f.details = text(j, "details");
  f.replay = text(j, "replay");
  return f;
}

ordered_json result_to_json(const lesson_result& r) {
  ordered_json checks = ordered_json::array();
  for (const auto& c : r.checks) {
    ordered_json findings = ordered_json::array();
    for (const auto& f : c.findings) findings.push_back(finding_to_json(f));
    const auto code = c.exit_code();
    checks.push_back({{"name", c.name},
                      {"sentence", c.sentence},
                      {"analysis", cj::verdict::key_of(c.of)},
                      {"status", key_of(c.status)},
                      {"reason", c.reason},
                      {"exit_code", code ? ordered_json(*code) : ordered_json(nullptr)},
                      {"seconds", c.seconds},
                      {"assertions", {{"passed", c.assertions_passed}, {"failed", c.assertions_failed}}},
                      {"output", c.output},
                      {"output_bytes", c.output_bytes},
                      {"findings", std::move(findings)}});
  }
  ordered_json j = {{"number", r.number},
                    {"topic", r.topic},
                    {"folder", r.folder},
                    {"build_status", key_of(r.build)},
                    {"build_error", r.build_error ? finding_to_json(*r.build_error) : ordered_json(nullptr)},
                    {"checks", std::move(checks)},
                    {"seconds", r.seconds}};
  return j;
}

lesson_result result_from_json(const nlohmann::json& j) {
  lesson_result r;
  if (!j.is_object()) return r;
  r.number = text(j, "number");
  r.topic = text(j, "topic");
  r.folder = text(j, "folder");
  r.build = enum_of(j, "build_status", all_build_states, build_state::failed);
  r.seconds = number(j, "seconds");
  if (j.contains("build_error") && j["build_error"].is_object()) r.build_error = finding_from_json(j["build_error"]);
  if (j.contains("checks") && j["checks"].is_array()) {
    for (const auto& c : j["checks"]) {
      if (!c.is_object()) continue;
      check_result check;
      check.name = text(c, "name");
      check.sentence = text(c, "sentence");
      check.of = enum_of(c, "analysis", cj::verdict::all_analyses, analysis::unit);
      check.status = enum_of(c, "status", all_statuses, check_status::failed);
      check.reason = text(c, "reason");
      if (c.contains("exit_code") && c["exit_code"].is_number_integer()) check.exit_status = c["exit_code"].get<int>();
      check.seconds = number(c, "seconds");
      if (c.contains("assertions") && c["assertions"].is_object()) {
        check.assertions_passed = whole(c["assertions"], "passed");
        check.assertions_failed = whole(c["assertions"], "failed");
      }
      check.output = text(c, "output");
      check.output_bytes = static_cast<std::size_t>(number(c, "output_bytes"));
      if (c.contains("findings") && c["findings"].is_array())
        for (const auto& f : c["findings"])
          if (f.is_object()) check.findings.push_back(finding_from_json(f));
      r.checks.push_back(std::move(check));
    }
  }
  return r;
}

bool save_json(const std::filesystem::path& file, const nlohmann::json& json) {
  return save_text(file, json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}
bool save_json(const std::filesystem::path& file, const ordered_json& json) {
  return save_text(file, json.dump(2, ' ', false, ordered_json::error_handler_t::replace));
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
  if (!j || !j->is_object() || !j->contains("hints_shown") || !(*j)["hints_shown"].is_object()) return 0;
  return static_cast<int>(whole((*j)["hints_shown"], number.c_str()));
}

bool set_hints_shown(const std::filesystem::path& state_file, const std::string& number, int shown) {
  auto j = load_json(state_file).value_or(nlohmann::json::object());
  if (!j.is_object()) j = nlohmann::json::object();
  j["hints_shown"][number] = shown;
  return save_json(state_file, j);
}

}  // namespace cookiejar
