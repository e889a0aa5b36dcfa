#pragma once
// Running a program and collecting what it printed, with a time limit. What it printed
// is kept within a bound (its head and its tail, detail/bounded_output.hpp): a program
// that prints without end costs the command neither memory nor time.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cookiejar {

struct process_result {
  int exit_code = 0;       // the program's exit status; 128 + N when signal N ended it; 127 when it could not start
  bool timed_out = false;  // the time limit ended it (its whole process group was killed)
  double seconds = 0;
  std::string output;      // stdout and stderr, interleaved as written; when more than twice
                           // keep_bytes came, the first and last keep_bytes with a line between
                           // them saying how much was cut
  std::size_t output_bytes = 0;  // everything it printed
  [[nodiscard]] bool output_cut() const { return output_bytes > output.size(); }
};

// How much of a program's output is kept by default: 1 MiB of its head and 1 MiB of its
// tail. A compiler's first error is in the head, a check's verdict line in the tail.
inline constexpr std::size_t default_keep_bytes = std::size_t{1} << 20;

struct process_options {
  std::filesystem::path working_directory{};        // empty: the current one
  double timeout_seconds = 0;                       // 0: no limit
  std::vector<std::string> environment{};           // "NAME=value" added to this process's environment
  bool pass_through = false;                        // inherit stdout/stderr instead of capturing
  bool pass_stdin = false;                          // inherit stdin (else /dev/null)
  std::size_t keep_bytes = default_keep_bytes;      // of the output's head, and of its tail
};

// Runs argv[0] (looked up on PATH) with argv. Never throws for the program's own
// failure; a program that cannot be started gives exit_code 127 and a message in output.
// The child runs in its own process group, so a timeout ends its children too.
[[nodiscard]] process_result run_process(const std::vector<std::string>& argv, const process_options& options = {});

// The first program named `name` on PATH, or nothing.
[[nodiscard]] std::optional<std::filesystem::path> find_program(const std::string& name);

}  // namespace cookiejar
