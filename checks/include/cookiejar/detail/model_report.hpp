#pragma once
// Turning a failed model-check schedule into a table a student can read.
// Part of <cookiejar/model_check.hpp>; not for direct inclusion.

#include <cookiejar/detail/report_table.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace cj::model {

namespace detail {

#ifdef COOKIEJAR_SOURCE_DIR
inline constexpr const char* source_dir = COOKIEJAR_SOURCE_DIR;
#else
inline constexpr const char* source_dir = "";
#endif

// "/home/s/cookiejar/lessons/02-lock/bounded_buffer.hpp" -> "lessons/02-lock/bounded_buffer.hpp"
inline std::string relative(const std::string& file) {
    const std::string root = std::string(source_dir) + "/";
    if (root.size() > 1 && file.rfind(root, 0) == 0) return file.substr(root.size());
    return file;
}
inline std::string basename(const std::string& file) {
    const auto slash = file.rfind('/');
    return slash == std::string::npos ? file : file.substr(slash + 1);
}

inline bool is_relacy_internal(const step& s) { return s.file.find("/relacy/") != std::string::npos; }
inline bool is_scenario_note(const step& s) { return s.file == "(scenario)"; }

// Relacy names objects by address ("<0x55d1c0> mutex: exclusive lock"); a report
// names them "mutex #1" in order of first appearance, and says what happened in
// the words of the lesson ("lock mutex #1").
class object_names {
public:
    struct event {
        std::string object;  // "mutex #1", or empty when the step names no object
        std::string action;  // "lock mutex #1"
    };

    event translate(const std::string& what) {
        if (what.size() < 3 || what[0] != '<') return {"", what};
        const auto close = what.find("> ");
        if (close == std::string::npos) return {"", what};
        const std::string address = what.substr(1, close - 1);
        const std::string rest = what.substr(close + 2);  // "mutex: exclusive lock"
        const auto colon = rest.find(':');
        std::string kind = colon == std::string::npos ? "object" : rest.substr(0, colon);
        if (kind == "cond_var") kind = "condvar";
        if (kind == "semaphore") kind = "sem";
        auto& per_kind = names_[kind];
        auto it = per_kind.find(address);
        if (it == per_kind.end()) it = per_kind.emplace(address, per_kind.size() + 1).first;
        const std::string object = kind + " #" + std::to_string(it->second);
        std::string tail = colon == std::string::npos ? rest : rest.substr(colon + 1);
        while (!tail.empty() && tail.front() == ' ') tail.erase(tail.begin());
        return {object, phrase(object, tail)};
    }

private:
    static bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

    static std::string phrase(const std::string& object, const std::string& tail) {
        if (tail == "exclusive lock") return "lock " + object;
        if (tail == "exclusive unlock") return "unlock " + object;
        if (tail == "blocking") return "blocks on " + object;
        if (starts(tail, "failed exclusive try lock") || starts(tail, "spuriously failed exclusive try lock"))
            return "try_lock " + object + " fails";
        if (tail == "recursive exclusive lock") return "locks " + object + " AGAIN";
        if (tail == "destroying owned mutex") return "destroys " + object + " while locked";
        if (tail == "wait enter") return "wait on " + object;
        if (tail == "wait exit due to notified") return "woken (notified)";
        if (tail == "wait exit spuriously") return "woken SPURIOUSLY";
        if (tail == "wait exit due to timeout") return "wait times out";
        if (starts(tail, "notify one")) {
            return "notify_one " + object + (tail.find("unblocked=0") != std::string::npos ? " (nobody waits)" : "");
        }
        if (starts(tail, "notify all")) return "notify_all " + object;
        if (starts(tail, "wait succeeded") || starts(tail, "try_wait succeeded")) return "acquire " + object;
        if (starts(tail, "try_wait failed")) return "try_acquire " + object + " fails";
        if (starts(tail, "wait ") && tail.find("failed") == std::string::npos) return "acquire " + object;
        if (starts(tail, "post FAILED")) return "release " + object + " ABOVE MAX";
        if (starts(tail, "post ")) return "release " + object;
        return object + ": " + tail;
    }

    std::map<std::string, std::map<std::string, std::size_t>> names_;
};

// What a Relacy verdict means, in a sentence.
inline std::string explain(const std::string& verdict) {
    const auto is = [&](const char* v) { return verdict.rfind(v, 0) == 0; };
    if (is("DEADLOCK")) return "deadlock: every thread that has not finished is blocked, and nothing can wake them";
    if (is("DESTROYING OWNED MUTEX"))
        return "a mutex was still locked when the jar was destroyed: a call returned without unlocking it";
    if (is("RECURSION ON NON-RECURSIVE MUTEX")) return "a thread locked a mutex it already holds (it would wait for itself forever)";
    if (is("UNLOCKING MUTEX W/O OWNERSHIP")) return "a thread unlocked a mutex it does not hold";
    if (is("LIVELOCK")) return "livelock: the threads keep running but none makes progress";
    if (is("MEMORY LEAK")) return "memory allocated during the scenario was never freed";
    if (is("ACCESS TO FREED MEMORY")) return "memory was used after it was freed";
    return verdict;
}

}  // namespace detail

inline std::string result::summary() const {
    std::string s;
    for (const auto& run : runs) {
        char line[200];
        std::snprintf(line, sizeof line, "  %-8s search: %llu schedules in %.2f s: %s\n", name_of(run.kind),
                      static_cast<unsigned long long>(run.schedules), run.seconds,
                      run.passed ? "no failure" : "FAILED");
        s += line;
    }
    return s;
}

inline std::string result::report() const {
    if (!failed) return "model check \"" + scenario + "\" passed\n" + summary();
    const failure& f = *failed;
    const std::size_t threads = thread_names.size();
    auto name_of = [&](int t) {
        return t >= 0 && static_cast<std::size_t>(t) < threads ? std::string(thread_names[static_cast<std::size_t>(t)])
                                                                : "thread " + std::to_string(t);
    };

    // The steps a student should see: their own code, the scenario's notes, thread ends
    // and the failing step. Not: setup, teardown, allocations, Relacy's internals.
    struct row {
        int thread;
        std::string text;
    };
    std::vector<row> rows;
    std::set<std::string> files;
    detail::object_names names;
    struct held {
        int thread;
        unsigned line;
        std::string file;
    };
    std::map<std::string, held> holder;      // mutex -> who holds it, locked where
    std::map<int, std::string> blocked_on;   // thread -> the object it last blocked on
    std::set<int> finished;
    bool in_setup = false;
    for (std::size_t i = 0; i < f.steps.size(); ++i) {
        const step& s = f.steps[i];
        if (s.what == "[BEFORE BEGIN]" || s.what == "[AFTER BEGIN]") in_setup = true;
        if (s.what == "[BEFORE END]" || s.what == "[AFTER END]") {
            in_setup = false;
            continue;
        }
        if (s.what == "[THREAD FINISHED]") {
            finished.insert(s.thread);
            blocked_on.erase(s.thread);
            rows.push_back({s.thread, "(finished)"});
            continue;
        }
        if (i + 1 == f.steps.size()) break;  // the verdict itself: stated above the table
        if (in_setup || s.what.rfind("memory ", 0) == 0) continue;
        if (detail::is_scenario_note(s)) {
            rows.push_back({s.thread, s.what});
            continue;
        }
        if (detail::is_relacy_internal(s) || s.what.rfind("blocking current thread", 0) == 0 ||
            s.what.rfind("unblocking thread", 0) == 0)
            continue;
        const auto ev = names.translate(s.what);
        if (ev.action.rfind("lock ", 0) == 0) holder[ev.object] = {s.thread, s.line, detail::relative(s.file)};
        if (ev.action.rfind("unlock ", 0) == 0) holder.erase(ev.object);
        if (ev.action.rfind("blocks on ", 0) == 0 || ev.action.rfind("wait on ", 0) == 0 ||
            (ev.action.rfind("acquire ", 0) == 0 && s.what.find("succeeded") == std::string::npos))
            blocked_on[s.thread] = ev.object;
        if (ev.action.rfind("woken", 0) == 0 || ev.action.rfind("lock ", 0) == 0) blocked_on.erase(s.thread);
        const std::string rel = detail::relative(s.file);
        files.insert(rel);
        rows.push_back({s.thread, ev.action + " @" + std::to_string(s.line)});
    }

    std::string out;
    out += "model check \"" + scenario + "\" FAILED\n";
    out += "  what went wrong: " + (f.message.empty() ? detail::explain(f.verdict) : f.message) + "\n";
    if (f.verdict.rfind("DEADLOCK", 0) == 0) {
        for (const auto& [th, object] : blocked_on) {
            if (finished.count(th) != 0) continue;
            out += "    " + name_of(th) + " waits for " + object;
            if (auto h = holder.find(object); h != holder.end()) {
                out += ", held by " + name_of(h->second.thread) + " since " + h->second.file + ":" +
                       std::to_string(h->second.line);
                if (finished.count(h->second.thread) != 0) out += " - " + name_of(h->second.thread) + " has finished without unlocking it";
            }
            out += "\n";
        }
    }
    if (f.verdict.rfind("DESTROYING OWNED MUTEX", 0) == 0) {
        for (const auto& [object, h] : holder)
            out += "    " + name_of(h.thread) + " locked " + object + " at " + h.file + ":" + std::to_string(h.line) +
                   " and never unlocked it\n";
    }
    out += "  found by the " + std::string(cj::model::name_of(f.found_by)) + " search";
    if (f.found_by == search_kind::bounded) out += " (every schedule with at most " + std::to_string(f.context_bound) + " preemptions)";
    out += ", schedule " + std::to_string(f.schedule) + "\n";

    out += "\n  the interleaving (time runs down; @N is a line of";
    for (const auto& file : files) out += " " + file;
    out += "):\n";
    std::vector<std::string> headings;
    for (std::size_t t = 0; t < threads; ++t) headings.push_back(name_of(static_cast<int>(t)));
    std::vector<cj::detail::table_row> cells;
    for (const auto& r : rows) cells.push_back({static_cast<std::size_t>(r.thread), r.text});
    out += cj::detail::column_table(headings, cells);
    out += "  then: " + (f.message.empty() ? f.verdict : "the check after the run failed (see above)") + "\n";
    out += "\n  replay exactly this schedule:\n    " + replay_command + "\n";
    return out;
}

}  // namespace cj::model
