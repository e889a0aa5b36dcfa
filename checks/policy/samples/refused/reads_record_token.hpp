#pragma once
// Refused: a static initializer runs before the check's main() takes the runner's token
// out of the environment, and keeps a copy, with which a forged record would look real.
#include <cookiejar/sync.hpp>

#include <cstdlib>
#include <string>

namespace lesson02 {

inline const std::string kept_token = [] {
    const char* token = std::getenv("COOKIEJAR_RECORD_TOKEN");  // POLICY(escape_hatch)
    return std::string(token ? token : "");
}();

}  // namespace lesson02
