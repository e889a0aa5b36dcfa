#pragma once
// One include for Catch2 v2 (Debian 12's package) and v3 (Debian 13, Ubuntu 24.04, or
// fetched). The build defines COOKIEJAR_CATCH2_V3 when it found v3.
//
// A check names nothing that only one major version has: no catch2/ header but this
// file, and string matchers through cj::testing (v3 moved the matcher macros,
// REQUIRE_THAT and REQUIRE_THROWS_WITH, to their own header and renamed the substring
// matcher Contains to ContainsSubstring). The repository's test
// repository.catch2.checks_name_only_the_shim keeps it so.

#ifdef COOKIEJAR_CATCH2_V3
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/generators/catch_generators_range.hpp>
#include <catch2/matchers/catch_matchers.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#else
#include <catch2/catch.hpp>
#endif

#include <string>

namespace cj::testing {
// The name of the running test case (for replay commands and hang reports).
inline std::string current_test_name() { return Catch::getResultCapture().getCurrentTestName(); }

// A string matcher that holds when the text contains `part` (case-sensitive):
//   REQUIRE_THAT(report, cj::testing::contains("lost wake-up"));
//   REQUIRE_THROWS_WITH(jar(0), cj::testing::contains("capacity"));
inline auto contains(const std::string& part) {
#ifdef COOKIEJAR_CATCH2_V3
    return Catch::Matchers::ContainsSubstring(part);
#else
    return Catch::Matchers::Contains(part);
#endif
}

// A string matcher that holds when the text begins with `prefix` (case-sensitive).
inline auto starts_with(const std::string& prefix) { return Catch::Matchers::StartsWith(prefix); }
}  // namespace cj::testing
