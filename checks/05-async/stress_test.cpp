// Lesson 05, stress checks under ThreadSanitizer: cookies baked on other threads reach
// the jar through event_loop::post, the only call another thread may make. Each baker
// thread posts its cookies one by one (with seeded pauses); on the loop, the baker's
// own task takes each from a cj::promise the post sets, and puts it in the jar;
// consumer tasks eat. Afterwards every cookie was eaten exactly once and each baker's
// cookies were eaten in the order they were baked. A deadlock on the loop is reported
// by run() (with the line each task waits at); ThreadSanitizer reports any data race
// between the bakers and the loop.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/async.hpp>

#include <cookiejar/catch.hpp>
#include <cookiejar/verdict.hpp>

#include <optional>

#include <chrono>
#include <cstddef>
#include <exception>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

struct cookie {
    int baker = 0;
    int number = 0;  // 0, 1, 2, ... per baker
};

struct config {
    int bakers;
    int cookies_each;
    int consumers;
    std::size_t capacity;
    unsigned seed;
};

// What the loop side of one baker knows: promises for cookies not yet arrived.
// Touched only on the loop's thread (posted functions and tasks run there).
struct inbox {
    std::deque<cj::promise<cookie>> promises;
    std::deque<cj::future<cookie>> futures;
};

cj::task<void> carry(lesson05::bounded_buffer<cookie>& jar, inbox& in, int count) {
    for (int i = 0; i < count; ++i) {
        cj::future<cookie> next = std::move(in.futures.front());
        in.futures.pop_front();
        const cookie c = co_await next;  // set by a function a baker thread posted
        co_await jar.put(c);
    }
}

cj::task<void> eat(lesson05::bounded_buffer<cookie>& jar, std::vector<cookie>& eaten, int count) {
    for (int i = 0; i < count; ++i) eaten.push_back(co_await jar.get());
}

// An exception that ended the loop, in words, with the line its task last resumed at;
// reported as a finding at that line when it is one of the jar's (not this check's own).
std::string escaped(const cj::event_loop& loop, const std::exception& e, const config& cfg, cj::verdict::bug meaning) {
    const std::string text = "the loop stopped: " + cj::escaped_exception(loop, e);
    const cj::source_location& at = loop.failed_task_resumed_at();
    cj::verdict::finding f;
    f.from = cj::verdict::source::stress;
    f.bug_class = meaning;
    f.promise = "seed " + std::to_string(cfg.seed) + ": " + text;
    f.messages.push_back(f.promise);
    f.found_by = "stress run (" + std::to_string(cfg.bakers) + " bakers x " + std::to_string(cfg.cookies_each) +
                 " cookies, " + std::to_string(cfg.consumers) + " consumers, capacity " + std::to_string(cfg.capacity) +
                 ", seed " + std::to_string(cfg.seed) + ")";
    if (at.line() != 0 && std::string(at.file_name()) != cj::source_location::current().file_name())
        f.location = {at.file_name(), at.line()};
    cj::verdict::report(std::move(f));
    return text;
}

std::string run_stress(const config& cfg) {
    cj::event_loop loop;
    lesson05::bounded_buffer<cookie> jar(cfg.capacity);
    std::vector<inbox> inboxes(static_cast<std::size_t>(cfg.bakers));
    for (auto& in : inboxes) {
        for (int i = 0; i < cfg.cookies_each; ++i) {
            in.promises.emplace_back();
            in.futures.push_back(in.promises.back().get_future());
        }
    }
    std::vector<cookie> eaten;  // in the order the loop handed them out
    const int total = cfg.bakers * cfg.cookies_each;
    for (int b = 0; b < cfg.bakers; ++b)
        loop.spawn(carry(jar, inboxes[static_cast<std::size_t>(b)], cfg.cookies_each), "carrier " + std::to_string(b));
    for (int c = 0; c < cfg.consumers; ++c) {
        const int share = total / cfg.consumers + (c < total % cfg.consumers ? 1 : 0);
        loop.spawn(eat(jar, eaten, share), "consumer " + std::to_string(c));
    }

    std::vector<cj::event_loop::post_guard> guards;
    for (int b = 0; b < cfg.bakers; ++b) guards.emplace_back(loop);
    std::vector<std::thread> bakers;
    for (int b = 0; b < cfg.bakers; ++b) {
        bakers.emplace_back([&, b, guard = std::move(guards[static_cast<std::size_t>(b)])]() mutable {
            std::mt19937 rng(cfg.seed * 131u + static_cast<unsigned>(b));
            inbox& in = inboxes[static_cast<std::size_t>(b)];
            for (int i = 0; i < cfg.cookies_each; ++i) {
                if (rng() % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 50));
                else std::this_thread::yield();
                guard.post([&in, c = cookie{b, i}] {
                    cj::promise<cookie> p = std::move(in.promises.front());
                    in.promises.pop_front();
                    p.set_value(c);
                });
            }
            guard.release();
        });
    }
    std::string problem;
    try {
        loop.run();
    } catch (const cj::deadlock_error& e) {
        problem = std::string("the loop stopped: ") + e.what();
        cj::verdict::suspect(cj::verdict::bug::waiter_never_resumed);
    } catch (const cj::reentrancy_error& e) {
        problem = std::string("the loop stopped: ") + e.what();
        cj::verdict::suspect(cj::verdict::bug::resumed_inline);
    } catch (const std::bad_optional_access& e) {
        problem = escaped(loop, e, cfg, cj::verdict::bug::if_instead_of_while);  // a woken get() read an empty slot
    } catch (const std::exception& e) {
        problem = escaped(loop, e, cfg, cj::verdict::bug::none);
    }
    for (auto& t : bakers) t.join();
    if (!problem.empty()) return problem;

    cj::verdict::suspect(cj::verdict::bug::lost_items);
    if (static_cast<int>(eaten.size()) != total)
        return std::to_string(eaten.size()) + " cookies were eaten, " + std::to_string(total) + " were baked";
    std::vector<int> next(static_cast<std::size_t>(cfg.bakers), 0);
    for (const cookie& c : eaten) {
        if (c.baker < 0 || c.baker >= cfg.bakers) return "a cookie from baker " + std::to_string(c.baker) + " was eaten; there is no such baker";
        int& expected = next[static_cast<std::size_t>(c.baker)];
        if (c.number != expected)
            return "baker " + std::to_string(c.baker) + "'s cookie " + std::to_string(c.number) + " was eaten when cookie " +
                   std::to_string(expected) + " was due: " +
                   (c.number < expected ? "it was eaten twice" : "the order was broken or a cookie was lost");
        ++expected;
    }
    return {};
}

void stress(const config& cfg) {
    for (unsigned round = 0; round < 3; ++round) {
        config c = cfg;
        c.seed = cfg.seed + round;
        const std::string problem = run_stress(c);
        INFO("seed " << c.seed << ": " << problem);
        REQUIRE(problem.empty());
    }
}

}  // namespace

TEST_CASE("four baker threads feed two consumers through a jar of one", "[lesson05][stress]") {
    stress({4, 200, 2, 1, 1});
}

TEST_CASE("two baker threads feed three consumers through a jar of three", "[lesson05][stress]") {
    stress({2, 300, 3, 3, 11});
}

TEST_CASE("eight baker threads feed one consumer through a big jar", "[lesson05][stress]") {
    stress({8, 100, 1, 16, 21});
}
