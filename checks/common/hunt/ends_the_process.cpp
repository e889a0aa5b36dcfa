// A hunt file that ends the checks' process before any scenario runs: with status 0, as
// if every check had passed. The policy check refuses it (rule ends_process), so it scores
// nothing (cmake/CookiejarPolicy.cmake, cookiejar_hunt_policy_checks); without that, only
// the missing record would stop it.
#include <cookiejar/hunt.hpp>

#include <cstdlib>

using namespace cj::hunt;

namespace {
const int ended = (std::_Exit(0), 0);
}  // namespace

const scenarios the_scenarios = {
    scenario{
        .capacity = 1,
        .threads = {
            thread{"producer 0", {try_put(1)}},
        },
    },
};
