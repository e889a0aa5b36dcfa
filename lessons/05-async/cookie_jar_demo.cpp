// Synchronous vs asynchronous, in virtual time. Each of the producers "fetches" a
// cookie, which takes a second of waiting (an oven, a network: time in which the
// producer itself does nothing), and puts it in the jar; the consumers take the
// cookies out and eat each one in half a second.
//
//   1. synchronously (lesson 01's way): one task does everything, one thing at a time;
//   2. asynchronously: every producer and consumer is a task on the event loop; while
//      one waits for its oven, the others run.
//
// Both runs use the loop's virtual clock, so the totals are exact and the demo takes
// milliseconds. It prints both totals and a timeline of each task, and writes the
// timeline as an SVG picture.
//
//   lesson05-demo [producers] [consumers] [capacity] [svg file]   defaults: 6 2 2 cookie-timeline.svg
//
// Exits 0 when every cookie was eaten exactly once in both runs; 1 when a run went
// wrong (a deadlock is reported with the line each task waits at); 2 on bad arguments.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/async.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr auto fetch_time = 1000ms;
constexpr auto eat_time = 500ms;

// What one task was doing from `from` to `to` (virtual milliseconds).
struct span {
    std::string task;
    std::string what;  // "fetch", "wait", "eat"
    long from;
    long to;
};

struct timeline {
    std::vector<std::string> tasks;  // rows, in order of first appearance
    std::vector<span> spans;
    long end = 0;

    void add(const std::string& task, const std::string& what, long from, long to) {
        if (std::find(tasks.begin(), tasks.end(), task) == tasks.end()) tasks.push_back(task);
        if (to > from) spans.push_back({task, what, from, to});
        end = std::max(end, to);
    }
};

long now_ms(const cj::event_loop& loop) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(loop.now()).count());
}

// The synchronous way: one task fetches a cookie, puts it, and when the jar is full
// (or every cookie is baked) eats what the jar holds. Nothing overlaps.
cj::task<void> one_thing_at_a_time(cj::event_loop& loop, lesson05::bounded_buffer<int>& jar, int cookies,
                                   timeline& tl, std::vector<int>& eaten) {
    int baked = 0;
    while (baked < cookies) {
        while (baked < cookies && jar.size() < jar.capacity()) {
            const long t0 = now_ms(loop);
            co_await cj::sleep_for(fetch_time);
            tl.add("everything", "fetch", t0, now_ms(loop));
            co_await jar.put(baked++);
        }
        while (jar.size() > 0) {
            const int cookie = co_await jar.get();
            const long t0 = now_ms(loop);
            co_await cj::sleep_for(eat_time);
            tl.add("everything", "eat", t0, now_ms(loop));
            eaten.push_back(cookie);
        }
    }
}

cj::task<void> producer(cj::event_loop& loop, lesson05::bounded_buffer<int>& jar, int cookie, timeline& tl) {
    const std::string me = "producer " + std::to_string(cookie + 1);
    const long t0 = now_ms(loop);
    co_await cj::sleep_for(fetch_time);
    const long t1 = now_ms(loop);
    tl.add(me, "fetch", t0, t1);
    co_await jar.put(cookie);  // may wait for room
    tl.add(me, "wait", t1, now_ms(loop));
}

cj::task<void> consumer(cj::event_loop& loop, lesson05::bounded_buffer<int>& jar, int share, int number, timeline& tl,
                        std::vector<int>& eaten) {
    const std::string me = "consumer " + std::to_string(number);
    for (int i = 0; i < share; ++i) {
        const long t0 = now_ms(loop);
        const int cookie = co_await jar.get();  // may wait for a cookie
        const long t1 = now_ms(loop);
        tl.add(me, "wait", t0, t1);
        co_await cj::sleep_for(eat_time);
        tl.add(me, "eat", t1, now_ms(loop));
        eaten.push_back(cookie);
    }
}

// One row per task, one character per 250 ms: '=' fetching, '.' waiting, '#' eating.
void print_timeline(const std::string& title, const timeline& tl) {
    std::cout << title << " (one character = 250 ms; = fetching, . waiting, # eating)\n";
    std::size_t label = 0;
    for (const auto& t : tl.tasks) label = std::max(label, t.size());
    for (const auto& t : tl.tasks) {
        std::string row(static_cast<std::size_t>((tl.end + 249) / 250), ' ');
        for (const auto& s : tl.spans) {
            if (s.task != t) continue;
            const char c = s.what == "fetch" ? '=' : s.what == "eat" ? '#' : '.';
            for (long q = s.from / 250; q < (s.to + 249) / 250; ++q) row[static_cast<std::size_t>(q)] = c;
        }
        std::cout << "  " << t << std::string(label - t.size(), ' ') << " |" << row << "|\n";
    }
}

std::string svg_rows(const timeline& tl, double y0, double px_per_ms, double row_h, double x0) {
    std::string out;
    char buf[400];
    for (std::size_t r = 0; r < tl.tasks.size(); ++r) {
        const double y = y0 + static_cast<double>(r) * row_h;
        std::snprintf(buf, sizeof buf, "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", x0 - 8,
                      y + row_h * 0.65, tl.tasks[r].c_str());
        out += buf;
        for (const auto& s : tl.spans) {
            if (s.task != tl.tasks[r]) continue;
            const char* colour = s.what == "fetch" ? "#d9a441" : s.what == "eat" ? "#7a4a21" : "#cccccc";
            std::snprintf(buf, sizeof buf,
                          "  <rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s %ld-%ld ms</title></rect>\n",
                          x0 + static_cast<double>(s.from) * px_per_ms, y + 3, static_cast<double>(s.to - s.from) * px_per_ms,
                          row_h - 6, colour, s.task.c_str(), s.what.c_str(), s.from, s.to);
            out += buf;
        }
    }
    return out;
}

// Both timelines on one time axis, so the lengths compare at a glance.
bool write_svg(const std::string& path, const timeline& sync, const timeline& async) {
    const double x0 = 120, row_h = 26, px_per_ms = 0.09;
    const long end = std::max(sync.end, async.end);
    const double width = x0 + static_cast<double>(end) * px_per_ms + 40;
    const double sync_y = 50;
    const double async_y = sync_y + static_cast<double>(sync.tasks.size()) * row_h + 50;
    const double axis_y = async_y + static_cast<double>(async.tasks.size()) * row_h + 10;
    const double height = axis_y + 50;
    std::ofstream out(path);
    if (!out) return false;
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" "
                  "font-size=\"13\">\n",
                  width, height);
    out << buf << "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    std::snprintf(buf, sizeof buf, "  <text x=\"10\" y=\"%.0f\" font-weight=\"bold\">synchronous: %.1f s</text>\n",
                  sync_y - 15, static_cast<double>(sync.end) / 1000);
    out << buf << svg_rows(sync, sync_y, px_per_ms, row_h, x0);
    std::snprintf(buf, sizeof buf, "  <text x=\"10\" y=\"%.0f\" font-weight=\"bold\">asynchronous: %.1f s</text>\n",
                  async_y - 15, static_cast<double>(async.end) / 1000);
    out << buf << svg_rows(async, async_y, px_per_ms, row_h, x0);
    for (long s = 0; s * 1000 <= end; ++s) {
        const double x = x0 + static_cast<double>(s * 1000) * px_per_ms;
        std::snprintf(buf, sizeof buf,
                      "  <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n"
                      "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%ld s</text>\n",
                      x, axis_y, x, axis_y + 6, x, axis_y + 22, s);
        out << buf;
    }
    std::snprintf(buf, sizeof buf,
                  "  <text x=\"%.0f\" y=\"%.0f\">fetching</text><rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"10\" "
                  "fill=\"#d9a441\"/>\n",
                  x0 + 18, axis_y + 42, x0, axis_y + 33);
    out << buf;
    std::snprintf(buf, sizeof buf,
                  "  <text x=\"%.0f\" y=\"%.0f\">waiting</text><rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"10\" "
                  "fill=\"#cccccc\"/>\n",
                  x0 + 118, axis_y + 42, x0 + 100, axis_y + 33);
    out << buf;
    std::snprintf(buf, sizeof buf,
                  "  <text x=\"%.0f\" y=\"%.0f\">eating</text><rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"10\" "
                  "fill=\"#7a4a21\"/>\n",
                  x0 + 218, axis_y + 42, x0 + 200, axis_y + 33);
    out << buf << "</svg>\n";
    return static_cast<bool>(out);
}

std::optional<int> parse_number(std::string_view text, int min, int max) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) return std::nullopt;
    return value;
}

// Every cookie 0..n-1 exactly once.
bool all_eaten_once(std::vector<int> eaten, int n) {
    std::sort(eaten.begin(), eaten.end());
    if (static_cast<int>(eaten.size()) != n) return false;
    for (int i = 0; i < n; ++i)
        if (eaten[static_cast<std::size_t>(i)] != i) return false;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    int producers = 6, consumers = 2, capacity = 2;
    std::string svg = "cookie-timeline.svg";
    const int limits[3][2] = {{1, 60}, {1, 20}, {1, 60}};
    int* targets[3] = {&producers, &consumers, &capacity};
    for (int i = 1; i < argc && i <= 3; ++i) {
        const auto v = parse_number(argv[i], limits[i - 1][0], limits[i - 1][1]);
        if (!v) {
            std::cerr << "usage: " << argv[0] << " [producers 1-60] [consumers 1-20] [capacity 1-60] [svg file]\n"
                      << "  '" << argv[i] << "' is not a whole number in " << limits[i - 1][0] << "-" << limits[i - 1][1] << "\n";
            return 2;
        }
        *targets[i - 1] = *v;
    }
    if (argc > 4) svg = argv[4];

    timeline sync_tl, async_tl;
    std::vector<int> sync_eaten, async_eaten;
    try {
        lesson05::bounded_buffer<int> jar(static_cast<std::size_t>(capacity));
        cj::event_loop loop;
        loop.spawn(one_thing_at_a_time(loop, jar, producers, sync_tl, sync_eaten), "everything");
        loop.run();
    } catch (const std::exception& e) {
        std::cerr << "the synchronous run failed: " << e.what() << "\n";
        return 1;
    }
    try {
        lesson05::bounded_buffer<int> jar(static_cast<std::size_t>(capacity));
        cj::event_loop loop;
        for (int p = 0; p < producers; ++p) loop.spawn(producer(loop, jar, p, async_tl), "producer " + std::to_string(p + 1));
        for (int c = 0; c < consumers; ++c) {
            const int share = producers / consumers + (c < producers % consumers ? 1 : 0);
            loop.spawn(consumer(loop, jar, share, c + 1, async_tl, async_eaten), "consumer " + std::to_string(c + 1));
        }
        loop.run();
    } catch (const std::exception& e) {
        std::cerr << "the asynchronous run failed: " << e.what() << "\n";
        return 1;
    }

    std::printf("%d cookies, each fetched in %.1f s and eaten in %.1f s; a jar of %d; %d consumer%s\n\n", producers,
                std::chrono::duration<double>(fetch_time).count(), std::chrono::duration<double>(eat_time).count(),
                capacity, consumers, consumers == 1 ? "" : "s");
    print_timeline("synchronous, one thing at a time", sync_tl);
    std::cout << "\n";
    print_timeline("asynchronous, on the event loop", async_tl);
    std::printf("\ntotal in virtual time: synchronous %.1f s, asynchronous %.1f s\n", static_cast<double>(sync_tl.end) / 1000,
                static_cast<double>(async_tl.end) / 1000);
    if (write_svg(svg, sync_tl, async_tl)) std::cout << "timeline picture: " << svg << "\n";
    else std::cerr << "could not write " << svg << "\n";

    if (!all_eaten_once(sync_eaten, producers) || !all_eaten_once(async_eaten, producers)) {
        std::cerr << "a cookie was lost, invented or eaten twice\n";
        return 1;
    }
    return 0;
}
