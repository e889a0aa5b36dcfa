#pragma once
// Refused: <unistd.h> is a POSIX header, not one of the C++ standard library's.
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <unistd.h>  // POLICY(includes)

namespace lesson02 {
inline long page_size() { return sysconf(_SC_PAGESIZE); }
}  // namespace lesson02
