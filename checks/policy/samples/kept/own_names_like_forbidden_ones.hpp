#pragma once
// Kept: the jar's own functions may be called exit, fork, system, signal or kill; the
// rules name the C library's (::exit, std::exit), not every function of that name.
#include <cookiejar/sync.hpp>

#include <cstddef>

namespace lesson02 {

class bounded_buffer {
public:
    void exit() { open_ = false; }
    [[nodiscard]] bool fork() const { return open_; }
    void signal() { ++signals_; }
    static int system(int x) { return x; }

    void close_up() {
        signal();
        exit();
        (void)fork();
        (void)system(1);
        (void)kill(2);
    }

private:
    static int kill(int x) { return x; }
    bool open_ = true;
    std::size_t signals_ = 0;
};

inline int exit(int code) { return code; }  // lesson02::exit, not the C library's
inline int leave() { return lesson02::exit(3); }

}  // namespace lesson02
