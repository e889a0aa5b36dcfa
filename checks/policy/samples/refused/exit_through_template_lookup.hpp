#pragma once
// Refused: an unqualified call with an argument of the template's type. Here, alone,
// nothing declares `exit` (the file does not even include the lesson's header, which
// would bring <cstdlib>), so the compiler keeps the name for later; in a check, where
// <cstdlib> came in before this file, the lookup finds the C library's exit.
#include <cstddef>

namespace lesson02 {

template <class T>
class bounded_buffer {
public:
    bool try_put(const T& item) {
        exit(T{});  // POLICY(ends_process)
        (void)item;
        return true;
    }
};

}  // namespace lesson02
