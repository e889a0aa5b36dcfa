// Property checks of the try_put/try_get contract (lessons 01 and 02): long random
// sequences of try_put / try_get, each step compared with a std::deque that plays
// the same part (the "model"). COOKIEJAR_LESSON_NAMESPACE names the lesson.
// The seeds are fixed, so every run tries exactly the same sequences, and a
// failure names the seed, the step and the operation where the two disagreed.
#include COOKIEJAR_BUFFER_HEADER

#include <cookiejar/catch.hpp>
#include <cookiejar/verdict.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "cookie.hpp"

namespace {

using COOKIEJAR_LESSON_NAMESPACE::bounded_buffer;
using cookiejar_checks::cookie;

constexpr std::uint32_t first_seed = 1;
constexpr std::uint32_t sequence_count = 200;
constexpr int steps_per_sequence = 500;
constexpr std::size_t history_length = 12;

enum class operation { put_copy, put_move, get };

// One step as it happened, kept so a failure can show the steps before it.
struct step_record {
    int step = 0;
    operation op = operation::get;
    int id = 0;          // the cookie offered to try_put
    std::string result;  // what the buffer returned, as text
};

std::string describe(operation op, int id) {
    switch (op) {
        case operation::put_copy:
            return "try_put(cookie " + std::to_string(id) + ")  [by copy: const T&]";
        case operation::put_move:
            return "try_put(cookie " + std::to_string(id) + ")  [by move: T&&]";
        case operation::get:
            break;
    }
    return "try_get()";
}

std::string describe(const std::optional<cookie>& got) {
    if (!got) {
        return "std::nullopt";
    }
    std::ostringstream out;
    out << *got;
    return out.str();
}

std::string describe(const std::deque<int>& model) {
    std::string text = "[";
    for (std::size_t i = 0; i < model.size(); ++i) {
        text += (i == 0 ? "" : ", ") + std::to_string(model[i]);
    }
    return text + "]";
}

// Every bit of a std::mt19937's output is fixed by the C++ standard (unlike the
// std::*_distribution classes), so these sequences are the same with every
// compiler and standard library.
class dice {
public:
    explicit dice(std::uint32_t seed) : engine_(seed) {}
    // A number in [0, n).
    std::uint32_t roll(std::uint32_t n) { return static_cast<std::uint32_t>(engine_() % n); }

private:
    std::mt19937 engine_;
};

// What one sequence found. `agreed` is false at the first step where the buffer
// and the model differ; `story` then tells the whole of it.
struct sequence_result {
    bool agreed = true;
    std::string story;
};

class sequence_runner {
public:
    sequence_runner(std::uint32_t seed, std::size_t capacity)
        : seed_(seed), capacity_(capacity), dice_(seed), jar_(capacity) {}

    sequence_result run() {
        int put_percent = 50;
        int phase_left = 0;
        for (int step = 1; step <= steps_per_sequence; ++step) {
            // Phases that mostly put, mostly get, or mix, so that even a jar of
            // capacity 64 is driven to full and back to empty many times.
            if (phase_left == 0) {
                constexpr int put_percents[] = {15, 50, 85};
                put_percent = put_percents[dice_.roll(3)];
                phase_left = 20 + static_cast<int>(dice_.roll(130));
            }
            --phase_left;
            operation op = operation::get;
            if (static_cast<int>(dice_.roll(100)) < put_percent) {
                op = dice_.roll(2) == 0 ? operation::put_copy : operation::put_move;
            }
            if (!do_step(step, op)) {
                return {false, story_};
            }
        }
        // Whatever is left must come out in the model's order.
        const int last_step = steps_per_sequence + static_cast<int>(model_.size()) + 1;
        for (int step = steps_per_sequence + 1; step <= last_step; ++step) {
            if (!do_step(step, operation::get)) {
                return {false, story_};
            }
        }
        return {true, ""};
    }

private:
    // Runs one operation on both; false (with story_ set) on a disagreement.
    bool do_step(int step, operation op) {
        const int id = next_id_++;
        // What the model says, decided before the buffer is asked.
        const bool room = model_.size() < capacity_;
        std::string expected;
        if (op == operation::get) {
            expected = model_.empty() ? "std::nullopt" : "cookie " + std::to_string(model_.front());
        } else {
            expected = room ? "true" : "false";
        }
        const std::string why = op == operation::get ? (model_.empty() ? "  (the model is empty)" : "  (the oldest)")
                                                     : (room ? "  (the model has room)" : "  (the model is full)");
        std::string actual;
        try {
            if (op == operation::get) {
                actual = describe(jar_.try_get());
                if (!model_.empty()) {
                    model_.pop_front();
                }
                if (actual != expected) {
                    // What the disagreement means, for the record (the assertion's bug class).
                    using cj::verdict::bug;
                    cj::verdict::suspect(actual == "std::nullopt"   ? bug::empty_off_by_one
                                         : expected == "std::nullopt" ? bug::lost_items
                                                                      : bug::reordered_items);
                    return disagree(step, op, id, expected + why, actual);
                }
            } else {
                cookie offered(id);
                const bool accepted = op == operation::put_move ? jar_.try_put(std::move(offered)) : jar_.try_put(offered);
                actual = accepted ? "true" : "false";
                if (room) {
                    model_.push_back(id);
                }
                if (actual != expected) {
                    cj::verdict::suspect(cj::verdict::bug::full_off_by_one);  // refused with room, or took one too many
                    return disagree(step, op, id, expected + why, actual);
                }
                if (!accepted && offered.moved_from) {  // NOLINT(bugprone-use-after-move): the point of the check
                    cj::verdict::suspect(cj::verdict::bug::moved_from_when_refused);
                    return disagree(step, op, id, "false, and the caller's cookie left whole",
                                    "false, but the caller's cookie was moved from: the refused cookie is lost");
                }
            }
        } catch (const std::out_of_range& error) {  // an index past the ring's end
            cj::verdict::suspect(cj::verdict::bug::wrap_around);
            return disagree(step, op, id, expected + why, std::string("threw an exception: ") + error.what());
        } catch (const std::exception& error) {
            cj::verdict::suspect(cj::verdict::bug::wrong_result);
            return disagree(step, op, id, expected + why, std::string("threw an exception: ") + error.what());
        }
        const std::size_t size = jar_.size();
        if (size != model_.size()) {
            cj::verdict::suspect(cj::verdict::bug::lost_items);
            return disagree(step, op, id, "size() == " + std::to_string(model_.size()) + " after it",
                            "size() == " + std::to_string(size) + " after it");
        }
        remember(step_record{step, op, id, actual});
        return true;
    }

    void remember(step_record record) {
        history_.push_back(std::move(record));
        if (history_.size() > history_length) {
            history_.pop_front();
        }
    }

    bool disagree(int step, operation op, int id, const std::string& expected, const std::string& actual) {
        std::ostringstream out;
        out << "seed " << seed_ << ", capacity " << capacity_ << ", step " << step << ":\n"
            << "  operation:              " << describe(op, id) << "\n"
            << "  the model expected:     " << expected << "\n"
            << "  the bounded_buffer did: " << actual << "\n"
            << "  the model holds after this step, oldest first: " << describe(model_) << "\n";
        if (history_.empty()) {
            out << "  (this was the first step)\n";
        } else {
            out << "  the steps before it (the buffer agreed with the model on each):\n";
            for (const step_record& r : history_) {
                out << "    step " << r.step << ": " << describe(r.op, r.id) << " -> " << r.result << "\n";
            }
        }
        out << "  (the seeds are fixed: every run repeats this exact sequence)";
        story_ = out.str();
        // The disagreement in one sentence, for the record; the REQUIRE that follows claims it.
        cj::verdict::finding f;
        f.promise = describe(op, id) + ": a one-thread jar gives " + expected + ", yours " +
                    (actual.rfind("threw", 0) == 0 ? actual : "gave " + actual);
        f.messages.push_back(story_);
        cj::verdict::report(std::move(f));
        return false;
    }

    std::uint32_t seed_;
    std::size_t capacity_;
    dice dice_;
    bounded_buffer<cookie> jar_;
    std::deque<int> model_;  // ids of the cookies the jar should hold, oldest first
    std::deque<step_record> history_;
    int next_id_ = 1;
    std::string story_;
};

}  // namespace

TEST_CASE("random puts and gets agree with a std::deque model at every step", "[property]") {
    const std::size_t capacity = GENERATE(values<std::size_t>({1, 2, 3, 64}));
    for (std::uint32_t seed = first_seed; seed < first_seed + sequence_count; ++seed) {
        const sequence_result result = sequence_runner(seed, capacity).run();
        INFO(result.story);
        REQUIRE(result.agreed);
    }
}
