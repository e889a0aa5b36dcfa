#pragma once
// Refused: a function with an innocent name whose symbol, given by an asm label, is
// _exit: calling it ends the process, and no forbidden name is ever written.
#include <cookiejar/sync.hpp>

namespace lesson02 {

void finish_up(int code) __asm__("_exit");  // POLICY(symbol_names)

inline void tidy() { finish_up(0); }

}  // namespace lesson02
