// ThreadSanitizer's reports as records (checks/common/tsan_report.cpp): each case runs a
// test case of expected_tsan_records.cpp, which ThreadSanitizer ends, with a record
// file and a token in its environment, then reads the record back with nlohmann-json and
// checks it against the lines that file marks and against ThreadSanitizer's own printed
// report (its "(mutexes: write M0)" and "Mutex M1 acquired here while holding mutex M0"
// lines are the reference for which access held which mutex).
//
// COOKIEJAR_RECORDS_PROGRAM and COOKIEJAR_RECORDS_PROGRAM_SOURCE are set by
// checks/library/CMakeLists.txt.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <cookiejar/catch.hpp>

#include "library_test.hpp"

namespace {

using cj::library_test::contains;
using nlohmann::json;

constexpr const char* program_file = "checks/library/expected_tsan_records.cpp";

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// "checks/library/expected_tsan_records.cpp:27": the line that carries MARK(<name>).
std::string marked(const std::string& name) {
    static const std::string source = read_file(COOKIEJAR_RECORDS_PROGRAM_SOURCE);
    const auto at = source.find("MARK(" + name + ")");
    REQUIRE(at != std::string::npos);
    const auto line = 1 + std::count(source.begin(), source.begin() + static_cast<std::ptrdiff_t>(at), '\n');
    return std::string(program_file) + ":" + std::to_string(line);
}

// "file:line" of a record's place ({"file": ..., "line": ...}), "" when absent.
std::string place_of(const json& p) {
    if (!p.is_object()) return "";
    return p.value("file", std::string()) + ":" + std::to_string(p.value("line", 0));
}

std::string shell_quoted(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

struct run {
    int exit_code = -1;
    std::string output;        // stdout and stderr: ThreadSanitizer's printed report
    std::string token;
    std::vector<json> records;  // one per line of the record file, but the start records
    std::vector<json> starts;   // "kind": "start": a test case began
};

// Runs one hidden test case of the program with a fresh record file and token.
run run_case(const std::string& test_case) {
    static std::atomic<int> serial{0};
    const std::string id = std::to_string(::getpid()) + "-" + std::to_string(serial++);
    const auto dir = std::filesystem::temp_directory_path() / ("cookiejar-tsan-records-" + id);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    run r;
    r.token = "tsan-records-" + id;
    const auto record_file = dir / "records.jsonl";
    const auto output_file = dir / "output.txt";
    const std::string command = "COOKIEJAR_RECORD_FILE=" + shell_quoted(record_file.string()) +
                                " COOKIEJAR_RECORD_TOKEN=" + shell_quoted(r.token) + " " +
                                shell_quoted(COOKIEJAR_RECORDS_PROGRAM) + " " + shell_quoted(test_case) + " > " +
                                shell_quoted(output_file.string()) + " 2>&1";
    const int status = std::system(command.c_str());
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.output = read_file(output_file);
    std::istringstream lines(read_file(record_file));
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) {
            auto record = json::parse(line);
            (record.value("kind", "") == "start" ? r.starts : r.records).push_back(std::move(record));
        }
    std::filesystem::remove_all(dir);
    return r;
}

// The one finding of the one record a ThreadSanitizer ending writes.
json the_finding(const run& r) {
    INFO("the program's output:\n" << r.output);
    REQUIRE(r.exit_code == 66);
    REQUIRE(r.records.size() == 1);
    const json& record = r.records.front();
    INFO("the record: " << record.dump(2));
    CHECK(record.at("schema") == "cookiejar-verdict");
    CHECK(record.at("token") == r.token);
    CHECK(record.at("kind") == "check");
    CHECK(record.at("outcome") == "failed");
    CHECK(record.at("ended") == false);
    // The test case's start was recorded first, under the same name.
    REQUIRE(r.starts.size() == 1);
    CHECK(r.starts.front().at("check") == record.at("check"));
    REQUIRE(record.at("findings").size() == 1);
    const json& f = record.at("findings").at(0);
    CHECK(f.at("source") == "tsan");
    return f;
}

// One access as ThreadSanitizer printed it: "Previous write of size 8 at 0x... by thread
// T1 (mutexes: write M0):".
struct printed_access {
    bool write = false;
    std::string thread;        // "T1", or "T0" for the main thread
    std::set<std::string> mutexes;  // "M0"
};

std::vector<printed_access> printed_accesses(const std::string& output) {
    static const std::regex header(
        R"(^  (?:Previous )?(?:[Aa]tomic )?(read|write|Read|Write) of size \d+ at 0x[0-9a-f]+ by (?:thread (T\d+)|(main thread))(?: \(mutexes: ([^)]*)\))?:$)");
    std::vector<printed_access> found;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (!std::regex_match(line, m, header)) continue;
        printed_access a;
        a.write = m[1] == "write" || m[1] == "Write";
        a.thread = m[2].matched ? m[2].str() : "T0";
        static const std::regex id(R"(M\d+)");
        const std::string list = m[4];
        for (std::sregex_iterator i(list.begin(), list.end(), id), end; i != end; ++i) a.mutexes.insert(i->str());
        found.push_back(a);
    }
    return found;
}

std::set<std::string> lock_ids(const json& access) {
    std::set<std::string> ids;
    for (const auto& l : access.at("locks")) ids.insert(l.at("id").get<std::string>());
    return ids;
}

// What a record's access must say, beside what the printed report says.
struct expected_access {
    std::string thread_name;
    bool write;
    std::string function;
    std::string at;                    // a marked line
    std::vector<std::string> created;  // where each mutex it held was made (marked lines)
};

// `located`: the access the finding's location must name (the one without a lock, when
// only the other held one; else the current one).
void check_race(const run& r, const expected_access& current, const expected_access& previous,
                const expected_access& located) {
    INFO("the program's output:\n" << r.output);
    const json f = the_finding(r);
    INFO("the finding: " << f.dump(2));
    CHECK(f.at("bug_class") == "data_race");
    CHECK(contains(f.at("promise").get<std::string>(), "data race"));
    CHECK(place_of(f.at("location")) == located.at);
    CHECK_FALSE(f.contains("messages"));  // nothing was unknown
    const auto printed = printed_accesses(r.output);
    REQUIRE(printed.size() == 2);
    REQUIRE(f.at("accesses").size() == 2);
    const expected_access* expected[] = {&current, &previous};
    for (std::size_t i = 0; i < 2; ++i) {
        const json& a = f.at("accesses").at(i);
        const expected_access& e = *expected[i];
        INFO("access " << i << ": " << a.dump());
        CHECK(a.at("thread") == e.thread_name + " (" + printed[i].thread + ")");
        CHECK(a.at("write") == e.write);
        CHECK(printed[i].write == e.write);
        CHECK(a.at("function") == e.function);
        CHECK(place_of(a.at("at")) == e.at);
        // the mutexes it held: exactly the ones ThreadSanitizer printed for this access
        CHECK(lock_ids(a) == printed[i].mutexes);
        REQUIRE(a.at("locks").size() == e.created.size());
        for (std::size_t k = 0; k < e.created.size(); ++k)
            CHECK(place_of(a.at("locks").at(k).at("created_at")) == e.created[k]);
    }
}

}  // namespace

TEST_CASE("a race between an unlocked read and a locked write is recorded with both accesses and their locks",
          LIBRARY_TAGS) {
    const run r = run_case("an unlocked read races with a write under a cj::mutex");
    const expected_access reader{"the unlocked reader", false, "read_unlocked()", marked("unlocked read"), {}};
    check_race(r, reader,
               {"writer", true, "add_locked()", marked("write under mutex_"), {marked("mutex_ locked in add_locked")}},
               reader);
}

TEST_CASE("a race where only the reporting thread holds a mutex gives the mutex to its access", LIBRARY_TAGS) {
    const run r = run_case("a read under a cj::mutex races with an unlocked write");
    // The location is the unlocked write's, though the locked read was caught in the act.
    const expected_access writer{"unlocked writer", true, "add_unlocked()", marked("unlocked write"), {}};
    check_race(r, {"locked reader", false, "read_locked()", marked("read under mutex_"),
                   {marked("mutex_ locked in read_locked")}},
               writer, writer);
}

TEST_CASE("a race under two different mutexes gives each access its own", LIBRARY_TAGS) {
    const run r = run_case("two accesses under different cj::mutexes race");
    const expected_access reader{"reader", false, "read_under_other()", marked("read under other_"), {marked("other_ locked")}};
    check_race(r, reader,
               {"writer", true, "add_locked()", marked("write under mutex_"), {marked("mutex_ locked in add_locked")}},
               reader);
}

TEST_CASE("a lock-order inversion is recorded as the cycle's edges, each with the lock it held", LIBRARY_TAGS) {
    const run r = run_case("two cj::mutexes locked in opposite orders");
    INFO("the program's output:\n" << r.output);
    const json f = the_finding(r);
    INFO("the finding: " << f.dump(2));
    CHECK(f.at("bug_class") == "lock_order_inversion");
    CHECK(contains(f.at("promise").get<std::string>(), "opposite orders"));
    CHECK_FALSE(f.contains("accesses"));
    // the second thread's lock closed the cycle: ThreadSanitizer reported there
    CHECK(place_of(f.at("location")) == marked("a locked while holding b"));

    // ThreadSanitizer's lines: "Mutex M1 acquired here while holding mutex M0 in thread T1:"
    struct printed_edge {
        std::string acquired, held, thread;
    };
    std::vector<printed_edge> printed;
    static const std::regex edge(R"(^  Mutex (M\d+) acquired here while holding mutex (M\d+) in thread (T\d+):$)");
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_match(line, m, edge)) printed.push_back({m[1], m[2], m[3]});
    }
    REQUIRE(printed.size() == 2);
    REQUIRE(f.at("waits").size() == 2);
    struct expected_edge {
        std::string thread_name, at, holding_since;
    };
    const expected_edge expected[] = {
        {"first locker", marked("b locked while holding a"), marked("a locked first")},
        {"second locker", marked("a locked while holding b"), marked("b locked first")},
    };
    for (std::size_t i = 0; i < 2; ++i) {
        const json& w = f.at("waits").at(i);
        INFO("edge " << i << ": " << w.dump());
        // the record keeps ThreadSanitizer's order of the cycle
        CHECK(w.at("thread") == expected[i].thread_name + " (" + printed[i].thread + ")");
        CHECK(w.at("action") == "lock");
        CHECK(w.at("object") == printed[i].acquired);
        CHECK(w.at("while_holding") == printed[i].held);
        CHECK(place_of(w.at("at")) == expected[i].at);
        CHECK(place_of(w.at("holding_since")) == expected[i].holding_since);
        CHECK_FALSE(w.contains("holder"));
    }
    // a cycle: what one edge acquires, the other holds
    CHECK(f.at("waits").at(0).at("object") == f.at("waits").at(1).at("while_holding"));
    CHECK(f.at("waits").at(1).at("object") == f.at("waits").at(0).at("while_holding"));
}

TEST_CASE("a relock during a ThreadSanitizer report waits for the report to end the process", LIBRARY_TAGS) {
    const run r = run_case("a relock while ThreadSanitizer reports a race leaves the report whole");
    INFO("the program's output:\n" << r.output);
    CHECK(r.exit_code == 66);
    CHECK(contains(r.output, "WARNING: ThreadSanitizer: data race"));
    CHECK(contains(r.output, "SUMMARY: ThreadSanitizer: data race"));  // the report is whole
    CHECK_FALSE(contains(r.output, "but it already holds it"));      // the relock never spoke
    CHECK_FALSE(contains(r.output, "LLVM ERROR"));
    CHECK_FALSE(contains(r.output, "terminate called"));
    const json f = the_finding(r);
    CHECK(f.at("bug_class") == "data_race");
}
