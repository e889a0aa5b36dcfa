#pragma once
// std backend of <cookiejar/sync.hpp>: the cj:: names are the std:: types themselves,
// so demos and benchmarks pay nothing for the course library.

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <semaphore>

namespace cj {

inline constexpr const char* backend_name = "std";

using mutex = std::mutex;
using condition_variable = std::condition_variable;

template <std::ptrdiff_t LeastMaxValue = std::counting_semaphore<>::max()>
using counting_semaphore = std::counting_semaphore<LeastMaxValue>;

using binary_semaphore = std::binary_semaphore;

}  // namespace cj
