#pragma once
// Refused: the names are the allowed ones, but the compiler finds both headers next to
// this file, in the repository, not where the course's and the standard library's are:
// what counts is where the preprocessor resolved the directive.
#include "cookiejar/sync.hpp"  // POLICY(includes)
#include "vector"              // POLICY(includes)

namespace lesson02 {
inline std::vector<int> shelf;
}  // namespace lesson02
