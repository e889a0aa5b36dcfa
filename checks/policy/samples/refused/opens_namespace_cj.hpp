#pragma once
// Refused: the file adds a name of its own to namespace cj, the course library's.
// A name there can collide with, or be mistaken for, one the checks rely on.
#include <cookiejar/sync.hpp>

#include <cstddef>

namespace cj {  // POLICY(namespaces)
inline std::size_t cookies_promised = 0;
}  // namespace cj

namespace lesson02 {
inline std::size_t promised() { return cj::cookies_promised; }
}  // namespace lesson02
