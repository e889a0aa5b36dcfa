// Lesson 03, the hunt: scenarios that catch both hunt jars and pass on the solution.
// REFERENCE SOLUTION (lessons/03-semaphore/HUNT.md).
#include <cookiejar/hunt.hpp>

using namespace cj::hunt;

const scenarios the_scenarios = {
    // FIX(1): frees_before_taking.hpp. A full jar of one, and a consumer that has given
    // the slot back but not yet taken the cookie: the producer's second put() fills that
    // slot over the cookie still in it.
    scenario{
        .capacity = 1,
        .threads = {
            thread{"producer 0", {put(1), put(2)}},
            thread{"consumer 0", {get(), get()}},
        },
    },
    // FIX(2): peeks_then_pops.hpp. Two cookies in, so two consumers are both let through
    // filled_slots_; the second one copies the oldest cookie before the first has emptied
    // its slot, and both eat cookie 1.
    scenario{
        .capacity = 2,
        .threads = {
            thread{"producer 0", {put(1), put(2)}},
            thread{"consumer 0", {get()}},
            thread{"consumer 1", {get()}},
        },
    },
};
