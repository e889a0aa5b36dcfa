// Kept: a classic include guard around the whole file instead of #pragma once; the one
// conditional a jar may have.
#ifndef LESSON02_BOUNDED_BUFFER_HPP
#define LESSON02_BOUNDED_BUFFER_HPP

#include <cookiejar/sync.hpp>

#include <cstddef>
#include <deque>

namespace lesson02 {

template <class T>
class bounded_buffer {
public:
    [[nodiscard]] std::size_t size() const { return items_.size(); }

private:
    std::deque<T> items_;
};

}  // namespace lesson02

#endif  // LESSON02_BOUNDED_BUFFER_HPP
