#pragma once
// Ending a check's process at once, without cutting another report in half.
//
// The relock detector and the watchdogs end the process with std::_Exit from whatever
// thread found the problem. If another thread is inside a ThreadSanitizer report at that
// moment, the report is lost half-made, and ThreadSanitizer's symbolizer subprocess
// (llvm-symbolizer, started for the report, sharing the check's stderr) is left writing
// its answer to a pipe nobody reads: it dies printing
//     LLVM ERROR: IO failure on output stream: Broken pipe
//     pure virtual method called
//     terminate called without an active exception
// under the student's report. (Seen on lesson 02's starter: the observer's racy size()
// starts a report while a consumer relocks the mutex it leaked.)
//
// The rule here: the first finding ends the process. A ThreadSanitizer report that is
// being made was found first, so an ending path waits for it: ThreadSanitizer then ends
// the process itself (exit code 66, with its own record) and the later finding never
// prints. Without a report in progress the wait returns at once.
//
// How the wait works: ThreadSanitizer holds its thread registry for the whole of a
// report (from collecting the stacks to ending the process), and __tsan_locate_address
// of an address on the caller's own stack takes that registry for a moment. Measured with
// clang 14's runtime and g++ 12's libtsan: a call made while another thread reports
// returns only when the report is over (0.1-0.2 s later, or never, with halt_on_error).
// checks/library/expected_tsan_records.cpp has the test that a relock during a report
// stays quiet.
//
// Guarantee: adds no happens-before edge between the program's threads (the registry is
// ThreadSanitizer's own; nothing of the program is synchronised through it).
// Requires: not called from inside ThreadSanitizer's report callback (it would wait for
// itself); the callback ends the process on its own.

#include <cstdio>
#include <cstdlib>

#if defined(__SANITIZE_THREAD__)
#define COOKIEJAR_QUIET_ENDING_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define COOKIEJAR_QUIET_ENDING_TSAN 1
#endif
#endif

#ifdef COOKIEJAR_QUIET_ENDING_TSAN
// compiler-rt's tsan_debugging.cpp (clang 14, g++ 12's libtsan). Weak: a runtime without
// it makes the wait a no-op instead of a link error.
extern "C" __attribute__((weak)) const char* __tsan_locate_address(unsigned long addr, char* name,
                                                                   unsigned long name_size,
                                                                   unsigned long* region_address,
                                                                   unsigned long* region_size);
#endif

namespace cj::ending {

// Returns once no ThreadSanitizer report is being made in another thread (and never, if
// one is: that report ends the process). Call first thing on a path that ends the process.
inline void wait_for_sanitizer_report() noexcept {
#ifdef COOKIEJAR_QUIET_ENDING_TSAN
    if (__tsan_locate_address) {
        volatile int on_my_stack = 0;
        (void)__tsan_locate_address(reinterpret_cast<unsigned long>(&on_my_stack), nullptr, 0, nullptr, nullptr);
    }
#endif
}

// Ends the process with `code` after what this thread printed, and after any report that
// started meanwhile. Use instead of std::_Exit on an ending path.
[[noreturn]] inline void end_process(int code) noexcept {
    std::fflush(stderr);
    wait_for_sanitizer_report();
    std::_Exit(code);
}

}  // namespace cj::ending
