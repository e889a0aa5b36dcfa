#pragma once
// What the command remembers between runs: the last result of each lesson's checks
// (build_root/lesson-NN/cookiejar-last.json, written by `check`, read by `list`) and how
// many hints of each lesson were shown (build_root/cookiejar-state.json).
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "results.hpp"

namespace cookiejar {

// A finding as cookiejar-last.json and the json grade report write it: property,
// analysis, location, bug_class (the vocabulary's words), details, replay.
[[nodiscard]] nlohmann::ordered_json finding_to_json(const finding& f);
[[nodiscard]] finding finding_from_json(const nlohmann::json& j);

[[nodiscard]] nlohmann::ordered_json result_to_json(const lesson_result& result);
// Never throws: what the file lacks or spells wrong keeps its default (a status it does
// not know is "failed", so a damaged file never shows a lesson as passing).
[[nodiscard]] lesson_result result_from_json(const nlohmann::json& json);

// Writes the file atomically (a temporary file, then a rename). Returns false when it cannot.
bool save_json(const std::filesystem::path& file, const nlohmann::json& json);
bool save_json(const std::filesystem::path& file, const nlohmann::ordered_json& json);
// The file's JSON, or nothing when it is missing or not JSON.
[[nodiscard]] std::optional<nlohmann::json> load_json(const std::filesystem::path& file);

// Hints shown so far for lesson `number` (0 when none), and setting it.
[[nodiscard]] int hints_shown(const std::filesystem::path& state_file, const std::string& number);
bool set_hints_shown(const std::filesystem::path& state_file, const std::string& number, int shown);

}  // namespace cookiejar
