// The policy check: judges one student header on the compiler's view of it, and says
// which of the course's rules it breaks, at which line.
//
// Student code runs inside each check's own process, so a jar could end that process
// with a success status, fork, install a signal handler that exits 0, or reach into the
// checks' machinery. The verdict records (cookiejar/verdict.hpp) are the first line of
// defence; this check is the second: it refuses such a file without running it.
//
// Nothing here searches the student's text for words. Three runs of the compiler's own
// tools say what the file is (the text is read only where they point: to quote a line,
// or the name as written at a place they name):
//   the lexer      `clang++ -Xclang -dump-raw-tokens`: every token of the file, comments
//                  and strings included as what they are, so a directive is a `#` that
//                  starts a line and a word in a comment is a comment. The dump is taken
//                  only if its tokens spell the file back exactly (a comment that imitates
//                  the dump's format cannot add tokens).
//   the preprocessor `clang++ -E -H -fshow-skipped-includes`: the file each of the
//                  file's #include lines really opened (or would have, had it not been
//                  opened already).
//   the AST        `clang-query` with AST matchers, on the file compiled alone as C++20
//                  with the lesson's include directory and the unit checks' backend:
//                  which functions it refers to (by their fully qualified names, so a
//                  member of the student's own called `exit` is not the C library's),
//                  what it declares where, its assembly, attributes and casts.
// The rules and why each exists: docs/how-the-checks-work.md, "The policy check".
//
// The result is a verdict record (analysis `policy`) and a run record when the runner
// named a record file, and a report on stdout. Exit code: 0 when the file keeps every
// rule; 1 when it breaks one (or does not compile); 2 when the check could not judge
// (a tool is missing or answered in a way this program does not understand) — never a
// pass by default.
//
//   policy_check --file lessons/02-lock/bounded_buffer.hpp --repository <root>
//                --include-dir <root>/checks/include --allow cookiejar/sync.hpp
//                --clang-query /usr/bin/clang-query --clang /usr/lib/llvm-14/bin/clang++
//                [--define COOKIEJAR_STRESS] [--check-name <sentence>]

#include <cookiejar/verdict.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace verdict = cj::verdict;

#ifndef COOKIEJAR_POLICY_CHECK_NAME
#define COOKIEJAR_POLICY_CHECK_NAME "the file keeps to the rules of the course"
#endif

namespace exit_status {
constexpr int passed = 0;
constexpr int broken = 1;        // a rule is broken, or the file does not compile
constexpr int not_judged = 2;    // a tool is missing or its answer was not understood
constexpr int usage = 64;        // the command line is wrong
}  // namespace exit_status

// ------------------------------------------------------------------- the rules ----

enum class rule : unsigned char {
    includes,
    one_reading,
    namespaces,
    internals,
    ends_process,
    starts_process,
    signals,
    escape_hatch,
    c_linkage,
    symbol_names,
    assembly,
    code_pointer,
    compiles,
    tools,  // not a rule of the file: the check could not run
};

struct rule_info {
    rule id;
    const char* key;  // the record's `conclusion`, and what the tests name
    const char* why;  // the second half of a finding's promise
};

// Filled in main() for `includes`, which names the lesson's headers.
std::string includes_why;

constexpr rule_info rules[] = {
    {rule::includes, "includes", ""},
    {rule::one_reading, "one_reading",
     "the checks build this file several ways (unit, ThreadSanitizer, Relacy; clang or g++) and this check "
     "reads it once, so it must read the same in every build: no #define, #undef, #if/#ifdef/#ifndef/#elif "
     "or #line (an include guard around the whole file is fine; constexpr and if constexpr do the rest)"},
    {rule::namespaces, "namespaces",
     "those names belong to the course, the checks and the standard library (cj, Catch, rl, cookiejar..., "
     "std, reserved __ names): a jar that adds to them or specializes their templates changes what the checks "
     "rely on"},
    {rule::internals, "internals",
     "the checks' machinery (cj::verdict, cj::stress, cj::model, cj::detail, cj::schedules, cj::fifo, Catch, "
     "rl) is not part of any lesson's library: a jar that uses it can change how it is judged"},
    {rule::ends_process, "ends_process", "the code a check runs must not end the check's process"},
    {rule::starts_process, "starts_process", "the code a check runs must not start other processes or programs"},
    {rule::signals, "signals", "the code a check runs must not change how signals are handled, nor send them"},
    {rule::escape_hatch, "escape_hatch",
     "the code a check runs must not reach the system past the course's library (raw system calls, loading "
     "code, reading the environment, where the runner's record token is)"},
    {rule::c_linkage, "c_linkage",
     "a name with C linkage can stand in for a function of the C library or of the checks"},
    {rule::symbol_names, "symbol_names",
     "the linker would bind the name to code the checks cannot read"},
    {rule::assembly, "assembly", "assembly can make system calls past every other rule"},
    {rule::code_pointer, "code_pointer",
     "calling it runs machine code the checks cannot read"},
    {rule::compiles, "compiles",
     "the policy check judges the file as the compiler sees it, alone with the headers it includes (the build "
     "says more)"},
    {rule::tools, "tools", "the policy check could not judge the file"},
};

const rule_info& info_of(rule r) {
    for (const auto& i : rules)
        if (i.id == r) return i;
    return rules[0];
}
const char* why_of(rule r) { return r == rule::includes ? includes_why.c_str() : info_of(r).why; }

// Functions and variables a jar may not name, with the rule each breaks. Matched by fully
// qualified name in the global namespace, std:: and __gnu_cxx:: (where libstdc++ re-declares
// the C library's), so `lesson02::exit` or a member called `exit` is the student's own.
// assert() stays allowed: it expands to __assert_fail, which is not here, and abort() is
// a crash, which no check mistakes for a pass.
struct forbidden_name {
    const char* name;
    rule why;
};
constexpr forbidden_name forbidden_names[] = {
    // Ending the process, or arranging for code to run as it ends.
    {"exit", rule::ends_process}, {"_Exit", rule::ends_process}, {"_exit", rule::ends_process},
    {"quick_exit", rule::ends_process}, {"atexit", rule::ends_process}, {"at_quick_exit", rule::ends_process},
    {"on_exit", rule::ends_process}, {"__cxa_atexit", rule::ends_process},
    {"__cxa_at_quick_exit", rule::ends_process}, {"__cxa_thread_atexit", rule::ends_process},
    {"__cxa_thread_atexit_impl", rule::ends_process}, {"__cxa_finalize", rule::ends_process},
    // pthread_exit on the main thread lets the process end with status 0 once the others do.
    {"pthread_exit", rule::ends_process}, {"thrd_exit", rule::ends_process},
    {"set_terminate", rule::ends_process}, {"set_unexpected", rule::ends_process},
    // Other processes and programs.
    {"fork", rule::starts_process}, {"vfork", rule::starts_process}, {"_Fork", rule::starts_process},
    {"clone", rule::starts_process}, {"clone3", rule::starts_process}, {"__clone", rule::starts_process},
    {"posix_spawn", rule::starts_process}, {"posix_spawnp", rule::starts_process},
    {"execl", rule::starts_process}, {"execle", rule::starts_process}, {"execlp", rule::starts_process},
    {"execv", rule::starts_process}, {"execve", rule::starts_process}, {"execvp", rule::starts_process},
    {"execvpe", rule::starts_process}, {"fexecve", rule::starts_process}, {"execveat", rule::starts_process},
    {"system", rule::starts_process}, {"popen", rule::starts_process}, {"daemon", rule::starts_process},
    {"forkpty", rule::starts_process}, {"wordexp", rule::starts_process},
    // Signal handling, and sending signals (to this process, the runner or anyone).
    {"signal", rule::signals}, {"sigaction", rule::signals}, {"sigset", rule::signals},
    {"bsd_signal", rule::signals}, {"sysv_signal", rule::signals}, {"__sysv_signal", rule::signals},
    {"ssignal", rule::signals}, {"gsignal", rule::signals}, {"sigignore", rule::signals},
    {"sighold", rule::signals}, {"sigrelse", rule::signals}, {"sigpause", rule::signals},
    {"__sigpause", rule::signals}, {"siginterrupt", rule::signals}, {"sigprocmask", rule::signals},
    {"pthread_sigmask", rule::signals}, {"sigaltstack", rule::signals}, {"sigvec", rule::signals},
    {"sigblock", rule::signals}, {"sigsetmask", rule::signals}, {"raise", rule::signals},
    {"kill", rule::signals}, {"killpg", rule::signals}, {"tgkill", rule::signals}, {"tkill", rule::signals},
    {"pthread_kill", rule::signals}, {"sigqueue", rule::signals}, {"pthread_sigqueue", rule::signals},
    {"alarm", rule::signals}, {"ualarm", rule::signals}, {"setitimer", rule::signals},
    {"timer_create", rule::signals}, {"signalfd", rule::signals},
    // Ways around every name above: raw system calls, code loaded or looked up at run
    // time, process control, and the environment (the runner's token is there until the
    // check's main() takes it, after static initializers ran).
    {"syscall", rule::escape_hatch}, {"dlopen", rule::escape_hatch}, {"dlmopen", rule::escape_hatch},
    {"dlsym", rule::escape_hatch}, {"dlvsym", rule::escape_hatch}, {"ptrace", rule::escape_hatch},
    {"prctl", rule::escape_hatch}, {"getenv", rule::escape_hatch}, {"secure_getenv", rule::escape_hatch},
    {"environ", rule::escape_hatch}, {"__environ", rule::escape_hatch}, {"_environ", rule::escape_hatch},
};

std::optional<rule> forbidden_rule(std::string_view name) {
    for (const auto& f : forbidden_names)
        if (name == f.name) return f.why;
    return std::nullopt;
}

// Names a jar must not use: the checks' machinery (as a regex over fully qualified names,
// the form clang-query's matchesName sees: "::cj::verdict::write_record").
constexpr const char* internal_names = "^::(cj::(verdict|stress|model|detail|schedules|fifo)|Catch|rl|cookiejar[A-Za-z0-9_]*)::";

// Namespaces a jar must not declare in, each with a regex over its qualified name.
struct namespace_root {
    const char* label;  // in messages, and in the binding name
    const char* regex;
};
constexpr namespace_root forbidden_namespaces[] = {
    {"cj", "^::cj(::|$)"},
    {"Catch", "^::Catch(::|$)"},
    {"rl", "^::rl(::|$)"},
    {"cookiejar", "^::cookiejar[A-Za-z0-9_]*(::|$)"},
    {"std", "^::std(::|$)"},
    {"reserved", "^::_[_A-Z][A-Za-z0-9_]*(::|$)"},
};
constexpr const char* any_forbidden_namespace =
    "^::(cj|Catch|rl|cookiejar[A-Za-z0-9_]*|std|_[_A-Z][A-Za-z0-9_]*)(::|$)";

// The C++20 standard library's headers ([headers], tables 24 and 25; the <cxxx> forms of the
// C library, not the .h ones nor POSIX's). A header is one of them only if the preprocessor
// also found it outside the repository.
constexpr std::string_view standard_headers[] = {
    "algorithm", "any", "array", "atomic", "barrier", "bit", "bitset", "charconv", "chrono", "codecvt",
    "compare", "complex", "concepts", "condition_variable", "coroutine", "deque", "exception", "execution",
    "filesystem", "format", "forward_list", "fstream", "functional", "future", "initializer_list", "iomanip",
    "ios", "iosfwd", "iostream", "istream", "iterator", "latch", "limits", "list", "locale", "map", "memory",
    "memory_resource", "mutex", "new", "numbers", "numeric", "optional", "ostream", "queue", "random",
    "ranges", "ratio", "regex", "scoped_allocator", "semaphore", "set", "shared_mutex", "source_location",
    "span", "sstream", "stack", "stdexcept", "stop_token", "streambuf", "string", "string_view", "strstream",
    "syncstream", "system_error", "thread", "tuple", "type_traits", "typeindex", "typeinfo", "unordered_map",
    "unordered_set", "utility", "valarray", "variant", "vector", "version",
    "cassert", "cctype", "cerrno", "cfenv", "cfloat", "cinttypes", "climits", "clocale", "cmath", "csetjmp",
    "csignal", "cstdarg", "cstddef", "cstdint", "cstdio", "cstdlib", "cstring", "ctime", "cuchar", "cwchar",
    "cwctype",
};
bool is_standard_header(std::string_view name) {
    return std::find(std::begin(standard_headers), std::end(standard_headers), name) != std::end(standard_headers);
}

// ---------------------------------------------------------------- the result ----

struct violation {
    rule broken;
    unsigned line = 0;     // in the student's file; 0 when the finding is about the whole file
    std::string what;      // "calls std::_Exit"
    std::string code;      // the line of the file, trimmed
    std::string found_by;  // which tool showed it
};

struct options {
    fs::path file;
    fs::path repository;
    fs::path include_dir;
    std::vector<std::string> allowed;  // the lesson's headers, as the chapter documents them
    std::string clang_query;
    std::string clang;
    std::vector<std::string> defines;
    std::string check_name = COOKIEJAR_POLICY_CHECK_NAME;
};

// ---------------------------------------------------------------- small helpers ----

std::string read_file(const fs::path& p, bool& ok) {
    std::ifstream in(p, std::ios::binary);
    ok = static_cast<bool>(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }

// A whole number that is all of `s`.
std::optional<unsigned> number_of(std::string_view s) {
    if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return static_cast<unsigned>(std::stoul(std::string(s)));
}

// "path:line:column", as the tools name a place.
struct tool_place {
    std::string path;
    unsigned line = 0, column = 0;
};
std::optional<tool_place> place_of(std::string_view s) {
    const auto c2 = s.rfind(':');
    if (c2 == std::string_view::npos || c2 == 0) return std::nullopt;
    const auto c1 = s.rfind(':', c2 - 1);
    if (c1 == std::string_view::npos || c1 == 0) return std::nullopt;
    const auto line = number_of(s.substr(c1 + 1, c2 - c1 - 1));
    const auto column = number_of(s.substr(c2 + 1));
    if (!line || !column) return std::nullopt;
    return tool_place{std::string(s.substr(0, c1)), *line, *column};
}

// The text after `open` up to the next `close`, searched from `from`.
std::optional<std::string_view> between(std::string_view s, std::string_view open, std::string_view close,
                                        std::size_t from = 0) {
    const auto b = s.find(open, from);
    if (b == std::string_view::npos) return std::nullopt;
    const auto e = s.find(close, b + open.size());
    if (e == std::string_view::npos) return std::nullopt;
    return s.substr(b + open.size(), e - b - open.size());
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const auto nl = text.find('\n', at);
        if (nl == std::string_view::npos) {
            if (at < text.size()) out.push_back(text.substr(at));
            break;
        }
        out.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    return out;
}

// A path as the repository names it, when it is inside; else as it is.
std::string shown_path(const fs::path& p, const fs::path& repository) {
    std::error_code ec;
    const auto c = fs::weakly_canonical(p, ec);
    const auto r = fs::weakly_canonical(repository, ec);
    const auto rel = c.lexically_relative(r);
    if (!rel.empty() && !starts_with(rel.generic_string(), "..")) return rel.generic_string();
    return c.generic_string();
}
bool inside(const fs::path& p, const fs::path& dir) {
    std::error_code ec;
    const auto rel = fs::weakly_canonical(p, ec).lexically_relative(fs::weakly_canonical(dir, ec));
    return !rel.empty() && !starts_with(rel.generic_string(), "..");
}

// The student's file, with clang's idea of lines: "\n", "\r\n" and a lone "\r" each end
// one, and a column counts bytes from 1.
class source_file {
public:
    explicit source_file(std::string text) : text_(std::move(text)) {
        starts_.push_back(0);
        for (std::size_t i = 0; i < text_.size(); ++i) {
            if (text_[i] == '\n' || (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n')))
                starts_.push_back(i + 1);
        }
    }
    [[nodiscard]] const std::string& text() const { return text_; }
    [[nodiscard]] std::optional<std::size_t> offset(unsigned line, unsigned column) const {
        if (line == 0 || column == 0 || line > starts_.size()) return std::nullopt;
        const std::size_t at = starts_[line - 1] + column - 1;
        if (at > text_.size()) return std::nullopt;
        return at;
    }
    // The line and column of an offset.
    [[nodiscard]] std::pair<unsigned, unsigned> place(std::size_t offset) const {
        const auto after = std::upper_bound(starts_.begin(), starts_.end(), offset);
        const auto line = static_cast<std::size_t>(after - starts_.begin());
        return {static_cast<unsigned>(line), static_cast<unsigned>(offset - starts_[line - 1] + 1)};
    }
    [[nodiscard]] std::string_view line_text(unsigned line) const {
        if (line == 0 || line > starts_.size()) return {};
        const std::size_t b = starts_[line - 1];
        std::size_t e = line < starts_.size() ? starts_[line] : text_.size();
        while (e > b && (text_[e - 1] == '\n' || text_[e - 1] == '\r')) --e;
        return std::string_view(text_).substr(b, e - b);
    }
    // The qualified name written at line:column ("std::_Exit", "::exit", "cj::stress::noise").
    [[nodiscard]] std::string name_at(unsigned line, unsigned column) const {
        const auto l = line_text(line);
        if (column == 0 || column > l.size()) return {};
        std::size_t e = column - 1;
        while (e < l.size() && (std::isalnum(static_cast<unsigned char>(l[e])) || l[e] == '_' || l[e] == ':')) ++e;
        return std::string(l.substr(column - 1, e - (column - 1)));
    }
    // Is the first thing after line:column+length an opening parenthesis (a call)?
    [[nodiscard]] bool call_follows(unsigned line, unsigned column, std::size_t length) const {
        const auto l = line_text(line);
        std::size_t at = column - 1 + length;
        while (at < l.size() && (l[at] == ' ' || l[at] == '\t')) ++at;
        return at < l.size() && l[at] == '(';
    }

private:
    std::string text_;
    std::vector<std::size_t> starts_;
};

// ---------------------------------------------------------------- running the tools ----

// One tool run: argv, its stdout and stderr in files of a temporary folder.
struct tool_run {
    tool_run(std::string l, std::vector<std::string> a, const fs::path& dir, const char* stem)
        : label(std::move(l)), argv(std::move(a)), out(dir / (std::string(stem) + ".out")),
          err(dir / (std::string(stem) + ".err")) {}
    std::string label;  // "clang-query"
    std::vector<std::string> argv;
    fs::path out, err;
    pid_t pid = -1;
    int spawn_error = 0;
    int status = -1;  // the exit code, or 128 + the signal
    std::string stdout_text, stderr_text;
};

void start(tool_run& r) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, r.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, r.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> args;
    for (auto& a : r.argv) args.push_back(a.data());
    args.push_back(nullptr);
    r.spawn_error = posix_spawn(&r.pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (r.spawn_error != 0) r.pid = -1;
}

void finish(tool_run& r) {
    if (r.pid > 0) {
        int status = 0;
        while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
        }
        r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    bool ok = false;
    r.stdout_text = read_file(r.out, ok);
    r.stderr_text = read_file(r.err, ok);
}

std::string last_lines(std::string_view text, std::size_t n) {
    const auto lines = split_lines(text);
    std::string out;
    for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) {
        out += lines[i];
        out += '\n';
    }
    return trim(out);
}

// ---------------------------------------------------------------- the lexer's view ----

struct token {
    std::string kind;      // clang's token kind: hash, raw_identifier, string_literal, comment, unknown...
    std::string spelling;  // clean (line splices removed)
    std::size_t offset = 0;
    std::size_t length = 0;  // in the file
    unsigned line = 0, column = 0;
    bool start_of_line = false;
};

// Reads `-dump-raw-tokens`: a record a token,
//     kind 'spelling'<TAB>[ [StartOfLine]][ [LeadingSpace]][ [ExpandDisabled]][ [UnClean='raw']]<TAB>Loc=<file:L:C>
// and accepts it only as a tiling of the file: record by record, the token starts where the
// previous one ended, its record ends with exactly that place, and its text in the file is
// its spelling (or its UnClean text, when line splices make the two differ). A comment or a
// string that imitates records is then one token whose text happens to look like more; it
// cannot add tokens or hide one.
std::optional<std::vector<token>> read_raw_tokens(const std::string& dump, const std::string& path,
                                                  const source_file& src, std::string& why) {
    const std::string& text = src.text();
    std::vector<token> tokens;
    // The lexer skips a UTF-8 byte order mark.
    std::size_t f = starts_with(text, "\xEF\xBB\xBF") ? 3 : 0;
    std::size_t p = 0;
    static constexpr std::array<const char*, 3> flag_names = {" [StartOfLine]", " [LeadingSpace]", " [ExpandDisabled]"};
    while (f < text.size()) {
        token t;
        t.offset = f;
        std::tie(t.line, t.column) = src.place(f);
        const std::string where = std::to_string(t.line) + ":" + std::to_string(t.column);
        const std::string terminator = "\tLoc=<" + path + ":" + where + ">";
        const auto end = dump.find(terminator, p);
        if (end == std::string::npos) {
            why = "no token starts at " + where;
            return std::nullopt;
        }
        const std::string body = dump.substr(p, end - p);
        p = end + terminator.size();
        if (p < dump.size() && dump[p] == '\n') ++p;
        const auto quote = body.find(" '");
        t.kind = body.substr(0, quote);
        if (quote == std::string::npos || t.kind.empty() ||
            !std::all_of(t.kind.begin(), t.kind.end(),
                         [](char c) { return std::islower(static_cast<unsigned char>(c)) || c == '_'; })) {
            why = "the record of the token at " + where + " has no kind";
            return std::nullopt;
        }
        // The rest: spelling'<TAB>flags, where the flags may end with the UnClean text. Every
        // reading that fits is tried; the one whose text is the file's at f is the token.
        const std::string rest = body.substr(quote + 2);
        bool read = false;
        for (unsigned mask = 0; mask < 8 && !read; ++mask) {
            std::string flags;
            for (unsigned b = 0; b < 3; ++b)
                if (mask & (1U << b)) flags += flag_names[b];
            for (const bool unclean : {false, true}) {
                // spelling'<TAB>flags                       (clean: the spelling is the file's text)
                // spelling'<TAB>flags [UnClean='raw']       (the raw text is the file's)
                std::string head = rest;
                std::string raw;
                if (unclean) {
                    const std::string close = "']";
                    if (head.size() < close.size() || head.compare(head.size() - 2, 2, close) != 0) continue;
                    const std::string open = flags + " [UnClean='";
                    const auto at = head.rfind("'\t" + open);
                    if (at == std::string::npos) continue;
                    raw = head.substr(at + 2 + open.size(), head.size() - 2 - (at + 2 + open.size()));
                    t.spelling = head.substr(0, at);
                } else {
                    const std::string tail = "'\t" + flags;
                    if (head.size() < tail.size() || head.compare(head.size() - tail.size(), tail.size(), tail) != 0)
                        continue;
                    t.spelling = head.substr(0, head.size() - tail.size());
                    raw = t.spelling;
                }
                if (raw.empty() || text.compare(f, raw.size(), raw) != 0) continue;
                t.length = raw.size();
                t.start_of_line = (mask & 1U) != 0;
                read = true;
                break;
            }
        }
        if (!read) {
            why = "the token at " + where + " does not spell the file";
            return std::nullopt;
        }
        f += t.length;
        tokens.push_back(std::move(t));
    }
    if (!trim(dump.substr(p)).empty()) {
        why = "the dump goes on after the end of the file";
        return std::nullopt;
    }
    return tokens;
}

struct directive {
    std::string name;  // define, include, ifdef, ... ("#" alone: "", a line marker: "linemarker")
    unsigned line = 0;
    // #include: the header as written, and how
    std::string header;
    bool angled = false;
    bool computed = false;  // named through a macro
    // the first word after the name (a macro's name, for #define/#ifndef)
    std::string first_word;
    bool more_after_first_word = false;
};

bool is_whitespace_token(const token& t) {
    return t.kind == "unknown" && std::all_of(t.spelling.begin(), t.spelling.end(), [](char c) {
               return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
           });
}
bool ends_line(const token& t) {
    return is_whitespace_token(t) && t.spelling.find_first_of("\r\n") != std::string::npos;
}

// A directive is a `#` (or `%:`) that starts a line; it runs to the next newline that is
// not inside a comment (comments are a space to the preprocessor).
std::vector<directive> read_directives(const std::vector<token>& tokens) {
    std::vector<directive> out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].kind != "hash" || !tokens[i].start_of_line) continue;
        // The directive's significant tokens, up to the end of its line.
        std::vector<const token*> words;
        std::size_t j = i + 1;
        for (; j < tokens.size() && !ends_line(tokens[j]); ++j) {
            if (tokens[j].kind == "comment" || is_whitespace_token(tokens[j])) continue;
            words.push_back(&tokens[j]);
        }
        directive d;
        d.line = tokens[i].line;
        if (!words.empty()) {
            if (words[0]->kind == "raw_identifier") d.name = words[0]->spelling;
            else if (words[0]->kind == "numeric_constant") d.name = "linemarker";
            else d.name = words[0]->spelling;
        }
        if (words.size() > 1 && words[1]->kind == "raw_identifier") {
            d.first_word = words[1]->spelling;
            d.more_after_first_word = words.size() > 2;
        }
        if (d.name == "include" || d.name == "include_next" || d.name == "import") {
            if (words.size() > 1 && words[1]->kind == "string_literal" && words[1]->spelling.size() >= 2 &&
                words[1]->spelling.front() == '"') {
                d.header = words[1]->spelling.substr(1, words[1]->spelling.size() - 2);
            } else if (words.size() > 1 && words[1]->kind == "less") {
                // <name>: the file's text between the brackets (the lexer split it into tokens).
                std::size_t k = 2;
                while (k < words.size() && words[k]->kind != "greater") ++k;
                if (k < words.size()) {
                    d.angled = true;
                    // Every token from after `<` to `>`, whitespace included, as written.
                    const token* open = words[1];
                    for (std::size_t t = static_cast<std::size_t>(open - tokens.data()) + 1;
                         &tokens[t] != words[k]; ++t)
                        d.header += tokens[t].spelling;
                } else {
                    d.computed = true;
                }
            } else {
                d.computed = true;
            }
        }
        out.push_back(std::move(d));
        i = j > i ? j - 1 : i;
    }
    return out;
}

// ---------------------------------------------------------------- clang-query's view ----

struct binding {
    std::string name;  // the .bind("...") name
    unsigned line = 0, column = 0;
    std::string dump;  // the first line of its AST dump, when dumps are on
};

// Parses clang-query's output: per command, its matches, each with one binding (bind-root
// is off and every alternative binds its own name). A command's output ends with
// "N match(es)."; a count that disagrees, or fewer commands than sent, is not understood.
std::optional<std::vector<std::vector<binding>>> read_matches(const std::string& out, std::size_t commands,
                                                              std::string& why) {
    // The four kinds of line that matter:
    //   Match #3:
    //   /path/file.hpp:41:13: note: "forbidden" binds here
    //   Binding for "forbidden":          (then one line: the first of the node's dump)
    //   3 matches.
    std::vector<std::vector<binding>> result(1);
    std::size_t in_match = 0;
    binding* awaiting_dump = nullptr;
    for (const auto line : split_lines(out)) {
        if (awaiting_dump) {
            awaiting_dump->dump = std::string(line);
            awaiting_dump = nullptr;
            continue;
        }
        const auto match_number =
            starts_with(line, "Match #") && ends_with(line, ":") ? number_of(line.substr(7, line.size() - 8)) : std::nullopt;
        const auto space = line.find(' ');
        const auto summary_count =
            space != std::string_view::npos && (line.substr(space) == " match." || line.substr(space) == " matches.")
                ? number_of(line.substr(0, space))
                : std::nullopt;
        if (match_number) {
            in_match = *match_number;
            if (in_match != result.back().size() + 1) {
                why = "clang-query numbered its matches out of order";
                return std::nullopt;
            }
            result.back().push_back({});
        } else if (in_match > 0 && ends_with(line, "\" binds here")) {
            const auto at = line.rfind(": note: \"");
            const auto place = at == std::string_view::npos ? std::nullopt : place_of(line.substr(0, at));
            auto& b = result.back().back();
            if (place && b.name.empty()) {
                b.name = std::string(line.substr(at + 9, line.size() - 12 - (at + 9)));
                b.line = place->line;
                b.column = place->column;
            }
        } else if (in_match > 0 && starts_with(line, "Binding for \"") && ends_with(line, "\":")) {
            if (line.substr(13, line.size() - 15) == result.back().back().name) awaiting_dump = &result.back().back();
        } else if (summary_count) {
            if (*summary_count != result.back().size()) {
                why = "clang-query's count of matches disagrees with the matches it printed";
                return std::nullopt;
            }
            result.emplace_back();
            in_match = 0;
        }
    }
    result.pop_back();
    if (result.size() != commands) {
        why = "clang-query answered " + std::to_string(result.size()) + " of its " + std::to_string(commands) +
              " matchers";
        return std::nullopt;
    }
    for (const auto& c : result)
        for (const auto& b : c)
            if (b.name.empty()) {
                why = "clang-query printed a match without a location";
                return std::nullopt;
            }
    return result;
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ",\"" : "\"") + names[i] + "\"";
    return out;
}

// The matchers, one command per kind of node (a command is one walk over the whole AST,
// standard headers and all; each alternative binds the name that says what it found).
struct query {
    std::vector<std::string> commands;  // the -c arguments
    std::size_t matches = 0;            // how many are `match` commands
};

query build_query() {
    std::vector<std::string> names;
    for (const auto& f : forbidden_names)
        for (const char* scope : {"::", "::std::", "::__gnu_cxx::"}) names.push_back(std::string(scope) + f.name);
    const std::string any_forbidden = "hasAnyName(" + quoted_list(names) + ")";
    const std::string internal = std::string("matchesName(\"") + internal_names + "\")";

    query q;
    q.commands = {"set bind-root false", "set output diag", "enable output dump"};
    // Expressions and statements: what the code refers to, its assembly and its casts.
    q.commands.push_back(
        "match stmt(isExpansionInMainFile(), eachOf("
        "declRefExpr(to(namedDecl(" + any_forbidden + "))).bind(\"forbidden\"), "
        "unresolvedLookupExpr(hasAnyDeclaration(namedDecl(" + any_forbidden + "))).bind(\"forbidden\"), "
        // A call in a template that nothing declares yet: in a check, where other headers came
        // first, ordinary lookup at the definition may find the C library's function.
        "unresolvedLookupExpr().bind(\"lookup\"), "
        "declRefExpr(to(namedDecl(" + internal + "))).bind(\"internal\"), "
        "unresolvedLookupExpr(hasAnyDeclaration(namedDecl(" + internal + "))).bind(\"internal\"), "
        "asmStmt().bind(\"asm\"), "
        "castExpr(anyOf(hasType(pointerType(pointee(ignoringParens(functionType())))), "
        "hasType(ignoringParens(functionType()))), "
        "anyOf(hasCastKind(\"CK_BitCast\"), hasCastKind(\"CK_LValueBitCast\"), hasCastKind(\"CK_IntegralToPointer\"), "
        "hasCastKind(\"CK_LValueToRValueBitCast\"))).bind(\"code pointer\")))");
    // Declarations: where they are, their linkage and attributes. (The dump gives the line of
    // a declaration's name, which a specialization's `template <>` line does not show.)
    std::string decls = "match decl(isExpansionInMainFile(), eachOf(";
    for (const auto& ns : forbidden_namespaces) {
        decls += "namespaceDecl(matchesName(\"" + std::string(ns.regex) + "\")).bind(\"opens " + ns.label + "\"), ";
        // Declared from outside the namespace (an explicit specialization, an out-of-line
        // definition); inside an opened one, the opening is the finding.
        decls += "decl(hasDeclContext(namespaceDecl(matchesName(\"" + std::string(ns.regex) +
                 "\"))), unless(hasAncestor(namespaceDecl(matchesName(\"" + any_forbidden_namespace +
                 "\"))))).bind(\"in " + ns.label + "\"), ";
    }
    decls +=
        // A using-declaration of a forbidden name: through it, a call in a template finds the
        // name under the student's own namespace, where the matchers above would not see it.
        "usingDecl(hasAnyUsingShadowDecl(hasTargetDecl(namedDecl(" + any_forbidden + ")))).bind(\"using forbidden\"), "
        "usingDecl(hasAnyUsingShadowDecl(hasTargetDecl(namedDecl(" + internal + ")))).bind(\"using internal\"), "
        "functionDecl(isExternC()).bind(\"extern c\"), varDecl(isExternC()).bind(\"extern c\"), "
        "decl(hasAttr(\"attr::AsmLabel\")).bind(\"asm label\"), decl(hasAttr(\"attr::Alias\")).bind(\"alias\"), "
        "decl(hasAttr(\"attr::WeakRef\")).bind(\"weakref\"), decl(hasAttr(\"attr::IFunc\")).bind(\"ifunc\"), "
        "decl(hasAttr(\"attr::Section\")).bind(\"section\"), "
        // asm("...") at namespace scope: the only unnamed declaration with a string of its own
        // besides static_assert.
        "decl(has(stringLiteral()), unless(namedDecl()), unless(staticAssertDecl())).bind(\"file asm\")))";
    q.commands.push_back(decls);
    q.commands.push_back("disable output dump");
    // Types written in the file.
    q.commands.push_back("match typeLoc(isExpansionInMainFile(), loc(qualType(hasDeclaration(namedDecl(" + internal +
                         "))))).bind(\"internal type\")");
    for (const auto& c : q.commands)
        if (starts_with(c, "match ")) ++q.matches;
    return q;
}

// The name a DeclRefExpr or UnresolvedLookupExpr dump line refers to, and whether an
// unresolved lookup found no declaration at all.
struct referenced {
    std::string name;
    bool nothing_declared = false;
};
//   DeclRefExpr 0x... <a.hpp:12:16, col:21> 'void (int) ...' lvalue Function 0x... '_Exit' 'void (int) ...'
//   UnresolvedLookupExpr 0x... <a.hpp:7:19> '<overloaded function type>' lvalue (ADL) = 'exit' empty
std::optional<referenced> referenced_name(std::string_view dump) {
    if (starts_with(dump, "DeclRefExpr ")) {
        for (const char* kind : {" Function 0x", " Var 0x"}) {
            const auto at = dump.find(kind);
            if (at == std::string_view::npos) continue;
            if (const auto name = between(dump, " '", "'", at + 1)) return referenced{std::string(*name), false};
        }
        return std::nullopt;
    }
    if (starts_with(dump, "UnresolvedLookupExpr ")) {
        const auto at = dump.find(") = '");
        if (at == std::string_view::npos) return std::nullopt;
        const auto name = between(dump, "'", "'", at);
        if (!name) return std::nullopt;
        const auto after = at + 5 + name->size() + 1;
        return referenced{std::string(*name), dump.substr(after) == " empty"};
    }
    return std::nullopt;
}

// ---------------------------------------------------------------- judging ----

class judge {
public:
    explicit judge(const options& o) : o_(o) {}

    int run();
    [[nodiscard]] const std::vector<violation>& violations() const { return found_; }
    [[nodiscard]] const std::string& shown_file() const { return shown_; }
    [[nodiscard]] std::size_t rules_checked() const { return std::size(rules) - 1; }

private:
    void add(rule r, unsigned line, std::string what, std::string found_by) {
        for (const auto& v : found_)
            if (v.broken == r && v.line == line && v.what == what) return;
        violation v{r, line, std::move(what), line ? trim(src_.line_text(line)) : std::string(), std::move(found_by)};
        found_.push_back(std::move(v));
    }
    void cannot_judge(std::string what) { add(rule::tools, 0, std::move(what), "the policy check"); }

    bool judge_directives(const std::vector<directive>& ds);
    void judge_includes(const std::vector<directive>& ds, const tool_run& pp, bool conditionals);
    void judge_ast(const tool_run& q, const query& qs);
    void judge_compile_errors(const std::string& stderr_text, const char* tool);

    const options& o_;
    source_file src_{""};
    std::string shown_;
    std::vector<violation> found_;
    bool compile_error_seen_ = false;
};

// Returns whether the file has conditionals besides its include guard.
bool judge::judge_directives(const std::vector<directive>& ds) {
    // An include guard around the whole file is the one conditional a jar may have: #ifndef X
    // first, #define X (nothing more) next, #endif last, with a name no build defines.
    std::set<std::size_t> guard;
    if (ds.size() >= 3 && ds[0].name == "ifndef" && ds[1].name == "define" && !ds[0].first_word.empty() &&
        ds[0].first_word == ds[1].first_word && !ds[1].more_after_first_word && !ds[0].more_after_first_word &&
        ds.back().name == "endif") {
        const std::string& g = ds[0].first_word;
        const bool reserved = starts_with(g, "__") || (g.size() > 1 && g[0] == '_' && std::isupper(static_cast<unsigned char>(g[1]))) ||
                              g.find("__") != std::string::npos;
        const bool the_builds_own = starts_with(g, "COOKIEJAR_") || starts_with(g, "RL_") || starts_with(g, "CATCH_");
        if (!reserved && !the_builds_own) guard = {0, 1, ds.size() - 1};
    }
    bool conditionals = false;
    for (std::size_t i = 0; i < ds.size(); ++i) {
        if (guard.count(i)) continue;
        const auto& d = ds[i];
        const char* found_by = "the compiler's lexer (clang++ -Xclang -dump-raw-tokens)";
        if (d.name == "define")
            add(rule::one_reading, d.line, "defines the macro " + (d.first_word.empty() ? std::string("?") : d.first_word), found_by);
        else if (d.name == "undef")
            add(rule::one_reading, d.line, "undefines the macro " + d.first_word, found_by);
        else if (d.name == "if" || d.name == "ifdef" || d.name == "ifndef" || d.name == "elif" ||
                 d.name == "elifdef" || d.name == "elifndef") {
            conditionals = true;
            add(rule::one_reading, d.line, "has #" + d.name + (d.first_word.empty() ? "" : " " + d.first_word) +
                                                ", so some builds compile code others do not",
                found_by);
        } else if (d.name == "line" || d.name == "linemarker")
            add(rule::one_reading, d.line, "has a #line directive, which makes the compiler name other lines",
                found_by);
    }
    return conditionals;
}

void judge::judge_includes(const std::vector<directive>& ds, const tool_run& pp, bool conditionals) {
    std::vector<const directive*> includes;
    for (const auto& d : ds)
        if (d.name == "include" || d.name == "include_next" || d.name == "import") includes.push_back(&d);
    // What the preprocessor opened for the main file's own #include lines, in order: the
    // depth-1 lines of -H (skipped ones too, with -fshow-skipped-includes).
    std::vector<fs::path> resolved;
    for (const auto line : split_lines(pp.stderr_text))
        if (starts_with(line, ". ")) resolved.emplace_back(std::string(line.substr(2)));
    const bool paired = resolved.size() == includes.size();
    if (!paired && !conditionals && pp.status == 0) {
        cannot_judge("the preprocessor opened " + std::to_string(resolved.size()) + " files for the file's " +
                     std::to_string(includes.size()) + " #include lines");
    }
    std::vector<std::string> allowed_shown;
    for (const auto& a : o_.allowed) allowed_shown.push_back("<" + a + ">");
    const char* found_by = "the preprocessor (clang++ -E -H -fshow-skipped-includes)";
    for (std::size_t i = 0; i < includes.size(); ++i) {
        const auto& d = *includes[i];
        if (d.computed) {
            add(rule::includes, d.line, "names its header through a macro: write the header's name itself", found_by);
            continue;
        }
        const std::string as_written = d.angled ? "<" + d.header + ">" : "\"" + d.header + "\"";
        const std::optional<fs::path> where = paired ? std::optional<fs::path>(resolved[i]) : std::nullopt;
        const std::string where_shown = where ? shown_path(*where, o_.repository) : std::string();
        const bool lesson_header = std::find(o_.allowed.begin(), o_.allowed.end(), d.header) != o_.allowed.end();
        if (lesson_header) {
            const fs::path course_copy = o_.include_dir / d.header;
            std::error_code ec;
            if (where && fs::weakly_canonical(*where, ec) != fs::weakly_canonical(course_copy, ec))
                add(rule::includes, d.line,
                    "includes " + as_written + ", but the compiler found it at " + where_shown + ", not at " +
                        shown_path(course_copy, o_.repository) + ": only the course's own copy counts",
                    found_by);
            continue;
        }
        if (is_standard_header(d.header)) {
            if (where && inside(*where, o_.repository))
                add(rule::includes, d.line,
                    "includes " + as_written + ", but the compiler found it at " + where_shown +
                        ", a file of the repository, not the standard library's",
                    found_by);
            continue;
        }
        std::string what = "includes " + as_written;
        if (where && inside(*where, o_.repository)) {
            if (starts_with(where_shown, "checks/")) what += " (" + where_shown + "), part of the checks' own machinery";
            else if (starts_with(where_shown, "solutions/")) what += " (" + where_shown + "), a reference solution";
            else what += " (" + where_shown + "), a file of the repository that the lesson does not document";
        } else if (starts_with(d.header, "cookiejar/")) {
            what += ", part of the checks' own machinery";
        } else {
            what += ", which is not a header of the C++ standard library (POSIX and compiler headers such as "
                    "<unistd.h> are not among them)";
        }
        add(rule::includes, d.line, what, found_by);
    }
}

void judge::judge_compile_errors(const std::string& stderr_text, const char* tool) {
    // "path:line:column: error: message" (or "fatal error:").
    for (const auto line : split_lines(stderr_text)) {
        auto at = line.find(": error: ");
        std::size_t skip = 9;
        if (const auto fatal = line.find(": fatal error: "); fatal != std::string_view::npos && fatal < at) {
            at = fatal;
            skip = 15;
        }
        if (at == std::string_view::npos) continue;
        const auto place = place_of(line.substr(0, at));
        if (!place) continue;
        if (compile_error_seen_) return;  // the first error says enough; the build says the rest
        compile_error_seen_ = true;
        std::error_code ec;
        const bool here = fs::weakly_canonical(place->path, ec) == fs::weakly_canonical(o_.file, ec);
        add(rule::compiles, here ? place->line : 0,
            "does not compile on its own: " +
                (here ? std::string() : shown_path(place->path, o_.repository) + ":" + std::to_string(place->line) + ": ") +
                std::string(line.substr(at + skip)),
            tool);
        return;
    }
}

void judge::judge_ast(const tool_run& q, const query& qs) {
    const char* found_by = "clang-query (AST matchers)";
    std::string why;
    const auto matches = read_matches(q.stdout_text, qs.matches, why);
    if (!matches) {
        cannot_judge(why + "; clang-query said: " + last_lines(q.stderr_text + q.stdout_text, 6));
        return;
    }
    const auto& refs = (*matches)[0];
    for (const auto& b : refs) {
        const std::string written = src_.name_at(b.line, b.column);
        if (b.name == "forbidden" || b.name == "lookup") {
            const auto r = referenced_name(b.dump);
            if (!r) {
                if (b.name == "forbidden") cannot_judge("clang-query's dump of line " + std::to_string(b.line) + " was not understood: " + b.dump);
                continue;
            }
            const auto broken = forbidden_rule(r->name);
            if (!broken) continue;
            // An unresolved lookup that found a forbidden declaration is also a "forbidden"
            // match; one that found only the student's own functions is theirs.
            if (b.name == "lookup" && !r->nothing_declared) continue;
            const std::string shown_name =
                written.size() >= r->name.size() && written.compare(written.size() - r->name.size(), r->name.size(), r->name) == 0
                    ? written
                    : r->name;
            std::string what = (src_.call_follows(b.line, b.column, written.size()) ? "calls " : "refers to ") + shown_name;
            if (b.name == "lookup")
                what += ", which the file does not declare: in a check, where other headers came first, it would be "
                        "the C library's";
            add(*broken, b.line, what, found_by);
        } else if (b.name == "internal") {
            add(rule::internals, b.line, "uses " + (written.empty() ? std::string("a name") : written) + ", the checks' own machinery", found_by);
        } else if (b.name == "asm") {
            add(rule::assembly, b.line, "has inline assembly (asm)", found_by);
        } else if (b.name == "code pointer") {
            add(rule::code_pointer, b.line, "turns data, a number or another type's pointer into a function pointer", found_by);
        }
    }
    for (const auto& b : (*matches)[1]) {
        if (starts_with(b.name, "in ")) {
            // The name's line, from the dump: "<range> line:10:7 class counting_semaphore ...".
            const auto name_line = between(b.dump, "> line:", ":");
            if (const auto l = name_line ? number_of(*name_line) : std::nullopt) {
                const std::string root = b.name.substr(3);
                add(rule::namespaces, *l,
                    "declares something in " + (root == "reserved" ? std::string("a namespace whose name is reserved to the compiler and its library") : "namespace " + root) +
                        " (a specialization of one of its templates, or a definition of one of its names)",
                    found_by);
                continue;
            }
        }
        if (starts_with(b.name, "opens ") || starts_with(b.name, "in ")) {
            const std::string root = b.name.substr(b.name.find(' ') + 1);
            const std::string ns = root == "reserved" ? std::string("a namespace whose name is reserved to the compiler and its library")
                                                     : "namespace " + root;
            add(rule::namespaces, b.line,
                starts_with(b.name, "opens ") ? "opens " + ns
                                              : "declares something in " + ns + " (a specialization of one of its templates, or a definition of one of its names)",
                found_by);
        } else if (b.name == "using forbidden" || b.name == "using internal") {
            // "UsingDecl 0x... <range> col:12 std::exit": the name is the dump's last word.
            const auto space = b.dump.find_last_of(' ');
            const std::string name = space == std::string::npos ? std::string() : b.dump.substr(space + 1);
            const auto colons = name.rfind("::");
            const auto broken = b.name == "using internal" ? std::optional<rule>(rule::internals)
                                                           : forbidden_rule(colons == std::string::npos ? name : name.substr(colons + 2));
            if (!broken) {
                cannot_judge("clang-query's dump of the using-declaration at line " + std::to_string(b.line) +
                             " was not understood: " + b.dump);
                continue;
            }
            add(*broken, b.line, "brings " + name + " in with a using-declaration", found_by);
        } else if (b.name == "extern c") {
            add(rule::c_linkage, b.line, "declares a name with C linkage (extern \"C\")", found_by);
        } else if (b.name == "asm label") {
            add(rule::symbol_names, b.line, "gives a declaration a symbol name of its own (an asm label)", found_by);
        } else if (b.name == "alias") {
            add(rule::symbol_names, b.line, "makes a declaration an alias of another symbol (alias attribute or #pragma weak)", found_by);
        } else if (b.name == "weakref") {
            add(rule::symbol_names, b.line, "makes a declaration a weak reference to another symbol (weakref)", found_by);
        } else if (b.name == "ifunc") {
            add(rule::symbol_names, b.line, "makes a function resolved at load time (ifunc)", found_by);
        } else if (b.name == "section") {
            add(rule::symbol_names, b.line, "puts a declaration in a section of its own (section attribute)", found_by);
        } else if (b.name == "file asm") {
            add(rule::assembly, b.line, "has assembly at namespace scope (asm)", found_by);
        }
    }
    std::set<unsigned> typed_lines;  // a written type is several TypeLocs (cj::verdict::record, record)
    for (const auto& b : (*matches)[2]) {
        if (!typed_lines.insert(b.line).second) continue;
        const std::string written = src_.name_at(b.line, b.column);
        add(rule::internals, b.line, "names the type " + (written.empty() ? std::string("of") : written) + ", the checks' own machinery", found_by);
    }
}

int judge::run() {
    shown_ = shown_path(o_.file, o_.repository);
    bool ok = false;
    std::string text = read_file(o_.file, ok);
    if (!ok) {
        cannot_judge("cannot read " + o_.file.string());
        return exit_status::not_judged;
    }
    src_ = source_file(std::move(text));

    // The tools, before anything runs.
    struct needed {
        const std::string& path;
        const char* what;
        const char* package;
    };
    bool tools_ok = true;
    for (const needed& n : {needed{o_.clang_query, "clang-query", "clang-tools"}, needed{o_.clang, "clang++", "clang"}}) {
        if (n.path.empty() || ::access(n.path.c_str(), X_OK) != 0) {
            cannot_judge(std::string("cannot run ") + n.what + (n.path.empty() ? std::string() : " (" + n.path + ")") +
                         ": install the package " + n.package + " (on Debian and Ubuntu: apt-get install " + n.package +
                         "), then configure the build again");
            tools_ok = false;
        }
    }
    if (!tools_ok) return exit_status::not_judged;

    std::error_code ec;
    std::string dir_template = (fs::temp_directory_path(ec) / "cookiejar-policy-XXXXXX").string();
    const char* tmp = ::mkdtemp(dir_template.data());
    if (!tmp) {
        cannot_judge(std::string("cannot make a temporary folder: ") + std::strerror(errno));
        return exit_status::not_judged;
    }
    const fs::path scratch = tmp;

    // How the unit checks compile the file (C++20, the lesson's include directory, their
    // backend), without their warnings: only what the code is counts here.
    std::vector<std::string> compile = {"-x", "c++", "-std=c++20"};
    for (const auto& d : o_.defines) compile.push_back("-D" + d);
    compile.push_back("-I" + o_.include_dir.string());
    compile.push_back("-w");
    compile.push_back("-fno-caret-diagnostics");  // no echoed source lines among the tool's answers
    const std::string file = o_.file.string();

    // The lexer alone: no include directory or definitions (it does not preprocess), and no
    // warnings among its tokens.
    tool_run lex("the lexer",
                 {o_.clang, "-x", "c++", "-std=c++20", "-w", "-fsyntax-only", "-Xclang", "-dump-raw-tokens", file},
                 scratch, "lex");
    tool_run pp("the preprocessor", {o_.clang}, scratch, "pp");
    pp.argv.insert(pp.argv.end(), compile.begin(), compile.end());
    for (const char* a : {"-E", "-H", "-fshow-skipped-includes", "-o", "/dev/null"}) pp.argv.emplace_back(a);
    pp.argv.push_back(file);
    const query qs = build_query();
    tool_run ast("clang-query", {o_.clang_query, file}, scratch, "ast");
    for (const auto& c : qs.commands) {
        ast.argv.emplace_back("-c");
        ast.argv.push_back(c);
    }
    ast.argv.emplace_back("--");
    ast.argv.insert(ast.argv.end(), compile.begin(), compile.end());

    // The three run at once: clang-query's parse is the long one.
    for (tool_run* r : {&lex, &pp, &ast}) start(*r);
    for (tool_run* r : {&lex, &pp, &ast}) finish(*r);
    fs::remove_all(scratch, ec);

    for (const tool_run* r : {&lex, &pp, &ast}) {
        if (r->spawn_error != 0)
            cannot_judge("cannot run " + r->label + " (" + r->argv[0] + "): " + std::strerror(r->spawn_error));
        else if (r->status >= 128)
            cannot_judge(r->label + " (" + r->argv[0] + ") crashed (signal " + std::to_string(r->status - 128) +
                         "): " + last_lines(r->stderr_text, 6));
    }
    if (!found_.empty()) return exit_status::not_judged;

    // The lexer: the file's directives.
    std::string why;
    const auto tokens = read_raw_tokens(lex.stderr_text, file, src_, why);
    std::vector<directive> ds;
    bool conditionals = false;
    if (!tokens) {
        cannot_judge("the compiler's token dump could not be read back as the file (" + why + ")");
    } else {
        ds = read_directives(*tokens);
        conditionals = judge_directives(ds);
    }

    // The preprocessor: where the includes came from. Its errors first (a header not found).
    judge_compile_errors(pp.stderr_text, "the preprocessor (clang++ -E)");
    if (tokens) judge_includes(ds, pp, conditionals);

    // The AST. A matcher clang-query does not know (another version) is a failure to judge.
    if (ast.status != 0 && ast.stdout_text.find(" match") == std::string::npos) {
        cannot_judge("clang-query did not accept its matchers: " + last_lines(ast.stderr_text + ast.stdout_text, 6));
    } else {
        judge_compile_errors(ast.stderr_text, "clang-query (the compiler's parse)");
        judge_ast(ast, qs);
    }

    std::stable_sort(found_.begin(), found_.end(), [](const violation& a, const violation& b) { return a.line < b.line; });
    const bool judged = std::none_of(found_.begin(), found_.end(), [](const violation& v) { return v.broken == rule::tools; });
    if (!judged) return exit_status::not_judged;
    return found_.empty() ? exit_status::passed : exit_status::broken;
}

// ---------------------------------------------------------------- reporting ----

std::string promise_of(const violation& v) {
    std::string s = v.line ? "line " + std::to_string(v.line) + " " : std::string("the file ");
    if (v.broken == rule::tools) s = "";
    s += v.what;
    s += ": ";
    s += why_of(v.broken);
    return s;
}

// One finding as the console shows it (and the record's `report`): where, what, the line.
std::string report_of(const violation& v, const std::string& shown_file) {
    std::string s = "  " + shown_file + (v.line ? ":" + std::to_string(v.line) : std::string()) + ": " + v.what + "\n";
    if (!v.code.empty()) s += "      " + std::to_string(v.line) + " | " + v.code + "\n";
    return s;
}

// The console report: the findings rule by rule, each rule's reason said once.
void print_report(const std::vector<violation>& found, const std::string& shown_file) {
    for (const auto& r : rules) {
        bool any = false;
        for (const auto& v : found) {
            if (v.broken != r.id) continue;
            if (!any) std::printf("rule %s: %s\n", r.key, why_of(r.id));
            any = true;
            std::printf("%s", report_of(v, shown_file).c_str());
        }
        if (any) std::printf("  (found by %s)\n\n", [&] {
            for (const auto& v : found)
                if (v.broken == r.id) return v.found_by.c_str();
            return "";
        }());
    }
}

bool parse_options(int argc, char** argv, options& o, std::string& error) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= argc) return std::nullopt;
            return std::string(argv[++i]);
        };
        std::optional<std::string> v;
        if (a == "--help" || a == "-h") {
            error = "";
            return false;
        }
        if (!(v = value())) {
            error = std::string(a) + " needs a value";
            return false;
        }
        if (a == "--file") o.file = *v;
        else if (a == "--repository") o.repository = *v;
        else if (a == "--include-dir") o.include_dir = *v;
        else if (a == "--allow") o.allowed.push_back(*v);
        else if (a == "--clang-query") o.clang_query = *v;
        else if (a == "--clang") o.clang = *v;
        else if (a == "--define") o.defines.push_back(*v);
        else if (a == "--check-name") o.check_name = *v;
        else {
            error = "unknown option " + std::string(a);
            return false;
        }
    }
    if (o.file.empty() || o.repository.empty() || o.include_dir.empty() || o.allowed.empty()) {
        error = "--file, --repository, --include-dir and at least one --allow are required";
        return false;
    }
    return true;
}

constexpr const char* usage_text =
    "usage: policy_check --file <header> --repository <root> --include-dir <dir> --allow <header>...\n"
    "                    --clang-query <path> --clang <path> [--define NAME[=VALUE]]... [--check-name <sentence>]\n"
    "Judges a student's header against the course's rules (docs/how-the-checks-work.md, \"The policy check\").\n";

}  // namespace

int main(int argc, char** argv) {
    // First, as every check does: the record file and token leave the environment before
    // any tool starts.
    verdict::take_sink_from_environment();

    options o;
    std::string error;
    if (!parse_options(argc, argv, o, error)) {
        std::fprintf(stderr, "%s%s%s", error.c_str(), error.empty() ? "" : "\n", usage_text);
        return error.empty() ? exit_status::passed : exit_status::usage;
    }
    {
        std::string list;
        for (std::size_t i = 0; i < o.allowed.size(); ++i) list += (i ? ", <" : "<") + o.allowed[i] + ">";
        includes_why = "a jar may include only its lesson's headers (" + list +
                       ") and the C++ standard library's, as the compiler finds them";
    }

    judge j(o);
    const int status = j.run();
    const auto& found = j.violations();

    // The report.
    std::printf("cookiejar policy check of %s\n\n", j.shown_file().c_str());
    print_report(found, j.shown_file());
    std::set<std::string> broken;
    for (const auto& v : found) broken.insert(info_of(v.broken).key);
    if (status == exit_status::passed) {
        std::printf("PASSED: %s (%zu rules, each kept)\n", o.check_name.c_str(), j.rules_checked());
    } else if (status == exit_status::broken) {
        std::string keys;
        for (const auto& k : broken) keys += (keys.empty() ? "" : ", ") + k;
        std::printf("FAILED: %s: %zu finding(s), rule(s) %s.\n"
                    "docs/how-the-checks-work.md, \"The policy check\", says what each rule is for.\n",
                    o.check_name.c_str(), found.size(), keys.c_str());
    } else {
        std::printf("FAILED: the policy check could not judge the file (see above): a check that cannot judge "
                    "does not pass.\n");
    }
    std::fflush(stdout);

    // The record: one per broken rule, in the verdict's words.
    verdict::record r;
    r.check = o.check_name;
    r.of = verdict::analysis::policy;
    r.result = status == exit_status::passed ? verdict::outcome::passed : verdict::outcome::failed;
    r.ended = true;
    r.assertions_failed = static_cast<unsigned>(broken.size());
    r.assertions_passed = static_cast<unsigned>(j.rules_checked() - std::min(j.rules_checked(), broken.size()));
    for (const auto& v : found) {
        verdict::finding f;
        f.from = verdict::source::policy;
        f.bug_class = v.broken == rule::compiles ? verdict::bug::compile_error
                      : v.broken == rule::tools  ? verdict::bug::none
                                                 : verdict::bug::policy_violation;
        f.promise = promise_of(v);
        f.location = {j.shown_file(), v.line};
        f.expression = v.code;
        f.found_by = v.found_by;
        f.conclusion = info_of(v.broken).key;
        f.report = report_of(v, j.shown_file());
        r.findings.push_back(std::move(f));
    }
    verdict::write_record(r);
    verdict::write_run_record(1, status == exit_status::passed);
    return status;
}
