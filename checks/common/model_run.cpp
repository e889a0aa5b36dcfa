// The model harness's searches (checks/include/cookiejar/model_check.hpp): Relacy's engine
// with the course's schedulers, instantiated once per build for each thread count, on the
// scenario that cj::model::check<Scenario> has put in place (detail::erased_scenario).
// The model backend's cj::mutex and cj::condition_variable (declared in
// <cookiejar/detail/sync_model.hpp>) are defined here too: at -O1, with Relacy's calls inlined.
#include <cookiejar/model_check.hpp>

#include <cstdio>
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

namespace cj {

void mutex::lock(cj::source_location loc) { m_.lock(model::info(loc)); }
bool mutex::try_lock(cj::source_location loc) { return m_.try_lock(model::info(loc)); }
void mutex::unlock(cj::source_location loc) { m_.unlock(model::info(loc)); }

void condition_variable::notify_one(cj::source_location loc) noexcept { cv_.notify_one(model::info(loc)); }
void condition_variable::notify_all(cj::source_location loc) noexcept { cv_.notify_all(model::info(loc)); }
void condition_variable::wait(std::unique_lock<cj::mutex>& lock, cj::source_location loc) {
    cv_.wait(native(lock), model::info(loc));
}

std::cv_status condition_variable::timed_wait(std::unique_lock<cj::mutex>& lock, const char* what,
                                              cj::source_location loc) {
    rl::mutex& m = native(lock);
    if (model::detail::early_timeout()) {
        char text[64];
        std::snprintf(text, sizeof text, "%s times out at once", what);
        model::detail::log(loc, text);
        m.unlock(model::info(loc));
        rl::yield(1, model::info(loc));  // time passes: every other thread may run first
        m.lock(model::info(loc));
        return std::cv_status::timeout;
    }
    // Timed for the scheduler: it times out only when no thread can run.
    return cv_.wait_for(m, 0, model::info(loc)) ? std::cv_status::no_timeout : std::cv_status::timeout;
}

}  // namespace cj
