#include "translate.hpp"
#include "text.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include <cookiejar/detail/verdict_render.hpp>
#include <fmt/format.h>

namespace cookiejar {

namespace fs = std::filesystem;
namespace verdict = cj::verdict;
using verdict::source;

namespace {

// ------------------------------------------------------------------ text ----

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first line of `text`, trimmed, without the ':' that announces the lines after it.
std::string headline(const std::string& text) {
  const auto lines = lines_of(text);
  auto line = lines.empty() ? std::string() : trim(lines.front());
  if (!line.empty() && line.back() == ':') line.pop_back();
  return line;
}

// Every line of `text` without its first `n` characters of indentation.
std::string dedent(const std::string& text, std::size_t n) {
  std::string out;
  for (const auto& line : lines_of(text)) out += (line.compare(0, n, std::string(n, ' ')) == 0 ? line.substr(n) : line) + "\n";
  return out;
}

std::string where(const verdict::place& p) { return p.line > 0 ? fmt::format("{}:{}", p.file, p.line) : p.file; }

// The repository the lesson lives in: records name files relative to it.
fs::path repo_of(const lesson_info& lesson) { return lesson.lesson_dir.parent_path().parent_path(); }

// One line of a repository file, trimmed; empty when it cannot be read.
std::string source_line(const lesson_info& lesson, const verdict::place& p) {
  if (!p.known()) return "";
  std::ifstream in(repo_of(lesson) / p.file);
  std::string text;
  for (unsigned n = 1; n <= p.line && std::getline(in, text); ++n)
    if (n == p.line) return trim(text);
  return "";
}

// The mutex a line of the student's code names: the member a lock guard or a lock() call
// takes ("std::lock_guard<cj::mutex> lock(mutex_);", "mutex_.lock();"), or the one it
// declares ("cj::mutex mutex_;"). ThreadSanitizer knows mutexes by number only.
std::string mutex_member(const std::string& code) {
  static const std::regex named(
      R"((?:lock_guard|unique_lock|scoped_lock)\s*(?:<[^>]*>)?\s*\w*\s*[({]\s*(\w+)|(\w+)\s*(?:\.|->)\s*(?:try_)?lock\s*\(|mutex\s+(\w+)\s*[;{(])");
  std::smatch m;
  if (!std::regex_search(code, m, named)) return "";
  for (int i = 1; i <= 3; ++i)
    if (m[i].matched) return m[i];
  return "";
}

// Identifiers ending in '_' (the course's members) in a line of code.
std::vector<std::string> members_in(const std::string& code) {
  static const std::regex member(R"(\b([a-z][a-z0-9_]*_)\b)");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), member); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// ------------------------------------------------------------------ model and schedule ----

// The report's body below "what went wrong": what the promise's own lines list (the
// calls and their results), who waits for what, how the schedule was found, the table
// of steps (rendered by verdict_render.hpp, as the check printed it) and what came last.
std::string schedule_details(const verdict::finding& f, const std::string& promise_rest) {
  std::string d = promise_rest;
  for (const auto& w : f.waits) d += verdict::render_wait(w) + "\n";
  if (!f.found_by.empty()) d += f.found_by + "\n";
  if (!f.steps.empty()) {
    const char* heading = f.from == source::schedule
                              ? "the steps (time runs down; one task runs at a time; @N is a line of"
                              : "the interleaving (time runs down; @N is a line of";
    d += dedent(verdict::render_steps(f, heading), 2);
  }
  if (!f.conclusion.empty()) d += "then: " + f.conclusion + "\n";
  return d;
}

// ------------------------------------------------------------------ waits ----

// A watchdog's or the relock detector's wait-for picture, one line per thread, and what
// it means when a thread holds what others wait for while it waits itself.
std::string wait_picture(const verdict::finding& f) {
  std::string d, meaning;
  for (const auto& w : f.waits) {
    if (w.action == "runs") {
      d += w.thread + " is not blocked in a cj:: call (it may be spinning, or waiting for something else)\n";
      continue;
    }
    if (w.action == "lock" && !w.holder.empty() && w.holder == w.thread) {  // the relock detector's one edge
      d += fmt::format("locked at   {} and not unlocked since\n", where(w.held_at));
      d += fmt::format("locked again at {} by the same thread\n", where(w.at));
      meaning += fmt::format("some path out of the call that locked it at line {} returns without unlocking. "
                             "A std::lock_guard unlocks on every way out.\n",
                             w.held_at.line);
      continue;
    }
    const std::string verb = w.action == "lock"      ? "waits to lock"
                             : w.action == "wait"    ? "waits on"
                             : w.action == "acquire" ? "waits to acquire"
                                                     : w.action;
    const std::string why = w.action == "wait"      ? " (for a notify that has not come)"
                            : w.action == "acquire" ? " (its count is 0)"
                                                    : "";
    d += fmt::format("{} {} {} at {}{}\n", w.thread, verb, w.object, where(w.at), why);
    if (w.holder.empty()) continue;
    d += fmt::format("    {} is held by {}, locked at {}\n", w.object, w.holder, where(w.held_at));
    if (w.holder_finished) d += fmt::format("    {} has finished: it returned without unlocking\n", w.holder);
    for (const auto& h : f.waits) {
      if (h.thread != w.holder || h.action == "runs" || &h == &w) continue;
      const std::string sentence = fmt::format(
          "{} holds {} (locked at {}) while it waits to {} {} at line {}: the threads that could end that wait need {} "
          "first.\n",
          w.holder, w.object, where(w.held_at), h.action == "wait" ? "be woken on" : h.action, h.object, h.at.line,
          w.object);
      if (meaning.find(sentence) == std::string::npos) meaning += sentence;
    }
  }
  if (!meaning.empty()) d += "What it means: " + meaning;
  return d;
}

// "4 threads blocked forever: producer 0, producer 1, consumer 0, consumer 1".
std::string blocked_threads(const verdict::finding& f) {
  std::vector<std::string> blocked;
  for (const auto& w : f.waits)
    if (w.action != "runs" && std::find(blocked.begin(), blocked.end(), w.thread) == blocked.end())
      blocked.push_back(w.thread);
  if (blocked.empty()) return "";
  std::string who;
  for (const auto& b : blocked) who += (who.empty() ? "" : ", ") + b;
  return fmt::format("{} thread{} blocked forever: {}", blocked.size(), blocked.size() == 1 ? "" : "s", who);
}

// ------------------------------------------------------------------ ThreadSanitizer ----

std::string verb(bool write, bool past) { return write ? (past ? "wrote" : "writes") : (past ? "read" : "reads"); }

// A data race from its two accesses: which thread did what at which line of the
// student's file, holding which mutex (named from the line it was made at).
void race(const verdict::finding& f, const lesson_info& lesson, finding& out) {
  const auto& now = f.accesses[0];
  const auto& before = f.accesses[1];
  // ThreadSanitizer's record lists no lock for either access when it could not tell
  // which held which, and says so in a message: then say nothing about locks.
  const bool locks_known = !(now.locks.empty() && before.locks.empty() && !f.messages.empty());
  const auto holding = [&](const verdict::memory_access& a) {
    if (!locks_known) return std::string();
    if (a.locks.empty()) return std::string(" holding no lock");
    std::string text = " holding ";
    for (std::size_t i = 0; i < a.locks.size(); ++i) {
      const auto name = mutex_member(source_line(lesson, a.locks[i].created_at));
      text += (i ? " and " : "") + (name.empty() ? "mutex " + a.locks[i].id : name);
    }
    return text;
  };
  const auto fn = [](const verdict::memory_access& a) { return a.function.empty() ? std::string("(outside your file)") : a.function; };
  const auto code_now = source_line(lesson, now.at);
  const auto code_before = source_line(lesson, before.at);
  // The variable: a member named on both lines (else the first on the current one).
  std::string variable;
  const auto members_now = members_in(code_now);
  const auto members_before = members_in(code_before);
  for (const auto& m : members_now)
    if (variable.empty() && std::find(members_before.begin(), members_before.end(), m) != members_before.end()) variable = m;
  if (variable.empty() && !members_now.empty()) variable = members_now.front();
  const std::string what = variable.empty() ? "the same memory" : variable;

  out.property = fmt::format("a data race on {}: {} {} it{}, while {} {} it{}", what, fn(now), verb(now.write, false),
                             holding(now), fn(before), verb(before.write, false), holding(before));
  std::string d;
  for (const auto* a : {&now, &before}) {
    d += fmt::format("{} {} {} in {} at {}{}:\n", a->thread, verb(a->write, a == &before), what, fn(*a), where(a->at),
                     holding(*a).empty() ? "" : "," + holding(*a));
    if (const auto& code = a == &now ? code_now : code_before; !code.empty()) d += "    " + code + "\n";
  }
  for (const auto& m : f.messages) d += m + "\n";
  std::string meaning;
  if (!locks_known) {
    meaning = fmt::format("{} and {} touch {} at the same time, and nothing orders them.", fn(now), fn(before), what);
  } else if (now.locks.empty() != before.locks.empty()) {
    const auto& bare = now.locks.empty() ? now : before;
    const auto& locked = now.locks.empty() ? before : now;
    meaning = fmt::format("{} {} {} at line {} holding no lock, while {} {} it at line {}{}: {} can see a half-done {}.",
                          fn(bare), verb(bare.write, false), what, bare.at.line, fn(locked), verb(locked.write, false),
                          locked.at.line, holding(locked), fn(bare), fn(locked));
  } else if (now.locks.empty()) {
    meaning = fmt::format("neither {} nor {} holds a lock when it touches {}: nothing stops them running at once.",
                          fn(now), fn(before), what);
  } else {
    meaning = fmt::format("{} and {} hold different locks, and a lock only keeps out threads that take the same one.",
                          fn(now), fn(before));
  }
  out.details = d + "What it means: " + meaning + "\n";
}

// A lock-order inversion from its cycle: edge i locks its mutex while holding the one
// edge i-1 locked. Each mutex is named from the line that locks it.
void lock_order(const verdict::finding& f, const lesson_info& lesson, finding& out) {
  std::vector<std::string> names;
  for (const auto& w : f.waits) {
    const auto name = mutex_member(source_line(lesson, w.at));
    names.push_back(name.empty() ? "mutex " + w.object : name);
  }
  out.property = "two locks are taken in opposite orders: two threads can each hold one and wait for the other forever";
  std::string d;
  for (std::size_t i = 0; i < f.waits.size(); ++i) {
    const auto& w = f.waits[i];
    d += fmt::format("{} locks {} while holding {}", w.thread, names[i], names[(i + names.size() - 1) % names.size()]);
    if (const auto code = source_line(lesson, w.at); !code.empty())
      d += fmt::format(", at {}:\n    {}\n", where(w.at), code);
    else
      d += w.at.known() ? fmt::format(", at {}\n", where(w.at)) : "\n";
  }
  d += "What it means: if both threads get their first lock at the same moment, each waits forever for the lock the "
       "other holds. Take the locks in one fixed order everywhere (or both at once with std::scoped_lock).\n";
  out.details = d;
}

// ------------------------------------------------------------------ assertions ----

std::string assertion_details(const verdict::finding& f) {
  std::string d;
  if (f.check_location.known()) d += fmt::format("the check at {}\n", where(f.check_location));
  if (!f.expression.empty()) d += "    " + f.expression + "\n";
  if (!f.expansion.empty()) d += "with expansion:\n    " + f.expansion + "\n";
  if (!f.messages.empty()) d += f.messages.size() == 1 ? "with message:\n" : "with messages:\n";
  for (const auto& m : f.messages)
    for (const auto& line : lines_of(m)) d += "    " + line + "\n";
  return d;
}

std::string messages_of(const verdict::finding& f) {
  std::string d;
  for (const auto& m : f.messages) d += m + "\n";
  return d;
}

}  // namespace

std::string replay_command_of(const std::string& replay, const std::string& sentence, const lesson_info& lesson) {
  return fmt::format("cookiejar replay {} {}", lesson.number, shell_quote(replay + "@" + sentence));
}

finding translate_finding(const verdict::finding& f, analysis found_by, const check_result& check,
                          const lesson_info& lesson) {
  finding out;
  out.found_by = found_by;
  out.bug_class = f.bug_class;
  out.location = f.location.known() ? where(f.location) : "";
  // The promise's first line is what failed; a model checker lists the calls and their
  // results on the lines after it, which belong with the details.
  const auto lines = lines_of(f.promise);
  out.property = headline(f.promise);
  std::string rest;
  for (std::size_t i = 1; i < lines.size(); ++i) rest += trim(lines[i]) + "\n";

  switch (f.from) {
    case source::model:
    case source::schedule:
      out.details = schedule_details(f, rest);
      if (!f.replay.empty()) out.replay = replay_command_of(f.replay, check.sentence, lesson);
      break;
    case source::watchdog:
    case source::deadlock:
    case source::relock:
      if (f.from == source::watchdog || f.from == source::deadlock)
        if (auto blocked = blocked_threads(f); !blocked.empty()) out.property = blocked;
      out.details = rest + wait_picture(f);
      break;
    case source::tsan:
      if (f.accesses.size() >= 2) {
        race(f, lesson, out);
      } else if (!f.waits.empty()) {
        lock_order(f, lesson, out);
      } else {
        out.details = rest + messages_of(f);
      }
      break;
    case source::stress:
      out.details = f.found_by + ":\n";
      for (const auto& m : f.messages) out.details += "  - " + m + "\n";
      break;
    case source::assertion:
    case source::exception:
      // REQUIRE(problem.empty()) says only "false": the check's message says what failed.
      if ((f.expansion == "false" || f.expansion == "true") && !f.messages.empty())
        out.property = headline(f.messages.front());
      out.details = rest + assertion_details(f);
      break;
    case source::policy:
    case source::runner:
      out.details = rest + messages_of(f);
      break;
  }
  if (out.property.empty()) out.property = "the check failed";
  return out;
}

std::vector<finding> translate_no_verdict(const std::string& problem, const std::string& output, analysis found_by) {
  finding f;
  f.found_by = found_by;
  f.property = problem;
  f.details = last_lines(output, 15);
  return {f};
}

std::vector<finding> translate(const verdict::run_verdict& v, const check_result& check, const lesson_info& lesson) {
  if (v.passed()) return {};
  std::vector<finding> all;
  bool lost = false;
  for (const auto& r : v.records)
    for (const auto& f : r.findings) {
      all.push_back(translate_finding(f, r.of, check, lesson));
      lost = lost || f.bug_class == verdict::bug::lost_items;
    }
  // A stress run that both lost cookies and overfilled the jar: its puts overwrote them.
  for (auto& f : all)
    if (lost && f.bug_class == verdict::bug::capacity_exceeded && f.found_by == analysis::stress)
      f.details += "What it means: puts succeeded on a full jar and overwrote cookies, so the look (is there room?) "
                   "and the put were not one step. The model checks show the interleaving.\n";
  // One finding per distinct problem is enough for a student, and three are plenty.
  std::vector<finding> unique;
  for (auto& f : all) {
    const bool seen = std::any_of(unique.begin(), unique.end(), [&](const finding& u) {
      return u.bug_class == f.bug_class && u.location == f.location && (u.bug_class != verdict::bug::none || u.property == f.property);
    });
    if (!seen && unique.size() < max_findings_per_check) unique.push_back(std::move(f));
  }
  if (unique.empty()) {
    // The records name no problem (the process ended before any record, or crashed):
    // the runner's reason, and the end of what the check printed.
    finding f;
    f.found_by = check.of;
    f.property = v.reason.empty() ? fmt::format("the check {}", key_of(check.status)) : v.reason;
    if (check.status == check_status::crashed) f.bug_class = verdict::bug::crash;
    if (check.status == check_status::ended_early) f.bug_class = verdict::bug::process_ended;
    f.details = last_lines(v.output_tail.empty() ? v.output_head : v.output_tail, 15);
    unique.push_back(std::move(f));
  }
  return unique;
}

std::optional<finding> translate_build_error(const std::string& build_output, const lesson_info& lesson) {
  // clang's and g++'s "file:line:column: error: message" (and the notes that follow it).
  static const std::regex diagnostic(R"(^(\S+?):(\d+):(\d+): (fatal error|error|note): (.*)$)");
  const std::string repo = repo_of(lesson).string() + "/";
  const auto relative = [&](std::string path) {
    if (path.rfind(repo, 0) == 0) return path.substr(repo.size());
    for (const char* root : {"/lessons/", "/solutions/", "/checks/"})
      if (const auto at = path.rfind(root); at != std::string::npos) return path.substr(at + 1);
    return path;
  };
  const auto lines = lines_of(build_output);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_search(lines[i], m, diagnostic) || m[4] == "note") continue;
    finding f;
    f.found_by = analysis::build;
    f.bug_class = verdict::bug::compile_error;
    const std::string path = relative(m[1]);
    f.location = fmt::format("{}:{}", path, m[2].str());
    f.property = m[5];
    std::string d = fmt::format("{}:{}:{}: error: {}\n", path, m[2].str(), m[3].str(), m[5].str());
    // The code and the caret under it; notes that follow belong to the same error.
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      const auto& l = lines[j];
      std::smatch n;
      if (std::regex_search(l, n, diagnostic)) {
        if (n[4] != "note") break;
        d += fmt::format("{}:{}:{}: note: {}\n", relative(n[1]), n[2].str(), n[3].str(), n[5].str());
        continue;
      }
      if (l.rfind("In file included", 0) == 0 || l.rfind("[", 0) == 0 || l.rfind("FAILED:", 0) == 0 ||
          l.rfind("ninja:", 0) == 0 || l.find(" error generated") != std::string::npos ||
          l.find(" errors generated") != std::string::npos)
        break;
      d += l + "\n";
    }
    f.details = d;
    return f;
  }
  return std::nullopt;
}

}  // namespace cookiejar
