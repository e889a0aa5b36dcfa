#pragma once
// Refused: a static initializer runs a shell command with std::system.
#include <cookiejar/sync.hpp>

#include <cstdlib>

namespace lesson02 {

inline const int prepared = std::system("touch /tmp/cookiejar-was-here");  // POLICY(starts_process)

}  // namespace lesson02
