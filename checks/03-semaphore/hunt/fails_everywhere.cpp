// A lesson 03 hunt scenario that fails on every jar, the correct one too: a consumer
// waits for a cookie nobody puts. It must score 0 (the repository's test
// "lesson03.hunt.a scenario that fails on the solution scores nothing").
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenarios the_scenarios = {
    scenario{
        .capacity = 1,
        .threads = {
            thread{"producer 0", {put(1)}},
            thread{"consumer 0", {get(), get()}},
        },
    },
};
