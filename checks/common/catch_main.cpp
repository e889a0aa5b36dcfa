// The one Catch2 main every check links (compiled once per instrumentation).
//
// Besides running Catch2 it keeps a watchdog on each test case: a check that runs
// longer than its limit is ended with a report naming the test case and, when the
// code under test uses cj:: primitives in the stress backend, who waits for what.
// A hang is a failure with an explanation, never a silent CI timeout.
//   limits: [unit] 10 s, [model] 120 s, anything else 300 s; CJ_TEST_SECONDS overrides.
#ifdef COOKIEJAR_CATCH2_V3
#include <catch2/catch_session.hpp>
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
    return "halt_on_error=1:exitcode=" COOKIEJAR_TSAN_EXIT_CODE_TEXT ":second_deadlock_stack=1:history_size=4:strip_path_prefix=" COOKIEJAR_SOURCE_DIR
           "/";
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
    std::unique_lock<std::mutex> lock(watch.m);
    while (!watch.quit) {
        watch.cv.wait_for(lock, std::chrono::milliseconds(200));
        if (!watch.running) continue;
        const double ran = std::chrono::duration<double>(std::chrono::steady_clock::now() - watch.started).count();
        if (ran < watch.limit_seconds) continue;
        cj::ending::wait_for_sanitizer_report();  // a race being reported was found first
        std::fprintf(stderr,
                     "\ncookiejar watchdog: HANG - test case \"%s\" has run for %.0f s (its limit).\n"
                     "Threads blocked in cj:: calls, and what they wait for:\n%s\n"
                     "A call that never returns is usually a lock that is never released, or a wait\n"
                     "that is never woken.\n",
                     watch.name, ran, cj::stress::wait_for_picture().c_str());
        cj::ending::end_process(70);
    }
}

#ifdef COOKIEJAR_CATCH2_V3
class watch_listener : public Catch::EventListenerBase {
public:
    using Catch::EventListenerBase::EventListenerBase;
    void testCaseStarting(const Catch::TestCaseInfo& info) override { test_started(info.name, info.tagsAsString()); }
    void testCaseEnded(const Catch::TestCaseStats&) override { test_ended(); }
};
#else
class watch_listener : public Catch::TestEventListenerBase {
public:
    using Catch::TestEventListenerBase::TestEventListenerBase;
    void testCaseStarting(const Catch::TestCaseInfo& info) override { test_started(info.name, info.tagsAsString()); }
    void testCaseEnded(const Catch::TestCaseStats& stats) override {
        test_ended();
        Catch::TestEventListenerBase::testCaseEnded(stats);
    }
};
#endif

}  // namespace

CATCH_REGISTER_LISTENER(watch_listener)

int main(int argc, char* argv[]) {
    cj::stress::name_this_thread("the check's main thread");
    std::thread dog(watchdog_loop);
    const int result = Catch::Session().run(argc, argv);
    {
        std::lock_guard<std::mutex> lock(watch.m);
        watch.quit = true;
    }
    watch.cv.notify_all();
    dog.join();
    return result;
}
