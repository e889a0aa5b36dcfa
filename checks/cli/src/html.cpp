#include "html.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "commands.hpp"
#include "mermaid.hpp"
#include "text.hpp"
#include "translate.hpp"

namespace cookiejar {

namespace fs = std::filesystem;
using nlohmann::json;
namespace verdict = cj::verdict;

// The template's two holes (page_assets.cpp).
extern const char* const page_template;

namespace {

fs::path repo_of(const lesson_info& lesson) { return lesson.lesson_dir.parent_path().parent_path(); }

json place_json(const verdict::place& p) {
  if (p.file.empty()) return nullptr;
  return json{{"file", p.file}, {"line", p.line}};
}

// A repository file a page may quote: relative, inside the repository, readable, not too big.
std::optional<std::string> quotable(const lesson_info& lesson, const std::string& file) {
  const fs::path relative(file);
  if (file.empty() || relative.is_absolute()) return std::nullopt;
  for (const auto& part : relative)
    if (part == "..") return std::nullopt;
  std::error_code ec;
  const auto path = repo_of(lesson) / relative;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) > max_page_file_bytes) return std::nullopt;
  return read_file(path);
}

// The steps of a model or schedule finding, each with what it does to which object.
json steps_json(const verdict::finding& f) {
  json steps = json::array();
  for (const auto& s : f.steps) {
    const auto a = action_of(s.text);
    json st{{"thread", s.thread}, {"text", s.text}, {"op", a.op}, {"object", a.object}};
    st["file"] = s.at.file;
    st["line"] = s.at.line;
    steps.push_back(std::move(st));
  }
  return steps;
}

std::string holding(const verdict::memory_access& a) {
  if (a.locks.empty()) return "holding no lock";
  std::string ids;
  for (const auto& l : a.locks) ids += (ids.empty() ? "" : " and ") + l.id;
  return "holding " + ids;
}

// A data race as two steps, the earlier access first: ThreadSanitizer lists the access
// it caught first and the previous one second.
void race_timeline(const verdict::finding& f, json& out) {
  const auto& now = f.accesses[0];
  const auto& before = f.accesses[1];
  json threads = json::array({before.thread});
  if (now.thread != before.thread) threads.push_back(now.thread);
  json steps = json::array();
  for (const auto* a : {&before, &now}) {
    const std::size_t column = a == &now && now.thread != before.thread ? 1 : 0;
    const auto text = fmt::format("{} in {}, {}", a->write ? "writes" : "reads",
                                  a->function.empty() ? std::string("(outside your file)") : a->function, holding(*a));
    steps.push_back({{"thread", column}, {"text", text}, {"op", a->write ? "write" : "read"}, {"object", ""},
                     {"file", a->at.file}, {"line", a->at.line}});
  }
  out["threads"] = std::move(threads);
  out["steps"] = std::move(steps);
  out["timeline"] = "race";
}

json finding_json(const finding& words, const verdict::finding* f) {
  json j{{"verdict", words.property},
         {"bug", verdict::key_of(words.bug_class)},
         {"bug_words", words_of(words.bug_class)},
         {"analysis", verdict::key_of(words.found_by)},
         {"where", words.location},
         {"details", words.details},
         {"replay", words.replay},
         {"source", nullptr},
         {"threads", json::array()},
         {"steps", json::array()},
         {"waits", json::array()},
         {"accesses", json::array()},
         {"timeline", "none"}};
  if (f == nullptr) return j;
  const auto raw = verdict::to_json(*f);  // the record's own fields, as docs/verdicts.md names them
  j["source"] = verdict::key_of(f->from);
  j["location"] = place_json(f->location);
  j["search"] = f->found_by;
  j["conclusion"] = f->conclusion;
  j["threads"] = f->threads;
  if (raw.contains("waits")) j["waits"] = raw["waits"];
  if (raw.contains("accesses")) j["accesses"] = raw["accesses"];
  if (!f->steps.empty()) {
    j["steps"] = steps_json(*f);
    j["timeline"] = "steps";
  } else if (f->accesses.size() >= 2) {
    race_timeline(*f, j);
  }
  return j;
}

// Every file the findings point into, the student's first, at most max_page_files.
json files_json(const lesson_info& lesson, const json& findings) {
  std::vector<std::string> wanted{
      (fs::path("lessons") / lesson.folder / "bounded_buffer.hpp").generic_string()};
  const auto want = [&](const json& p, const char* key) {
    if (p.is_object() && p.contains(key) && p[key].is_string()) {
      const auto file = p[key].get<std::string>();
      if (!file.empty() && std::find(wanted.begin(), wanted.end(), file) == wanted.end()) wanted.push_back(file);
    }
  };
  for (const auto& f : findings) {
    for (const auto& s : f["steps"]) want(s, "file");
    if (f.contains("location")) want(f["location"], "file");
    for (const auto& w : f["waits"]) {
      if (w.contains("at")) want(w["at"], "file");
      if (w.contains("held_at")) want(w["held_at"], "file");
    }
    for (const auto& a : f["accesses"]) {
      if (a.contains("at")) want(a["at"], "file");
      for (const auto& l : a["locks"])
        if (l.contains("created_at")) want(l["created_at"], "file");
    }
  }
  json files = json::array();
  for (const auto& file : wanted) {
    if (files.size() == max_page_files) break;
    if (auto text = quotable(lesson, file)) files.push_back({{"path", file}, {"text", *text}});
  }
  return files;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

bool is_page(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head.find(page_generator_mark) != std::string::npos;
}

// Writes a page, refusing to replace a file that is not one. "" or the reason.
std::string write_page(const fs::path& file, const std::string& html) {
  std::error_code ec;
  if (fs::exists(file, ec) && (!fs::is_regular_file(file, ec) || !is_page(file)))
    return fmt::format("{} exists and is not a page cookiejar wrote: it was left as it is", file.string());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << html;
  out.close();
  if (!out) return fmt::format("could not write {}", file.string());
  return "";
}

std::string kib(std::size_t bytes) { return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024); }

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The schedule finding of a check's records (model checker or schedule explorer), if any.
const verdict::finding* schedule_of(const std::vector<verdict::record>& records) {
  for (const auto& r : records)
    for (const auto& f : r.findings)
      if ((f.from == verdict::source::model || f.from == verdict::source::schedule) && !f.steps.empty()) return &f;
  return nullptr;
}

}  // namespace

step_action action_of(const std::string& text) {
  static const std::regex acting(
      R"(^(lock|unlock|blocks on|wait on|notify_one|notify_all|acquire|try_acquire|release) ([A-Za-z_]+ #[0-9]+))");
  std::smatch m;
  if (std::regex_search(text, m, acting)) {
    std::string op = m[1];
    if (op == "blocks on") op = "blocks";
    if (op == "wait on") op = "wait";
    return {op, m[2]};
  }
  if (text.rfind("woken", 0) == 0) return {"woken", ""};
  return {};
}

json page_data(const lesson_info& lesson, const check_result& check, const std::string& made_by) {
  json d{{"schema", "cookiejar-page"}, {"version", page_schema_version}, {"kind", "check"}, {"made_by", made_by}};
  d["lesson"] = {{"number", lesson.number}, {"topic", lesson.topic}, {"folder", lesson.folder}};
  d["check"] = {{"name", check.name},
                {"sentence", check.sentence},
                {"analysis", verdict::key_of(check.of)},
                {"status", key_of(check.status)},
                {"reason", check.reason}};
  d["hint"] = fmt::format("cookiejar hint {}", lesson.number);
  json findings = json::array();
  // From the records: each finding with its translation (the words `check` prints),
  // one per distinct problem, as translate() picks them.
  std::vector<std::tuple<bug, std::string, std::string>> seen;
  for (const auto& r : check.records)
    for (const auto& f : r.findings) {
      const auto words = translate_finding(f, r.of, check, lesson);
      const auto key = std::make_tuple(words.bug_class, words.location, words.property);
      if (std::find(seen.begin(), seen.end(), key) != seen.end() || findings.size() >= max_findings_per_check) continue;
      seen.push_back(key);
      findings.push_back(finding_json(words, &f));
    }
  // No record names a problem (the process ended first, or there was no verdict): the
  // translation alone.
  if (findings.empty())
    for (const auto& words : check.findings) findings.push_back(finding_json(words, nullptr));
  d["files"] = files_json(lesson, findings);
  d["findings"] = std::move(findings);
  return d;
}

json index_data(const lesson_info& lesson, const json& entries, const std::string& made_by) {
  return json{{"schema", "cookiejar-page"},
              {"version", page_schema_version},
              {"kind", "index"},
              {"made_by", made_by},
              {"lesson", {{"number", lesson.number}, {"topic", lesson.topic}, {"folder", lesson.folder}}},
              {"hint", fmt::format("cookiejar hint {}", lesson.number)},
              {"pages", entries}};
}

std::string embed_json(const json& data) {
  const auto text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 64);
  // '<' '>' '&' only ever stand inside JSON strings, where \u escapes mean the same.
  for (char c : text) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

std::string page_html(const json& data) {
  std::string title;
  const auto lesson = data.value(json::json_pointer("/lesson/number"), std::string());
  if (data.value("kind", "") == "index")
    title = fmt::format("lesson {}: the failed checks", lesson);
  else
    title = fmt::format("lesson {}: {}", lesson, data.value(json::json_pointer("/check/sentence"), std::string()));
  std::string page = page_template;
  const auto put = [&](const std::string& hole, const std::string& text) {
    const auto at = page.find(hole);
    if (at != std::string::npos) page.replace(at, hole.size(), text);
  };
  put("@GENERATOR@", page_generator_mark);
  put("@TITLE@", html_escape(title));
  put("@DATA@", embed_json(data));  // last: the data may hold the other holes' names
  return page;
}

std::string page_file_name(const check_result& check) {
  std::string slug;
  for (char c : check.sentence) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) slug += static_cast<char>(std::tolower(u));
    else if (!slug.empty() && slug.back() != '-') slug += '-';
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > 80) slug.resize(80);
  if (slug.empty()) slug = "check";
  return fmt::format("{}-{}.html", verdict::key_of(check.of), slug);
}

std::string refuse_page_target(const fs::path& target, bool directory) {
  std::error_code ec;
  if (directory) {
    if (fs::exists(target, ec) && !fs::is_directory(target, ec))
      return fmt::format("{} is a file, not a folder: --html takes the folder to write the pages into", target.string());
    return "";
  }
  const auto ext = target.extension().string();
  if (ext != ".html" && ext != ".htm")
    return fmt::format("{} does not end in .html: --html takes the page's file name, e.g. schedule.html", target.string());
  if (fs::exists(target, ec)) {
    if (!fs::is_regular_file(target, ec) || !is_page(target))
      return fmt::format("{} exists and is not a page cookiejar wrote: pick another name (nothing was changed)",
                         target.string());
    return "";
  }
  const auto parent = fs::absolute(target, ec).parent_path();
  if (!fs::is_directory(parent, ec))
    return fmt::format("the folder {} does not exist: make it first, or name a page in a folder that does", parent.string());
  return "";
}

fs::path default_pages_dir(const lesson_info& lesson, const run_options& run) {
  return lesson_build_dir(lesson, run) / "pages";
}

int write_check_pages(const context& c, const lesson_info& lesson, const lesson_result& result, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec)) {
    *c.err << fmt::format("cookiejar check: could not make the folder {} for the pages\n", dir.string());
    return 2;
  }
  const auto made_by = fmt::format("cookiejar check {} --html", lesson.number);
  json entries = json::array();
  std::set<std::string> names;
  std::size_t largest = 0;
  double largest_ms = 0;
  std::string largest_name;
  for (std::size_t i = 0; i < result.checks.size(); ++i) {
    const auto& check = result.checks[i];
    if (check.status == check_status::passed || check.status == check_status::not_run) continue;
    const auto t0 = std::chrono::steady_clock::now();
    const auto data = page_data(lesson, check, made_by);
    auto name = page_file_name(check);
    for (int n = 2; !names.insert(name).second; ++n) name = page_file_name(check).insert(name.size() - 5, fmt::format("-{}", n));
    const auto html = page_html(data);
    if (const auto problem = write_page(dir / name, html); !problem.empty()) {
      *c.err << "cookiejar check: " << problem << "\n";
      return 2;
    }
    const double ms = ms_since(t0);
    if (html.size() > largest) largest = html.size(), largest_ms = ms, largest_name = name;
    const auto& first = data["findings"].empty() ? json::object() : data["findings"][0];
    entries.push_back({{"file", name},
                       {"sentence", check.sentence},
                       {"analysis", verdict::key_of(check.of)},
                       {"status", key_of(check.status)},
                       {"verdict", first.value("verdict", "")},
                       {"bug_words", first.value("bug_words", "")},
                       {"steps", first.contains("steps") ? first["steps"].size() : 0}});
  }
  // Pages of checks that pass now (or no longer exist) would look current: they go. Only
  // cookiejar's own pages are ever removed.
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    std::error_code remove_ec;
    if (e.path().extension() == ".html" && name != "index.html" && !names.contains(name) && is_page(e.path()))
      fs::remove(e.path(), remove_ec);
  }
  json index = index_data(lesson, entries, made_by);
  if (result.build != build_state::built && result.build_error)
    index["build_error"] = {{"verdict", result.build_error->property}, {"details", result.build_error->details}};
  if (const auto problem = write_page(dir / "index.html", page_html(index)); !problem.empty()) {
    *c.err << "cookiejar check: " << problem << "\n";
    return 2;
  }
  *c.out << fmt::format("\npages: {} failed check{} in {}\n", entries.size(), entries.size() == 1 ? "" : "s",
                        dir.string());
  if (!largest_name.empty())
    *c.out << fmt::format("  the largest: {} ({}, written in {:.0f} ms)\n", largest_name, kib(largest), largest_ms);
  *c.out << fmt::format("  open file://{}\n", fs::absolute(dir / "index.html").lexically_normal().string());
  return 0;
}

void print_check_diagrams(const context& c, const lesson_info& /*lesson*/, const lesson_result& result) {
  for (std::size_t i = 0; i < result.checks.size(); ++i) {
    const auto& check = result.checks[i];
    if (check.status == check_status::passed || check.status == check_status::not_run) continue;
    if (const auto* f = schedule_of(check.records)) *c.out << "\n" << mermaid_block(*f, check.name);
  }
}

int write_replay_outputs(const context& c, const lesson_info& lesson, const test_spec& spec, const std::string& sentence,
                         const verdict::run_verdict& v, const page_options& pages) {
  check_result check;
  check.name = spec.name;
  check.sentence = sentence;
  check.of = spec.of;
  check.status = status_of(v.result);
  check.reason = v.reason;
  check.findings = translate(v, check, lesson);
  check.records = v.records;
  if (pages.mermaid)
    if (const auto* f = schedule_of(check.records)) *c.out << "\n" << mermaid_block(*f, spec.name);
  if (!pages.html) return 0;
  const auto t0 = std::chrono::steady_clock::now();
  const auto html = page_html(page_data(lesson, check, fmt::format("cookiejar replay {} --html", lesson.number)));
  if (const auto problem = write_page(pages.html_path, html); !problem.empty()) {
    *c.err << "cookiejar replay: " << problem << "\n";
    return 2;
  }
  *c.out << fmt::format("\npage: {} ({}, written in {:.0f} ms)\n  open file://{}\n", pages.html_path.string(),
                        kib(html.size()), ms_since(t0), fs::absolute(pages.html_path).lexically_normal().string());
  return 0;
}

}  // namespace cookiejar
