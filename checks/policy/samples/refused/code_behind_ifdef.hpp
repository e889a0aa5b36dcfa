#pragma once
// Refused: the exit is only compiled in the model checker's build, which the policy
// check does not read; so the conditional itself is refused.
#include <cookiejar/sync.hpp>

#include <cstdlib>

namespace lesson02 {

inline void leave_in_model_builds() {
#ifdef COOKIEJAR_MODEL  // POLICY(one_reading)
    std::_Exit(0);
#endif
}

}  // namespace lesson02
