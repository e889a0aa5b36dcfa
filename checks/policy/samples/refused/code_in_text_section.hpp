#pragma once
// Refused twice: machine code (mov $231,%eax; xor %edi,%edi; syscall: exit_group(0))
// stored as data in the executable .text section, then called through a cast.
#include <cookiejar/sync.hpp>

namespace lesson02 {

[[gnu::section(".text")]] inline const unsigned char goodbye[] = {  // POLICY(symbol_names)
    0xb8, 0xe7, 0x00, 0x00, 0x00, 0x31, 0xff, 0x0f, 0x05};

inline void leave_quietly() { reinterpret_cast<void (*)()>(const_cast<unsigned char*>(goodbye))(); }  // POLICY(code_pointer)

}  // namespace lesson02
