#pragma once
// Refused: a using-declaration brings std::exit into the jar's namespace, and a call in
// a template finds it there once the template is instantiated. The using-declaration is
// the line named: without it, the call could not reach the C library's exit.
#include <cookiejar/sync.hpp>

#include <cstdlib>

namespace lesson02 {

using std::exit;  // POLICY(ends_process)

template <class T>
class bounded_buffer {
public:
    bool try_put(const T& item) {
        exit(item);
        return true;
    }
};

}  // namespace lesson02
