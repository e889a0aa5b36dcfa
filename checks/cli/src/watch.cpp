// `cookiejar watch NN`: check, then check again whenever the lesson's files change.
#include <chrono>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "commands.hpp"

namespace cookiejar {

namespace fs = std::filesystem;

namespace {

// Every regular file of the folder with its modification time and size.
std::map<fs::path, std::pair<fs::file_time_type, std::uintmax_t>> snapshot(const fs::path& dir) {
  std::map<fs::path, std::pair<fs::file_time_type, std::uintmax_t>> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) files[it->path()] = {it->last_write_time(ec), it->file_size(ec)};
  }
  return files;
}

}  // namespace

int watch_command(const context& c, const std::string& number, int max_runs, double poll_seconds) {
  const auto lesson = find_lesson(c.run.repo, number);
  int runs = 0;
  int code = 0;
  auto seen = snapshot(lesson.lesson_dir);
  for (;;) {
    code = check_command(c, lesson.number, false);
    ++runs;
    if (max_runs > 0 && runs >= max_runs) return code;
    *c.out << c.look.dim(fmt::format("\nwatching {} for changes (Ctrl-C to stop) ...\n", lesson.lesson_dir.string()));
    c.out->flush();
    for (;;) {
      std::this_thread::sleep_for(std::chrono::duration<double>(poll_seconds));
      auto now = snapshot(lesson.lesson_dir);
      if (now != seen) {
        // Wait for the editor to finish writing: the folder must be still for one poll.
        std::this_thread::sleep_for(std::chrono::duration<double>(poll_seconds));
        seen = snapshot(lesson.lesson_dir);
        *c.out << "\nchanged; checking again.\n";
        break;
      }
    }
  }
}

}  // namespace cookiejar
