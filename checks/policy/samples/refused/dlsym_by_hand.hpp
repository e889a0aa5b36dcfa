#pragma once
// Refused twice: dlsym is declared by hand with C linkage (no allowed header declares
// it), then used to look up the C library's _exit by its name, a string the compiler
// cannot follow.
#include <cookiejar/sync.hpp>

extern "C" void* dlsym(void* handle, const char* name);  // POLICY(c_linkage)

namespace lesson02 {

inline void leave_quietly() {
    auto leave = reinterpret_cast<void (*)(int)>(dlsym(nullptr, "_exit"));  // POLICY(escape_hatch) POLICY(code_pointer)
    leave(0);
}

}  // namespace lesson02
