// A lesson 04 hunt scenario that fails on every jar, the correct one too: a consumer
// waits for a cookie nobody puts, on a jar nobody closes. It must score 0 (the
// repository's test "lesson04.hunt.a scenario that fails on the solution scores nothing").
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenarios the_scenarios = {
    scenario{
        .capacity = 2,
        .threads = {
            thread{"producer 0", {put(1)}},
            thread{"consumer 0", {get()}},
            thread{"consumer 1", {get()}},
        },
    },
};
