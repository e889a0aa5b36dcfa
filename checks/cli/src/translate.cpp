#include "translate.hpp"
#include "text.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace cookiejar {

namespace fs = std::filesystem;

namespace {

// ------------------------------------------------------------------ text ----

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::string join(const std::vector<std::string>& lines, const std::string& indent = "") {
  std::string out;
  for (const auto& l : lines) out += indent + l + "\n";
  return out;
}

// The repository the lesson lives in: paths in reports are relative to it.
fs::path repo_of(const lesson_info& lesson) { return lesson.lesson_dir.parent_path().parent_path(); }

// Is this repository-relative path a file of the student's (or a stand-in for it)?
bool is_student_file(const std::string& path) {
  return starts_with(path, "lessons/") || starts_with(path, "solutions/") ||
         (starts_with(path, "checks/") && contains(path, "/mutants/"));
}

// One line of a repository file, trimmed; empty when it cannot be read.
std::string source_line(const lesson_info& lesson, const std::string& path, int line) {
  std::ifstream in(repo_of(lesson) / path);
  std::string text;
  for (int n = 1; n <= line && std::getline(in, text); ++n) {
    if (n == line) return trim(text);
  }
  return "";
}

// "lessons/02-lock/bounded_buffer.hpp:73:16" -> path + line.
struct place {
  std::string path;
  int line = 0;
  [[nodiscard]] std::string text() const { return line > 0 ? fmt::format("{}:{}", path, line) : path; }
};

// The member function a stack frame is in: "lesson02::bounded_buffer<T>::size() const" -> "size()".
std::string function_of(const std::string& frame_function) {
  // The name before the last top-level '(' of the signature.
  int depth = 0;
  std::size_t open = std::string::npos;
  for (std::size_t i = 0; i < frame_function.size(); ++i) {
    const char c = frame_function[i];
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if (c == '(' && depth == 0) {
      open = i;
      break;
    }
  }
  if (open == std::string::npos) return frame_function;
  std::size_t start = frame_function.rfind("::", open);
  start = start == std::string::npos ? 0 : start + 2;
  return frame_function.substr(start, open - start) + "()";
}

// ------------------------------------------------------------- ThreadSanitizer ----

struct frame {
  std::string function;
  place where;
};

// "    #5 lesson02::...::try_put(...) lessons/02-lock/bounded_buffer.hpp:40:36 (exe+0x1)"
std::optional<frame> parse_frame(const std::string& line) {
  static const std::regex pattern(R"(^\s*#\d+ (.*) ([^ :]+):(\d+)(?::\d+)? \()");
  std::smatch m;
  if (!std::regex_search(line, m, pattern)) return std::nullopt;
  return frame{m[1], {m[2], std::stoi(m[3])}};
}

// The stack that starts after line `from`: its frames until a blank line.
std::vector<frame> stack_after(const std::vector<std::string>& lines, std::size_t from) {
  std::vector<frame> frames;
  for (std::size_t i = from + 1; i < lines.size() && !trim(lines[i]).empty(); ++i) {
    if (auto f = parse_frame(lines[i])) frames.push_back(*f);
  }
  return frames;
}

std::optional<frame> first_student_frame(const std::vector<frame>& frames) {
  for (const auto& f : frames)
    if (is_student_file(f.where.path)) return f;
  return std::nullopt;
}

// The member a lock line names: "std::lock_guard<cj::mutex> lock(mutex_);" -> "mutex_",
// "mutex_.lock();" -> "mutex_".
std::string mutex_member(const std::string& code) {
  static const std::regex guard(R"((?:lock_guard|unique_lock|scoped_lock)\s*(?:<[^>]*>)?\s*\w*\s*[({]\s*(\w+))");
  static const std::regex call(R"((\w+)\s*(?:\.|->)\s*(?:lock|try_lock)\s*\()");
  std::smatch m;
  if (std::regex_search(code, m, guard)) return m[1];
  if (std::regex_search(code, m, call)) return m[1];
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

struct access {
  std::string kind;    // "Read" / "Write" / "Atomic write" ...
  std::string thread;  // "T7" or "main thread"
  std::vector<std::string> mutexes;  // "M0"
  std::vector<frame> stack;
};

std::string thread_label(const std::string& tsan_thread, const std::map<std::string, std::string>& names) {
  const auto it = names.find(tsan_thread);
  if (it != names.end()) return fmt::format("{} ({})", it->second, tsan_thread);
  return tsan_thread;
}

std::string verb(const std::string& kind, bool past) {
  const bool write = contains(kind, "rite");
  if (past) return write ? "wrote" : "read";
  return write ? "writes" : "reads";
}

finding translate_tsan_race(const std::vector<std::string>& lines, const lesson_info& lesson) {
  static const std::regex header(
      R"(^  (Previous )?([A-Za-z ]*?(?:read|write|Read|Write)) of size \d+ at 0x[0-9a-f]+ by (main thread|thread T\d+)(?: \(mutexes: ([^)]*)\))?:)");
  static const std::regex mutex_created(R"(^  Mutex (M\d+) \(0x[0-9a-f]+\) created at:)");
  static const std::regex thread_name(R"(^  Thread (T\d+) '([^']*)')");
  std::vector<access> accesses;
  std::map<std::string, std::string> mutex_names, thread_names;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (std::regex_search(lines[i], m, header)) {
      access a;
      a.kind = m[2];
      a.thread = m[3] == "main thread" ? "main thread" : std::string(m[3]).substr(7);
      std::string held = m[4];
      static const std::regex id(R"(M\d+)");
      for (auto it = std::sregex_iterator(held.begin(), held.end(), id); it != std::sregex_iterator(); ++it)
        a.mutexes.push_back(it->str());
      a.stack = stack_after(lines, i);
      accesses.push_back(std::move(a));
    } else if (std::regex_search(lines[i], m, mutex_created)) {
      if (auto f = first_student_frame(stack_after(lines, i))) {
        const auto member = mutex_member(source_line(lesson, f->where.path, f->where.line));
        if (!member.empty()) mutex_names[m[1]] = member;
      }
    } else if (std::regex_search(lines[i], m, thread_name)) {
      thread_names[m[1]] = m[2];
    }
  }
  if (thread_names.find("main thread") == thread_names.end()) thread_names["main thread"] = "the check's main thread";

  finding f;
  f.analysis = "stress";
  f.bug_class = "data race";
  if (accesses.size() < 2) {
    f.property = "a data race: two threads touch the same memory at once, and nothing orders them";
    f.details = "ThreadSanitizer's report could not be read in full; run the check with --verbose to see it.\n";
    return f;
  }
  const auto& now = accesses[0];
  const auto& before = accesses[1];
  const auto fn = [&](const access& a) {
    const auto s = first_student_frame(a.stack);
    return s ? function_of(s->function) : std::string("(outside your file)");
  };
  const auto where = [&](const access& a) -> place {
    const auto s = first_student_frame(a.stack);
    return s ? s->where : place{};
  };
  const auto holding = [&](const access& a) {
    if (a.mutexes.empty()) return std::string("holding no lock");
    std::string out = "holding ";
    for (std::size_t i = 0; i < a.mutexes.size(); ++i) {
      const auto it = mutex_names.find(a.mutexes[i]);
      out += (i ? " and " : "") + (it != mutex_names.end() ? it->second : "mutex " + a.mutexes[i]);
    }
    return out;
  };
  // The variable: a member named on both lines (else on the current access's line).
  const auto code_now = source_line(lesson, where(now).path, where(now).line);
  const auto code_before = source_line(lesson, where(before).path, where(before).line);
  std::string variable;
  const auto members_now = members_in(code_now);
  const auto members_before = members_in(code_before);
  for (const auto& a : members_now)
    if (std::find(members_before.begin(), members_before.end(), a) != members_before.end()) {
      variable = a;
      break;
    }
  if (variable.empty() && !members_now.empty()) variable = members_now.front();
  const std::string what = variable.empty() ? "the same memory" : variable;

  f.property = fmt::format("a data race on {}: {} {} it {}, while {} {} it {}", what, fn(now), verb(now.kind, false),
                           holding(now), fn(before), verb(before.kind, false), holding(before));
  f.location = where(now).text();
  std::string d;
  d += fmt::format("{} {} {} in {} at {}, {}:\n", thread_label(now.thread, thread_names), verb(now.kind, false), what,
                   fn(now), where(now).text(), holding(now));
  if (!code_now.empty()) d += "    " + code_now + "\n";
  d += fmt::format("{} {} {} in {} at {}, {}:\n", thread_label(before.thread, thread_names),
                   verb(before.kind, true), what, fn(before), where(before).text(), holding(before));
  if (!code_before.empty()) d += "    " + code_before + "\n";
  // One sentence on what it means.
  std::string meaning;
  if (now.mutexes.empty() != before.mutexes.empty()) {
    const auto& bare = now.mutexes.empty() ? now : before;
    const auto& locked = now.mutexes.empty() ? before : now;
    meaning = fmt::format("{} {} {} at line {} holding no lock, while {} {} it at line {} {}: {} can see a half-done {}.",
                          fn(bare), verb(bare.kind, false), what, where(bare).line, fn(locked),
                          verb(locked.kind, false), where(locked).line, holding(locked), fn(bare), fn(locked));
  } else if (now.mutexes.empty()) {
    meaning = fmt::format("neither {} nor {} holds a lock when it touches {}: nothing stops them running at once.",
                          fn(now), fn(before), what);
  } else {
    meaning = fmt::format("{} and {} hold different locks, and a lock only keeps out threads that take the same one.",
                          fn(now), fn(before));
  }
  d += "What it means: " + meaning + "\n";
  f.details = d;
  return f;
}

finding translate_tsan_lock_order(const std::vector<std::string>& lines, const lesson_info& lesson) {
  static const std::regex acquired(R"(^  Mutex (M\d+) acquired here while holding mutex (M\d+) in (main thread|thread T\d+):)");
  static const std::regex thread_name(R"(^  Thread (T\d+) '([^']*)')");
  struct edge {
    std::string acquired, held, thread;
    std::optional<frame> at;
  };
  std::vector<edge> edges;
  std::map<std::string, std::string> names, thread_names;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (std::regex_search(lines[i], m, acquired)) {
      edge e{m[1], m[2], m[3] == "main thread" ? "main thread" : std::string(m[3]).substr(7), std::nullopt};
      e.at = first_student_frame(stack_after(lines, i));
      if (e.at) {
        const auto member = mutex_member(source_line(lesson, e.at->where.path, e.at->where.line));
        if (!member.empty()) names[e.acquired] = member;
      }
      edges.push_back(e);
    } else if (std::regex_search(lines[i], m, thread_name)) {
      thread_names[m[1]] = m[2];
    }
  }
  const auto name = [&](const std::string& id) {
    const auto it = names.find(id);
    return it == names.end() ? "mutex " + id : it->second;
  };
  finding f;
  f.analysis = "stress";
  f.bug_class = "lock-order inversion (deadlock)";
  f.property = "two locks are taken in opposite orders: two threads can each hold one and wait for the other forever";
  std::string d;
  for (const auto& e : edges) {
    d += fmt::format("{} locks {} while holding {}", thread_label(e.thread, thread_names), name(e.acquired),
                     name(e.held));
    if (e.at) {
      d += fmt::format(", in {} at {}:\n    {}\n", function_of(e.at->function), e.at->where.text(),
                       source_line(lesson, e.at->where.path, e.at->where.line));
      if (f.location.empty()) f.location = e.at->where.text();
    } else {
      d += "\n";
    }
  }
  d += "What it means: if both threads get their first lock at the same moment, each waits "
       "forever for the lock the other holds. Take the locks in one fixed order everywhere (or both at once with std::scoped_lock).\n";
  f.details = d;
  return f;
}

finding translate_tsan_other(const std::vector<std::string>& lines, const std::string& headline) {
  finding f;
  f.analysis = "stress";
  f.property = "ThreadSanitizer: " + headline;
  if (contains(headline, "use-after-free")) f.bug_class = "use after free";
  std::string d;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (auto fr = parse_frame(lines[i]); fr && is_student_file(fr->where.path)) {
      d += fmt::format("in {} at {}\n", function_of(fr->function), fr->where.text());
      if (f.location.empty()) f.location = fr->where.text();
    }
  }
  f.details = d.empty() ? "no frame of the report is in your file; run the check with --verbose to read it.\n" : d;
  return f;
}

// ------------------------------------------------------------------ relock ----

std::optional<finding> translate_relock(const std::string& output) {
  static const std::regex relock(
      R"(a thread locks (mutex #\d+) again at ([^ ]+):(\d+) \((\w+)\), but it already holds it\s*\(locked at ([^ ]+):(\d+) \((\w+)\))");
  std::smatch m;
  if (!std::regex_search(output, m, relock)) return std::nullopt;
  finding f;
  f.bug_class = "lock never released";
  f.location = fmt::format("{}:{}", std::string(m[5]), std::string(m[6]));
  f.property = fmt::format("{}() locked {} at line {} and never unlocked it; the next lock, in {}() at line {}, "
                           "would wait for itself forever",
                           std::string(m[7]), std::string(m[1]), std::string(m[6]), std::string(m[4]),
                           std::string(m[3]));
  f.details = fmt::format(
      "locked at   {}:{} ({}) and not unlocked since\nlocked again at {}:{} ({}) by the same thread\n"
      "What it means: some path out of {}() returns without unlocking. A std::lock_guard unlocks on every way out.\n",
      std::string(m[5]), std::string(m[6]), std::string(m[7]), std::string(m[2]), std::string(m[3]),
      std::string(m[4]), std::string(m[7]));
  return f;
}

// ------------------------------------------------------------------- watchdog ----

finding translate_watchdog(const std::vector<std::string>& lines) {
  finding f;
  f.analysis = "stress";
  std::vector<std::string> picture;
  std::vector<std::string> blocked;
  std::map<std::string, std::string> waits_for;  // thread -> "acquire semaphore #3 at line 61"
  std::map<std::string, std::pair<std::string, std::string>> holders;  // mutex -> holder, place
  bool in_picture = false;
  static const std::regex waiter(R"(^  (\S.*?) (waits to lock|waits to acquire|waits on) (.*?) at ([^ ]+):(\d+))");
  static const std::regex student_place(R"(((?:lessons|solutions)/[^ :]+|checks/[^ :]+/mutants/[^ :]+):(\d+))");
  for (const auto& line : lines) {
    if (starts_with(line, "cookiejar watchdog:")) {
      in_picture = true;
      picture.push_back(line);
      continue;
    }
    if (!in_picture) continue;
    if (starts_with(line, "A thread blocked forever") || starts_with(line, "A call that never returns")) break;
    if (trim(line).empty()) continue;
    picture.push_back(line);
    std::smatch m;
    static const std::regex held(R"(^\s+(\S.*?) is held by (.*?), locked at (\S+):(\d+))");
    if (std::regex_search(line, m, waiter)) {
      if (std::find(blocked.begin(), blocked.end(), m[1]) == blocked.end()) blocked.push_back(m[1]);
      const std::string how = m[2] == "waits to lock" ? "lock" : m[2] == "waits to acquire" ? "acquire" : "wait on";
      waits_for[m[1]] = fmt::format("{} {} at line {}", how, std::string(m[3]), std::string(m[5]));
    } else if (std::regex_search(line, m, held)) {
      holders[m[1]] = {m[2], fmt::format("{}:{}", std::string(m[3]), std::string(m[4]))};
      if (f.location.empty()) f.location = holders[m[1]].second;
    }
  }
  if (f.location.empty()) {
    for (const auto& line : picture) {
      std::smatch m;
      if (!starts_with(line, "cookiejar") && std::regex_search(line, m, student_place)) {
        f.location = fmt::format("{}:{}", std::string(m[1]), std::string(m[2]));
        break;
      }
    }
  }
  std::string meaning;
  for (const auto& [mutex, holder] : holders) {
    const auto w = waits_for.find(holder.first);
    if (w != waits_for.end())
      meaning += fmt::format("{} holds {} (locked at {}) while it waits to {}: the threads that could end that "
                             "wait need {} first.\n",
                             holder.first, mutex, holder.second, w->second, mutex);
  }
  std::string who;
  for (const auto& b : blocked) who += (who.empty() ? "" : ", ") + b;
  f.property = blocked.empty() ? "the check hung: nothing moved before its time limit"
                               : fmt::format("{} thread{} blocked forever: {}", blocked.size(),
                                             blocked.size() == 1 ? "" : "s", who);
  const std::string text = join(picture);
  if (contains(text, "returned without unlocking"))
    f.bug_class = "lock never released";
  else if (contains(text, "waits to lock") && (contains(text, "waits to acquire") || contains(text, "waits on")))
    f.bug_class = "deadlock (a lock held while waiting)";
  else if (contains(text, "waits on condition variable"))
    f.bug_class = "lost wake-up";
  else if (contains(text, "waits to acquire"))
    f.bug_class = "wrong count (a semaphore nobody releases)";
  else
    f.bug_class = "deadlock";
  f.details = text + (meaning.empty() ? "" : "What it means: " + meaning);
  return f;
}

// ---------------------------------------------------------------------- model ----

// The event loop's own verdicts (lesson 05), in any analysis: what bug they look like.
std::optional<std::string> async_bug_class(const std::string& wrapped) {
  // Catch2 and the reports wrap long lines: compare words, not line breaks.
  const std::string text = std::regex_replace(wrapped, std::regex(R"(\s+)"), " ");
  if (contains(text, "was resumed inside a step of")) return "waiter resumed inline (re-entrance)";
  if (contains(text, "suspended and nothing can resume")) return "waiter never resumed (deadlock on the loop)";
  if (contains(text, "bad_optional_access") || contains(text, "bad optional access"))
    return "if instead of while (a woken task's cookie was taken in between)";
  if (contains(text, "cookies; its capacity is"))
    return contains(text, "yields @") ? "check-then-co_await (the place was taken during the co_await)"
                                      : "capacity exceeded";
  return std::nullopt;
}

finding translate_model(const std::vector<std::string>& lines, const std::string& sentence, const lesson_info& lesson) {
  finding f;
  f.analysis = "model";
  std::vector<std::string> wrong, table;
  std::string found_by, then, replay_env;
  bool in_wrong = false, in_table = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    if (starts_with(line, "  what went wrong: ")) {
      f.property = line.substr(19);
      in_wrong = true;
      continue;
    }
    if (in_wrong) {
      if (starts_with(line, "    ")) {
        wrong.push_back(trim(line));
        continue;
      }
      in_wrong = false;
    }
    if (starts_with(line, "  found by ")) found_by = trim(line);
    if (starts_with(line, "  the interleaving") || starts_with(line, "  the steps")) in_table = true;
    if (in_table && starts_with(line, "  replay exactly this schedule")) in_table = false;
    if (in_table) {
      if (starts_with(line, "  then: ")) {
        then = line.substr(8);
        in_table = false;
        continue;
      }
      table.push_back(line.size() > 2 ? line.substr(2) : line);
    }
    if (starts_with(trim(line), "CJ_MODEL_REPLAY='")) {
      const auto t = trim(line);
      const auto end = t.find('\'', 17);
      if (end != std::string::npos) replay_env = t.substr(17, end - 17);
    }
  }
  // Strip trailing blank lines of the table.
  while (!table.empty() && trim(table.back()).empty()) table.pop_back();
  if (f.property.empty()) f.property = "the model checker found a schedule that fails";
  if (!f.property.empty() && f.property.back() == ':') f.property.pop_back();
  // A line of the student's file: the last @N of the table is where the failing thread was.
  static const std::regex file_of_table(R"(@N is a line of (\S+)\))");
  static const std::regex at_line(R"(@(\d+))");
  static const std::regex named_line(R"(((?:lessons|solutions)/[^ :]+|checks/[^ :]+/mutants/[^ :]+):(\d+))");
  std::string file;
  for (const auto& l : table) {
    std::smatch m;
    if (std::regex_search(l, m, file_of_table)) file = m[1];
  }
  for (const auto& w : wrong) {
    std::smatch m;
    if (std::regex_search(w, m, named_line)) {
      f.location = fmt::format("{}:{}", std::string(m[1]), std::string(m[2]));
      break;
    }
  }
  if (f.location.empty() && !file.empty()) {
    std::string last;
    for (const auto& l : table) {
      for (auto it = std::sregex_iterator(l.begin(), l.end(), at_line); it != std::sregex_iterator(); ++it)
        last = (*it)[1];
    }
    if (!last.empty()) f.location = file + ":" + last;
  }
  const std::string all = join(wrong) + join(table) + then + f.property;
  if (auto async_class = async_bug_class(all)) {
    f.bug_class = *async_class;
    // A co_await between the look and the change: point at it.
    static const std::regex yields_at(R"(yields @(\d+))");
    std::smatch y;
    if (starts_with(f.bug_class, "check-then-co_await") && !file.empty() && std::regex_search(all, y, yields_at))
      f.location = file + ":" + std::string(y[1]);
    // A woken task that went on without looking again: point at the wait it came back from.
    const auto ended = f.property.find(" ended with an exception");
    if (starts_with(f.bug_class, "if instead of while") && !file.empty() && ended != std::string::npos) {
      const std::string task = f.property.substr(0, ended);
      std::size_t column = 0;
      static const std::regex waits_at(R"(waits in .* @(\d+))");
      for (const auto& row : table) {
        std::vector<std::string> cells;
        std::string cell;
        std::istringstream in(row);
        while (std::getline(in, cell, '|')) cells.push_back(trim(cell));
        if (column == 0) {
          for (std::size_t c = 1; c < cells.size(); ++c)
            if (cells[c] == task) column = c;
          continue;
        }
        std::smatch w;
        if (column < cells.size() && std::regex_search(cells[column], w, waits_at)) f.location = file + ":" + std::string(w[1]);
      }
    }
  }
  else if (contains(all, "SPURIOUSLY"))
    f.bug_class = "if instead of while (spurious wake-up)";
  else if (contains(then, "DESTROYING OWNED MUTEX") || contains(then, "RECURSION ON NON-RECURSIVE"))
    f.bug_class = "lock never released";
  else if (contains(then, "DEADLOCK")) {
    if (contains(all, "wait on condvar") || contains(all, "(nobody waits)"))
      f.bug_class = "lost wake-up";
    else if (contains(all, "blocks on mutex") && contains(all, "sem #"))
      f.bug_class = "deadlock (a lock held while waiting)";
    else
      f.bug_class = "deadlock";
  } else if (contains(all, "no one-at-a-time order")) {
    // A call that takes the lock twice before it returns looked, let go, and acted.
    bool split = false;
    const auto columns = [](const std::string& row) {
      std::vector<std::string> cells;
      std::string cell;
      std::istringstream in(row);
      while (std::getline(in, cell, '|')) cells.push_back(trim(cell));
      return cells;
    };
    std::map<std::size_t, int> locks_in_call;
    std::map<std::size_t, std::string> first_lock;
    for (const auto& row : table) {
      const auto cells = columns(row);
      for (std::size_t c = 1; c < cells.size(); ++c) {
        if (contains(cells[c], " begins")) locks_in_call[c] = 0;
        std::smatch at;
        if (starts_with(cells[c], "lock mutex") && ++locks_in_call[c] == 1 && std::regex_search(cells[c], at, at_line))
          first_lock[c] = at[1];
        if (starts_with(cells[c], "lock mutex") && locks_in_call[c] == 2 && !split) {
          split = true;
          if (!file.empty() && !first_lock[c].empty()) f.location = file + ":" + first_lock[c];
        }
      }
    }
    f.bug_class = split ? "check-then-act (atomicity violation)" : "wrong result under some interleaving";
  } else {
    f.bug_class = "";
  }
  std::string d;
  for (const auto& w : wrong) d += w + "\n";
  if (!found_by.empty()) d += found_by + "\n";
  if (!table.empty()) d += "\n" + join(table);
  if (!then.empty()) d += "then: " + then + "\n";
  f.details = d;
  if (!replay_env.empty()) {
    f.replay = fmt::format("cookiejar replay {} {}", lesson.number, shell_quote(replay_env + "@" + sentence));
  }
  return f;
}

// ---------------------------------------------------------------------- stress ----

std::optional<finding> translate_stress_problems(const std::vector<std::string>& lines) {
  std::vector<std::string> problems;
  std::string configuration;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto t = trim(lines[i]);
    if (starts_with(t, "stress run (")) configuration = t;
    if (!configuration.empty() && starts_with(t, "- ")) {
      std::string p = t.substr(2);
      // Catch2 wraps long messages: a continuation line is indented less than "  - ".
      while (i + 1 < lines.size() && !trim(lines[i + 1]).empty() && !starts_with(trim(lines[i + 1]), "- ") &&
             starts_with(lines[i + 1], "  ") && !starts_with(lines[i + 1], "    ")) {
        p += " " + trim(lines[++i]);
      }
      problems.push_back(p);
    }
  }
  if (problems.empty()) return std::nullopt;
  finding f;
  f.analysis = "stress";
  f.property = problems.front();
  const std::string all = join(problems);
  if (contains(all, "FIFO order broken") && !contains(all, "lost") && !contains(all, "times"))
    f.bug_class = "FIFO order broken";
  else if (contains(all, "lost") || contains(all, "was eaten ") || contains(all, "nobody baked"))
    f.bug_class = "lost or duplicated cookie";
  else if (contains(all, "a put succeeded on a full jar") || contains(all, "size() returned"))
    f.bug_class = "capacity exceeded";
  f.details = configuration + "\n" + join(problems, "  - ");
  if (contains(all, "a put succeeded on a full jar") && f.bug_class == "lost or duplicated cookie")
    f.details += "What it means: puts succeeded on a full jar and overwrote cookies, so the look (is there room?) "
                 "and the put were not one step. The model checks show the interleaving.\n";
  return f;
}

// --------------------------------------------------------------- Catch2 (unit) ----

std::vector<finding> translate_catch2(const std::vector<std::string>& lines, const std::string& analysis) {
  std::vector<finding> out;
  static const std::regex failed_at(R"(^(\S+):(\d+): FAILED:$)");
  static const std::regex student_place(R"(((?:lessons|solutions)/[^ :]+|checks/[^ :]+/mutants/[^ :]+):(\d+))");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_search(lines[i], m, failed_at)) continue;
    finding f;
    f.analysis = analysis;
    std::vector<std::string> body;
    std::size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      if (starts_with(lines[j], "-----") || starts_with(lines[j], "=====")) break;
      if (std::regex_search(lines[j], failed_at)) break;
      body.push_back(lines[j]);
    }
    while (!body.empty() && trim(body.back()).empty()) body.pop_back();
    // Catch2 wraps message lines at 80 columns: join a line that starts with two
    // spaces only when the one before it was a wrapped message line.
    std::string assertion, said;
    std::vector<std::string> message;
    std::string mode;
    for (const auto& b : body) {
      const auto t = trim(b);
      if (t == "with expansion:" || t == "with message:" || t == "with messages:" ||
          starts_with(t, "due to unexpected exception")) {
        mode = t;
        if (starts_with(t, "due to unexpected exception")) said = "threw an exception:";
        continue;
      }
      if (mode.empty())
        assertion = t;
      else
        message.push_back(b.size() > 2 ? b.substr(2) : t);
    }
    std::string first_message, operation, expected, did;
    for (std::size_t k = 0; k < message.size(); ++k) {
      const auto t = trim(message[k]);
      if (first_message.empty() && !t.empty() && t != "false" && t != "true") {
        first_message = t;
        // Catch2 wraps a message at 80 columns: lines at the same margin continue it.
        for (std::size_t c = k + 1; c < message.size(); ++c) {
          if (message[c].empty() || message[c][0] == ' ' || trim(message[c]).empty()) break;
          if (trim(message[c]) == ":") break;
          first_message += " " + trim(message[c]);
        }
        if (!first_message.empty() && first_message.back() == ':') first_message.pop_back();
      }
      if (starts_with(t, "operation:")) operation = trim(t.substr(10));
      if (starts_with(t, "the model expected:")) expected = trim(t.substr(19));
      if (starts_with(t, "the bounded_buffer did:")) {
        did = trim(t.substr(23));
        // Catch2 wraps at 80 columns: a continuation starts at the message's own margin.
        if (k + 1 < message.size() && !message[k + 1].empty() && message[k + 1][0] != ' ' &&
            !starts_with(message[k + 1], "seed "))
          did += " " + trim(message[k + 1]);
      }
    }
    const std::string text = join(message);
    if (!operation.empty() && !expected.empty())
      f.property = fmt::format("{}: a one-thread jar gives {}, yours {}", operation, expected,
                               did.empty()                 ? std::string("did something else")
                               : starts_with(did, "threw") ? did
                                                           : "gave " + did);
    else if (!said.empty())
      f.property = assertion.empty() ? fmt::format("{} {}", said, first_message)
                                     : fmt::format("{} {} {}", assertion, said, first_message);
    else if (!first_message.empty())
      f.property = first_message;
    else
      f.property = fmt::format("{} is false", assertion);
    if (std::regex_search(text, m, student_place))
      f.location = fmt::format("{}:{}", std::string(m[1]), std::string(m[2]));
    if (auto async_class = async_bug_class(text))
      f.bug_class = *async_class;
    else if (contains(text, "_M_range_check") || contains(text, "out_of_range"))
      f.bug_class = "index out of range (wrap-around or off-by-one)";
    else if (contains(text, "(the model is full)"))
      f.bug_class = "full off-by-one (a put on a full jar)";
    else if (contains(text, "(the model is empty)"))
      f.bug_class = "empty off-by-one";
    else if (contains(text, "moved") || contains(assertion, "moved"))
      f.bug_class = "moved-from when refused";
    else
      f.bug_class = "wrong result";
    f.details = fmt::format("the check at {}:{}\n", lines[i].substr(0, lines[i].find(':')),
                            lines[i].substr(lines[i].find(':') + 1, lines[i].find(": FAILED") - lines[i].find(':') - 1));
    if (!assertion.empty()) f.details += "    " + assertion + "\n";  // none when the test case itself threw
    for (const auto& msg : message) f.details += "  " + msg + "\n";
    out.push_back(std::move(f));
    i = j - 1;
  }
  // One finding per distinct property is enough for a student.
  std::vector<finding> unique;
  for (auto& f : out) {
    const bool seen = std::any_of(unique.begin(), unique.end(), [&](const finding& u) {
      return u.bug_class == f.bug_class && u.location == f.location;
    });
    if (!seen) unique.push_back(std::move(f));
  }
  if (unique.size() > 3) unique.resize(3);
  return unique;
}

}  // namespace

std::vector<finding> translate(const check_result& check, const lesson_info& lesson) {
  if (check.status == "passed") return {};
  const auto lines = split_lines(check.output);
  const std::string& out = check.output;
  std::vector<finding> findings;
  auto tsan = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return starts_with(l, "WARNING: ThreadSanitizer: ");
  });
  if (tsan != lines.end()) {
    const std::string headline = std::regex_replace(tsan->substr(26), std::regex(R"( \(pid=\d+\))"), "");
    if (starts_with(headline, "data race"))
      findings.push_back(translate_tsan_race(lines, lesson));
    else if (starts_with(headline, "lock-order-inversion"))
      findings.push_back(translate_tsan_lock_order(lines, lesson));
    else
      findings.push_back(translate_tsan_other(lines, headline));
  } else if (contains(out, "cookiejar watchdog: HANG")) {
    findings.push_back(translate_watchdog(lines));
  } else if (auto relock = translate_relock(out)) {
    findings.push_back(*relock);
  } else if ((contains(out, "model check \"") || contains(out, "schedule check \"")) &&
             contains(out, "what went wrong: ")) {
    findings.push_back(translate_model(lines, check.sentence, lesson));
  } else if (auto stress = translate_stress_problems(lines)) {
    findings.push_back(*stress);
  } else {
    findings = translate_catch2(lines, check.analysis);
  }
  if (findings.empty()) {
    finding f;
    if (check.status == "hung") {
      f.property = "the check hung: it did not finish within its time limit";
      f.bug_class = "deadlock";
    } else if (check.status == "crashed") {
      f.property = fmt::format("the check crashed (exit code {}{})", check.exit_code,
                               check.exit_code == 134   ? ", abort"
                               : check.exit_code == 139 ? ", segmentation fault"
                                                        : "");
    } else {
      f.property = fmt::format("the check failed (exit code {})", check.exit_code);
    }
    std::size_t from = lines.size() > 15 ? lines.size() - 15 : 0;
    f.details = join(std::vector<std::string>(lines.begin() + static_cast<long>(from), lines.end()));
    findings.push_back(f);
  }
  for (auto& f : findings)
    if (f.analysis.empty()) f.analysis = check.analysis;
  return findings;
}

std::optional<finding> translate_build_error(const std::string& build_output, const lesson_info& lesson) {
  const auto lines = split_lines(build_output);
  static const std::regex error_line(R"(^(\S+?):(\d+):(\d+): (?:fatal )?error: (.*)$)");
  const std::string repo = repo_of(lesson).string() + "/";
  const auto relative = [&](std::string path) {
    if (starts_with(path, repo)) return path.substr(repo.size());
    for (const char* root : {"/lessons/", "/solutions/", "/checks/"}) {
      const auto at = path.rfind(root);
      if (at != std::string::npos) return path.substr(at + 1);
    }
    return path;
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_search(lines[i], m, error_line)) continue;
    finding f;
    f.analysis = "build";
    f.bug_class = "compile error";
    const std::string path = relative(m[1]);
    f.location = fmt::format("{}:{}", path, std::string(m[2]));
    f.property = std::string(m[4]);
    std::string d = fmt::format("{}:{}:{}: error: {}\n", path, std::string(m[2]), std::string(m[3]),
                                std::string(m[4]));
    // The code and the caret under it; notes that follow belong to the same error.
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      const auto& l = lines[j];
      std::smatch n;
      if (std::regex_search(l, n, error_line)) break;
      static const std::regex note(R"(^(\S+?):(\d+):(\d+): note: (.*)$)");
      if (std::regex_search(l, n, note)) {
        d += fmt::format("{}:{}:{}: note: {}\n", relative(n[1]), std::string(n[2]), std::string(n[3]),
                         std::string(n[4]));
        continue;
      }
      if (starts_with(l, "In file included") || starts_with(l, "[") || starts_with(l, "FAILED:") ||
          starts_with(l, "ninja:") || contains(l, " error generated") || contains(l, " errors generated"))
        break;
      d += l + "\n";
    }
    f.details = d;
    return f;
  }
  return std::nullopt;
}

}  // namespace cookiejar
