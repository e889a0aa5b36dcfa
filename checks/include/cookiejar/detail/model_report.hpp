#pragma once
// Turning a failed model-check schedule into a table a student can read.
// Part of <cookiejar/model_check.hpp>; not for direct inclusion.

#include <cookiejar/detail/report_table.hpp>
#include <cookiejar/detail/verdict_render.hpp>

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

// One line per search: "bounded  search: 58160 schedules in 1.76 s (every schedule with at
// most 2 preemptions): no failure, exhaustive", or, stopped by a budget, "...: no failure in
// them; its time budget stopped it (not exhaustive)".
inline std::string result::summary() const {
    std::string s;
    for (const auto& run : runs) {
        char line[400];
        std::string scope;
        if (run.kind == search_kind::bounded)
            scope = "every schedule with at most " + std::to_string(run.context_bound) + " preemption" +
                    (run.context_bound == 1 ? "" : "s") +
                    (run.timed_waits ? " and " + std::to_string(run.early_timeouts) + " early timeout" +
                                           (run.early_timeouts == 1 ? "" : "s")
                                     : std::string());
        else
            scope = run.timed_waits ? "seeded, at most " + std::to_string(run.early_timeouts) + " early timeouts each"
                                    : std::string("seeded");
        const char* verdict = !run.passed                                ? "FAILED"
                              : run.end == search_end::time_budget       ? "no failure in them; its time budget stopped it (not exhaustive)"
                              : run.end == search_end::schedule_budget   ? "no failure in them; its schedule budget stopped it (not exhaustive)"
                              : run.exhaustive()                         ? "no failure, exhaustive"
                                                                         : "no failure";
        std::snprintf(line, sizeof line, "  %-8s search: %llu schedules in %.2f s (%s): %s\n", name_of(run.kind),
                      static_cast<unsigned long long>(run.schedules), run.seconds, scope.c_str(), verdict);
        s += line;
    }
    return s;
}

inline std::vector<cj::verdict::search_coverage> result::coverage() const {
    std::vector<cj::verdict::search_coverage> out;
    for (const auto& run : runs) {
        cj::verdict::search_coverage c;
        c.search = name_of(run.kind);
        c.schedules = run.schedules;
        c.seconds = run.seconds;
        c.context_bound = run.context_bound;
        c.early_timeouts = run.early_timeouts;
        c.exhaustive = run.exhaustive();
        c.stopped_by = run.end == search_end::time_budget       ? "time budget"
                       : run.end == search_end::schedule_budget ? "schedule budget"
                                                                : "";
        out.push_back(std::move(c));
    }
    return out;
}

// The failing schedule as a finding (<cookiejar/verdict.hpp>): the steps a student
// should see, who waits for what, the bug class it shows, and the student's line.
inline cj::verdict::finding result::to_finding() const {
    cj::verdict::finding out;
    if (!failed) return out;
    const failure& f = *failed;
    const std::size_t threads = thread_names.size();
    auto name_of = [&](int t) {
        return t >= 0 && static_cast<std::size_t>(t) < threads ? std::string(thread_names[static_cast<std::size_t>(t)])
                                                                : "thread " + std::to_string(t);
    };
    out.from = cj::verdict::source::model;
    for (std::size_t t = 0; t < threads; ++t) out.threads.push_back(name_of(static_cast<int>(t)));

    // The steps a student should see: their own code, the scenario's notes, thread ends
    // and the failing step. Not: setup, teardown, allocations, Relacy's internals.
    detail::object_names names;
    struct held {
        int thread;
        unsigned line;
        std::string file;
    };
    std::map<std::string, held> holder;      // mutex -> who holds it, locked where
    std::map<int, std::string> blocked_on;   // thread -> the object it last blocked on
    std::set<int> finished;
    bool in_setup = false, spurious = false, timed_out = false, condvar_wait = false, lonely_notify = false, blocks_on_mutex = false,
         on_semaphore = false, closed = false;
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
            out.steps.push_back({static_cast<std::size_t>(s.thread), "(finished)", {}});
            continue;
        }
        if (i + 1 == f.steps.size()) break;  // the verdict itself: stated above the table
        if (in_setup || s.what.rfind("memory ", 0) == 0) continue;
        if (detail::is_scenario_note(s)) {
            if (s.what.rfind("close()", 0) == 0) closed = true;
            out.steps.push_back({static_cast<std::size_t>(s.thread), s.what, {}});
            continue;
        }
        // (A timeout's "yield": the other threads' turn, which the table shows anyway.)
        if (detail::is_relacy_internal(s) || s.what.rfind("blocking current thread", 0) == 0 ||
            s.what.rfind("yield(", 0) == 0 ||
            s.what.rfind("unblocking thread", 0) == 0)
            continue;
        const auto ev = names.translate(s.what);
        if (ev.action.rfind("lock ", 0) == 0) holder[ev.object] = {s.thread, s.line, detail::relative(s.file)};
        if (ev.action.rfind("unlock ", 0) == 0) holder.erase(ev.object);
        if (ev.action.rfind("blocks on ", 0) == 0 || ev.action.rfind("wait on ", 0) == 0 ||
            (ev.action.rfind("acquire ", 0) == 0 && s.what.find("succeeded") == std::string::npos))
            blocked_on[s.thread] = ev.object;
        if (ev.action.rfind("woken", 0) == 0 || ev.action.rfind("lock ", 0) == 0) blocked_on.erase(s.thread);
        spurious = spurious || ev.action.find("SPURIOUSLY") != std::string::npos;
        timed_out = timed_out || ev.action.find("times out") != std::string::npos;
        condvar_wait = condvar_wait || ev.action.rfind("wait on condvar", 0) == 0;
        lonely_notify = lonely_notify || ev.action.find("(nobody waits)") != std::string::npos;
        blocks_on_mutex = blocks_on_mutex || ev.action.rfind("blocks on mutex", 0) == 0;
        on_semaphore = on_semaphore || ev.object.rfind("sem #", 0) == 0;
        out.steps.push_back({static_cast<std::size_t>(s.thread), ev.action, {detail::relative(s.file), s.line}});
    }

    out.promise = f.message.empty() ? detail::explain(f.verdict) : f.message;
    if (f.verdict.rfind("DEADLOCK", 0) == 0) {
        for (const auto& [th, object] : blocked_on) {
            if (finished.count(th) != 0) continue;
            cj::verdict::wait_edge w;
            w.thread = name_of(th);
            w.action = object.rfind("mutex", 0) == 0 ? "lock" : object.rfind("sem", 0) == 0 ? "acquire" : "wait";
            w.object = object;
            if (auto h = holder.find(object); h != holder.end()) {
                w.holder = name_of(h->second.thread);
                w.held_at = {h->second.file, h->second.line};
                w.holder_finished = finished.count(h->second.thread) != 0;
            }
            out.waits.push_back(std::move(w));
        }
    }
    if (f.verdict.rfind("DESTROYING OWNED MUTEX", 0) == 0) {
        for (const auto& [object, h] : holder) {
            cj::verdict::wait_edge w;
            w.thread = name_of(h.thread);
            w.action = "holds";
            w.object = object;
            w.at = {h.file, h.line};
            out.waits.push_back(std::move(w));
        }
    }
    out.found_by = "found by the " + std::string(cj::model::name_of(f.found_by)) + " search";
    if (f.found_by == search_kind::bounded)
        out.found_by += " (every schedule with at most " + std::to_string(f.context_bound) + " preemptions" +
                        (f.timed_waits ? " and " + std::to_string(f.early_timeouts) + " early timeout" +
                                                    (f.early_timeouts == 1 ? "" : "s")
                                              : std::string()) +
                        ")";
    out.found_by += ", schedule " + std::to_string(f.schedule);
    out.conclusion = f.message.empty() ? f.verdict : "the check after the run failed (see above)";
    out.replay = detail::search_name(f.found_by, f.context_bound, f.early_timeouts, f.timed_waits) + ":" + f.replay_state;
    out.replay_command = replay_command;

    // The student's line: where a waiter's lock was taken, else the last line of the schedule.
    for (const auto& w : out.waits) {
        if (w.held_at.known()) {
            out.location = w.held_at;
            break;
        }
        if (w.at.known()) {
            out.location = w.at;
            break;
        }
    }
    if (!out.location.known()) {
        for (auto it = out.steps.rbegin(); it != out.steps.rend(); ++it)
            if (it->at.known()) {
                out.location = it->at;
                break;
            }
    }

    // What kind of bug the schedule shows.
    using cj::verdict::bug;
    const bool linearizability = f.message.find("no one-at-a-time order") != std::string::npos;
    // A wait that ended without its condition (spuriously, or by a timeout) and a wrong
    // result after it: the wait was not in a loop that looks again.
    if (spurious || (timed_out && f.verdict.rfind("DEADLOCK", 0) != 0 && !f.message.empty())) {
        out.bug_class = bug::if_instead_of_while;
    } else if (f.verdict.rfind("DESTROYING OWNED MUTEX", 0) == 0 || f.verdict.rfind("RECURSION ON NON-RECURSIVE", 0) == 0) {
        out.bug_class = bug::lock_never_released;
    } else if (f.verdict.rfind("DEADLOCK", 0) == 0) {
        bool waiter_on_condvar = false;
        for (const auto& w : out.waits) waiter_on_condvar = waiter_on_condvar || w.action == "wait";
        if (closed && waiter_on_condvar) out.bug_class = bug::close_leaves_waiter;
        else if (condvar_wait || lonely_notify) out.bug_class = bug::lost_wake_up;
        else if (blocks_on_mutex && on_semaphore) out.bug_class = bug::lock_held_while_waiting;
        else out.bug_class = bug::deadlock;
    } else if (linearizability) {
        // A call that takes the lock twice before it returns looked, let go, and acted.
        std::map<std::size_t, int> locks_in_call;
        std::map<std::size_t, cj::verdict::place> first_lock;
        bool split = false;
        for (const auto& s : out.steps) {
            // A wait hands the lock back and takes it again: that relock is part of the wait.
            if (s.text.find(" begins") != std::string::npos || s.text.rfind("wait on", 0) == 0)
                locks_in_call[s.thread] = 0;
            if (s.text.rfind("lock mutex", 0) == 0 && ++locks_in_call[s.thread] == 1) first_lock[s.thread] = s.at;
            if (s.text.rfind("lock mutex", 0) == 0 && locks_in_call[s.thread] == 2 && !split) {
                split = true;
                if (first_lock[s.thread].known()) out.location = first_lock[s.thread];
            }
        }
        out.bug_class = split ? bug::check_then_act : bug::wrong_result;
    }
    out.report = cj::verdict::render_model(scenario, out);
    return out;
}

inline std::string result::report() const {
    if (!failed)
        return "model check \"" + scenario + "\" passed" +
               (complete() ? "" : " (not exhaustive: a budget stopped a search; see how many schedules it covered)") + "\n" +
               summary();
    return to_finding().report;
}

}  // namespace cj::model
