// Lesson 02 demo: the seed's polling cookie jar, in C++.
//
// Marge (the producers) bakes cookies and puts each one in the jar, trying again a
// little later when the jar is full; Homer (the consumers) checks the jar every few
// milliseconds and eats what he finds. Nobody waits *inside* the jar: lesson 02's
// try_put/try_get return at once, so both sides poll.
//
//   lesson02-demo [producers] [consumers] [cookies per producer]
#include COOKIEJAR_BUFFER_HEADER

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

struct cookie {
    int baker = 0;
    int number = 0;
};

int arg_or(int argc, char** argv, int i, int fallback) {
    return argc > i ? std::max(1, std::atoi(argv[i])) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
    const int producers = arg_or(argc, argv, 1, 2);
    const int consumers = arg_or(argc, argv, 2, 2);
    const int per_producer = arg_or(argc, argv, 3, 5);
    const int total = producers * per_producer;

    lesson02::bounded_buffer<cookie> jar(10);  // the seed's queue.Queue(maxsize=10)
    std::atomic<int> eaten{0};
    std::atomic<int> polls{0};
    std::mutex print_mutex;  // one line at a time on the terminal
    auto say = [&](const std::string& line) {
        std::lock_guard<std::mutex> lock(print_mutex);
        std::puts(line.c_str());
    };

    std::atomic<bool> finished{false};
    // A jar that leaves every thread waiting for good is reported at once, with who waits
    // for what: this demo is built on the checks' cj:: primitives (without their noise),
    // whose deadlock detector watches every wait. This thread only keeps the time, and
    // the main thread only joins, so they tell the detector they are no way out. What
    // the detector cannot see (a thread spinning forever) this watchdog stops after 10 s.
    std::thread watchdog([&] {
        cj::stress::count_this_thread_out();
        for (int tick = 0; tick < 200 && !finished.load(); ++tick)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (finished.load()) return;
        std::fprintf(stderr, "the demo is stuck after 10 s with %d of %d cookies eaten: some thread waits for a\n"
                             "lock that is never released. Run `cmake --workflow --preset lesson-02` to see where.\n",
                     eaten.load(), total);
        std::_Exit(2);
    });

    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {  // Marge number p
            for (int n = 0; n < per_producer; ++n) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10 * (p + 1)));  // baking takes time; each bakes at its own pace
                while (!jar.try_put(cookie{p, n})) std::this_thread::sleep_for(std::chrono::milliseconds(1));
                say("producer " + std::to_string(p) + " put   => cookie " + std::to_string(n));
            }
        });
    }
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&, c] {  // Homer number c
            while (eaten.load() < total) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                polls.fetch_add(1);
                if (auto got = jar.try_get()) {
                    eaten.fetch_add(1);
                    say("consumer " + std::to_string(c) + " got   => cookie " + std::to_string(got->number) +
                        " from producer " + std::to_string(got->baker) + "  (" + std::to_string(jar.size()) +
                        " left in the jar)");
                }
            }
        });
    }
    {
        cj::stress::joining_scope joining;
        for (auto& t : threads) t.join();
    }
    finished.store(true);
    watchdog.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("total: %.2f s; %d cookies eaten; the consumers looked into the jar %d times\n", seconds,
                eaten.load(), polls.load());
    return eaten.load() == total ? 0 : 1;
}
