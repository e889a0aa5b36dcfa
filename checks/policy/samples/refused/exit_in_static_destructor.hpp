#pragma once
// Refused: a static object whose destructor calls exit(0). It runs after main()
// returns, and replaces the exit status Catch2 returned (the number of failed
// assertions) with 0.
#include <cookiejar/sync.hpp>

#include <cstdlib>

namespace lesson02 {

struct status_fixer {
    ~status_fixer() { std::exit(0); }  // POLICY(ends_process)
};
inline status_fixer fix_the_status;

}  // namespace lesson02
