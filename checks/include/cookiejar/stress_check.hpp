#pragma once
// The stress harness: many producers and consumers hammer one buffer under
// ThreadSanitizer, with seeded schedule noise, while a watchdog waits for a hang.
//
// After the run it checks what TSan cannot see:
//   * every cookie was eaten exactly once (none lost, none twice, none invented);
//   * per-producer FIFO: no consumer ate a producer's cookies out of order;
//   * the capacity was never exceeded: (puts returned) - (gets begun, minus gets that
//     came back empty) is a lower bound on what is in the buffer; it must stay <= capacity,
//     and every size() an observer thread reads must too.
// A deadlock (every thread blocked in a cj:: call nothing can end, or a ring of lock
// waits) ends the process at once, through the stress backend's deadlock detector; any
// other hang (no cookie moved for `stall_timeout`: a busy loop, say) through the
// watchdog. Both print a wait-for picture: each thread, what it is blocked on at which
// line, and who holds it.
//
// Guarantee: the harness's own bookkeeping uses relaxed atomics and per-thread
// storage only, so it adds no happens-before edge between the buffer's users and
// cannot hide a data race from TSan. The buffer lives on the heap (TSan misses some
// races on inlined stack objects; docs/how-the-checks-work.md).
//
// A lesson supplies `Ops`, the way its API is driven (polling, blocking and closing
// below are ready-made):
//   static void put(Buffer&, const cookie&, run_context&);   // returns once the cookie is in
//     or: static bool put(...)                                // false: refused (closed); the
//                                                             //   producer stops, and that cookie
//                                                             //   and later ones must never be eaten
//   static void consume(Buffer&, run_context&);               // eats until there is nothing left
//   static void observe(Buffer&, run_context&);               // calls the other members once
//   static void after_producers(Buffer&, run_context&);      // optional: run by the last producer
//                                                             //   to finish (e.g. close())
//
// Requires: the stress backend (COOKIEJAR_STRESS): schedule noise and the wait-for picture come from it.

#include <cookiejar/sync.hpp>
#include <cookiejar/detail/deadlock_detector.hpp>
#include <cookiejar/detail/quiet_ending.hpp>
#include <cookiejar/detail/wait_for_picture.hpp>
#include <cookiejar/verdict.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace cj::stress {

// What the producers make: cookie `number` (0, 1, 2, ...) of producer `producer`.
struct cookie {
    std::uint32_t producer = 0;
    std::uint32_t number = 0;
    friend bool operator==(const cookie&, const cookie&) = default;
};

struct config {
    unsigned producers = 2;
    unsigned consumers = 2;
    unsigned observers = 1;            // threads calling the other members (size(), capacity())
    unsigned cookies_per_producer = 1000;
    std::size_t capacity = 2;
    std::uint64_t seed = 1;
    unsigned yield_per_mille = 150;    // schedule noise at every cj:: call
    unsigned sleep_per_mille = 10;
    unsigned max_sleep_us = 40;
    double stall_seconds = 0;          // 0: CJ_WATCHDOG_SECONDS from the environment, else 5

    [[nodiscard]] std::string describe() const {
        auto count = [](unsigned n, const char* what) {
            return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
        };
        return count(producers, "producer") + " x " + count(cookies_per_producer, "cookie") + ", " +
               count(consumers, "consumer") + ", capacity " + std::to_string(capacity) + ", seed " +
               std::to_string(seed);
    }
};

struct outcome {
    std::string configuration;
    std::vector<std::string> problems;  // empty: the run passed
    std::vector<cj::verdict::bug> classes;  // the bug class of each problem (same order)
    unsigned long long puts = 0, gets = 0, empty_gets = 0;
    double seconds = 0;

    [[nodiscard]] bool passed() const { return problems.empty(); }
    [[nodiscard]] std::string report() const {
        std::string s = "stress run (" + configuration + "): " + (passed() ? "passed" : "FAILED") + "\n";
        for (const auto& p : problems) s += "  - " + p + "\n";
        return s;
    }
    // The run's broken promises as findings, one per bug class: lost or duplicated
    // cookies first (what a student sees first), then order, then capacity.
    [[nodiscard]] std::vector<cj::verdict::finding> to_findings() const {
        std::vector<cj::verdict::finding> out;
        for (const auto b : {cj::verdict::bug::lost_items, cj::verdict::bug::reordered_items,
                             cj::verdict::bug::capacity_exceeded}) {
            cj::verdict::finding f;
            for (std::size_t i = 0; i < problems.size() && i < classes.size(); ++i) {
                if (classes[i] != b) continue;
                if (f.promise.empty()) f.promise = problems[i];
                f.messages.push_back(problems[i]);
            }
            if (f.promise.empty()) continue;
            f.from = cj::verdict::source::stress;
            f.bug_class = b;
            f.found_by = "stress run (" + configuration + ")";
            f.report = report();
            out.push_back(std::move(f));
        }
        return out;
    }
};

struct driven_buffer;

// What Ops see of the run.
class run_context {
public:
    // Consumers: call taking() right before each get, then took(c) or took_nothing().
    void taking() noexcept {
        started_.fetch_add(1, std::memory_order_relaxed);
    }
    void took(const cookie& c) {
        eaten_->push_back(c);
        progress_.fetch_add(1, std::memory_order_relaxed);
    }
    void took_nothing() noexcept { empty_.fetch_add(1, std::memory_order_relaxed); }
    // True once every producer has returned from its last put.
    [[nodiscard]] bool producers_done() const noexcept {
        return producers_left_.load(std::memory_order_relaxed) == 0;
    }
    // Observers: report a size() reading.
    void observed_size(std::size_t size, std::size_t capacity) noexcept {
        if (size > capacity) {
            std::size_t seen = oversize_.load(std::memory_order_relaxed);
            while (size > seen && !oversize_.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
            }
        }
    }
    // Consumers of a blocking jar: true while there is a cookie left that nobody has
    // claimed yet; each true is one get() the consumer must make.
    [[nodiscard]] bool claim() noexcept {
        return claimed_.fetch_add(1, std::memory_order_relaxed) < total_;
    }
    // Spinning callers: give the others a chance.
    static void pause() noexcept { std::this_thread::yield(); }

private:
    friend outcome run_driven(const config&, const char*, const driven_buffer&);

    std::atomic<unsigned long long> started_{0}, empty_{0}, puts_{0}, progress_{0};
    std::atomic<unsigned> producers_left_{0};
    std::atomic<unsigned long long> claimed_{0};
    unsigned long long total_ = 0;  // cookies to be baked in all; set before the threads start
    std::atomic<std::size_t> oversize_{0};
    std::atomic<long long> worst_fill_{0};  // the largest lower bound on the fill seen
    static inline thread_local std::vector<cookie>* eaten_ = nullptr;  // the calling consumer's own log
};


// How a non-blocking jar (try_put / try_get / size / capacity, lessons 01-02) is driven:
// the seed's polling producer and consumer. Every other cookie goes in through each
// put overload (const T& and T&&), so both are exercised.
struct polling {
    template <class Jar>
    static void put(Jar& j, const cookie& c, run_context&) {
        if (c.number % 2 == 0) {
            while (!j.try_put(c)) run_context::pause();
        } else {
            for (;;) {
                cookie moving = c;
                if (j.try_put(std::move(moving))) break;
                run_context::pause();
            }
        }
    }
    template <class Jar>
    static void consume(Jar& j, run_context& ctx) {
        for (;;) {
            const bool last_look = ctx.producers_done();  // read before the get: nothing can come after it
            ctx.taking();
            if (auto c = j.try_get()) {
                ctx.took(*c);
                continue;
            }
            ctx.took_nothing();
            if (last_look) return;  // empty after every producer finished: all eaten
            run_context::pause();
        }
    }
    template <class Jar>
    static void observe(Jar& j, run_context& ctx) {
        ctx.observed_size(j.size(), j.capacity());
    }
};

// How a blocking jar without shutdown is driven (put blocks while full, get blocks
// while empty; lesson 03). Each consumer claims a cookie before each get(), so
// together they make exactly as many get() calls as cookies are baked.
struct blocking {
    template <class Jar>
    static void put(Jar& j, const cookie& c, run_context&) {
        if (c.number % 2 == 0) {
            j.put(c);
        } else {
            cookie moving = c;
            j.put(std::move(moving));
        }
    }
    template <class Jar>
    static void consume(Jar& j, run_context& ctx) {
        while (ctx.claim()) {
            ctx.taking();
            ctx.took(j.get());
        }
    }
    template <class Jar>
    static void observe(Jar& j, run_context&) {
        [[maybe_unused]] const auto capacity = j.capacity();
    }
};

// How a blocking jar with shutdown is driven (lesson 04): bool put() is false once
// closed; get() returns std::nullopt once closed and empty. The last producer to finish
// closes the jar, and the consumers eat until get() says it is over.
struct closing {
    template <class Jar>
    static bool put(Jar& j, const cookie& c, run_context&) {
        if (c.number % 2 == 0) return j.put(c);
        cookie moving = c;
        return j.put(std::move(moving));
    }
    template <class Jar>
    static void consume(Jar& j, run_context& ctx) {
        for (;;) {
            ctx.taking();
            auto c = j.get();
            if (!c) {
                ctx.took_nothing();
                return;
            }
            ctx.took(*c);
        }
    }
    template <class Jar>
    static void observe(Jar& j, run_context&) {
        [[maybe_unused]] const auto capacity = j.capacity();
    }
    template <class Jar>
    static void after_producers(Jar& j, run_context&) {
        j.close();
    }
};

// How run() reaches the buffer and the lesson's Ops: plain functions, so that the run
// itself (the threads, the watchdog, the judging afterwards) is compiled once per build
// (checks/common/stress_run.cpp) and a check's program compiles only these few calls
// with the buffer it judges. (Compiled with each check, at -O1 under ThreadSanitizer,
// the run was most of a stress program's compile: lesson 04's 9.5 s of CPU.)
struct driven_buffer {
    void* (*make)(std::size_t capacity);                // a new Buffer(capacity), on the heap
    void (*destroy)(void* buffer) noexcept;
    bool (*put)(void* buffer, const cookie&, run_context&);  // false: refused (Ops::put said so)
    void (*consume)(void* buffer, run_context&);
    void (*observe)(void* buffer, run_context&);
    void (*after_producers)(void* buffer, run_context&);  // nullptr: Ops has none
};

// Runs one stress configuration on the buffer `b` drives. `test_name` names the run in a
// hang report. (Defined in checks/common/stress_run.cpp.)
outcome run_driven(const config& c, const char* test_name, const driven_buffer& b);

// Runs one stress configuration of Buffer, driven by Ops. `test_name` names the run in a
// hang report.
template <class Buffer, class Ops>
outcome run(const config& c, const char* test_name) {
    driven_buffer b{};
    b.make = [](std::size_t capacity) -> void* { return new Buffer(capacity); };
    b.destroy = [](void* buffer) noexcept { delete static_cast<Buffer*>(buffer); };
    b.put = [](void* buffer, const cookie& k, run_context& ctx) -> bool {
        auto& j = *static_cast<Buffer*>(buffer);
        if constexpr (std::is_same_v<decltype(Ops::put(j, k, ctx)), bool>) {
            return Ops::put(j, k, ctx);
        } else {
            Ops::put(j, k, ctx);
            return true;
        }
    };
    b.consume = [](void* buffer, run_context& ctx) { Ops::consume(*static_cast<Buffer*>(buffer), ctx); };
    b.observe = [](void* buffer, run_context& ctx) { Ops::observe(*static_cast<Buffer*>(buffer), ctx); };
    if constexpr (requires(Buffer& j, run_context& ctx) { Ops::after_producers(j, ctx); }) {
        b.after_producers = [](void* buffer, run_context& ctx) { Ops::after_producers(*static_cast<Buffer*>(buffer), ctx); };
    }
    return run_driven(c, test_name, b);
}

}  // namespace cj::stress
