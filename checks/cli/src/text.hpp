#pragma once
// Small text helpers the commands share.
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace cookiejar {

// The whole file, byte for byte; nothing when it cannot be opened or read.
[[nodiscard]] inline std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

// The last `count` lines of `text` (where a program that failed says why); all of it
// when it has no more.
[[nodiscard]] inline std::string last_lines(const std::string& text, std::size_t count) {
  std::size_t start = text.size();
  if (start > 0 && text[start - 1] == '\n') --start;  // the newline that ends the text ends the last line
  for (std::size_t n = 0; n < count; ++n) {
    const auto at = start == 0 ? std::string::npos : text.rfind('\n', start - 1);
    if (at == std::string::npos) return text;
    start = at;
  }
  return text.substr(start + 1);
}

// A POSIX shell word: 'text', with each ' written as '\''.
[[nodiscard]] inline std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace cookiejar
