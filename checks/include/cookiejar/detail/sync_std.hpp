#pragma once
// std backend of <cookiejar/sync.hpp>: the cj:: names are the std:: types themselves,
// so demos and benchmarks pay nothing for the course library. The one exception is the
// semaphore: libstdc++'s std::counting_semaphore can lose a wake-up, so cj's is on
// POSIX's sem_t (detail/posix_semaphore.hpp says why), with the same interface.

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <climits>

#include <cookiejar/detail/posix_semaphore.hpp>

namespace cj {

inline constexpr const char* backend_name = "std";

using mutex = std::mutex;
using condition_variable = std::condition_variable;

template <std::ptrdiff_t LeastMaxValue = INT_MAX>
using counting_semaphore = detail::posix_counting_semaphore<LeastMaxValue>;

using binary_semaphore = counting_semaphore<1>;

}  // namespace cj
