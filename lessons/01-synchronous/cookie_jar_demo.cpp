// The cookie jar, one thing at a time: Marge bakes every cookie and puts it in
// the jar, and only when she is done does Homer eat them. Nothing overlaps, so
// the total time is the sum of all the baking and all the eating. Lesson 05
// runs the same story asynchronously and beats this number.
//
//   lesson01-demo [cookies] [bake_ms] [eat_ms]      defaults: 10 50 20
//
// Exits 0 when Homer ate exactly the cookies that went into the jar, in the
// order they went in; 1 when the jar lost, invented, reordered or threw; 2 on
// bad arguments. Every loop is bounded, so a buggy jar cannot make it hang.
#include COOKIEJAR_BUFFER_HEADER

#include <charconv>
#include <chrono>
#include <cstddef>
#include <exception>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using demo_clock = std::chrono::steady_clock;

constexpr std::size_t jar_capacity = 10;  // like the slides' queue.Queue(maxsize=10)

struct settings {
    int cookies = 10;
    int bake_ms = 50;
    int eat_ms = 20;
};

// A whole number in [0, max], or nothing.
std::optional<int> parse_number(std::string_view text, int max) {
    int value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc{} || stop != end || value < 0 || value > max) {
        return std::nullopt;
    }
    return value;
}

std::optional<settings> parse_arguments(int argc, char* argv[]) {
    settings s;
    int* fields[] = {&s.cookies, &s.bake_ms, &s.eat_ms};
    const int limits[] = {1000, 10000, 10000};
    if (argc > 4) {
        return std::nullopt;
    }
    for (int i = 1; i < argc; ++i) {
        const std::optional<int> value = parse_number(argv[i], limits[i - 1]);
        if (!value) {
            return std::nullopt;
        }
        *fields[i - 1] = *value;
    }
    return s;
}

std::string seconds_since(demo_clock::time_point start) {
    const std::chrono::duration<double> elapsed = demo_clock::now() - start;
    std::ostringstream out;
    out << std::fixed << std::setprecision(2) << elapsed.count() << " s";
    return out.str();
}

}  // namespace

int main(int argc, char* argv[]) {
    const std::optional<settings> parsed = parse_arguments(argc, argv);
    if (!parsed) {
        std::cerr << "usage: lesson01-demo [cookies 0-1000] [bake_ms 0-10000] [eat_ms 0-10000]\n"
                     "       defaults: 10 cookies, 50 ms to bake each, 20 ms to eat each\n";
        return 2;
    }
    const settings s = *parsed;
    const auto bake_time = std::chrono::milliseconds(s.bake_ms);
    const auto eat_time = std::chrono::milliseconds(s.eat_ms);

    std::cout << "A jar for " << jar_capacity << " cookies. Marge bakes " << s.cookies << " (" << s.bake_ms
              << " ms each), then Homer eats them (" << s.eat_ms << " ms each).\n";

    const auto start = demo_clock::now();
    lesson01::bounded_buffer<int> jar(jar_capacity);
    std::vector<int> went_in;  // the cookies the jar accepted, in order
    int baked = 0;
    int on_counter = 0;  // baked, but the jar was full
    int eaten = 0;
    int problems = 0;

    try {
        // Marge, the producer. With nobody eating yet, a full jar stays full:
        // a cookie that does not fit stays on the counter.
        for (int cookie = 1; cookie <= s.cookies; ++cookie) {
            std::this_thread::sleep_for(bake_time);
            ++baked;
            if (jar.try_put(cookie)) {
                went_in.push_back(cookie);
                std::cout << "[" << seconds_since(start) << "] Marge puts cookie " << cookie << " in the jar ("
                          << jar.size() << "/" << jar.capacity() << ")\n";
            } else {
                std::cout << "[" << seconds_since(start) << "] Marge bakes cookie " << cookie
                          << ", but the jar is full: it stays on the counter\n";
                ++on_counter;
                if (went_in.size() < jar_capacity) {
                    std::cout << "PROBLEM: the jar refused cookie " << cookie << " while holding only "
                              << went_in.size() << " of " << jar_capacity << "\n";
                    ++problems;
                }
            }
        }

        // Homer, the consumer: one try_get per cookie that went in, and one more
        // that must find the jar empty.
        for (const int expected : went_in) {
            const std::optional<int> cookie = jar.try_get();
            if (!cookie) {
                std::cout << "PROBLEM: Homer finds the jar empty, but cookie " << expected << " went in\n";
                ++problems;
                break;
            }
            std::this_thread::sleep_for(eat_time);
            ++eaten;
            std::cout << "[" << seconds_since(start) << "] Homer eats cookie " << *cookie << " (" << jar.size()
                      << " left)\n";
            if (*cookie != expected) {
                std::cout << "PROBLEM: cookie " << expected << " went in next, but Homer got cookie " << *cookie
                          << "\n";
                ++problems;
            }
        }
        if (const std::optional<int> extra = jar.try_get()) {
            std::cout << "PROBLEM: every cookie was eaten, yet the jar still gives cookie " << *extra << "\n";
            ++problems;
        }
    } catch (const std::exception& error) {
        std::cout << "PROBLEM: the jar threw an exception: " << error.what() << "\n";
        ++problems;
    }

    std::cout << "total: " << seconds_since(start) << " (" << baked << " cookies baked one after another, then ";
    if (eaten == baked) {
        std::cout << "eaten";
    } else {
        std::cout << eaten << " of them eaten";
    }
    std::cout << ")\n"
              << "       = " << baked << " x " << s.bake_ms << " ms baking + " << eaten << " x " << s.eat_ms
              << " ms eating: nobody works while the other does\n";
    if (on_counter > 0) {
        std::cout << "       " << on_counter << " cookie(s) stayed on the counter: with nobody eating until Marge "
                  << "is done, a full jar stays full\n";
    }
    if (problems > 0) {
        std::cout << problems << " problem(s): the jar did not behave like a bounded FIFO queue\n";
        return 1;
    }
    return 0;
}
