// Lesson 04 demo: the seed's cookie jar with a condition variable, in C++.
//
// Marge (the producers) bakes cookies and puts each one in the jar; when the jar is
// full, put() waits for room. Homer (the consumers) calls get(), which waits while the
// jar is empty: nobody polls. When the last Marge is done she closes the jar, and each
// Homer eats what is left and goes home when get() says the jar is closed and empty.
//
//   lesson04-demo [producers] [consumers] [cookies per producer]
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
    const int consumers = arg_or(argc, argv, 2, 3);
    const int per_producer = arg_or(argc, argv, 3, 4);
    const int total = producers * per_producer;

    lesson04::bounded_buffer<cookie> jar(10);  // the seed's queue.Queue(maxsize=10)
    std::atomic<int> eaten{0};
    std::atomic<int> gets{0};
    std::atomic<int> producers_left{producers};
    std::atomic<bool> closing{false};     // set just before the last producer calls close()
    std::atomic<int> went_home_early{0};  // consumers whose get() said "closed" before it was
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
                             "wake-up that never comes. Run `cmake --workflow --preset lesson-04` to see where.\n",
                     eaten.load(), total);
        std::_Exit(2);
    });

    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {  // Marge number p
            for (int n = 0; n < per_producer; ++n) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10 * (p + 1)));  // baking takes time; each bakes at its own pace
                say("producer " + std::to_string(p) + " puts  => cookie " + std::to_string(n));
                if (!jar.put(cookie{p, n})) return;  // waits while the jar is full; false once it is closed
            }
            if (producers_left.fetch_sub(1) == 1) {  // the last Marge closes the jar
                say("producer " + std::to_string(p) + " closes the jar");
                closing.store(true);
                jar.close();
            }
        });
    }
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&, c] {  // Homer number c
            for (;;) {
                gets.fetch_add(1);
                const auto got = jar.get();  // sleeps until there is a cookie, or the jar is closed and empty
                if (!got) break;
                eaten.fetch_add(1);
                say("consumer " + std::to_string(c) + " got   => cookie " + std::to_string(got->number) +
                    " from producer " + std::to_string(got->baker));
            }
            if (closing.load()) {
                say("consumer " + std::to_string(c) + " goes home: the jar is closed and empty");
            } else {
                went_home_early.fetch_add(1);
                say("consumer " + std::to_string(c) + " goes home: get() said the jar is closed and empty,"
                    " but nobody has closed it yet!");
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
    std::printf("total: %.2f s; %d cookies eaten; the consumers called get() %d times (one last time each to\n"
                "learn that the jar was closed)\n",
                seconds, eaten.load(), gets.load());
    if (went_home_early.load() > 0) {
        std::printf("%d consumer(s) went home before the jar was closed. Run `cmake --workflow --preset lesson-04`\n"
                    "to see why.\n",
                    went_home_early.load());
    }
    return eaten.load() == total && went_home_early.load() == 0 ? 0 : 1;
}
