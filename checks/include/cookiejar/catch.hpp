#pragma once
// One include for Catch2 v2 (Debian 12's package) and v3 (newer systems, or fetched).
// The build defines COOKIEJAR_CATCH2_V3 when it found v3.

#ifdef COOKIEJAR_CATCH2_V3
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/generators/catch_generators_range.hpp>
#else
#include <catch2/catch.hpp>
#endif

#include <string>

namespace cj::testing {
// The name of the running test case (for replay commands and hang reports).
inline std::string current_test_name() { return Catch::getResultCapture().getCurrentTestName(); }
}  // namespace cj::testing
