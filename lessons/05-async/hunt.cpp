// Lesson 05, the hunt (lessons/05-async/HUNT.md): write scenarios that make the schedule
// explorer catch each jar in lessons/05-async/hunt/, while they still pass on a
// correct jar.
//
// A scenario is data: the jar's capacity (1 to 4), and up to 4 tasks on one event loop
// (written `thread{...}`, as in lessons 02-04), each with a name and up to 4 calls it makes
// in order (10 calls in all). You may write up to 3 scenarios (one per jar is often
// easiest): a jar is caught if one of them catches it, and every one of them must pass
// on a correct jar. Lesson 05's jar offers
//     put(cookie)   get()   size()
// put and get are co_awaited: they wait (the task is parked) while the jar is full or
// empty. The explorer runs the scenario under every order of the ready tasks; after each
// schedule the course judges (checks/include/cookiejar/hunt.hpp):
//     explainable        the results can be explained by the calls coming one at a time;
//     every_cookie_once  every cookie that went in came out exactly once (the judge takes
//                        out what is left at the end);
//     always             no task is left parked forever, and no call throws.
// A scenario in which a get() can never be served parks forever on every jar, the
// correct one too: it scores nothing.
//
// Run it: cookiejar check 05 (the checks named "hunt"), or
//     cmake --workflow --preset lesson-05
// The report says which jar your scenarios caught, and for a jar they missed what kind of
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
            thread{"producer 0", {put(1)}},
            thread{"consumer 0", {get()}},
        },
    },
};
