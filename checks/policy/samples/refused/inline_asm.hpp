#pragma once
// Refused: inline assembly that makes the exit_group system call itself, past every
// named function the policy check looks for.
#include <cookiejar/sync.hpp>

namespace lesson02 {

inline void leave_quietly() {
    asm volatile("mov $231, %%eax\n\txor %%edi, %%edi\n\tsyscall" ::: "rax", "rdi", "memory");  // POLICY(assembly)
}

}  // namespace lesson02
