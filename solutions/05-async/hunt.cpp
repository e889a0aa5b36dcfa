// Lesson 05, the hunt: scenarios that catch both hunt jars and pass on the solution.
// REFERENCE SOLUTION (lessons/05-async/HUNT.md).
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenarios the_scenarios = {
    // FIX(1): one_mailbox.hpp. Two consumers parked on an empty jar before the producer
    // runs; its two puts both go to the mailbox, the second over the first, before
    // either consumer runs again: cookie 1 is lost, and one consumer parks for good.
    scenario{
        .capacity = 2,
        .threads = {
            thread{"consumer 0", {get()}},
            thread{"consumer 1", {get()}},
            thread{"producer 0", {put(1), put(2)}},
        },
    },
    // FIX(2): yields_before_counting.hpp. Two producers: while the first is at its
    // co_await with its cookie stored but not counted, the second finds the same slot
    // free and stores over it.
    scenario{
        .capacity = 2,
        .threads = {
            thread{"producer 0", {put(1)}},
            thread{"producer 1", {put(2)}},
        },
    },
};
