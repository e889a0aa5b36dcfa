// Lesson 02, the hunt (lessons/02-lock/HUNT.md): write the scenario that makes the model
// checker catch each jar in lessons/02-lock/hunt/, while it still passes on a correct jar.
//
// A scenario is data: the jar's capacity (1 to 4), and up to 4 threads, each with a name
// and up to 4 calls it makes in order (10 calls in all). You may write up to 3 scenarios
// (one per jar is often easiest): a jar is caught if one of them catches it, and every
// one of them must pass on a correct jar. Lesson 02's jar offers
//     try_put(cookie)   try_get()   size()
// After every schedule the model checker tries, the course judges (checks/include/cookiejar/hunt.hpp):
//     explainable        the results can be explained by the calls coming one at a time;
//     every_cookie_once  every cookie that went in came out exactly once (the judge takes
//                        out what is left at the end).
// Both are on unless you turn one off (.explainable = false); nobody waiting forever is
// always judged.
//
// Run it: cookiejar check 02 (the checks named "hunt"), or
//     cmake --workflow --preset lesson-02
// The report says which jar your scenario caught, and for a jar it missed what kind of
// interleaving it takes.
//
// The scenario below is the first one anyone would write. It catches neither jar: read
// the jars, work out which interleaving breaks each one, and change it (or add one).
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenarios the_scenarios = {
    scenario{
        .capacity = 1,
        .threads = {
            thread{"producer 0", {try_put(1), try_put(2)}},
            thread{"consumer 0", {try_get(), try_get()}},
        },
    },
};
