// A hunt scenario the harness must refuse (a jar of capacity 0): it fails
// on every jar, the reference one too, so it must score 0 on every hunt (the repository's
// tests "lessonNN.hunt.a scenario that fails on the solution scores nothing").
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenarios the_scenarios = {
    scenario{
        .capacity = 0,
        .threads = {
            thread{"producer 0", {}},
        },
    },
};
