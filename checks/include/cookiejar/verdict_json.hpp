#pragma once
// Reading verdict records (<cookiejar/verdict.hpp>) with nlohmann-json, and the runner's
// judgement of one run of a check, which the `cookiejar` command, the grade and the
// mutant driver read. For programs outside the check's process only: the runner
// (checks/tools/run_check.cpp) and the command (checks/cli).
//
// The run's verdict, as the runner writes it (schema "cookiejar-check-run", version 1):
//   analysis, outcome, reason     what the runner concluded, and why in words
//   exit_status | signal          how the process ended (one of them; null if it was killed at the time limit)
//   timed_out, seconds
//   records                       the check's records that carried this run's token (token removed)
//   ignored_records               lines that were not a record of this run (wrong token, not JSON)
//   output {head, tail, bytes, cut}  what the process printed, bounded (detail/bounded_output.hpp)
// docs/verdicts.md describes both schemas.

#include <cookiejar/verdict.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cj::verdict {

inline constexpr const char* run_schema_name = "cookiejar-check-run";
inline constexpr int run_schema_version = 1;

// What the runner concluded about one run of a check process.
struct run_verdict {
    analysis of = analysis::unit;
    outcome result = outcome::failed;
    std::string reason;               // empty when passed
    std::optional<int> exit_status;   // the process exited with this status
    std::optional<int> signal;        // or a signal ended it
    bool timed_out = false;
    double seconds = 0;
    std::vector<record> records;
    unsigned ignored_records = 0;
    std::string output_head, output_tail;
    std::size_t output_bytes = 0, output_cut = 0;

    [[nodiscard]] bool passed() const { return result == outcome::passed; }
    // The findings of every record, in order.
    [[nodiscard]] std::vector<finding> findings() const {
        std::vector<finding> all;
        for (const auto& r : records)
            for (const auto& f : r.findings) all.push_back(f);
        return all;
    }
};

namespace json_detail {

using nlohmann::json;

inline std::string text(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}
inline unsigned whole(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? it->get<unsigned>() : 0U;
}
inline place place_of(const json& j, const char* key) {
    place p;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return p;
    p.file = text(*it, "file");
    p.line = whole(*it, "line");
    return p;
}
inline json place_json(const place& p) { return json{{"file", p.file}, {"line", p.line}}; }
inline std::vector<std::string> strings(const json& j, const char* key) {
    std::vector<std::string> out;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return out;
    for (const auto& s : *it)
        if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
}

}  // namespace json_detail

[[nodiscard]] inline finding finding_from_json(const nlohmann::json& j) {
    using namespace json_detail;
    finding f;
    f.from = from_key(text(j, "source"), all_sources).value_or(source::runner);
    f.promise = text(j, "promise");
    f.bug_class = bug_from_key(text(j, "bug_class")).value_or(bug::none);
    f.location = place_of(j, "location");
    f.check_location = place_of(j, "check_location");
    f.expression = text(j, "expression");
    f.expansion = text(j, "expansion");
    f.messages = strings(j, "messages");
    f.threads = strings(j, "threads");
    if (const auto it = j.find("steps"); it != j.end() && it->is_array()) {
        for (const auto& s : *it) {
            step st;
            st.thread = whole(s, "thread");
            st.text = text(s, "text");
            st.at.file = text(s, "file");
            st.at.line = whole(s, "line");
            f.steps.push_back(std::move(st));
        }
    }
    if (const auto it = j.find("waits"); it != j.end() && it->is_array()) {
        for (const auto& e : *it) {
            wait_edge w;
            w.thread = text(e, "thread");
            w.action = text(e, "action");
            w.object = text(e, "object");
            w.at = place_of(e, "at");
            w.holder = text(e, "holder");
            w.held_at = place_of(e, "held_at");
            w.holder_finished = e.value("holder_finished", false);
            w.while_holding = text(e, "while_holding");
            w.holding_since = place_of(e, "holding_since");
            f.waits.push_back(std::move(w));
        }
    }
    if (const auto it = j.find("accesses"); it != j.end() && it->is_array()) {
        for (const auto& a : *it) {
            memory_access m;
            m.thread = text(a, "thread");
            m.write = a.value("write", false);
            m.function = text(a, "function");
            m.at = place_of(a, "at");
            if (const auto locks = a.find("locks"); locks != a.end() && locks->is_array()) {
                for (const auto& l : *locks) m.locks.push_back({text(l, "id"), place_of(l, "created_at")});
            }
            f.accesses.push_back(std::move(m));
        }
    }
    f.found_by = text(j, "found_by");
    f.conclusion = text(j, "conclusion");
    f.replay = text(j, "replay");
    f.replay_command = text(j, "replay_command");
    f.report = text(j, "report");
    return f;
}

[[nodiscard]] inline nlohmann::json to_json(const finding& f) {
    using json_detail::place_json;
    nlohmann::json j;
    j["source"] = key_of(f.from);
    j["promise"] = f.promise;
    if (f.bug_class != bug::none) j["bug_class"] = key_of(f.bug_class);
    if (!f.location.file.empty()) j["location"] = place_json(f.location);
    if (!f.check_location.file.empty()) j["check_location"] = place_json(f.check_location);
    if (!f.expression.empty()) j["expression"] = f.expression;
    if (!f.expansion.empty()) j["expansion"] = f.expansion;
    if (!f.messages.empty()) j["messages"] = f.messages;
    if (!f.threads.empty()) j["threads"] = f.threads;
    if (!f.steps.empty()) {
        auto& steps = j["steps"] = nlohmann::json::array();
        for (const auto& s : f.steps) {
            nlohmann::json st{{"thread", s.thread}, {"text", s.text}};
            if (!s.at.file.empty()) {
                st["file"] = s.at.file;
                st["line"] = s.at.line;
            }
            steps.push_back(std::move(st));
        }
    }
    if (!f.waits.empty()) {
        auto& waits = j["waits"] = nlohmann::json::array();
        for (const auto& w : f.waits) {
            nlohmann::json e{{"thread", w.thread}, {"action", w.action}, {"object", w.object}};
            if (!w.at.file.empty()) e["at"] = place_json(w.at);
            if (!w.holder.empty()) {
                e["holder"] = w.holder;
                if (!w.held_at.file.empty()) e["held_at"] = place_json(w.held_at);
                e["holder_finished"] = w.holder_finished;
            }
            if (!w.while_holding.empty()) {
                e["while_holding"] = w.while_holding;
                if (!w.holding_since.file.empty()) e["holding_since"] = place_json(w.holding_since);
            }
            waits.push_back(std::move(e));
        }
    }
    if (!f.accesses.empty()) {
        auto& accesses = j["accesses"] = nlohmann::json::array();
        for (const auto& a : f.accesses) {
            nlohmann::json m{{"thread", a.thread}, {"write", a.write}, {"function", a.function}};
            if (!a.at.file.empty()) m["at"] = place_json(a.at);
            auto& locks = m["locks"] = nlohmann::json::array();
            for (const auto& l : a.locks) {
                nlohmann::json lock{{"id", l.id}};
                if (!l.created_at.file.empty()) lock["created_at"] = place_json(l.created_at);
                locks.push_back(std::move(lock));
            }
            accesses.push_back(std::move(m));
        }
    }
    if (!f.found_by.empty()) j["found_by"] = f.found_by;
    if (!f.conclusion.empty()) j["conclusion"] = f.conclusion;
    if (!f.replay.empty()) j["replay"] = f.replay;
    if (!f.replay_command.empty()) j["replay_command"] = f.replay_command;
    if (!f.report.empty()) j["report"] = f.report;
    return j;
}

// A record line as the check wrote it; nothing when it is not a record of this schema.
[[nodiscard]] inline std::optional<record> record_from_json(const nlohmann::json& j) {
    using namespace json_detail;
    if (!j.is_object() || text(j, "schema") != schema_name || !j.contains("version") || !j["version"].is_number() ||
        j["version"].get<int>() != schema_version)
        return std::nullopt;
    record r;
    r.check = text(j, "check");
    r.of = from_key(text(j, "analysis"), all_analyses).value_or(analysis::unit);
    r.result = from_key(text(j, "outcome"), all_outcomes).value_or(outcome::failed);
    r.ended = j.value("ended", false);
    if (const auto it = j.find("assertions"); it != j.end() && it->is_object()) {
        r.assertions_passed = whole(*it, "passed");
        r.assertions_failed = whole(*it, "failed");
    }
    if (const auto it = j.find("findings"); it != j.end() && it->is_array())
        for (const auto& f : *it) r.findings.push_back(finding_from_json(f));
    if (const auto it = j.find("searches"); it != j.end() && it->is_array()) {
        for (const auto& c : *it) {
            search_coverage sc;
            sc.search = text(c, "search");
            sc.schedules = c.value("schedules", 0ULL);
            sc.seconds = static_cast<double>(c.value("milliseconds", 0ULL)) / 1000;
            sc.context_bound = whole(c, "context_bound");
            sc.early_timeouts = whole(c, "early_timeouts");
            sc.exhaustive = c.value("exhaustive", false);
            sc.stopped_by = text(c, "stopped_by");
            r.searches.push_back(std::move(sc));
        }
    }
    return r;
}

[[nodiscard]] inline nlohmann::json to_json(const record& r) {
    nlohmann::json j{{"schema", schema_name}, {"version", schema_version}, {"kind", "check"},
                     {"check", r.check},      {"analysis", key_of(r.of)},  {"outcome", key_of(r.result)},
                     {"ended", r.ended}};
    j["assertions"] = {{"passed", r.assertions_passed}, {"failed", r.assertions_failed}};
    auto& findings = j["findings"] = nlohmann::json::array();
    for (const auto& f : r.findings) findings.push_back(to_json(f));
    if (!r.searches.empty()) {
        auto& searches = j["searches"] = nlohmann::json::array();
        for (const auto& c : r.searches) {
            nlohmann::json e{{"search", c.search},
                             {"schedules", c.schedules},
                             {"milliseconds", static_cast<unsigned long long>(c.seconds * 1000 + 0.5)},
                             {"early_timeouts", c.early_timeouts},
                             {"exhaustive", c.exhaustive}};
            if (c.search == "bounded") e["context_bound"] = c.context_bound;
            if (!c.stopped_by.empty()) e["stopped_by"] = c.stopped_by;
            searches.push_back(std::move(e));
        }
    }
    return j;
}

[[nodiscard]] inline nlohmann::json to_json(const run_verdict& v) {
    nlohmann::json j{{"schema", run_schema_name}, {"version", run_schema_version}, {"analysis", key_of(v.of)},
                     {"outcome", key_of(v.result)}, {"reason", v.reason}};
    j["exit_status"] = v.exit_status ? nlohmann::json(*v.exit_status) : nlohmann::json(nullptr);
    j["signal"] = v.signal ? nlohmann::json(*v.signal) : nlohmann::json(nullptr);
    j["timed_out"] = v.timed_out;
    j["seconds"] = v.seconds;
    auto& records = j["records"] = nlohmann::json::array();
    for (const auto& r : v.records) records.push_back(to_json(r));
    j["ignored_records"] = v.ignored_records;
    j["output"] = {{"head", v.output_head}, {"tail", v.output_tail}, {"bytes", v.output_bytes}, {"cut", v.output_cut}};
    return j;
}

// The runner's verdict file; nothing when it is not one (the reason in *why).
[[nodiscard]] inline std::optional<run_verdict> run_verdict_from_json(const nlohmann::json& j, std::string* why = nullptr) {
    using namespace json_detail;
    if (!j.is_object() || text(j, "schema") != run_schema_name || j.value("version", 0) != run_schema_version) {
        if (why) *why = "not a cookiejar-check-run verdict of version 1";
        return std::nullopt;
    }
    run_verdict v;
    v.of = from_key(text(j, "analysis"), all_analyses).value_or(analysis::unit);
    const auto result = from_key(text(j, "outcome"), all_outcomes);
    if (!result) {
        if (why) *why = "its outcome is not one of passed, failed, hang, crashed, ended_early, did_not_build";
        return std::nullopt;
    }
    v.result = *result;
    v.reason = text(j, "reason");
    if (j.contains("exit_status") && j["exit_status"].is_number_integer()) v.exit_status = j["exit_status"].get<int>();
    if (j.contains("signal") && j["signal"].is_number_integer()) v.signal = j["signal"].get<int>();
    v.timed_out = j.value("timed_out", false);
    v.seconds = j.value("seconds", 0.0);
    if (const auto it = j.find("records"); it != j.end() && it->is_array())
        for (const auto& r : *it)
            if (auto rec = record_from_json(r)) v.records.push_back(std::move(*rec));
    v.ignored_records = whole(j, "ignored_records");
    if (const auto it = j.find("output"); it != j.end() && it->is_object()) {
        v.output_head = text(*it, "head");
        v.output_tail = text(*it, "tail");
        v.output_bytes = it->value("bytes", std::size_t{0});
        v.output_cut = it->value("cut", std::size_t{0});
    }
    return v;
}

}  // namespace cj::verdict
