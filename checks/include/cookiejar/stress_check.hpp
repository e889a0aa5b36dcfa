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
    template <class Buffer, class Ops>
    friend outcome run(const config&, const char*);

    std::atomic<unsigned long long> started_{0}, empty_{0}, puts_{0}, progress_{0};
    std::atomic<unsigned> producers_left_{0};
    std::atomic<unsigned long long> claimed_{0};
    unsigned long long total_ = 0;  // cookies to be baked in all; set before the threads start
    std::atomic<std::size_t> oversize_{0};
    std::atomic<long long> worst_fill_{0};  // the largest lower bound on the fill seen
    static inline thread_local std::vector<cookie>* eaten_ = nullptr;  // the calling consumer's own log
};

namespace detail {

inline double stall_seconds(const config& c) {
    if (c.stall_seconds > 0) return c.stall_seconds;
    if (const char* env = std::getenv("CJ_WATCHDOG_SECONDS")) {
        const double s = std::atof(env);
        if (s > 0) return s;
    }
    return 5.0;
}

// Ends the process if no cookie moves for too long: a hang is a failure, never a timeout.
class watchdog {
public:
    watchdog(const char* test_name, std::string configuration, const std::atomic<unsigned long long>& progress,
             double stall_seconds)
        : thread_([this, test_name, configuration = std::move(configuration), &progress, stall_seconds] {
              cj::stress::count_this_thread_out();  // a helper: the deadlock detector does not wait for it
              std::unique_lock<std::mutex> lock(m_);
              auto last = progress.load(std::memory_order_relaxed);
              auto last_change = std::chrono::steady_clock::now();
              while (!done_) {
                  cv_.wait_for(lock, std::chrono::milliseconds(100));
                  const auto now = std::chrono::steady_clock::now();
                  const auto p = progress.load(std::memory_order_relaxed);
                  if (p != last) {
                      last = p;
                      last_change = now;
                  } else if (!done_ && std::chrono::duration<double>(now - last_change).count() > stall_seconds) {
                      cj::ending::wait_for_sanitizer_report();  // a race being reported was found first
                      if (auto* w = cj::verdict::begin_ending_record(cj::verdict::outcome::hang)) {
                          char promise[900];
                          std::snprintf(promise, sizeof promise,
                                        "no cookie moved for %.1f s in the stress run (%s): threads blocked forever",
                                        stall_seconds, configuration.c_str());
                          w->begin_array("findings");
                          w->begin_object();
                          w->field("source", cj::verdict::key_of(cj::verdict::source::watchdog));
                          w->field("promise", promise);
                          cj::stress::write_hang(*w);
                          w->end_object();
                          w->end_array();
                          cj::verdict::finish_ending_record(*w);
                      }
                      std::fprintf(stderr,
                                   "\ncookiejar watchdog: HANG in \"%s\" (%s)\n"
                                   "no cookie moved for %.1f s; the threads still running, and what they wait for:\n%s\n"
                                   "A thread blocked forever is a deadlock or a lost wake-up. The model check of this\n"
                                   "lesson can usually show the interleaving that leads here.\n",
                                   test_name, configuration.c_str(), stall_seconds, cj::stress::wait_for_picture().c_str());
                      cj::ending::end_process(cj::verdict::exit_code::watchdog_hang);
                  }
              }
              cj::stress::count_this_thread_back_in();
          }) {}
    ~watchdog() {
        {
            std::lock_guard<std::mutex> lock(m_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;

private:
    std::mutex m_;  // the watchdog's own; guards done_. It synchronises only with the main thread.
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

}  // namespace detail

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

namespace detail {
// The stress threads' names, "producer 0" to "observer 255", made when the program is
// loaded (constant initialisation: no thread ever writes them). The deadlock detector's
// monitor thread, started by the first wait of the first run, lives on and reads the
// names in later runs too, and the registry orders nothing for ThreadSanitizer (by
// design: stress_registry.hpp). Names built on the heap for each run were written after
// the monitor had started: when a later run deadlocked, ThreadSanitizer reported the
// detector's read of them as a data race in the course library.
struct thread_name_table {
    enum role : int { producer, consumer, observer };
    char text[3][max_threads][16] = {};  // "consumer 255" and its '\0' fit in 16
    constexpr thread_name_table() {
        const char* roles[3] = {"producer ", "consumer ", "observer "};
        for (int r = 0; r < 3; ++r) {
            for (int i = 0; i < max_threads; ++i) {
                int k = 0;
                for (const char* c = roles[r]; *c != '\0'; ++c) text[r][i][k++] = *c;
                char digits[4] = {};
                int d = 0;
                int v = i;
                do {
                    digits[d++] = static_cast<char>('0' + v % 10);
                    v /= 10;
                } while (v > 0);
                while (d > 0) text[r][i][k++] = digits[--d];
            }
        }
    }
    // Requires: i < max_threads (run() refuses a configuration with more threads).
    [[nodiscard]] constexpr const char* of(role r, unsigned i) const { return text[r][i]; }
};
inline constexpr thread_name_table thread_names{};
}  // namespace detail

// Runs one stress configuration. `test_name` names the run in a hang report.
template <class Buffer, class Ops>
outcome run(const config& c, const char* test_name) {
    outcome result;
    result.configuration = c.describe();
    reset_registry();
    set_noise({c.seed, c.yield_per_mille, c.sleep_per_mille, c.max_sleep_us});
    auto buffer = std::make_unique<Buffer>(c.capacity);  // on the heap: see the guarantee above
    run_context ctx;
    ctx.producers_left_.store(c.producers, std::memory_order_relaxed);
    ctx.total_ = static_cast<unsigned long long>(c.producers) * c.cookies_per_producer;
    // refused_from[p]: the first cookie producer p's put() refused; it and later ones were
    // never in the jar. Written by producer p only; read after the join.
    std::vector<std::uint32_t> refused_from(c.producers, c.cookies_per_producer);
    const long long capacity = static_cast<long long>(c.capacity);

    // The threads' names: static storage, never written (see detail::thread_names).
    if (c.producers + c.consumers + c.observers >= static_cast<unsigned>(max_threads))
        throw std::invalid_argument("cj::stress::run: more threads than the registry has slots");
    using names_of = detail::thread_name_table;
    std::vector<const char*> names;
    for (unsigned i = 0; i < c.producers; ++i) names.push_back(detail::thread_names.of(names_of::producer, i));
    for (unsigned i = 0; i < c.consumers; ++i) names.push_back(detail::thread_names.of(names_of::consumer, i));
    for (unsigned i = 0; i < c.observers; ++i) names.push_back(detail::thread_names.of(names_of::observer, i));
    std::vector<std::vector<cookie>> eaten(c.consumers);
    for (auto& e : eaten) e.reserve(static_cast<std::size_t>(c.producers) * c.cookies_per_producer);
    std::atomic<unsigned> consumers_left{c.consumers};

    detail::publish_setup();  // the jar and everything above, for the deadlock detector's reports
    const auto t0 = std::chrono::steady_clock::now();
    {
        detail::watchdog dog(test_name, result.configuration, ctx.progress_, detail::stall_seconds(c));
        std::vector<std::thread> threads;
        for (unsigned p = 0; p < c.producers; ++p) {
            threads.emplace_back([&, p] {
                name_this_thread(names[p]);
                for (std::uint32_t n = 0; n < c.cookies_per_producer; ++n) {
                    const auto empty_before = ctx.empty_.load(std::memory_order_relaxed);
                    if constexpr (std::is_same_v<decltype(Ops::put(*buffer, cookie{}, ctx)), bool>) {
                        if (!Ops::put(*buffer, cookie{p, n}, ctx)) {
                            refused_from[p] = n;
                            ctx.progress_.fetch_add(1, std::memory_order_relaxed);
                            break;
                        }
                    } else {
                        Ops::put(*buffer, cookie{p, n}, ctx);
                    }
                    const auto puts = ctx.puts_.fetch_add(1, std::memory_order_relaxed) + 1;
                    ctx.progress_.fetch_add(1, std::memory_order_relaxed);
                    const auto started = ctx.started_.load(std::memory_order_relaxed);
                    // At least this many cookies are in the buffer right now.
                    const long long fill = static_cast<long long>(puts) -
                                           (static_cast<long long>(started) - static_cast<long long>(empty_before));
                    long long worst = ctx.worst_fill_.load(std::memory_order_relaxed);
                    while (fill > worst && !ctx.worst_fill_.compare_exchange_weak(worst, fill, std::memory_order_relaxed)) {
                    }
                }
                if (ctx.producers_left_.fetch_sub(1, std::memory_order_relaxed) == 1) {
                    if constexpr (requires { Ops::after_producers(*buffer, ctx); }) Ops::after_producers(*buffer, ctx);
                }
                mark_this_thread_finished();
            });
        }
        for (unsigned k = 0; k < c.consumers; ++k) {
            threads.emplace_back([&, k] {
                name_this_thread(names[c.producers + k]);
                run_context::eaten_ = &eaten[k];
                Ops::consume(*buffer, ctx);
                consumers_left.fetch_sub(1, std::memory_order_relaxed);
                mark_this_thread_finished();
            });
        }
        for (unsigned o = 0; o < c.observers; ++o) {
            threads.emplace_back([&, o] {
                name_this_thread(names[c.producers + c.consumers + o]);
                this_thread_only_observes();  // its size() and capacity() end no one's wait
                while (consumers_left.load(std::memory_order_relaxed) != 0) {
                    Ops::observe(*buffer, ctx);
                    run_context::pause();
                }
                mark_this_thread_finished();
            });
        }
        // The main thread only joins: while it does, the deadlock detector judges the others.
        cj::stress::joining_scope joining;
        for (auto& t : threads) t.join();
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.puts = ctx.puts_.load();
    result.empty_gets = ctx.empty_.load();
    buffer.reset();

    // ---- judge, after every thread has joined ----
    auto& problems = result.problems;
    const std::size_t max_listed = 5;
    using cj::verdict::bug;
    auto add = [&](bug b, std::string text) {
        if (problems.size() < max_listed) {
            problems.push_back(std::move(text));
            result.classes.push_back(b);
        } else if (problems.size() == max_listed) {
            problems.push_back("... and more");
            result.classes.push_back(bug::none);
        }
    };
    std::vector<std::vector<unsigned>> times(c.producers, std::vector<unsigned>(c.cookies_per_producer, 0));
    unsigned long long total = 0;
    for (unsigned k = 0; k < c.consumers; ++k) {
        for (const cookie& ck : eaten[k]) {
            ++total;
            if (ck.producer >= c.producers || ck.number >= c.cookies_per_producer) {
                add(bug::lost_items, "consumer " + std::to_string(k) + " got a cookie nobody baked (producer " +
                    std::to_string(ck.producer) + ", number " + std::to_string(ck.number) +
                    ") - it read a slot that was never written");
                continue;
            }
            ++times[ck.producer][ck.number];
        }
    }
    result.gets = total;
    unsigned long long lost = 0, twice = 0;
    for (unsigned p = 0; p < c.producers; ++p) {
        for (unsigned n = 0; n < c.cookies_per_producer; ++n) {
            if (n >= refused_from[p]) {
                if (times[p][n] != 0)
                    add(bug::lost_items, "cookie " + std::to_string(n) + " of producer " + std::to_string(p) + " was eaten, but " +
                        (n == refused_from[p] ? "put() refused it (returned false)"
                                              : "it was never baked (an earlier put() of its producer was refused)"));
                continue;
            }
            if (times[p][n] == 0) {
                if (lost++ == 0)
                    add(bug::lost_items, "cookie " + std::to_string(n) + " of producer " + std::to_string(p) + " was never eaten (lost)");
            } else if (times[p][n] > 1) {
                if (twice++ == 0)
                    add(bug::lost_items, "cookie " + std::to_string(n) + " of producer " + std::to_string(p) + " was eaten " +
                        std::to_string(times[p][n]) + " times");
            }
        }
    }
    if (lost > 1) add(bug::lost_items, std::to_string(lost) + " cookies were lost in all");
    if (twice > 1) add(bug::lost_items, std::to_string(twice) + " cookies were eaten more than once in all");
    for (unsigned k = 0; k < c.consumers; ++k) {
        std::vector<long long> last(c.producers, -1);
        for (const cookie& ck : eaten[k]) {
            if (ck.producer >= c.producers || ck.number >= c.cookies_per_producer) continue;
            if (static_cast<long long>(ck.number) < last[ck.producer]) {
                add(bug::reordered_items, "consumer " + std::to_string(k) + " ate cookie " + std::to_string(ck.number) + " of producer " +
                    std::to_string(ck.producer) + " after cookie " + std::to_string(last[ck.producer]) +
                    " - FIFO order broken");
            }
            last[ck.producer] = std::max<long long>(last[ck.producer], ck.number);
        }
    }
    const long long worst = ctx.worst_fill_.load();
    if (worst > capacity)
        add(bug::capacity_exceeded, "at one moment at least " + std::to_string(worst) + " cookies were in a jar of capacity " +
            std::to_string(capacity) + " - a put succeeded on a full jar");
    if (const auto over = ctx.oversize_.load(); over > 0)
        add(bug::capacity_exceeded, "size() returned " + std::to_string(over) + " for a jar of capacity " + std::to_string(capacity));
    // The running test case's record carries them, if the check's assertion on the run fails.
    for (auto& f : result.to_findings()) cj::verdict::report(std::move(f));
    return result;
}

}  // namespace cj::stress
