#pragma once
// Refused: a crash (SIGSEGV) or an abort (SIGABRT, which a failed assert raises) is
// turned into a clean exit with status 0 by handlers installed before main() runs.
// <csignal> is a standard header; what the file does with it is the problem.
#include <cookiejar/sync.hpp>

#include <csignal>
#include <cstdlib>

namespace lesson02 {

inline void quietly(int) { std::_Exit(0); }  // POLICY(ends_process)

inline const bool handlers_installed = [] {
    std::signal(SIGSEGV, quietly);  // POLICY(signals)
    struct sigaction on_abort {};
    on_abort.sa_handler = quietly;
    sigaction(SIGABRT, &on_abort, nullptr);  // POLICY(signals)
    return true;
}();

}  // namespace lesson02
