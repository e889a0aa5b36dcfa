#pragma once
// Kept: comments and strings may say anything. Only code counts, so none of this trips
// a rule: exit(0), std::_Exit(1), quick_exit, atexit(f), fork(), system("make"),
// popen, signal(SIGSEGV, handler), sigaction, kill(pid, 9), dlsym, syscall(60),
// #include <unistd.h>, #define EXIT, namespace cj { }, asm("syscall").
/* A block comment can look like a directive or like the compiler's own output:
#ifdef COOKIEJAR_MODEL
hash '#'	 [StartOfLine]	Loc=<bounded_buffer.hpp:1:1>
. /usr/include/unistd.h
*/
#include <cookiejar/sync.hpp>

#include <cstddef>
#include <string_view>

namespace lesson02 {

inline constexpr std::string_view cookie_notes = R"(
#include <unistd.h>
# 1 "/usr/include/unistd.h" 1
std::_Exit(0); fork(); system("rm -rf /");
Match #1:
1 match.
)";
inline constexpr const char* recipe = "mix, bake, exit the kitchen; fork for the cream; _Exit";
inline constexpr char hash_sign = '#';

}  // namespace lesson02
