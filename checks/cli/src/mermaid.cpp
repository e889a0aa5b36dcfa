#include "mermaid.hpp"

#include <map>
#include <vector>

#include <fmt/format.h>

#include "html.hpp"

namespace cookiejar {

namespace {

// Mermaid's words: no statement separator, one line. With every ';' written as #59;,
// a '#' ("mutex #1") can never start one of Mermaid's entity codes (#name;).
std::string words(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ';') out += "#59;";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string mermaid_sequence(const cj::verdict::finding& f) {
  if (f.steps.empty()) return "";
  std::string out = "sequenceDiagram\n";
  // Threads first, in the record's column order; then the objects, as they first appear.
  for (std::size_t t = 0; t < f.threads.size(); ++t) out += fmt::format("    participant T{} as {}\n", t, words(f.threads[t]));
  std::map<std::string, std::string> ids;
  std::vector<step_action> actions;
  for (const auto& s : f.steps) {
    actions.push_back(action_of(s.text));
    const auto& object = actions.back().object;
    if (!object.empty() && !ids.contains(object)) {
      ids[object] = fmt::format("O{}", ids.size() + 1);
      out += fmt::format("    participant {} as {}\n", ids[object], words(object));
    }
  }
  const auto thread_id = [&](std::size_t t) {
    return t < f.threads.size() ? fmt::format("T{}", t) : fmt::format("T{}", f.threads.empty() ? 0 : f.threads.size() - 1);
  };
  // A woken thread is woken by what it last waited on or blocked on.
  std::map<std::size_t, std::string> waiting_on;
  for (std::size_t i = 0; i < f.steps.size(); ++i) {
    const auto& s = f.steps[i];
    const auto& a = actions[i];
    const auto at = s.at.line > 0 ? fmt::format(" (line {})", s.at.line) : std::string();
    const auto me = thread_id(s.thread);
    if (a.op == "blocks" || a.op == "wait") waiting_on[s.thread] = a.object;
    if (a.op == "woken" && waiting_on.contains(s.thread)) {
      out += fmt::format("    {}-->>{}: {}{}\n", ids[waiting_on[s.thread]], me, words(s.text), at);
      continue;
    }
    if (a.object.empty()) {
      out += fmt::format("    Note over {}: {}{}\n", me, words(s.text), at);
      continue;
    }
    const char* arrow = a.op == "blocks" || a.op == "wait" ? "-->>" : "->>";
    out += fmt::format("    {}{}{}: {}{}\n", me, arrow, ids[a.object], words(s.text), at);
  }
  if (!f.conclusion.empty()) {
    const auto last = f.threads.empty() ? std::string("T0") : fmt::format("T0,{}", thread_id(f.threads.size() - 1));
    out += fmt::format("    Note over {}: {}\n", f.threads.size() > 1 ? last : std::string("T0"), words(f.conclusion));
  }
  return out;
}

std::string mermaid_block(const cj::verdict::finding& f, const std::string& title) {
  const auto diagram = mermaid_sequence(f);
  if (diagram.empty()) return "";
  // The comment goes after the diagram's first line: Mermaid reads the type from that line.
  const auto first = diagram.find('\n') + 1;
  return fmt::format("```mermaid\n{}    %% {}\n{}```\n", diagram.substr(0, first), words(title), diagram.substr(first));
}

}  // namespace cookiejar
