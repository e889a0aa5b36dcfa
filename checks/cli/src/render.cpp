#include "render.hpp"

#include <cstdlib>
#include <set>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>

namespace cookiejar {

namespace {
std::string wrap(bool on, const char* code, const std::string& s) {
  return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
}
std::string indent(const std::string& text, const std::string& by) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) out += line.empty() ? "\n" : by + line + "\n";
  return out;
}
}  // namespace

std::string style::red(const std::string& s) const { return wrap(colour, "31", s); }
std::string style::green(const std::string& s) const { return wrap(colour, "32", s); }
std::string style::yellow(const std::string& s) const { return wrap(colour, "33", s); }
std::string style::bold(const std::string& s) const { return wrap(colour, "1", s); }
std::string style::dim(const std::string& s) const { return wrap(colour, "2", s); }

style terminal_style() {
  const char* no_colour = std::getenv("NO_COLOR");
  return {::isatty(1) == 1 && (no_colour == nullptr || *no_colour == '\0')};
}

std::string render_finding(const finding& f, const style& s) {
  std::string out;
  out += fmt::format("  what failed: {}\n", s.bold(f.property));
  if (!f.location.empty()) out += fmt::format("  where:       {}\n", f.location);
  out += fmt::format("  found by:    {}\n", cj::verdict::key_of(f.found_by));
  if (f.bug_class != bug::none) out += fmt::format("  looks like:  {}\n", s.yellow(words_of(f.bug_class)));
  if (!f.details.empty()) out += "\n" + indent(f.details, "    ");
  if (!f.replay.empty()) out += fmt::format("\n  replay it:   {}\n", f.replay);
  return out;
}

std::string render_result(const lesson_result& r, const style& s) {
  std::string out;
  if (r.build != build_state::built) {
    out += s.red(fmt::format("lesson {} does not build", r.number)) + "\n";
    if (r.build_error) out += render_finding(*r.build_error, s);
    out += fmt::format("\nFix this first: no check can run until the lesson compiles. Stuck? cookiejar hint {}\n",
                       r.number);
    return out;
  }
  std::size_t passed = 0;
  std::set<std::string> classes, shown;
  for (const auto& c : r.checks) {
    if (c.status == check_status::passed) {
      ++passed;
      continue;
    }
    out += "\n" + s.red(fmt::format("✗ {}", c.sentence)) + s.dim(fmt::format("  [{}, {}]", kind_of(c), key_of(c.status))) + "\n";
    for (const auto& f : c.findings) {
      // The same problem in several checks is explained once.
      const auto key = f.property + "\n" + f.location;
      if (!shown.insert(key).second) {
        out += fmt::format("  what failed: {} (as above)\n", f.property);
        if (!f.replay.empty()) out += fmt::format("  replay it:   {}\n", f.replay);
        continue;
      }
      out += render_finding(f, s);
      if (f.bug_class != bug::none) classes.insert(words_of(f.bug_class));
    }
  }
  const auto total = r.checks.size();
  if (passed == total) {
    out += s.green(fmt::format("lesson {}: all {} checks pass.", r.number, total)) + "\n";
  } else {
    out += "\n" + s.bold(fmt::format("lesson {}: {} of {} checks pass.", r.number, passed, total));
    if (!classes.empty()) {
      std::string list;
      for (const auto& c : classes) list += (list.empty() ? "" : "; ") + c;
      out += " Bugs this looks like: " + list + ".";
    }
    out += fmt::format("\nStuck? cookiejar hint {} shows the next hint.\n", r.number);
  }
  return out;
}

}  // namespace cookiejar
