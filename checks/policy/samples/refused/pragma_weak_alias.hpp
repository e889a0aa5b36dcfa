#pragma once
// Refused: #pragma weak makes `farewell` another name for the C library's _exit.
#include <cookiejar/sync.hpp>

#pragma weak farewell = _exit  // POLICY(symbol_names)

namespace lesson02 {
inline int weak_names = 0;
}  // namespace lesson02
