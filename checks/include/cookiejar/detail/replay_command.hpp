#pragma once
// The command line that runs one check again: used by the replay lines of the model
// checker (<cookiejar/model_check.hpp>) and the schedule explorer (<cookiejar/async_check.hpp>).

#include <string>

#include <unistd.h>

namespace cj::detail {

inline std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'') q += "'\\''";
        else q += c;
    }
    return q + "'";
}

// A test case's name as a Catch2 test spec that matches exactly it: ',' separates
// alternatives and '[' starts a tag, so those (and the escape character) get a backslash.
inline std::string catch_spec(const std::string& name) {
    std::string spec;
    for (char c : name) {
        if (c == ',' || c == '[' || c == ']' || c == '\\') spec += '\\';
        spec += c;
    }
    return spec;
}

inline std::string self_executable() {
    char path[4096];
    const auto n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) return "<test executable>";
    return std::string(path, static_cast<std::size_t>(n));
}

}  // namespace cj::detail
