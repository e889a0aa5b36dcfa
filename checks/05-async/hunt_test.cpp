// Lesson 05, the hunt: the learner's scenario (lessons/05-async/hunt.cpp, <cookiejar/hunt.hpp>)
// under the schedule explorer on each hunt jar of lessons/05-async/hunt/ and on the reference
// jar (COOKIEJAR_BUFFER_HEADER: the solution, or in the students' edition the learner's
// own jar). A hunt jar's test case passes when one of the scenarios catches that jar and all pass
// on the reference jar (<cookiejar/hunt_async_check.hpp>). The hints say what kind of
// interleaving a jar needs, never which calls.
#include COOKIEJAR_BUFFER_HEADER
#include "lessons/05-async/hunt/one_mailbox.hpp"
#include "lessons/05-async/hunt/yields_before_counting.hpp"

#include <cookiejar/hunt_async_check.hpp>

#include <array>

namespace {

using reference_jar = lesson05::bounded_buffer<int>;
using cj::hunt::action;
constexpr std::array offered{action::put, action::get, action::size};

}  // namespace

TEST_CASE("every scenario passes on the reference jar", "[lesson05][model][hunt]") {
    cj::hunt::passes_on_reference<reference_jar>(offered);
}

TEST_CASE("a scenario catches the jar that hands cookies over through one mailbox", "[lesson05][model][hunt]") {
    cj::hunt::hunt_catches<lesson05::hunt::one_mailbox::bounded_buffer<int>, reference_jar>(
        offered, "lessons/05-async/hunt/one_mailbox.hpp",
        "more than one task must already be parked on the same side, and the other side must act twice before "
        "the first one it woke has run again");
}

TEST_CASE("a scenario catches the jar that lets others run before it counts a cookie", "[lesson05][model][hunt]") {
    cj::hunt::hunt_catches<lesson05::hunt::yields_before_counting::bounded_buffer<int>, reference_jar>(
        offered, "lessons/05-async/hunt/yields_before_counting.hpp",
        "a task must be stopped at its co_await while a second task on the same side runs the same function "
        "and looks at what the first has not finished changing");
}
