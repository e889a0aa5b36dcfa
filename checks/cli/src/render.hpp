#pragma once
// How findings and results look on a terminal. Plain text unless colour is asked for;
// the plain form is what the golden tests pin down.
#include <string>
#include <vector>

#include "results.hpp"

namespace cookiejar {

struct style {
  bool colour = false;
  [[nodiscard]] std::string red(const std::string& s) const;
  [[nodiscard]] std::string green(const std::string& s) const;
  [[nodiscard]] std::string yellow(const std::string& s) const;
  [[nodiscard]] std::string bold(const std::string& s) const;
  [[nodiscard]] std::string dim(const std::string& s) const;
};

// Colour when stdout is a terminal and NO_COLOR is unset.
[[nodiscard]] style terminal_style();

// One finding, as `check` prints it under its check:
//   what failed: ...
//   where:       lessons/02-lock/bounded_buffer.hpp:73
//   found by:    stress
//   looks like:  data race
//   <details, indented>
//   replay:      cookiejar replay 02 '...'
[[nodiscard]] std::string render_finding(const finding& f, const style& s = {});

// A lesson's whole result: the failed checks with their findings, then one summary line
// and the hint offer. Passed checks are counted, not listed.
[[nodiscard]] std::string render_result(const lesson_result& r, const style& s = {});

}  // namespace cookiejar
