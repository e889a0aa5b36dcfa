#pragma once
// Refused: #line makes the compiler give every later line another file and number, so
// reports would point somewhere else.
#include <cookiejar/sync.hpp>

#line 1 "lessons/02-lock/bounded_buffer.hpp"  // POLICY(one_reading)

namespace lesson02 {
inline int elsewhere = 0;
}  // namespace lesson02
