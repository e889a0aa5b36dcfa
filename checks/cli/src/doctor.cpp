// `cookiejar doctor`: is this machine ready for the course? Each tool is tried for real
// (the ThreadSanitizer check compiles and runs a racy program and requires the report).
#include <fstream>
#include <regex>

#include <unistd.h>

#include <cookiejar/verdict.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "process.hpp"

namespace cookiejar {

namespace fs = std::filesystem;

// The README's apt line (checks/tools/apt-packages.txt, passed in by the build).
const char* const course_apt_packages = COOKIEJAR_APT_PACKAGES;

tsan_probe judge_tsan_probe(int exit_code, const std::string& output, const std::string& source_name) {
  if (output.find("unexpected memory mapping") != std::string::npos ||
      output.find("FATAL: ThreadSanitizer") != std::string::npos)
    return {false, "the ThreadSanitizer runtime cannot start here (on some kernels: sudo sysctl vm.mmap_rnd_bits=28)",
            ""};
  if (exit_code != cj::verdict::exit_code::tsan_report && output.find("WARNING: ThreadSanitizer: data race") == std::string::npos)
    return {false, fmt::format("a racy test program was NOT flagged (exit code {})", exit_code), "libclang-rt-dev"};
  // A report whose frames read `<null> <null>` is no help to a student: ThreadSanitizer
  // found no llvm-symbolizer to turn addresses into file:line.
  const std::regex file_and_line(std::regex_replace(source_name, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                                 R"(:\d+)");
  if (!std::regex_search(output, file_and_line))
    return {false,
            fmt::format("a racy test program was flagged, but the report names no file and line (no {}:N): "
                        "ThreadSanitizer found no llvm-symbolizer",
                        source_name),
            "llvm"};
  return {true, fmt::format("a racy test program was flagged, at {} and its line", source_name), ""};
}

namespace {

struct verdict {
  bool ok = false;
  std::string what;     // shown after the name
  std::string install;  // the Debian package to install when not ok
};

int major_version(const std::string& text) {
  static const std::regex version(R"(version (\d+)\.(\d+))");
  std::smatch m;
  return std::regex_search(text, m, version) ? std::stoi(m[1]) * 100 + std::stoi(m[2]) : 0;
}

verdict check_compiler() {
  const auto r = run_process({"clang++", "--version"}, {.timeout_seconds = 20});
  if (r.exit_code != 0) return {false, "clang++ not found", "clang"};
  const int v = major_version(r.output);
  const auto first = r.output.substr(0, r.output.find('\n'));
  if (v < 1400) return {false, first + " (need 14 or newer)", "clang"};
  return {true, first, ""};
}

verdict check_tsan(const fs::path& scratch) {
  fs::create_directories(scratch);
  const auto source = scratch / "race.cpp";
  const auto program = scratch / "race";
  std::ofstream(source) << "#include <thread>\n"
                           "int shared = 0;\n"
                           "int main() {\n"
                           "  std::thread a([] { for (int i = 0; i < 1000; ++i) ++shared; });\n"
                           "  std::thread b([] { for (int i = 0; i < 1000; ++i) ++shared; });\n"
                           "  a.join(); b.join();\n"
                           "  return shared == -1;\n"
                           "}\n";
  const auto built = run_process({"clang++", "-std=c++20", "-fsanitize=thread", "-g", "-O1", source.string(), "-o",
                                  program.string()},
                                 {.timeout_seconds = 120});
  if (built.exit_code != 0)
    return {false, "clang++ cannot build with -fsanitize=thread (the runtime is missing)", "libclang-rt-dev"};
  // The doctor's own program, not a check: its exit code is ThreadSanitizer's, named once
  // in verdict.hpp, and the report it prints is the evidence either way.
  const int flagged = cj::verdict::exit_code::tsan_report;
  const auto ran = run_process({program.string()},
                               {.timeout_seconds = 60, .environment = {fmt::format("TSAN_OPTIONS=exitcode={}", flagged)}});
  const auto judged = judge_tsan_probe(ran.exit_code, ran.output, source.filename().string());
  return {judged.ok, judged.what, judged.install};
}

bool any_exists(std::initializer_list<const char*> paths) {
  std::error_code ec;
  for (const char* p : paths)
    if (fs::exists(p, ec)) return true;
  return false;
}

verdict check_cmake() {
  const auto r = run_process({"cmake", "--version"}, {.timeout_seconds = 20});
  if (r.exit_code != 0) return {false, "cmake not found", "cmake"};
  const auto first = r.output.substr(0, r.output.find('\n'));
  if (major_version(r.output) < 325) return {false, first + " (need 3.25 or newer for workflow presets)", "cmake"};
  return {true, first, ""};
}

}  // namespace

int doctor_command(const context& c) {
  auto& out = *c.out;
  const fs::path scratch = fs::temp_directory_path() / fmt::format("cookiejar-doctor-{}", ::getpid());
  struct item {
    std::string name;
    verdict v;
  };
  std::vector<item> items;
  items.push_back({"C++ compiler", check_compiler()});
  items.push_back({"ThreadSanitizer", items.back().v.ok ? check_tsan(scratch)
                                                      : verdict{false, "needs clang++ first", "libclang-rt-dev"}});
  items.push_back({"CMake", check_cmake()});
  items.push_back({"Ninja", find_program("ninja") ? verdict{true, "found", ""} : verdict{false, "not found", "ninja-build"}});
  items.push_back({"Catch2", any_exists({"/usr/include/catch2/catch.hpp", "/usr/include/catch2/catch_all.hpp",
                                         "/usr/local/include/catch2/catch.hpp",
                                         "/usr/local/include/catch2/catch_all.hpp"})
                                 ? verdict{true, "found", ""}
                                 : verdict{false, "not installed (the build would try to download it)", "catch2"}});
  items.push_back({"Relacy", any_exists({"/usr/include/relacy/relacy.hpp", "/usr/local/include/relacy/relacy.hpp"})
                                 ? verdict{true, "found", ""}
                                 : verdict{false, "not installed (the build would try to download it)", "relacy-dev"}});
  items.push_back({"git", find_program("git") ? verdict{true, "found (for `cookiejar list`)", ""}
                                              : verdict{false, "not found (`cookiejar list` uses it)", "git"}});
  std::error_code ec;
  fs::remove_all(scratch, ec);

  std::vector<std::string> packages;
  for (const auto& i : items) {
    const auto mark = i.v.ok ? c.look.green("ok     ") : c.look.red("MISSING");
    out << fmt::format("{} {:<16} {}\n", mark, i.name, i.v.what);
    if (!i.v.ok && !i.v.install.empty()) packages.push_back(i.v.install);
  }
  bool all_ok = true;
  for (const auto& i : items) all_ok = all_ok && i.v.ok;
  if (all_ok) {
    out << "\nEverything the course needs is here.\n";
    return 0;
  }
  if (!packages.empty()) {
    std::string line;
    for (const auto& p : packages) line += " " + p;
    out << "\nTo install what is missing (Debian 12, Debian 13, Ubuntu 24.04):\n  sudo apt-get install" << line
        << "\nEverything the course uses, in one line (the README's):\n  sudo apt-get install " << course_apt_packages
        << "\n";
  }
  return 1;
}

}  // namespace cookiejar
