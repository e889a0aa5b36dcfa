// The one Catch2 main every check links (compiled once per instrumentation).
//
// It writes the check's verdict records (<cookiejar/verdict.hpp>): a listener turns each
// test case into a record at its end — Catch2's own counts, every failed assertion with
// its expression, expansion and messages, and the findings the harnesses handed in — and
// a run record when Catch2's run is over. The runner (checks/tools/run_check.cpp) passes
// a check only on those.
//
// It also keeps a watchdog on each test case: a check that runs longer than its limit
// is ended with a record and a report naming the test case and, when the code under
// test uses cj:: primitives in the stress backend, who waits for what. A hang is a
// failure with an explanation, never a silent CI timeout.
//   limits: [unit] 10 s, [model] 120 s, anything else 300 s; CJ_TEST_SECONDS overrides.
#ifdef COOKIEJAR_CATCH2_V3
#include <catch2/catch_assertion_result.hpp>
#include <catch2/catch_session.hpp>
#include <catch2/interfaces/catch_interfaces_reporter.hpp>
#include <catch2/catch_test_case_info.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#else
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#endif

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include <cookiejar/detail/quiet_ending.hpp>
#include <cookiejar/detail/wait_for_picture.hpp>
#include <cookiejar/verdict.hpp>

#if defined(__SANITIZE_THREAD__)
#define COOKIEJAR_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define COOKIEJAR_TSAN 1
#endif
#endif

#ifdef COOKIEJAR_TSAN
// ThreadSanitizer's settings live in the binary, so a check behaves the same
// however it is started (ctest, a grader, a shell). TSAN_OPTIONS still overrides.
//   halt_on_error=1        the first race fails the check (exit code 66)
//   second_deadlock_stack  lock-order reports show both stacks
//   history_size=4         enough memory to show the earlier access of a race
//   strip_path_prefix      paths in reports are relative to the repository
#ifndef COOKIEJAR_SOURCE_DIR
#define COOKIEJAR_SOURCE_DIR ""
#endif
extern "C" const char* __tsan_default_options() {
    return "halt_on_error=1:exitcode=" COOKIEJAR_TSAN_EXIT_CODE_TEXT
           ":second_deadlock_stack=1:history_size=4:strip_path_prefix=" COOKIEJAR_SOURCE_DIR "/";
}
#endif

namespace {

// What the watchdog knows of the running test case. Guarded by `m`; only the main
// thread (Catch2) and the watchdog touch it, so it adds no order between a check's
// worker threads.
struct test_watch {
    std::mutex m;
    std::condition_variable cv;
    char name[512] = "";
    double limit_seconds = 0;
    std::chrono::steady_clock::time_point started;
    bool running = false;
    bool quit = false;
};
test_watch watch;
unsigned test_cases_recorded = 0;  // main thread (Catch2's) only

double limit_for(const std::string& tags) {
    if (const char* env = std::getenv("CJ_TEST_SECONDS")) {
        if (const double s = std::atof(env); s > 0) return s;
    }
    if (tags.find("[unit]") != std::string::npos || tags.find("[property]") != std::string::npos) return 10;
    if (tags.find("[model]") != std::string::npos) return 120;
    return 300;
}

void test_started(const std::string& name, const std::string& tags) {
    // Every test case starts with mutex #1 and a named main thread.
    cj::stress::reset_registry();
    cj::stress::name_this_thread("the check's main thread");
    std::lock_guard<std::mutex> lock(watch.m);
    std::snprintf(watch.name, sizeof watch.name, "%s", name.c_str());
    watch.limit_seconds = limit_for(tags);
    watch.started = std::chrono::steady_clock::now();
    watch.running = true;
}
void test_ended() {
    std::lock_guard<std::mutex> lock(watch.m);
    watch.running = false;
}

void watchdog_loop() {
    cj::stress::count_this_thread_out();  // a helper: the deadlock detector does not wait for it
    std::unique_lock<std::mutex> lock(watch.m);
    while (!watch.quit) {
        watch.cv.wait_for(lock, std::chrono::milliseconds(200));
        if (!watch.running) continue;
        const double ran = std::chrono::duration<double>(std::chrono::steady_clock::now() - watch.started).count();
        if (ran < watch.limit_seconds) continue;
        cj::ending::wait_for_sanitizer_report();  // a race being reported was found first
        char promise[700];
        std::snprintf(promise, sizeof promise,
                      "the check ran for %.0f s, its limit, without finishing: a call that never returns", ran);
        cj::stress::write_hang_record(cj::verdict::source::watchdog, promise);
        std::fprintf(stderr,
                     "\ncookiejar watchdog: HANG - test case \"%s\" has run for %.0f s (its limit).\n"
                     "Threads blocked in cj:: calls, and what they wait for:\n%s\n"
                     "A call that never returns is usually a lock that is never released, or a wait\n"
                     "that is never woken.\n",
                     watch.name, ran, cj::stress::wait_for_picture().c_str());
        cj::ending::end_process(cj::verdict::exit_code::watchdog_hang);
    }
}

// "checks/02-lock/model_test.cpp" as the compiler spelled it (already repository-relative
// through -ffile-prefix-map).
cj::verdict::place place_of(const Catch::SourceLineInfo& where) {
    return {where.file ? where.file : "", static_cast<unsigned>(where.line)};
}

// A failed assertion, from Catch2's own data.
cj::verdict::finding finding_of(const Catch::AssertionStats& stats) {
    using cj::verdict::source;
    const auto& r = stats.assertionResult;
    cj::verdict::finding f;
    const auto type = r.getResultType();
    f.from = type == Catch::ResultWas::ThrewException || type == Catch::ResultWas::FatalErrorCondition
                 ? source::exception
                 : source::assertion;
    if (type == Catch::ResultWas::FatalErrorCondition) f.bug_class = cj::verdict::bug::crash;
    f.check_location = place_of(r.getSourceInfo());
    if (r.hasExpression()) f.expression = std::string(r.getExpressionInMacro());
    if (r.hasExpandedExpression() && std::string(r.getExpandedExpression()) != std::string(r.getExpression()))
        f.expansion = std::string(r.getExpandedExpression());
    const std::string said = r.hasMessage() ? std::string(r.getMessage()) : std::string{};
    for (const auto& info : stats.infoMessages)
        if (!info.message.empty() && info.message != said) f.messages.push_back(info.message);
    if (!said.empty()) f.messages.push_back(said);
    if (type == Catch::ResultWas::ThrewException)
        f.promise = (f.expression.empty() ? std::string("the check") : f.expression) + " threw an exception: " + said;
    else if (type == Catch::ResultWas::FatalErrorCondition)
        f.promise = "the check crashed: " + said;
    else if (type == Catch::ResultWas::ExplicitFailure)
        f.promise = said;
    else
        f.promise = f.expression + " did not hold" + (f.expansion.empty() ? "" : ": " + f.expansion);
    return f;
}

void record_started(const Catch::TestCaseInfo& info) {
    const std::string tags = info.tagsAsString();
    cj::verdict::current().begin(info.name, cj::verdict::analysis_of_tags(tags), cj::verdict::bug_of_tags(tags));
}
void record_assertion(const Catch::AssertionStats& stats) {
    if (stats.assertionResult.isOk()) return;
    cj::verdict::current().assertion_failed(finding_of(stats));
}
void record_ended(const Catch::TestCaseStats& stats) {
    const auto& a = stats.totals.assertions;
    cj::verdict::current().end(static_cast<unsigned>(a.passed), static_cast<unsigned>(a.failed));
    ++test_cases_recorded;
}
void record_run(const Catch::TestRunStats& stats) {
    cj::verdict::write_run_record(test_cases_recorded, stats.totals.testCases.failed == 0);
}

#ifdef COOKIEJAR_CATCH2_V3
class watch_listener : public Catch::EventListenerBase {
public:
    using Catch::EventListenerBase::EventListenerBase;
    void testCaseStarting(const Catch::TestCaseInfo& info) override {
        record_started(info);
        test_started(info.name, info.tagsAsString());
    }
    void assertionEnded(const Catch::AssertionStats& stats) override { record_assertion(stats); }
    void testCaseEnded(const Catch::TestCaseStats& stats) override {
        test_ended();
        record_ended(stats);
    }
    void testRunEnded(const Catch::TestRunStats& stats) override { record_run(stats); }
};
#else
class watch_listener : public Catch::TestEventListenerBase {
public:
    using Catch::TestEventListenerBase::TestEventListenerBase;
    void testCaseStarting(const Catch::TestCaseInfo& info) override {
        record_started(info);
        test_started(info.name, info.tagsAsString());
        Catch::TestEventListenerBase::testCaseStarting(info);
    }
    bool assertionEnded(const Catch::AssertionStats& stats) override {
        record_assertion(stats);
        return Catch::TestEventListenerBase::assertionEnded(stats);
    }
    void testCaseEnded(const Catch::TestCaseStats& stats) override {
        test_ended();
        record_ended(stats);
        Catch::TestEventListenerBase::testCaseEnded(stats);
    }
    void testRunEnded(const Catch::TestRunStats& stats) override {
        record_run(stats);
        Catch::TestEventListenerBase::testRunEnded(stats);
    }
};
#endif

}  // namespace

CATCH_REGISTER_LISTENER(watch_listener)

// Before any other static initialiser (the student's among them): take the record file
// and token out of the environment.
__attribute__((constructor(101))) static void take_records() { cj::verdict::take_sink_from_environment(); }

int main(int argc, char* argv[]) {
    cj::stress::name_this_thread("the check's main thread");
    std::thread dog(watchdog_loop);
    // The threads there are now besides this one are helpers: the watchdog, and
    // ThreadSanitizer's background thread (started with the first thread).
    cj::stress::count_other_threads_out();
    const int result = Catch::Session().run(argc, argv);
    {
        std::lock_guard<std::mutex> lock(watch.m);
        watch.quit = true;
    }
    watch.cv.notify_all();
    dog.join();
    return result;
}
