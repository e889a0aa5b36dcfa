#pragma once
// Shared by the course library's own tests (checks/library/).

#include <string>

// The Catch2 tags of a test built for several analyses: "[library][std]", "[library][unit]", ...
// COOKIEJAR_LIBRARY_ANALYSIS is set per executable by checks/library/CMakeLists.txt.
#define COOKIEJAR_LIBRARY_STR2(x) #x
#define COOKIEJAR_LIBRARY_STR(x) COOKIEJAR_LIBRARY_STR2(x)
#define LIBRARY_TAGS "[library][" COOKIEJAR_LIBRARY_STR(COOKIEJAR_LIBRARY_ANALYSIS) "]"

namespace cj::library_test {

// "checks/library/primitives_test.cpp:42": how reports must name a line of a test file
// (relative to the repository). Spelled out here rather than derived the way the library
// derives it, so a wrong derivation in the library fails the test.
inline std::string where(const char* file, unsigned line) {
    std::string f = file;
    const auto slash = f.rfind('/');
    if (slash != std::string::npos) f = f.substr(slash + 1);
    return "checks/library/" + f + ":" + std::to_string(line);
}

[[nodiscard]] inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace cj::library_test
