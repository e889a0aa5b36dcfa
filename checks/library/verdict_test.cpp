// The verdict records (<cookiejar/verdict.hpp>): written by the allocation-free writer,
// read back with <cookiejar/verdict_json.hpp>, rendered by detail/verdict_render.hpp,
// and bounded whatever goes into them.
#include <cookiejar/detail/bounded_output.hpp>
#include <cookiejar/detail/verdict_render.hpp>
#include <cookiejar/verdict.hpp>
#include <cookiejar/verdict_json.hpp>

#include <cookiejar/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "library_test.hpp"

namespace {

using namespace cj::verdict;
using cj::library_test::contains;

// Writes into a fresh string through the writer, as the harnesses do into their buffers.
template <class Fill>
std::string written(Fill fill, std::size_t capacity = record_capacity) {
    std::vector<char> buffer(capacity + 1);
    json_writer w(buffer.data(), capacity);
    fill(w);
    return std::string(w.finish());
}

finding a_model_finding() {
    finding f;
    f.from = source::model;
    f.promise = "deadlock: every thread that has not finished is blocked, and nothing can wake them";
    f.bug_class = bug::lock_never_released;
    f.location = {"lessons/02-lock/bounded_buffer.hpp", 70};
    f.check_location = {"checks/02-lock/model_test.cpp", 128};
    f.threads = {"consumer 0", "consumer 1"};
    f.steps = {{0, "try_get() begins", {}},
               {0, "lock mutex #1", {"lessons/02-lock/bounded_buffer.hpp", 70}},
               {0, "try_get() -> nullopt", {}},
               {0, "(finished)", {}},
               {1, "try_get() begins", {}},
               {1, "blocks on mutex #1", {"lessons/02-lock/bounded_buffer.hpp", 70}}};
    f.waits = {{"consumer 1", "lock", "mutex #1", {}, "consumer 0", {"lessons/02-lock/bounded_buffer.hpp", 70}, true, "", {}}};
    f.found_by = "found by the bounded search (every schedule with at most 2 preemptions), schedule 1";
    f.conclusion = "DEADLOCK";
    f.replay = "bounded2:1 0 0 ";
    f.replay_command = "CJ_MODEL_REPLAY='bounded2:1 0 0 ' 'exe' 'two consumers racing'";
    return f;
}

}  // namespace

TEST_CASE("a record written by the writer reads back field for field", LIBRARY_TAGS) {
    record r;
    r.check = "two consumers racing, with \"quotes\", a tab\tand a newline\n";
    r.of = analysis::model;
    r.result = outcome::failed;
    r.ended = true;
    r.assertions_passed = 3;
    r.assertions_failed = 1;
    r.findings = {a_model_finding()};
    r.findings[0].accesses = {{"producer 0 (T2)", true, "try_put()", {"lessons/02-lock/bounded_buffer.hpp", 41},
                               {{"M0", {"lessons/02-lock/bounded_buffer.hpp", 95}}}}};
    const std::string text = written([&](json_writer& w) {
        begin_record(w, "check", r.check.c_str(), r.of, r.result, r.ended);
        w.begin_object("assertions");
        w.field("passed", r.assertions_passed);
        w.field("failed", r.assertions_failed);
        w.end_object();
        w.begin_array("findings");
        write_finding(w, r.findings[0]);
        w.end_array();
    });
    const auto back = record_from_json(nlohmann::json::parse(text));
    REQUIRE(back.has_value());
    CHECK(back->check == r.check);
    CHECK(back->of == analysis::model);
    CHECK(back->result == outcome::failed);
    CHECK(back->ended);
    CHECK(back->assertions_passed == 3);
    CHECK(back->assertions_failed == 1);
    REQUIRE(back->findings.size() == 1);
    const auto& f = back->findings[0];
    CHECK(f.from == source::model);
    CHECK(f.bug_class == bug::lock_never_released);
    CHECK(f.location.file == "lessons/02-lock/bounded_buffer.hpp");
    CHECK(f.location.line == 70);
    CHECK(f.check_location.line == 128);
    CHECK(f.threads == r.findings[0].threads);
    REQUIRE(f.steps.size() == 6);
    CHECK(f.steps[5].thread == 1);
    CHECK(f.steps[5].text == "blocks on mutex #1");
    CHECK(f.steps[5].at.line == 70);
    REQUIRE(f.waits.size() == 1);
    CHECK(f.waits[0].holder == "consumer 0");
    CHECK(f.waits[0].holder_finished);
    REQUIRE(f.accesses.size() == 1);
    CHECK(f.accesses[0].write);
    REQUIRE(f.accesses[0].locks.size() == 1);
    CHECK(f.accesses[0].locks[0].created_at.line == 95);
    CHECK(f.replay == "bounded2:1 0 0 ");
    // And through the runner's verdict, as the command reads it.
    run_verdict v;
    v.of = analysis::model;
    v.result = outcome::failed;
    v.records = {*back};
    v.exit_status = 1;
    const auto again = run_verdict_from_json(nlohmann::json::parse(to_json(v).dump()));
    REQUIRE(again.has_value());
    REQUIRE(again->findings().size() == 1);
    CHECK(again->findings()[0].steps.size() == 6);
    CHECK(*again->exit_status == 1);
    CHECK_FALSE(again->signal.has_value());
}

TEST_CASE("a model report renders from its finding: the waits, the grid and the replay line", LIBRARY_TAGS) {
    const std::string report = render_model("two consumers racing", a_model_finding());
    CHECK(contains(report, "model check \"two consumers racing\" FAILED\n"));
    CHECK(contains(report, "    consumer 1 waits for mutex #1, held by consumer 0 since "
                           "lessons/02-lock/bounded_buffer.hpp:70 - consumer 0 has finished without unlocking it\n"));
    CHECK(contains(report, "@N is a line of lessons/02-lock/bounded_buffer.hpp):"));
    CHECK(contains(report, "| blocks on mutex #1 @70"));
    CHECK(contains(report, "  then: DEADLOCK\n"));
    CHECK(contains(report, "    CJ_MODEL_REPLAY='bounded2:1 0 0 ' 'exe' 'two consumers racing'\n"));
}

TEST_CASE("a record stays within its bounds whatever a string holds", LIBRARY_TAGS) {
    finding f;
    f.promise = std::string(100000, 'x');
    f.messages.assign(50, std::string(10000, 'm'));
    for (unsigned i = 0; i < 2000; ++i) f.steps.push_back({0, "step " + std::to_string(i), {}});
    const std::size_t capacity = 64 * 1024;
    const std::string text = written(
        [&](json_writer& w) {
            begin_record(w, "check", "big", analysis::unit, outcome::failed, true);
            w.begin_array("findings");
            for (int i = 0; i < 40; ++i) write_finding(w, f);
            w.end_array();
            if (w.truncated()) w.field("truncated", true);
        },
        capacity);
    CHECK(text.size() <= capacity);
    const auto j = nlohmann::json::parse(text);  // still well formed
    const auto back = record_from_json(j);
    REQUIRE(back.has_value());
    REQUIRE_FALSE(back->findings.empty());
    CHECK(back->findings[0].promise.size() < 5000);
    CHECK(contains(back->findings[0].promise, "more bytes cut]"));
}

TEST_CASE("bytes that are not UTF-8 become '?', so every record is valid JSON", LIBRARY_TAGS) {
    const std::string text = written([](json_writer& w) {
        w.begin_object();
        w.field("s", std::string("ok \xc3\xa9 bad \xff\xfe end \xe2\x82"));
    });
    const auto j = nlohmann::json::parse(text);
    CHECK(j["s"].get<std::string>() == "ok \xc3\xa9 bad ?? end ??");
}

TEST_CASE("a record is kept only with its run's token", LIBRARY_TAGS) {
    const std::string text = written([](json_writer& w) {
        w.begin_object();
        w.field("schema", "cookiejar-verdict");
        w.field("version", 2);  // a schema this reader does not know
        w.field("kind", "check");
    });
    CHECK_FALSE(record_from_json(nlohmann::json::parse(text)).has_value());
    CHECK_FALSE(record_from_json(nlohmann::json::parse(R"({"schema":"something else","version":1})")).has_value());
}

TEST_CASE("output is kept as its head and tail, saying how much was cut", LIBRARY_TAGS) {
    cj::detail::bounded_output out(1024);
    std::string all;
    for (int i = 0; i < 10000; ++i) {
        const std::string line = "line " + std::to_string(i) + "\n";
        out.add(line);
        all += line;
    }
    CHECK(out.total() == all.size());
    CHECK(out.head() == all.substr(0, 1024));
    CHECK(out.tail() == all.substr(all.size() - 1024));
    CHECK(out.cut() == all.size() - 2048);
    CHECK(contains(out.text(), "bytes of output cut here"));
    cj::detail::bounded_output small(1024);
    small.add("short\n");
    CHECK(small.text() == "short\n");
}

TEST_CASE("every bug class key reads back as itself, and names no other", LIBRARY_TAGS) {
    for (const auto& b : bug_classes) {
        if (b.id == bug::none) continue;
        INFO(b.key);
        REQUIRE(bug_from_key(b.key).has_value());
        CHECK(*bug_from_key(b.key) == b.id);
        CHECK(std::string(b.words).size() > 3);
    }
    CHECK_FALSE(bug_from_key("no such class").has_value());
}

TEST_CASE("every mutant's bug class in every lesson's manifest is a key of the vocabulary", LIBRARY_TAGS) {
    int checked = 0;
    for (const char* lesson : {"01-synchronous", "02-lock", "03-semaphore", "04-condition", "05-async"}) {
        std::ifstream in(std::string(COOKIEJAR_SOURCE_DIR) + "/checks/" + lesson + "/mutants/manifest.json");
        REQUIRE(in.good());
        const auto manifest = nlohmann::json::parse(in);
        for (const auto& m : manifest["mutants"]) {
            INFO(lesson << ": " << m["name"].get<std::string>());
            CHECK(bug_from_key(m["bug_class"].get<std::string>()).has_value());
            ++checked;
        }
    }
    CHECK(checked >= 30);
}
