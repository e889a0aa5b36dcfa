// The stress harness's run (checks/include/cookiejar/stress_check.hpp): the threads, the
// watchdog and the judging of one stress configuration. Compiled once per build with the
// stress backend's flags and linked into every stress program; a check reaches its
// buffer through cj::stress::driven_buffer, made by cj::stress::run<Buffer, Ops>.
#include <cookiejar/stress_check.hpp>

namespace cj::stress {

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
                      char promise[900];
                      std::snprintf(promise, sizeof promise,
                                    "no cookie moved for %.1f s in the stress run (%s): threads blocked forever",
                                    stall_seconds, configuration.c_str());
                      cj::stress::write_hang_record(cj::verdict::source::watchdog, promise);
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

outcome run_driven(const config& c, const char* test_name, const driven_buffer& b) {
    outcome result;
    result.configuration = c.describe();
    reset_registry();
    set_noise({c.seed, c.yield_per_mille, c.sleep_per_mille, c.max_sleep_us});
    // On the heap: see the guarantee in stress_check.hpp.
    std::unique_ptr<void, void (*)(void*) noexcept> buffer(b.make(c.capacity), b.destroy);
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
                    if (!b.put(buffer.get(), cookie{p, n}, ctx)) {
                        refused_from[p] = n;
                        ctx.progress_.fetch_add(1, std::memory_order_relaxed);
                        break;
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
                    if (b.after_producers != nullptr) b.after_producers(buffer.get(), ctx);
                }
                mark_this_thread_finished();
            });
        }
        for (unsigned k = 0; k < c.consumers; ++k) {
            threads.emplace_back([&, k] {
                name_this_thread(names[c.producers + k]);
                run_context::eaten_ = &eaten[k];
                b.consume(buffer.get(), ctx);
                consumers_left.fetch_sub(1, std::memory_order_relaxed);
                mark_this_thread_finished();
            });
        }
        for (unsigned o = 0; o < c.observers; ++o) {
            threads.emplace_back([&, o] {
                name_this_thread(names[c.producers + c.consumers + o]);
                this_thread_only_observes();  // its size() and capacity() end no one's wait
                while (consumers_left.load(std::memory_order_relaxed) != 0) {
                    b.observe(buffer.get(), ctx);
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
