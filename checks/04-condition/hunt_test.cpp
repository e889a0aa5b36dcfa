// Lesson 04, the hunt: the learner's scenario (lessons/04-condition/hunt.cpp, <cookiejar/hunt.hpp>)
// under the model checker on each hunt jar of lessons/04-condition/hunt/ and on the reference
// jar (COOKIEJAR_BUFFER_HEADER: the solution, or in the students' edition the learner's
// own jar). A hunt jar's test case passes when one of the scenarios catches that jar and all pass
// on the reference jar (<cookiejar/hunt_check.hpp>). The hints say what kind of
// interleaving a jar needs, never which calls.
#include COOKIEJAR_BUFFER_HEADER
#include "lessons/04-condition/hunt/closed_checked_once.hpp"
#include "lessons/04-condition/hunt/wakes_on_change_only.hpp"

#include <cookiejar/hunt_check.hpp>

#include <array>

namespace {

using reference_jar = lesson04::bounded_buffer<int>;
using cj::hunt::action;
constexpr std::array offered{action::put, action::get, action::close};

}  // namespace

TEST_CASE("every scenario passes on the reference jar", "[lesson04][model][hunt]") {
    cj::hunt::passes_on_reference<reference_jar>(offered);
}

TEST_CASE("a scenario catches the jar that wakes someone only when the jar was empty or full", "[lesson04][model][hunt]") {
    cj::hunt::hunt_catches<lesson04::hunt::wakes_on_change_only::bounded_buffer<int>, reference_jar>(
        offered, "lessons/04-condition/hunt/wakes_on_change_only.hpp",
        "more than one thread must be asleep on the same side at once, and the other side must act twice before "
        "the one it woke runs; nothing else may come along later to wake the one left asleep");
}

TEST_CASE("a scenario catches the jar whose get() looks at close() only once", "[lesson04][model][hunt]") {
    cj::hunt::hunt_catches<lesson04::hunt::closed_checked_once::bounded_buffer<int>, reference_jar>(
        offered, "lessons/04-condition/hunt/closed_checked_once.hpp",
        "a thread must already be asleep when the jar's state changes in the one way its loop does not look at, "
        "and nothing else may come along later to wake it");
}
