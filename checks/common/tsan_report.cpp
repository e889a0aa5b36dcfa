// ThreadSanitizer's report, as a record (checks/include/cookiejar/verdict.hpp): linked
// into every check built with ThreadSanitizer (the cookiejar_main_tsan object library).
//
// ThreadSanitizer calls __tsan_on_report after it has printed a report and before it
// ends the process (halt_on_error). This file reads the same report through
// ThreadSanitizer's report API and writes it as the process's ending record: outcome
// "failed", one finding with source "tsan", the promise in words, the bug class, the
// student's line, and for a data race both accesses (thread, read or write, the
// student's function and line, the mutexes each held and where each was made); for a
// lock-order inversion the edges of the cycle as "waits". docs/how-the-checks-work.md
// ("ThreadSanitizer's reports as records") shows a record.
//
// The printed report stays: people read it; the record is what the runner judges.
//
// The callback runs inside the runtime, with its locks held (the thread registry, the
// report lock, the slots), so it keeps to what cannot wait for them:
//   * no allocation, no lock, no C library call the runtime intercepts: only the
//     report API, __sanitizer_symbolize_pc into static buffers, the stress backend's
//     per-thread and relaxed-atomic state, and cj::verdict::json_writer (which writes
//     with a raw system call);
//   * no ThreadSanitizer instrumentation at all: this file is compiled without
//     -fsanitize=thread (cmake/CookiejarChecks.cmake). Measured with clang 14's runtime:
//     a callback whose instrumented code records about 32,000 function entries and exits
//     (one trace part) hangs for ever, the part switch waiting for a lock the report
//     holds; any instrumented call in the callback could be the one that switches. (g++
//     12's libtsan does not hang; the same code serves both.) write_report is flattened,
//     so the header functions it uses are inlined into it rather than emitted here as
//     uninstrumented copies the linker might hand to instrumented callers; the library
//     test "the ThreadSanitizer callback's object has no instrumentation and shares no
//     function" checks the object file for both;
//   * the static buffers below are used by one report at a time: ThreadSanitizer makes
//     reports one by one, and the first one ends the process.
//
// Degrades, never fails: a runtime without part of the API (the functions are declared
// weak) gives a finding that says what is missing, and the printed report stays the
// account. Both runtimes on the course's machines (clang 14's compiler-rt, g++ 12's
// libtsan) have all of it.

// The headers the course's headers use, first, so that the region below holds only the
// course's own functions.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cookiejar/source_location.hpp>

// Every course function this file calls is inlined into it: an out-of-line call would go
// to whichever copy of the inline function the linker kept, possibly an instrumented one
// (see the top of the file). g++'s flatten (on write_report) inlines through every level;
// clang's inlines one, so for clang the course's functions are made always_inline here.
#ifdef __clang__
#pragma clang attribute push(__attribute__((always_inline)), apply_to = function)
#endif
#include <cookiejar/detail/held_mutexes.hpp>
#include <cookiejar/detail/stress_registry.hpp>
#include <cookiejar/detail/tsan_frames.hpp>
#include <cookiejar/verdict.hpp>
#ifdef __clang__
#pragma clang attribute pop
#endif

// The option string's exit code (catch_main.cpp's __tsan_default_options) and the named
// exit code are the same number.
namespace {
constexpr int parse_decimal(const char* s) {
    int v = 0;
    for (; *s; ++s) v = v * 10 + (*s - '0');
    return v;
}
static_assert(parse_decimal(COOKIEJAR_TSAN_EXIT_CODE_TEXT) == cj::verdict::exit_code::tsan_report,
              "COOKIEJAR_TSAN_EXIT_CODE_TEXT must spell exit_code::tsan_report");
}  // namespace

#ifndef COOKIEJAR_SOURCE_DIR
#define COOKIEJAR_SOURCE_DIR ""
#endif

// ---- ThreadSanitizer's report API (compiler-rt lib/tsan/rtl/tsan_debugging.cpp, the
// same signatures in clang 14 and g++ 12's libtsan; `uptr` is unsigned long there) ----
extern "C" {
__attribute__((weak)) int __tsan_get_report_data(void* report, const char** description, int* count,
                                                 int* stack_count, int* mop_count, int* loc_count, int* mutex_count,
                                                 int* thread_count, int* unique_tid_count, void** sleep_trace,
                                                 unsigned long trace_size);
__attribute__((weak)) int __tsan_get_report_mop(void* report, unsigned long idx, int* tid, void** addr, int* size,
                                                int* write, int* atomic, void** trace, unsigned long trace_size);
__attribute__((weak)) int __tsan_get_report_mutex(void* report, unsigned long idx, unsigned long* mutex_id,
                                                  void** addr, int* destroyed, void** trace,
                                                  unsigned long trace_size);
__attribute__((weak)) int __tsan_get_report_thread(void* report, unsigned long idx, int* tid, unsigned long* os_id,
                                                   int* running, const char** name, int* parent_tid, void** trace,
                                                   unsigned long trace_size);
__attribute__((weak)) int __tsan_get_report_stack(void* report, unsigned long idx, void** trace,
                                                  unsigned long trace_size);
__attribute__((weak)) int __tsan_get_report_unique_tid(void* report, unsigned long idx, int* tid);
// sanitizer_common: the frames of one pc (inlined ones first), each NUL-terminated, then
// an empty one.
__attribute__((weak)) void __sanitizer_symbolize_pc(void* pc, const char* fmt, char* out_buf,
                                                    unsigned long out_buf_size);
}

namespace {

namespace verdict = cj::verdict;
namespace frames = cj::tsan_frames;

constexpr unsigned long max_trace = 64;
constexpr int max_mutexes = 16;  // of a report; more are left out of the record, and it says so
constexpr int max_threads = 16;

// ---------------------------------------------------------- small text helpers ----

// A bounded string in static storage, built without the C library.
template <std::size_t N>
struct text {
    char bytes[N];
    std::size_t size = 0;
    void clear() noexcept { size = 0; }
    void add(std::string_view s) noexcept {
        for (char c : s)
            if (size + 1 < N) bytes[size++] = c;
    }
    void add_number(unsigned long long v) noexcept {
        char digits[24];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (n > 0)
            if (size + 1 < N) bytes[size++] = digits[--n];
    }
    [[nodiscard]] std::string_view view() const noexcept { return {bytes, size}; }
};

[[nodiscard]] std::string_view view_of(const char* s) noexcept {
    std::size_t n = 0;
    if (s)
        while (s[n]) ++n;
    return {s ? s : "", n};
}

// ------------------------------------------------------------------ frames ----

// The frame of a stack a record names: the first one in the student's code, else the
// first in a check's own code (a test of the course library has no student file).
struct code_place {
    bool found = false;
    unsigned line = 0;
    text<512> file;
    text<256> function;  // short: "size()"
};

char symbolized[16384];  // __sanitizer_symbolize_pc's answer for one pc

// Looks through `trace` (innermost frame first, as the API gives it; an inlined frame
// repeats its pc, and one symbolization gives them all).
void find_code_place(void* const* trace, unsigned long n, code_place& out) noexcept {
    out.found = false;
    if (!__sanitizer_symbolize_pc) return;
    const std::string_view root = COOKIEJAR_SOURCE_DIR;
    bool have_check_frame = false;
    for (unsigned long i = 0; i < n && trace[i]; ++i) {
        if (i > 0 && trace[i] == trace[i - 1]) continue;
        symbolized[0] = symbolized[1] = '\0';
        __sanitizer_symbolize_pc(trace[i], frames::symbolize_format, symbolized, sizeof symbolized);
        symbolized[sizeof symbolized - 1] = '\0';
        for (const char* at = symbolized; *at;) {
            const std::string_view line = view_of(at);
            at += line.size() + 1;
            frames::frame f;
            if (!frames::parse_frame(line, f) || f.line == 0) continue;
            const std::string_view file = frames::relative_to(f.file, root);
            const frames::code_kind kind = frames::kind_of(file);
            if (kind != frames::code_kind::student && (kind != frames::code_kind::check || have_check_frame)) continue;
            // a student frame ends the search; a check frame is kept unless one follows
            out.found = true;
            out.line = f.line;
            out.file.clear();
            out.file.add(file);
            char short_name[256];
            frames::short_function_name(f.function, short_name, sizeof short_name);
            out.function.clear();
            out.function.add(view_of(short_name));
            if (kind == frames::code_kind::student) return;
            have_check_frame = true;
        }
    }
}

void write_place(verdict::json_writer& w, const char* key, const code_place& p) noexcept {
    if (!p.found) return;
    w.begin_object(key);
    w.field("file", p.file.view());
    w.field("line", p.line);
    w.end_object();
}

// ------------------------------------------------------------------ threads ----

struct thread_entry {
    int tid = -1;
    unsigned long os_id = 0;
    // A copy: with g++ 12's libtsan the report's own name text is overwritten once
    // __sanitizer_symbolize_pc has run (measured), so it is read before any frame is.
    text<64> name;
};
thread_entry threads[max_threads];
int thread_count = 0;

// A thread's name: the stress backend's (detail/stress_registry.hpp keeps each named
// thread's kernel id), else ThreadSanitizer's. The registry's is whole ("the check's
// main thread": the kernel, and so ThreadSanitizer, keeps 15 bytes) and always there (g++
// 12's libtsan loses the name of a thread that names itself before its creator has
// registered it: its printed report then says "Thread T3" alone).
[[nodiscard]] std::string_view name_of(const thread_entry& t) noexcept {
    for (int i = 0; i < cj::stress::slot_count(); ++i) {
        const cj::stress::thread_slot& slot = cj::stress::slot(i);
        if (static_cast<unsigned long>(slot.os_thread.load(std::memory_order_relaxed)) != t.os_id) continue;
        const std::string_view name = view_of(slot.name.load(std::memory_order_relaxed));
        if (!name.empty()) return name;
    }
    return t.name.view();
}

// "producer 0 (T2)", "main thread (T0)", "T5".
void describe_thread(int tid, text<160>& out) noexcept {
    out.clear();
    if (tid < 0) {
        out.add("a thread ThreadSanitizer could not name");
        return;
    }
    std::string_view name;
    for (int i = 0; i < thread_count; ++i)
        if (threads[i].tid == tid) name = name_of(threads[i]);
    if (name.empty() && tid == 0) name = "main thread";
    if (!name.empty()) {
        out.add(name);
        out.add(" (");
    }
    out.add("T");
    out.add_number(static_cast<unsigned long long>(tid));
    if (!name.empty()) out.add(")");
}

[[nodiscard]] bool is_this_thread(int tid) noexcept {
    const auto me = static_cast<unsigned long>(::syscall(SYS_gettid));
    for (int i = 0; i < thread_count; ++i)
        if (threads[i].tid == tid) return threads[i].os_id == me;
    return false;
}

// ------------------------------------------------------------------ mutexes ----

struct mutex_entry {
    unsigned long id = 0;
    const void* address = nullptr;
    void* trace[max_trace] = {};
};
mutex_entry mutexes[max_mutexes];
int mutex_count = 0;  // those read into `mutexes`

// "M0": ThreadSanitizer's own name for the mutex, as its printed report says it.
void write_mutex_id(verdict::json_writer& w, const char* key, int index) noexcept {
    text<32> id;
    id.add("M");
    id.add_number(mutexes[index].id);
    w.field(key, id.view());
}

code_place scratch;

// ------------------------------------------------------------------ the report kinds ----

struct report_kind {
    std::string_view description;  // ThreadSanitizer's name for the report type
    const char* promise;
    verdict::bug bug_class;
};

constexpr report_kind kinds[] = {
    {"data-race", "a data race: two threads touch the same memory at once, and nothing orders them",
     verdict::bug::data_race},
    {"data-race-vptr", "a data race on an object's type: one thread uses an object while another builds or destroys it",
     verdict::bug::data_race},
    {"external-race", "a data race: two threads use the same object at once, and nothing orders them",
     verdict::bug::data_race},
    {"heap-use-after-free", "a use after free: a thread touches memory that was already freed",
     verdict::bug::use_after_free},
    {"heap-use-after-free-vptr", "a use after free: a thread calls into an object that was already destroyed",
     verdict::bug::use_after_free},
    {"lock-order-inversion",
     "a lock-order inversion: threads lock the same mutexes in opposite orders, so each can end up waiting for the "
     "other (a deadlock)",
     verdict::bug::lock_order_inversion},
    {"locked-mutex-destroy", "a mutex destroyed while it is still locked", verdict::bug::none},
    {"mutex-double-lock", "a thread locks a mutex it already holds", verdict::bug::none},
    {"mutex-bad-unlock", "a mutex unlocked by a thread that does not hold it", verdict::bug::none},
    {"signal-unsafe-call", "a signal handler calls a function that is not safe in a signal handler",
     verdict::bug::none},
    {"thread-leak", "a thread was never joined or detached", verdict::bug::none},
};

// ------------------------------------------------------------------ the record ----

// One memory access of the report (a "mop").
struct access {
    int tid = -1;
    bool write = false;
    void* trace[max_trace] = {};
};
access accesses[2];

void read_access(void* report, int index, access& a) noexcept {
    int tid = -1, size = 0, write = 0, atomic = 0;
    void* address = nullptr;
    for (auto& t : a.trace) t = nullptr;
    __tsan_get_report_mop(report, static_cast<unsigned long>(index), &tid, &address, &size, &write, &atomic, a.trace,
                          max_trace);
    a.tid = tid;
    a.write = write != 0;
}

// accesses[], each with the mutexes it held. Which access held which: access 0 is this
// thread's (ThreadSanitizer reports on the thread of the current access), so this
// thread's held set (detail/held_mutexes.hpp) is its share of the report's list and
// access 1 has the rest. Known only when access 0 really is this thread's and the set
// is complete; otherwise the locks are left out and `note` says so.
bool lock_split_known(int count) noexcept {
    bool split_known = count == 2 && is_this_thread(accesses[0].tid);
    for (int i = 0; i < mutex_count; ++i)
        if (cj::stress::held::holds(mutexes[i].address) == cj::stress::held::answer::unknown) split_known = false;
    return split_known;
}

// The access a race's location names: the one that held no lock when the other held one
// (where a lock is missing, whichever of the two came second: which one ThreadSanitizer
// catches in the act is up to the schedule), else the access caught in the act (0).
int located_access(int count) noexcept {
    if (!lock_split_known(count)) return 0;
    bool current_locked = false, previous_locked = false;
    for (int i = 0; i < mutex_count; ++i)
        (cj::stress::held::holds(mutexes[i].address) == cj::stress::held::answer::yes ? current_locked
                                                                                      : previous_locked) = true;
    return current_locked && !previous_locked ? 1 : 0;
}

void write_accesses(verdict::json_writer& w, int count, text<256>& note) noexcept {
    const bool split_known = lock_split_known(count);
    w.begin_array("accesses");
    for (int m = 0; m < count; ++m) {
        w.begin_object();
        text<160> who;
        describe_thread(accesses[m].tid, who);
        w.field("thread", who.view());
        w.field("write", accesses[m].write);
        find_code_place(accesses[m].trace, max_trace, scratch);
        if (scratch.found) w.field("function", scratch.function.view());
        write_place(w, "at", scratch);
        w.begin_array("locks");
        for (int i = 0; split_known && i < mutex_count; ++i) {
            const bool mine = cj::stress::held::holds(mutexes[i].address) == cj::stress::held::answer::yes;
            if (mine != (m == 0)) continue;
            w.begin_object();
            write_mutex_id(w, "id", i);
            find_code_place(mutexes[i].trace, max_trace, scratch);
            write_place(w, "created_at", scratch);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    if (!split_known && mutex_count > 0) {
        note.add("the accesses held ");
        for (int i = 0; i < mutex_count; ++i) {
            if (i > 0) note.add(i + 1 == mutex_count ? " and " : ", ");
            note.add("M");
            note.add_number(mutexes[i].id);
        }
        note.add(" between them; which access held which is not known");
    }
}

// A lock-order inversion's cycle: edge i is mutex i+1 locked while holding mutex i, by
// unique thread i. With second_deadlock_stack=1 stack 2i is where it locked mutex i+1
// and stack 2i+1 where it had locked mutex i (compiler-rt's PrintReport reads them so).
struct cycle {
    int stack_count = 0;
    int unique_tid_count = 0;
    [[nodiscard]] bool two_stacks() const noexcept { return stack_count >= 2 * mutex_count; }
};

void find_stack_place(void* report, int stack, int stack_count, code_place& out) noexcept {
    static void* trace[max_trace];
    out.found = false;
    if (stack >= stack_count) return;
    for (auto& t : trace) t = nullptr;
    __tsan_get_report_stack(report, static_cast<unsigned long>(stack), trace, max_trace);
    find_code_place(trace, max_trace, out);
}

[[nodiscard]] int edge_thread(void* report, const cycle& c, int edge) noexcept {
    int tid = -1;
    if (edge < c.unique_tid_count) __tsan_get_report_unique_tid(report, static_cast<unsigned long>(edge), &tid);
    return tid;
}

// Where the reporting thread locked the mutex that closed the cycle (else the first edge's line).
void find_cycle_location(void* report, const cycle& c, code_place& out) noexcept {
    out.found = false;
    for (int i = 0; i < mutex_count; ++i) {
        find_stack_place(report, c.two_stacks() ? 2 * i : i, c.stack_count, scratch);
        if (scratch.found && (!out.found || is_this_thread(edge_thread(report, c, i)))) out = scratch;
    }
}

void write_cycle(verdict::json_writer& w, void* report, const cycle& c) noexcept {
    w.begin_array("waits");
    for (int i = 0; i < mutex_count; ++i) {
        w.begin_object();
        text<160> who;
        describe_thread(edge_thread(report, c, i), who);
        w.field("thread", who.view());
        w.field("action", "lock");
        write_mutex_id(w, "object", (i + 1) % mutex_count);
        find_stack_place(report, c.two_stacks() ? 2 * i : i, c.stack_count, scratch);
        write_place(w, "at", scratch);
        write_mutex_id(w, "while_holding", i);
        if (c.two_stacks()) {
            find_stack_place(report, 2 * i + 1, c.stack_count, scratch);
            write_place(w, "holding_since", scratch);
        }
        w.end_object();
    }
    w.end_array();
}

code_place location;

// Flattened: everything it calls is inlined here (see the top of the file).
__attribute__((flatten)) void write_report(void* report) noexcept {
    verdict::json_writer* w = verdict::begin_ending_record(verdict::outcome::failed);
    if (!w) return;  // not recording, or another ending is under way
    const bool have_api = __tsan_get_report_data && __tsan_get_report_mop && __tsan_get_report_mutex &&
                          __tsan_get_report_thread && __tsan_get_report_stack && __tsan_get_report_unique_tid;
    const char* description = "";
    int count = 0, mop_count = 0, loc_count = 0, all_threads = 0, all_mutexes = 0;
    cycle c;
    static void* sleep_trace[max_trace];
    if (have_api)
        __tsan_get_report_data(report, &description, &count, &c.stack_count, &mop_count, &loc_count, &all_mutexes,
                               &all_threads, &c.unique_tid_count, sleep_trace, max_trace);
    const std::string_view type = view_of(description);
    const report_kind* kind = nullptr;
    for (const auto& k : kinds)
        if (k.description == type) kind = &k;

    thread_count = 0;
    for (int i = 0; have_api && i < all_threads && thread_count < max_threads; ++i) {
        thread_entry& t = threads[thread_count++];
        int running = 0, parent = 0;
        const char* name = nullptr;
        static void* unused[1];
        __tsan_get_report_thread(report, static_cast<unsigned long>(i), &t.tid, &t.os_id, &running, &name, &parent,
                                 unused, 1);
        t.name.clear();
        t.name.add(view_of(name));
    }
    mutex_count = 0;
    for (int i = 0; have_api && i < all_mutexes && mutex_count < max_mutexes; ++i) {
        mutex_entry& m = mutexes[mutex_count++];
        void* address = nullptr;
        int destroyed = 0;
        for (auto& t : m.trace) t = nullptr;
        __tsan_get_report_mutex(report, static_cast<unsigned long>(i), &m.id, &address, &destroyed, m.trace,
                                max_trace);
        m.address = address;
    }
    const int access_count = have_api ? (mop_count < 2 ? mop_count : 2) : 0;
    for (int m = 0; m < access_count; ++m) read_access(report, m, accesses[m]);
    const bool is_cycle = have_api && type == "lock-order-inversion" && mutex_count > 0;

    w->begin_array("findings");
    w->begin_object();
    w->field("source", verdict::key_of(verdict::source::tsan));
    text<320> promise;
    if (kind) {
        promise.add(kind->promise);
    } else {
        promise.add("ThreadSanitizer reported a problem");
        if (!type.empty()) {
            promise.add(" (");
            promise.add(type);
            promise.add(")");
        }
    }
    w->field("promise", promise.view());
    if (kind && kind->bug_class != verdict::bug::none) w->field("bug_class", verdict::key_of(kind->bug_class));

    // location: the student's line of the access without a lock (located_access), or of
    // the lock that closed the cycle
    location.found = false;
    if (is_cycle) find_cycle_location(report, c, location);
    else if (access_count > 0) find_code_place(accesses[located_access(access_count)].trace, max_trace, location);
    write_place(*w, "location", location);

    text<256> note;
    if (is_cycle) write_cycle(*w, report, c);
    else if (access_count > 0) write_accesses(*w, access_count, note);

    if (!have_api || !__sanitizer_symbolize_pc || all_mutexes > max_mutexes || note.size > 0) {
        w->begin_array("messages");
        if (!have_api)
            w->value("this ThreadSanitizer runtime has no report API (__tsan_get_report_*): its printed report above "
                     "is the only account of the problem");
        else if (!__sanitizer_symbolize_pc)
            w->value("this ThreadSanitizer runtime cannot symbolize frames (__sanitizer_symbolize_pc): the lines are "
                     "in its printed report above");
        if (all_mutexes > max_mutexes) w->value("the report names more mutexes than the record keeps");
        if (note.size > 0) w->value(note.view());
        w->end_array();
    }
    w->end_object();
    w->end_array();
    verdict::finish_ending_record(*w);
    // The record promises the process ends here, whatever TSAN_OPTIONS say about
    // halt_on_error: the record is the process's last word.
    ::syscall(SYS_exit_group, verdict::exit_code::tsan_report);
}

}  // namespace

extern "C" __attribute__((visibility("default"), used)) void __tsan_on_report(void* report) {
    write_report(report);
}
