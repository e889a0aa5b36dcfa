// The model harness's searches (checks/include/cookiejar/model_check.hpp): Relacy's engine
// with the course's schedulers, instantiated once per build for each thread count, on the
// scenario that cj::model::check<Scenario> has put in place (detail::erased_scenario).
// With COOKIEJAR_MODEL_RUN, the model backend's cj::mutex and cj::condition_variable are
// defined here too (<cookiejar/detail/sync_model.hpp>): at -O1, with Relacy's calls inlined.
#define COOKIEJAR_MODEL_RUN 1
#include <cookiejar/model_check.hpp>

#include <stdexcept>
#include <utility>

namespace cj::model::detail {

namespace {

template <rl::thread_id_t Threads>
bool search_with(search_kind kind, rl::test_params& params) {
    return kind == search_kind::bounded ? simulate<erased_scenario<Threads>, bounded_scheduler<Threads>>(params)
                                        : simulate<erased_scenario<Threads>, random_scheduler<Threads>>(params);
}

template <rl::thread_id_t... Counts>
bool search_among(std::integer_sequence<rl::thread_id_t, Counts...>, rl::thread_id_t threads, search_kind kind,
                  rl::test_params& params) {
    bool ok = false;
    const bool found = ((threads == Counts + 1 ? (ok = search_with<Counts + 1>(kind, params), true) : false) || ...);
    if (!found) throw std::invalid_argument("cj::model: a scenario with an unsupported number of threads");
    return ok;
}

}  // namespace

bool search(rl::thread_id_t threads, search_kind kind, rl::test_params& params) {
    return search_among(std::make_integer_sequence<rl::thread_id_t, max_scenario_threads>{}, threads, kind, params);
}

}  // namespace cj::model::detail
