#pragma once
// The console reports of the two model checkers, rendered from a finding
// (<cookiejar/verdict.hpp>): what a check prints and what `cookiejar check` shows come
// from the same record. Used by <cookiejar/model_check.hpp>, <cookiejar/async_check.hpp>
// and the command (checks/cli).
//
//   model check "<scenario>" FAILED              schedule check "<scenario>" FAILED
//     what went wrong: <promise>                   what went wrong: <promise>
//       <one line per wait-for edge>               <found_by>
//     <found_by>
//                                                  the steps (time runs down; ...):
//     the interleaving (time runs down; ...):      <table>
//     <table>
//     then: <conclusion>                           replay exactly this schedule:
//                                                    <replay_command>
//     replay exactly this schedule:
//       <replay_command>

#include <cookiejar/detail/report_table.hpp>
#include <cookiejar/verdict.hpp>

#include <set>
#include <string>
#include <vector>

namespace cj::verdict {

// A step's cell: its text, and "@N" when it has a line.
inline std::string cell_of(const step& s) {
    return s.at.line > 0 ? s.text + " @" + std::to_string(s.at.line) : s.text;
}

// The grid of a finding's steps, one column per thread, with the files its @N refer to.
inline std::string render_steps(const finding& f, const std::string& heading) {
    std::set<std::string> files;
    std::vector<cj::detail::table_row> rows;
    for (const auto& s : f.steps) {
        rows.push_back({s.thread, cell_of(s)});
        if (s.at.line > 0 && !s.at.file.empty()) files.insert(s.at.file);
    }
    std::string out = "\n  " + heading;
    for (const auto& file : files) out += " " + file;
    out += "):\n";
    out += cj::detail::column_table(f.threads, rows);
    return out;
}

// One wait-for edge of a model checker's deadlock, in words.
inline std::string render_wait(const wait_edge& w) {
    if (w.action == "holds")
        return w.thread + " locked " + w.object + " at " + w.at.file + ":" + std::to_string(w.at.line) +
               " and never unlocked it";
    std::string line = w.thread + " waits for " + w.object;
    if (!w.holder.empty()) {
        line += ", held by " + w.holder + " since " + w.held_at.file + ":" + std::to_string(w.held_at.line);
        if (w.holder_finished) line += " - " + w.holder + " has finished without unlocking it";
    }
    return line;
}

inline std::string render_model(const std::string& scenario, const finding& f) {
    std::string out = "model check \"" + scenario + "\" FAILED\n";
    out += "  what went wrong: " + f.promise + "\n";
    for (const auto& w : f.waits) out += "    " + render_wait(w) + "\n";
    out += "  " + f.found_by + "\n";
    out += render_steps(f, "the interleaving (time runs down; @N is a line of");
    out += "  then: " + f.conclusion + "\n";
    out += "\n  replay exactly this schedule:\n    " + f.replay_command + "\n";
    return out;
}

inline std::string render_schedule(const std::string& scenario, const finding& f) {
    std::string out = "schedule check \"" + scenario + "\" FAILED\n";
    std::string what = f.promise;
    for (std::size_t at = what.find('\n'); at != std::string::npos; at = what.find('\n', at + 5))
        what.replace(at, 1, "\n    ");
    out += "  what went wrong: " + what + "\n";
    out += "  " + f.found_by + "\n";
    out += render_steps(f, "the steps (time runs down; one task runs at a time; @N is a line of");
    out += "\n  replay exactly this schedule:\n    " + f.replay_command + "\n";
    return out;
}

// The report of any finding that has one of the two forms above; "" otherwise.
inline std::string render_report(const std::string& check, const finding& f) {
    if (f.from == source::model) return render_model(check, f);
    if (f.from == source::schedule) return render_schedule(check, f);
    return {};
}

}  // namespace cj::verdict
