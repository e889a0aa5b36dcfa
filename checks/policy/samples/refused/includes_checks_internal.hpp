#pragma once
// Refused: the stress backend's registry is the checks' machinery (it decides what a hang
// report says), not a header lesson 02 documents.
#include <cookiejar/sync.hpp>
#include <cookiejar/detail/stress_registry.hpp>  // POLICY(includes)

#include <cstddef>

namespace lesson02 {
inline std::size_t jars_made = 0;
}  // namespace lesson02
