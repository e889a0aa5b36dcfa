// Lesson 02, the hunt: the learner's scenario (lessons/02-lock/hunt.cpp, <cookiejar/hunt.hpp>)
// under the model checker on each hunt jar of lessons/02-lock/hunt/ and on the reference
// jar (COOKIEJAR_BUFFER_HEADER: the solution, or in the students' edition the learner's
// own jar). A hunt jar's test case passes when one of the scenarios catches that jar and all pass
// on the reference jar (<cookiejar/hunt_check.hpp>). The hints say what kind of
// interleaving a jar needs, never which calls.
#include COOKIEJAR_BUFFER_HEADER
#include "lessons/02-lock/hunt/late_tail.hpp"
#include "lessons/02-lock/hunt/split_size.hpp"

#include <cookiejar/hunt_check.hpp>

#include <array>

namespace {

using reference_jar = lesson02::bounded_buffer<int>;
using cj::hunt::action;
constexpr std::array offered{action::try_put, action::try_get, action::size};

}  // namespace

TEST_CASE("every scenario passes on the reference jar", "[lesson02][model][hunt]") {
    cj::hunt::passes_on_reference<reference_jar>(offered);
}

TEST_CASE("a scenario catches the jar that moves its tail in a second critical section", "[lesson02][model][hunt]") {
    cj::hunt::hunt_catches<lesson02::hunt::late_tail::bounded_buffer<int>, reference_jar>(
        offered, "lessons/02-lock/hunt/late_tail.hpp",
        "two threads must be inside the same function at once, the second one taking the lock between the "
        "first one's two critical sections; and that only goes wrong when the jar has room for both");
}

TEST_CASE("a scenario catches the jar whose size() looks twice", "[lesson02][model][hunt]") {
    cj::hunt::hunt_catches<lesson02::hunt::split_size::bounded_buffer<int>, reference_jar>(
        offered, "lessons/02-lock/hunt/split_size.hpp",
        "a thread that asks for the size must be stopped between its two looks while other threads change the jar "
        "more than once; then the answer is a number the jar never held");
}
