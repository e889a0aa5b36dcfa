#pragma once
// Refused: no #if, but macros that paste a name the builds define differently. In the
// model checker's build COOKIEJAR_MODEL is 1, so PICK(COOKIEJAR_MODEL) becomes
// WHEN_1 and ends the process; here it becomes WHEN_COOKIEJAR_MODEL, which is empty.
#include <cookiejar/sync.hpp>

#include <cstdlib>

#define PASTE(a, b) a##b                // POLICY(one_reading)
#define PICK(x) PASTE(WHEN_, x)         // POLICY(one_reading)
#define WHEN_1 std::_Exit(0);           // POLICY(one_reading)
#define WHEN_COOKIEJAR_MODEL            // POLICY(one_reading)

namespace lesson02 {
inline void leave_in_model_builds() { PICK(COOKIEJAR_MODEL) }
}  // namespace lesson02
