// Lesson 02, the hunt: scenarios that catch both hunt jars and pass on the solution.
// REFERENCE SOLUTION (lessons/02-lock/HUNT.md).
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenarios the_scenarios = {
    // FIX(1): late_tail.hpp. Room for two cookies, so two producers can both be inside
    // try_put at once: the second takes the lock between the first one's two critical
    // sections, before tail_ has moved on, and fills the same slot.
    scenario{
        .capacity = 2,
        .threads = {
            thread{"producer 0", {try_put(1)}},
            thread{"producer 1", {try_put(2)}},
        },
    },
    // FIX(2): split_size.hpp. An observer whose size() is stopped between its two looks
    // while a cookie goes in, comes out and another goes in: it answers 2, a count a
    // jar of one never had.
    scenario{
        .capacity = 1,
        .threads = {
            thread{"producer 0", {try_put(1), try_put(2)}},
            thread{"consumer 0", {try_get()}},
            thread{"observer", {size()}},
        },
    },
};
