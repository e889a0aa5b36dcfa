#pragma once
// The wait-for picture a watchdog prints when a check hangs: every thread of the
// check that has not finished, what it waits on, at which line, and who holds it.
// Reads the stress backend's registry (relaxed loads only).

#include <string>

#include <cookiejar/detail/stress_registry.hpp>

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

}  // namespace cj::stress
