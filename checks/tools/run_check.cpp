// cookiejar-run-check: runs one check process and judges it on its records.
//
//   cookiejar-run-check [--analysis A] [--timeout S] [--verdict FILE] [--keep BYTES] -- EXE [ARGS...]
//
// CTest runs every check through it (it is the checks' CROSSCOMPILING_EMULATOR, see
// cmake/CookiejarChecks.cmake); `cookiejar check`, `cookiejar grade` and the mutant
// driver read the verdict it writes (--verdict, or COOKIEJAR_VERDICT_OUT).
//
// Student code runs inside the check's process and may exit, print, crash, hang or
// lie; this program runs in its own process, where no student code runs. It gives the
// check a record file and a fresh token, and says "passed" only when
//   * every record of this run (its token) says passed, each written after its test
//     case ended, and at least one test case ran;
//   * the run record (Catch2 finished the run) came after them and counts them;
//   * the process then exited with status 0.
// Anything else fails, with the reason: a check that said it failed (its record's
// outcome and findings), ended early ("the process ended early (status 0)"), crashed
// (a signal), or ran past --timeout (its whole process group is killed).
//
// What the check printed is kept within a bound (--keep bytes of its head and of its
// tail; detail/bounded_output.hpp), printed after it ends, and put in the verdict.
//
// Exit status: 0 passed; 1 failed; 2 hang; 3 crashed; 4 ended early; 64 bad usage.

#include <cookiejar/detail/bounded_output.hpp>
#include <cookiejar/verdict_json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

using cj::verdict::analysis;
using cj::verdict::outcome;
using cj::verdict::run_verdict;

constexpr int usage_error = 64;

int exit_status_of(outcome o) {
    switch (o) {
    case outcome::passed: return 0;
    case outcome::failed: return 1;
    case outcome::hang: return 2;
    case outcome::crashed: return 3;
    case outcome::ended_early: return 4;
    case outcome::did_not_build: return 1;
    }
    return 1;
}

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "cookiejar-run-check: " << problem << "\n"
              << "usage: cookiejar-run-check [--analysis unit|property|stress|model|policy] [--timeout SECONDS]\n"
              << "                           [--verdict FILE] [--keep BYTES] -- EXECUTABLE [ARGUMENTS...]\n";
    std::exit(usage_error);
}

std::string fresh_token() {
    unsigned char bytes[16];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        const auto n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::cerr << "cookiejar-run-check: cannot read random bytes: " << std::strerror(errno) << "\n";
            std::exit(usage_error);
        }
        got += static_cast<std::size_t>(n);
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string token;
    for (unsigned char b : bytes) {
        token += hex[b >> 4];
        token += hex[b & 15];
    }
    return token;
}

std::string signal_name(int sig) {
    const char* d = ::strsignal(sig);
    return "signal " + std::to_string(sig) + (d ? std::string(", ") + d : std::string{});
}

std::string how_it_ended(const run_verdict& v) {
    if (v.signal) return signal_name(*v.signal);
    if (v.exit_status) return "status " + std::to_string(*v.exit_status);
    return "killed";
}

// The judgement, from what the run left behind (module comment).
void judge(run_verdict& v, const std::optional<unsigned>& run_record_cases, bool run_record_after_checks,
           double timeout, const std::string& cut_short) {
    const std::string in = cut_short.empty() ? std::string{} : " in \"" + cut_short + "\"";
    if (v.timed_out) {
        v.result = outcome::hang;
        char text[200];
        std::snprintf(text, sizeof text,
                      "the check did not finish within its time limit (%.0f s) and was ended: a call that never "
                      "returns, or a loop that never ends",
                      timeout);
        v.reason = text;
        for (const auto& r : v.records)  // a watchdog that fired first says more
            if (r.result != outcome::passed) v.reason = "the check " + std::string(key_of(r.result)) + " (its record says so)";
        return;
    }
    for (const auto& r : v.records) {
        if (r.result == outcome::passed) continue;
        v.result = r.result;
        v.reason = "\"" + r.check + "\": " + std::string(key_of(r.result));
        if (!r.findings.empty()) v.reason += ": " + r.findings.front().promise;
        return;
    }
    if (v.records.empty() || !cut_short.empty()) {
        v.result = v.signal ? outcome::crashed : outcome::ended_early;
        v.reason = v.signal ? "the check did not finish: the process crashed (" + how_it_ended(v) + ")" + in
                            : "the check did not finish: the process ended early (" + how_it_ended(v) + ")" + in;
        return;
    }
    for (const auto& r : v.records) {
        if (!r.ended) {
            v.result = outcome::ended_early;
            v.reason = "the check did not finish: \"" + r.check + "\" has no record of its end";
            return;
        }
    }
    if (!run_record_cases || !run_record_after_checks) {
        v.result = v.signal ? outcome::crashed : outcome::ended_early;
        v.reason = "the check did not finish: the process ended (" + how_it_ended(v) +
                   ") after its test case, before the run of checks was over";
        return;
    }
    if (*run_record_cases != v.records.size()) {
        v.result = outcome::failed;
        v.reason = "the run counted " + std::to_string(*run_record_cases) + " test case(s), but " +
                   std::to_string(v.records.size()) + " ended with a record";
        return;
    }
    if (v.signal || (v.exit_status && *v.exit_status != 0)) {
        v.result = v.signal ? outcome::crashed : outcome::failed;
        v.reason = "every check passed, then the process ended with " + how_it_ended(v) +
                   " (something after the checks, such as a destructor, went wrong)";
        return;
    }
    v.result = outcome::passed;
    v.reason.clear();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    analysis of = analysis::unit;
    double timeout = 0;
    std::string verdict_file;
    if (const char* out = std::getenv("COOKIEJAR_VERDICT_OUT")) verdict_file = out;
    std::size_t keep = cj::detail::bounded_output::default_keep;
    std::size_t i = 0;
    for (; i < args.size() && args[i] != "--"; ++i) {
        const auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size() || args[i + 1] == "--") usage(args[i] + " needs a value");
            return args[++i];
        };
        if (args[i] == "--analysis") {
            const auto& a = value();
            const auto parsed = cj::verdict::from_key(a, cj::verdict::all_analyses);
            if (!parsed) usage("unknown analysis '" + a + "'");
            of = *parsed;
        } else if (args[i] == "--timeout") {
            timeout = std::atof(value().c_str());
            if (timeout <= 0) usage("--timeout needs a number of seconds > 0");
        } else if (args[i] == "--verdict") {
            verdict_file = value();
        } else if (args[i] == "--keep") {
            const long long k = std::atoll(value().c_str());
            if (k < 256) usage("--keep needs a number of bytes >= 256");
            keep = static_cast<std::size_t>(k);
        } else {
            usage("unknown option '" + args[i] + "'");
        }
    }
    if (i + 1 >= args.size()) usage("no executable after --");
    std::vector<std::string> command(args.begin() + static_cast<long>(i) + 1, args.end());
    std::vector<char*> child_argv;
    for (auto& a : command) child_argv.push_back(a.data());
    child_argv.push_back(nullptr);

    // The record file, and the token only this run knows.
    const char* tmp = std::getenv("TMPDIR");
    std::string record_path = std::string(tmp && *tmp ? tmp : "/tmp") + "/cookiejar-record-XXXXXX";
    const int record_fd = ::mkstemp(record_path.data());
    if (record_fd < 0) {
        std::cerr << "cookiejar-run-check: cannot make a record file in " << (tmp && *tmp ? tmp : "/tmp") << ": "
                  << std::strerror(errno) << "\n";
        return usage_error;
    }
    ::close(record_fd);
    const std::string token = fresh_token();

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        std::cerr << "cookiejar-run-check: cannot make a pipe: " << std::strerror(errno) << "\n";
        return usage_error;
    }
    const pid_t parent = ::getpid();
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) {
        std::cerr << "cookiejar-run-check: cannot start " << command[0] << ": " << std::strerror(errno) << "\n";
        return usage_error;
    }
    if (pid == 0) {
        // The check: its own process group (a time limit ends it and anything it started),
        // ended with this runner, output into the pipe, nothing on stdin.
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        ::dup2(pipe_fds[1], 1);
        ::dup2(pipe_fds[1], 2);
        const int null_in = ::open("/dev/null", O_RDONLY);
        if (null_in >= 0) ::dup2(null_in, 0);
        ::signal(SIGPIPE, SIG_DFL);
        ::unsetenv("COOKIEJAR_VERDICT_OUT");
        ::setenv(cj::verdict::record_file_variable, record_path.c_str(), 1);
        ::setenv(cj::verdict::record_token_variable, token.c_str(), 1);
        ::execv(child_argv[0], child_argv.data());
        std::fprintf(stderr, "cookiejar-run-check: cannot run %s: %s\n", child_argv[0], std::strerror(errno));
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    ::signal(SIGPIPE, SIG_IGN);  // a reader of our output that goes away must not cost the verdict

    run_verdict v;
    v.of = of;
    cj::detail::bounded_output output(keep);
    const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    char buffer[65536];
    bool open = true;
    int status = 0;
    bool reaped = false;
    while (open || !reaped) {
        if (timeout > 0 && elapsed() > timeout) {
            v.timed_out = true;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            break;
        }
        if (!open) {  // output closed: wait for the exit (a child may still hold the pipe... or not)
            const pid_t w = ::waitpid(pid, &status, WNOHANG);
            if (w == pid) reaped = true;
            else ::usleep(2000);
            continue;
        }
        pollfd p{pipe_fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, 100);
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) {
            // The check may have exited while something it started holds the pipe open.
            if (!reaped && ::waitpid(pid, &status, WNOHANG) == pid) {
                reaped = true;
                ::kill(-pid, SIGKILL);  // what it left running must not hold the verdict up
            }
            continue;
        }
        const auto n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            open = false;
            continue;
        }
        output.add(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
    ::close(pipe_fds[0]);
    if (!reaped) {
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    v.seconds = elapsed();
    if (!v.timed_out) {
        if (WIFEXITED(status)) v.exit_status = WEXITSTATUS(status);
        else if (WIFSIGNALED(status)) v.signal = WTERMSIG(status);
    }
    v.output_head = output.head();
    v.output_tail = output.tail();
    v.output_bytes = output.total();
    v.output_cut = output.cut();

    // The records of this run, in the order written.
    std::optional<unsigned> run_cases;
    bool run_after_checks = false;
    std::string cut_short;  // a test case that started and has no record of its end
    {
        std::ifstream in(record_path);
        for (std::string line; std::getline(in, line);) {
            const auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object() || j.value("token", std::string{}) != token) {
                ++v.ignored_records;
                continue;
            }
            if (j.value("kind", std::string{}) == "start") {
                cut_short = j.value("check", std::string{});
                continue;
            }
            if (j.value("kind", std::string{}) == "run") {
                run_cases = j.value("test_cases", 0U);
                run_after_checks = true;
                continue;
            }
            if (auto r = cj::verdict::record_from_json(j)) {
                if (r->check == cut_short) cut_short.clear();
                v.records.push_back(std::move(*r));
                run_after_checks = false;  // a check record after the run record: out of order
            } else {
                ++v.ignored_records;
            }
        }
    }
    ::unlink(record_path.c_str());
    judge(v, run_cases, run_after_checks, timeout, cut_short);

    // What the check printed (bounded), then the verdict.
    std::fwrite(output.text().data(), 1, output.text().size(), stdout);
    if (!output.text().empty() && output.text().back() != '\n') std::fputc('\n', stdout);
    if (v.passed()) {
        std::printf("cookiejar: passed: %zu check(s) ended with a passing record\n", v.records.size());
    } else {
        std::printf("cookiejar: %s: %s\n", key_of(v.result), v.reason.c_str());
    }
    if (v.ignored_records > 0)
        std::printf("cookiejar: %u line(s) in the record file were not records of this run, and were ignored\n",
                    v.ignored_records);
    std::fflush(stdout);

    if (!verdict_file.empty()) {
        std::ofstream out(verdict_file, std::ios::trunc);
        out << cj::verdict::to_json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        if (!out) {
            std::cerr << "cookiejar-run-check: cannot write the verdict to " << verdict_file << "\n";
            return usage_error;
        }
    }
    return exit_status_of(v.result);
}
