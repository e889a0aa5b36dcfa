// Lesson 03, the hunt: the learner's scenario (lessons/03-semaphore/hunt.cpp, <cookiejar/hunt.hpp>)
// under the model checker on each hunt jar of lessons/03-semaphore/hunt/ and on the reference
// jar (COOKIEJAR_BUFFER_HEADER: the solution, or in the students' edition the learner's
// own jar). A hunt jar's test case passes when one of the scenarios catches that jar and all pass
// on the reference jar (<cookiejar/hunt_check.hpp>). The hints say what kind of
// interleaving a jar needs, never which calls.
#include COOKIEJAR_BUFFER_HEADER
#include "lessons/03-semaphore/hunt/frees_before_taking.hpp"
#include "lessons/03-semaphore/hunt/peeks_then_pops.hpp"

#include <cookiejar/hunt_check.hpp>

#include <array>

namespace {

using reference_jar = lesson03::bounded_buffer<int>;
using cj::hunt::action;
constexpr std::array offered{action::put, action::get};

}  // namespace

TEST_CASE("every scenario passes on the reference jar", "[lesson03][model][hunt]") {
    cj::hunt::passes_on_reference<reference_jar>(offered);
}

TEST_CASE("a scenario catches the jar that frees a slot before it takes the cookie", "[lesson03][model][hunt]") {
    cj::hunt::hunt_catches<lesson03::hunt::frees_before_taking::bounded_buffer<int>, reference_jar>(
        offered, "lessons/03-semaphore/hunt/frees_before_taking.hpp",
        "a thread must get through its wait and then be overtaken, between its first two steps, by a thread on "
        "the other side that waits for the very thing it just gave; that only happens when the jar is full");
}

TEST_CASE("a scenario catches the jar that copies a cookie and empties its slot apart", "[lesson03][model][hunt]") {
    cj::hunt::hunt_catches<lesson03::hunt::peeks_then_pops::bounded_buffer<int>, reference_jar>(
        offered, "lessons/03-semaphore/hunt/peeks_then_pops.hpp",
        "two threads on the same side must both be past their wait at once, the second one looking between the "
        "first one's two critical sections; the jar must hold enough cookies for both to be let through");
}
