// Lesson 02, the hunt: a scenario that catches both hunt jars and passes on the solution.
// REFERENCE SOLUTION (lessons/02-lock/HUNT.md).
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenario cj::hunt::the_scenario = {
    // FIX(1): room for two cookies, so two producers can both be inside try_put at once
    // (late_tail.hpp: the second one takes the lock before the first has moved tail_ on).
    .capacity = 2,
    .threads = {
        thread{"producer 0", {try_put(1), try_put(3)}},
        thread{"producer 1", {try_put(2)}},
        thread{"consumer 0", {try_get(), try_get()}},
        // FIX(2): an observer whose size() is stopped between its two looks while the
        // others put and take (split_size.hpp: it reads a count the jar never had).
        thread{"observer", {size()}},
    },
};
