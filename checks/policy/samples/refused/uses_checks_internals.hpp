#pragma once
// Refused: <cookiejar/sync.hpp> is allowed, and in the stress backend it brings the
// checks' registry along; the jar uses it to wipe what a hang report would say.
#include <cookiejar/sync.hpp>

namespace lesson02 {

inline void forget_who_waits() { cj::stress::reset_registry(); }  // POLICY(internals)

}  // namespace lesson02
