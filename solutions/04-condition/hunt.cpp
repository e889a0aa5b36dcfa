// Lesson 04, the hunt: scenarios that catch both hunt jars and pass on the solution.
// REFERENCE SOLUTION (lessons/04-condition/HUNT.md).
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenarios the_scenarios = {
    // FIX(1): wakes_on_change_only.hpp. Two consumers asleep on an empty jar; the first
    // put wakes one, the second put (the jar was not empty) wakes nobody, and the
    // other consumer sleeps beside a cookie. No close(): it would wake everyone.
    scenario{
        .capacity = 2,
        .threads = {
            thread{"producer 0", {put(1), put(2)}},
            thread{"consumer 0", {get()}},
            thread{"consumer 1", {get()}},
        },
    },
    // FIX(2): closed_checked_once.hpp. A consumer asleep on an empty jar when it is
    // closed: woken, its loop looks only at the count, and it sleeps again for good.
    scenario{
        .capacity = 1,
        .threads = {
            thread{"consumer 0", {get()}},
            thread{"closer", {close()}},
        },
    },
};
