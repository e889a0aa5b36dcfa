#pragma once
// Refused: the file does not compile on its own (a name nothing declares). The policy
// check says so with the compiler's first error; the build says the rest.
#include <cookiejar/sync.hpp>

#include <cstddef>

namespace lesson02 {

inline std::size_t cookies() { return jar_count; }  // POLICY(compiles)

}  // namespace lesson02
