#pragma once
// The wait-for picture a watchdog prints when a check hangs: every thread of the
// check that has not finished, what it waits on, at which line, and who holds it.
// Reads the stress backend's registry (relaxed loads only).

#include <cstdio>
#include <cstring>
#include <string>

#include <cookiejar/detail/stress_registry.hpp>
#include <cookiejar/verdict.hpp>

namespace cj::stress {

inline std::string where(const char* file, unsigned line, const char* function) {
    std::string f = file ? file : "?";
#ifdef COOKIEJAR_SOURCE_DIR
    const std::string root = std::string(COOKIEJAR_SOURCE_DIR) + "/";
    if (f.rfind(root, 0) == 0) f = f.substr(root.size());
#endif
    return f + ":" + std::to_string(line) + (function && *function ? std::string(" (") + function + ")" : "");
}

// The wait-for picture, from the stress backend's registry.
inline std::string wait_for_picture() {
    std::string s;
    const int n = slot_count();
    auto name_of = [](int i) {
        const char* nm = slot(i).name.load(std::memory_order_relaxed);
        return nm ? std::string(nm) : "thread " + std::to_string(i);
    };
    for (int i = 0; i < n; ++i) {
        const thread_slot& t = slot(i);
        const char* nm = t.name.load(std::memory_order_relaxed);
        if (t.finished.load(std::memory_order_relaxed)) continue;
        if (t.waiting.load(std::memory_order_relaxed) == wait_kind::join) continue;  // the harness's joining thread
        // Unnamed threads are shown only when blocked (e.g. a unit check's main thread).
        if (nm == nullptr && t.waiting.load(std::memory_order_relaxed) == wait_kind::none) continue;
        s += "  " + name_of(i);
        const auto kind = t.waiting.load(std::memory_order_relaxed);
        const waitable* on = t.on.load(std::memory_order_relaxed);
        const std::string at = where(t.file.load(std::memory_order_relaxed), t.line.load(std::memory_order_relaxed),
                                     t.function.load(std::memory_order_relaxed));
        if (kind == wait_kind::none || on == nullptr) {
            s += " is not blocked in a cj:: call (it may be spinning, or waiting for something else)\n";
            continue;
        }
        const std::string object = std::string(on->kind) + " #" + std::to_string(on->id);
        if (kind == wait_kind::lock) {
            s += " waits to lock " + object + " at " + at + "\n";
            const int owner = on->owner.load(std::memory_order_relaxed);
            if (owner >= 0) {
                s += "      " + object + " is held by " + name_of(owner) + ", locked at " +
                     where(on->owner_file.load(std::memory_order_relaxed), on->owner_line.load(std::memory_order_relaxed),
                           on->owner_function.load(std::memory_order_relaxed));
                if (slot(owner).finished.load(std::memory_order_relaxed))
                    s += "\n      " + name_of(owner) + " has finished: it returned without unlocking";
                s += "\n";
            }
        } else if (kind == wait_kind::condition) {
            s += " waits on " + object + " at " + at + " (for a notify that has not come)\n";
        } else {
            s += " waits to acquire " + object + " at " + at + " (its count is 0)\n";
        }
    }
    for (int i = 0; i < n; ++i) {
        const thread_slot& t = slot(i);
        if (t.name.load(std::memory_order_relaxed) != nullptr && t.finished.load(std::memory_order_relaxed))
            s += "  " + name_of(i) + " has finished\n";
    }
    if (s.empty()) s = "  (no thread of the check is registered as blocked in a cj:: call)\n";
    return s;
}

// ---- the same picture as data, for a watchdog's record (no allocation: the
// program may be stuck anywhere) ----

namespace detail {

// A repository-relative path, pointing into `file`.
inline const char* relative_path(const char* file) noexcept {
    if (file == nullptr) return "";
#ifdef COOKIEJAR_SOURCE_DIR
    const std::size_t n = std::strlen(COOKIEJAR_SOURCE_DIR);
    if (n > 0 && std::strncmp(file, COOKIEJAR_SOURCE_DIR, n) == 0 && file[n] == '/') return file + n + 1;
#endif
    return file;
}

inline void slot_name(int i, char* out, std::size_t size) noexcept {
    const char* nm = slot(i).name.load(std::memory_order_relaxed);
    if (nm) std::snprintf(out, size, "%s", nm);
    else std::snprintf(out, size, "thread %d", i);
}

inline void write_place(cj::verdict::json_writer& w, const char* key, const char* file, unsigned line) noexcept {
    w.begin_object(key);
    w.field("file", relative_path(file));
    w.field("line", line);
    w.end_object();
}

}  // namespace detail

// What kind of hang the registry shows (the bug class of a watchdog's finding):
//   nobody blocked in a cj:: call          busy_loop (a loop that never ends; a wait for a
//                                           mutex nobody holds is not blocked)
//   a lock held by a thread that finished   lock_never_released
//   a thread blocked on a semaphore or a condition while it holds a mutex someone
//   else waits for                          lock_held_while_waiting
//   everybody waits on a condition          lost_wake_up
//   otherwise                               deadlock
[[nodiscard]] inline cj::verdict::bug classify_hang() noexcept {
    using cj::verdict::bug;
    const int n = slot_count();
    int blocked = 0, on_condition = 0;
    bool held_by_finished = false, holds_while_waiting = false;
    for (int i = 0; i < n; ++i) {
        const thread_slot& t = slot(i);
        if (t.finished.load(std::memory_order_relaxed)) continue;
        const auto kind = t.waiting.load(std::memory_order_relaxed);
        const waitable* on = t.on.load(std::memory_order_relaxed);
        if (kind == wait_kind::none || kind == wait_kind::join || on == nullptr) continue;
        // A lock wait on a mutex nobody holds ends as soon as the waiter runs: threads that
        // poll try_put under a spinning consumer are caught there, not blocked.
        if (kind == wait_kind::lock && on->owner.load(std::memory_order_relaxed) < 0) continue;
        ++blocked;
        if (kind == wait_kind::condition) ++on_condition;
        if (kind == wait_kind::lock) {
            const int owner = on->owner.load(std::memory_order_relaxed);
            if (owner >= 0 && slot(owner).finished.load(std::memory_order_relaxed)) held_by_finished = true;
            if (owner >= 0 && owner != i) {
                const auto owner_kind = slot(owner).waiting.load(std::memory_order_relaxed);
                if (owner_kind == wait_kind::semaphore || owner_kind == wait_kind::condition) holds_while_waiting = true;
            }
        }
    }
    if (blocked == 0) return bug::busy_loop;
    if (held_by_finished) return bug::lock_never_released;
    if (holds_while_waiting) return bug::lock_held_while_waiting;
    if (on_condition == blocked) return bug::lost_wake_up;
    return bug::deadlock;
}

// Writes bug_class (classify_hang(), unless `known` names it), location (the first
// blocked thread's line) and waits into the finding object `w` is in.
inline void write_hang(cj::verdict::json_writer& w, cj::verdict::bug known = cj::verdict::bug::none) noexcept {
    const auto kind_of_hang = known != cj::verdict::bug::none ? known : classify_hang();
    w.field("bug_class", cj::verdict::key_of(kind_of_hang));
    const int n = slot_count();
    bool located = false;
    // A lock never released: the line that took it. Otherwise: where the first thread waits.
    for (int i = 0; i < n && !located && kind_of_hang == cj::verdict::bug::lock_never_released; ++i) {
        const thread_slot& t = slot(i);
        const waitable* on = t.on.load(std::memory_order_relaxed);
        if (t.finished.load(std::memory_order_relaxed) || t.waiting.load(std::memory_order_relaxed) != wait_kind::lock ||
            on == nullptr)
            continue;
        const int owner = on->owner.load(std::memory_order_relaxed);
        if (owner < 0 || !slot(owner).finished.load(std::memory_order_relaxed)) continue;
        detail::write_place(w, "location", on->owner_file.load(std::memory_order_relaxed),
                            on->owner_line.load(std::memory_order_relaxed));
        located = true;
    }
    for (int i = 0; i < n && !located; ++i) {
        const thread_slot& t = slot(i);
        const auto kind = t.waiting.load(std::memory_order_relaxed);
        if (t.finished.load(std::memory_order_relaxed) || kind == wait_kind::none || kind == wait_kind::join)
            continue;
        detail::write_place(w, "location", t.file.load(std::memory_order_relaxed), t.line.load(std::memory_order_relaxed));
        located = true;
    }
    w.begin_array("waits");
    for (int i = 0; i < n; ++i) {
        const thread_slot& t = slot(i);
        if (t.finished.load(std::memory_order_relaxed)) continue;
        const auto kind = t.waiting.load(std::memory_order_relaxed);
        const waitable* on = t.on.load(std::memory_order_relaxed);
        const char* nm = t.name.load(std::memory_order_relaxed);
        if (nm == nullptr && kind == wait_kind::none) continue;
        if (kind == wait_kind::join) continue;
        char name[128], object[96];
        detail::slot_name(i, name, sizeof name);
        w.begin_object();
        w.field("thread", name);
        if (kind == wait_kind::none || on == nullptr) {
            w.field("action", "runs");  // not blocked in a cj:: call: spinning, or waiting elsewhere
            w.field("object", "");
            w.end_object();
            continue;
        }
        w.field("action", kind == wait_kind::lock ? "lock" : kind == wait_kind::condition ? "wait" : "acquire");
        std::snprintf(object, sizeof object, "%s #%u", on->kind, on->id);
        w.field("object", object);
        detail::write_place(w, "at", t.file.load(std::memory_order_relaxed), t.line.load(std::memory_order_relaxed));
        const int owner = kind == wait_kind::lock ? on->owner.load(std::memory_order_relaxed) : -1;
        if (owner >= 0) {
            char holder[128];
            detail::slot_name(owner, holder, sizeof holder);
            w.field("holder", holder);
            detail::write_place(w, "held_at", on->owner_file.load(std::memory_order_relaxed),
                                on->owner_line.load(std::memory_order_relaxed));
            w.field("holder_finished", slot(owner).finished.load(std::memory_order_relaxed));
        }
        w.end_object();
    }
    w.end_array();
}

// The check's last record, for a hang that ends the process: outcome hang, one finding
// from `from` (a watchdog, the deadlock detector) with its promise and the wait-for
// picture (write_hang). Nothing when no record is kept or another ending wrote first.
inline void write_hang_record(cj::verdict::source from, const char* promise,
                              cj::verdict::bug known = cj::verdict::bug::none) noexcept {
    auto* w = cj::verdict::begin_ending_record(cj::verdict::outcome::hang);
    if (w == nullptr) return;
    w->begin_array("findings");
    w->begin_object();
    w->field("source", cj::verdict::key_of(from));
    w->field("promise", promise);
    write_hang(*w, known);
    w->end_object();
    w->end_array();
    cj::verdict::finish_ending_record(*w);
}

}  // namespace cj::stress
