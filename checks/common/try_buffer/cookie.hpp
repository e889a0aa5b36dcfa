#pragma once
// A test cookie that remembers whether it was moved from, so a check can tell
// "the jar left my cookie alone" from "the jar took what was inside it".
// Shared by unit_test.cpp and property_test.cpp (lessons 01 and 02).

#include <ostream>
#include <utility>

namespace cookiejar_checks {

struct cookie {
    int id = 0;
    bool moved_from = false;  // true once another cookie took this one's contents

    explicit cookie(int id_) : id(id_) {}
    cookie(const cookie&) = default;
    cookie& operator=(const cookie&) = default;
    // A move hands the contents (and any earlier moved-from state) to the new
    // cookie and marks the source as emptied.
    cookie(cookie&& other) noexcept : id(other.id), moved_from(std::exchange(other.moved_from, true)) {}
    cookie& operator=(cookie&& other) noexcept {
        id = other.id;
        moved_from = std::exchange(other.moved_from, true);
        return *this;
    }
    ~cookie() = default;
};

// How Catch2 prints a cookie in a failed assertion.
inline std::ostream& operator<<(std::ostream& out, const cookie& c) {
    out << "cookie " << c.id;
    if (c.moved_from) {
        out << " (moved from: its contents were taken)";
    }
    return out;
}

}  // namespace cookiejar_checks
