// A hunt scenario that makes no call: it can catch nothing, so it must score 0 on every
// hunt (the repository's tests "lessonNN.hunt.a scenario that calls nothing catches no jar").
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenarios the_scenarios = {
    scenario{
        .capacity = 1,
        .threads = {
            thread{"idle 0", {}},
            thread{"idle 1", {}},
        },
    },
};
