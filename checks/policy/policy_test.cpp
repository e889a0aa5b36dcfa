// The policy check's own tests: it refuses what it must, at the right line and for the
// right rule, keeps what it must, and its verdict record says what its report says.
//
// A refused sample marks each line the check must name with a comment `POLICY(<rule>)`
// (several on one line when that line breaks several rules); the test reads the markers
// from the sample, so an expectation moves with the line it is about. The check must
// find exactly the marked (rule, line) pairs: a missing one is a rule that lost its
// power, an extra one a rule that trips on honest code.
#include <cookiejar/catch.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "policy_setup.hpp"
#include "process.hpp"

namespace {

namespace fs = std::filesystem;
namespace setup = cookiejar_policy_test;
using json = nlohmann::json;

const fs::path repository = setup::repository;
const fs::path samples = repository / "checks/policy/samples";

// What one run of the policy check left: its exit status, what it printed, its records.
struct policy_run {
    int exit_code = -1;
    std::string output;
    std::string token;
    std::vector<json> records;
};

// Runs the policy check on `file` as a lesson does, with a record file and a token of its own.
policy_run run_policy(const fs::path& file, const std::vector<std::string>& allow = {"cookiejar/sync.hpp"},
                      const std::vector<std::string>& extra = {}) {
    static std::atomic<int> runs{0};
    const std::string id = std::to_string(::getpid()) + "-" + std::to_string(runs.fetch_add(1));
    const fs::path records = fs::temp_directory_path() / ("cookiejar-policy-test-" + id + ".jsonl");
    policy_run run;
    run.token = "policy-test-token-" + id;
    std::vector<std::string> argv = setup::command;
    argv.insert(argv.end(), {"--file", file.string()});
    for (const auto& a : allow) argv.insert(argv.end(), {"--allow", a});
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto r = cookiejar::run_process(
        argv, {.timeout_seconds = 120,
               .environment = {"COOKIEJAR_RECORD_FILE=" + records.string(), "COOKIEJAR_RECORD_TOKEN=" + run.token}});
    run.exit_code = r.exit_code;
    run.output = r.output;
    std::ifstream in(records);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) run.records.push_back(json::parse(line));
    in.close();
    std::error_code ec;
    fs::remove(records, ec);
    return run;
}

using rule_at = std::pair<std::string, unsigned>;  // (rule, line)

// The POLICY(<rule>) markers of a sample.
std::multiset<rule_at> markers_of(const fs::path& sample) {
    static const std::regex marker("POLICY\\(([a-z_]+)\\)");
    std::multiset<rule_at> out;
    std::ifstream in(sample);
    unsigned line = 0;
    for (std::string text; std::getline(in, text);) {
        ++line;
        for (auto it = std::sregex_iterator(text.begin(), text.end(), marker); it != std::sregex_iterator(); ++it)
            out.insert({(*it)[1].str(), line});
    }
    return out;
}

std::string shown(const fs::path& p) { return fs::relative(p, repository).generic_string(); }

// The run's records: exactly one check record, then the run record, both with the run's
// token; returns the check record.
json check_record_of(const policy_run& run, const std::string& outcome) {
    REQUIRE(run.records.size() == 2);
    const json& check = run.records[0];
    const json& end = run.records[1];
    CHECK(check["schema"] == "cookiejar-verdict");
    CHECK(check["version"] == 1);
    CHECK(check["token"] == run.token);
    CHECK(check["kind"] == "check");
    CHECK(check["check"] == setup::sentence);
    CHECK(check["analysis"] == "policy");
    CHECK(check["outcome"] == outcome);
    CHECK(check["ended"] == true);
    CHECK(end["token"] == run.token);
    CHECK(end["kind"] == "run");
    CHECK(end["outcome"] == outcome);
    CHECK(end["test_cases"] == 1);
    return check;
}

void expect_refused(const fs::path& sample) {
    const auto expected = markers_of(sample);
    REQUIRE_FALSE(expected.empty());  // a refused sample says what it must be refused for
    const auto run = run_policy(sample);
    INFO(run.output);
    CHECK(run.exit_code == 1);
    const json check = check_record_of(run, "failed");
    std::multiset<rule_at> found;
    for (const auto& f : check["findings"]) {
        INFO(f.dump());
        CHECK(f["source"] == "policy");
        CHECK(f["bug_class"] == (f["conclusion"] == "compiles" ? "compile_error" : "policy_violation"));
        CHECK(f["location"]["file"] == shown(sample));
        found.insert({f["conclusion"].get<std::string>(), f["location"]["line"].get<unsigned>()});
    }
    CHECK(found == expected);
    CHECK(check["assertions"]["failed"].get<unsigned>() > 0);
}

void expect_kept(const fs::path& file, const std::vector<std::string>& allow = {"cookiejar/sync.hpp"}) {
    const auto run = run_policy(file, allow);
    INFO(run.output);
    CHECK(run.exit_code == 0);
    const json check = check_record_of(run, "passed");
    CHECK(check["findings"].empty());
    CHECK(check["assertions"]["failed"] == 0);
    CHECK(check["assertions"]["passed"].get<unsigned>() > 0);
    CHECK(run.output.find("PASSED: " + setup::sentence) != std::string::npos);
}

fs::path refused(const char* name) { return samples / "refused" / name; }
fs::path kept(const char* name) { return samples / "kept" / name; }

}  // namespace

// ---- ending the process ----

TEST_CASE("a member that calls std::_Exit is refused at that line", "[policy]") {
    expect_refused(refused("exit_in_member.hpp"));
}
TEST_CASE("quick_exit from a worker thread's lambda is refused", "[policy]") {
    expect_refused(refused("quick_exit_in_worker.hpp"));
}
TEST_CASE("exit in a static object's destructor is refused", "[policy]") {
    expect_refused(refused("exit_in_static_destructor.hpp"));
}
TEST_CASE("crash handlers that exit 0 are refused where installed and where they exit", "[policy]") {
    expect_refused(refused("signal_handler_exits.hpp"));
}
TEST_CASE("a jar that prints Catch2's success line and exits is refused", "[policy]") {
    expect_refused(refused("prints_all_tests_passed.hpp"));
}
TEST_CASE("a call to exit that only a check's other headers would declare is refused", "[policy]") {
    expect_refused(refused("exit_through_template_lookup.hpp"));
}
TEST_CASE("a using-declaration of std::exit is refused", "[policy]") {
    expect_refused(refused("using_declaration_of_exit.hpp"));
}

// ---- other processes, signals, ways around the names ----

TEST_CASE("fork is refused", "[policy]") { expect_refused(refused("forks.hpp")); }
TEST_CASE("std::system is refused", "[policy]") { expect_refused(refused("runs_system.hpp")); }
TEST_CASE("inline assembly is refused", "[policy]") { expect_refused(refused("inline_asm.hpp")); }
TEST_CASE("dlsym declared by hand is refused for its C linkage, its use and its cast", "[policy]") {
    expect_refused(refused("dlsym_by_hand.hpp"));
}
TEST_CASE("reading the record token from the environment is refused", "[policy]") {
    expect_refused(refused("reads_record_token.hpp"));
}
TEST_CASE("a function renamed to _exit with an asm label is refused", "[policy]") {
    expect_refused(refused("asm_label_rename.hpp"));
}
TEST_CASE("#pragma weak naming _exit is refused", "[policy]") { expect_refused(refused("pragma_weak_alias.hpp")); }
TEST_CASE("machine code in the text section, called through a cast, is refused", "[policy]") {
    expect_refused(refused("code_in_text_section.hpp"));
}
TEST_CASE("a function with C linkage named like ThreadSanitizer's options hook is refused", "[policy]") {
    expect_refused(refused("extern_c_tsan_options.hpp"));
}

// ---- what the file declares and uses ----

TEST_CASE("opening namespace cj is refused", "[policy]") { expect_refused(refused("opens_namespace_cj.hpp")); }
TEST_CASE("specializing a cj template is refused", "[policy]") {
    expect_refused(refused("specializes_cj_template.hpp"));
}
TEST_CASE("the checks' machinery reached through an allowed header is refused", "[policy]") {
    expect_refused(refused("uses_checks_internals.hpp"));
}

// ---- includes ----

TEST_CASE("including a header of the checks' own is refused", "[policy]") {
    expect_refused(refused("includes_checks_internal.hpp"));
}
TEST_CASE("including a reference solution is refused", "[policy]") { expect_refused(refused("includes_solution.hpp")); }
TEST_CASE("including a POSIX header is refused", "[policy]") { expect_refused(refused("includes_posix_header.hpp")); }
TEST_CASE("an allowed name that the compiler finds elsewhere in the repository is refused", "[policy]") {
    expect_refused(refused("shadow/shadowed_headers.hpp"));
}

// ---- one reading for every build ----

TEST_CASE("code behind #ifdef COOKIEJAR_MODEL is refused at the #ifdef", "[policy]") {
    expect_refused(refused("code_behind_ifdef.hpp"));
}
TEST_CASE("macros that paste a build's name are refused", "[policy]") {
    expect_refused(refused("macro_pastes_build_name.hpp"));
}
TEST_CASE("a #line directive is refused", "[policy]") { expect_refused(refused("line_directive.hpp")); }

TEST_CASE("a file that does not compile on its own is refused as such", "[policy]") {
    expect_refused(refused("does_not_compile.hpp"));
}

// ---- what stays allowed ----

TEST_CASE("each lesson's solution keeps to the rules", "[policy]") {
    REQUIRE_FALSE(setup::lessons.empty());
    for (const auto& [dir, headers] : setup::lessons) {
        INFO("solutions/" << dir);
        expect_kept(repository / "solutions" / dir / "bounded_buffer.hpp", headers);
    }
}
TEST_CASE("comments and strings that mention exit, fork, system or directives are kept", "[policy]") {
    expect_kept(kept("comments_and_strings.hpp"));
}
TEST_CASE("assert is kept", "[policy]") { expect_kept(kept("uses_assert.hpp")); }
TEST_CASE("the jar's own functions named exit, fork, system, signal and kill are kept", "[policy]") {
    expect_kept(kept("own_names_like_forbidden_ones.hpp"));
}
TEST_CASE("an include guard around the whole file is kept", "[policy]") { expect_kept(kept("include_guard.hpp")); }

// ---- the record, and a check that cannot judge ----

TEST_CASE("the record's finding says what the report says, with the student's file and line", "[policy]") {
    const fs::path sample = refused("exit_in_member.hpp");
    const auto marked = markers_of(sample);
    REQUIRE(marked.size() == 1);
    const unsigned line = marked.begin()->second;
    const auto run = run_policy(sample);
    INFO(run.output);
    const json check = check_record_of(run, "failed");
    REQUIRE(check["findings"].size() == 1);
    const json& f = check["findings"][0];
    CHECK(f["bug_class"] == "policy_violation");
    CHECK(f["location"]["file"] == "checks/policy/samples/refused/exit_in_member.hpp");
    CHECK(f["location"]["line"] == line);
    const std::string promise =
        "line " + std::to_string(line) + " calls std::_Exit: the code a check runs must not end the check's process";
    CHECK(f["promise"] == promise);
    CHECK(f["conclusion"] == "ends_process");
    CHECK(f["expression"] == "std::_Exit(0);  // POLICY(ends_process)");
    CHECK(run.output.find("checks/policy/samples/refused/exit_in_member.hpp:" + std::to_string(line) +
                          ": calls std::_Exit") != std::string::npos);
    CHECK(f["report"].get<std::string>().find("calls std::_Exit") != std::string::npos);
}

TEST_CASE("without clang-query the check fails and names the package to install", "[policy]") {
    const auto run = run_policy(refused("exit_in_member.hpp"), {"cookiejar/sync.hpp"},
                                {"--clang-query", "/nonexistent/clang-query"});
    INFO(run.output);
    CHECK(run.exit_code == 2);
    const json check = check_record_of(run, "failed");
    REQUIRE(check["findings"].size() == 1);
    const json& f = check["findings"][0];
    CHECK(f["conclusion"] == "tools");
    CHECK(f["promise"].get<std::string>().find("cannot run clang-query (/nonexistent/clang-query): install the "
                                               "package clang-tools") != std::string::npos);
    CHECK(run.output.find("could not judge the file") != std::string::npos);
}

TEST_CASE("a file that cannot be read fails the check", "[policy]") {
    const auto run = run_policy(samples / "no-such-file.hpp");
    INFO(run.output);
    CHECK(run.exit_code == 2);
    const json check = check_record_of(run, "failed");
    REQUIRE(check["findings"].size() == 1);
    CHECK(check["findings"][0]["promise"].get<std::string>().find("cannot read") != std::string::npos);
}
