#include "runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "process.hpp"
#include "state.hpp"
#include "translate.hpp"

#ifndef COOKIEJAR_DEFAULT_REPO
#define COOKIEJAR_DEFAULT_REPO ""
#endif

namespace cookiejar {

namespace fs = std::filesystem;

namespace {

bool is_repo(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "CMakePresets.json", ec) && fs::is_directory(dir / "lessons", ec) &&
         fs::is_directory(dir / "checks", ec);
}

// A check's analysis and sentence from its CTest name lessonNN.<variant>.<analysis>.<sentence>.
void split_name(const std::string& name, std::string& analysis, std::string& sentence) {
  std::size_t at = 0;
  std::vector<std::size_t> dots;
  while (dots.size() < 3 && (at = name.find('.', at)) != std::string::npos) dots.push_back(at++);
  if (dots.size() < 3) {
    analysis.clear();
    sentence = name;
    return;
  }
  analysis = name.substr(dots[1] + 1, dots[2] - dots[1] - 1);
  sentence = name.substr(dots[2] + 1);
}

struct test_spec {
  std::string name;
  std::vector<std::string> command;
  fs::path working_directory;
  double timeout = 300;
};

std::vector<test_spec> parse_test_list(const std::string& json_text) {
  std::vector<test_spec> specs;
  const auto start = json_text.find('{');
  if (start == std::string::npos) return specs;
  const auto j = nlohmann::json::parse(json_text.substr(start), nullptr, false);
  if (j.is_discarded() || !j.contains("tests")) return specs;
  for (const auto& t : j["tests"]) {
    test_spec s;
    s.name = t.value("name", "");
    if (t.contains("command")) s.command = t["command"].get<std::vector<std::string>>();
    if (t.contains("properties")) {
      for (const auto& p : t["properties"]) {
        const auto key = p.value("name", "");
        if (key == "WORKING_DIRECTORY") s.working_directory = p["value"].get<std::string>();
        if (key == "TIMEOUT") s.timeout = p["value"].get<double>();
      }
    }
    if (!s.command.empty()) specs.push_back(std::move(s));
  }
  return specs;
}

bool has_preset(const fs::path& repo, const std::string& preset) {
  const auto j = load_json(repo / "CMakePresets.json");
  if (!j || !j->contains("configurePresets")) return false;
  for (const auto& p : (*j)["configurePresets"])
    if (p.value("name", "") == preset) return true;
  return false;
}

std::string status_of(const process_result& r) {
  if (r.timed_out || r.exit_code == 70) return "hung";
  if (r.exit_code == 0) return "passed";
  if (r.exit_code > 128 || r.exit_code == 127) return "crashed";
  return "failed";
}

std::string last_lines(const std::string& text, std::size_t count) {
  std::size_t at = text.size();
  while (count-- > 0 && at > 0) {
    at = text.rfind('\n', at - 1);
    if (at == std::string::npos) return text;
  }
  return text.substr(at == 0 ? 0 : at + 1);
}

}  // namespace

fs::path find_repo(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    if (is_repo(d)) return d;
    if (d == d.root_path()) break;
  }
  const fs::path built_from = COOKIEJAR_DEFAULT_REPO;
  if (!built_from.empty() && is_repo(built_from)) return built_from;
  throw std::runtime_error(fmt::format(
      "no cookiejar course found: neither {} nor a folder above it has CMakePresets.json, lessons/ and checks/, "
      "and the course this command was built from ({}) is gone. Run it inside your copy of the course, or "
      "pass --repo DIR.",
      dir.string(), built_from.empty() ? "unknown" : built_from.string()));
}

std::vector<lesson_info> discover_lessons(const fs::path& repo) {
  static const std::regex folder_pattern("([0-9][0-9])-(.+)");
  std::vector<lesson_info> lessons;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(repo / "lessons", ec)) {
    if (!entry.is_directory()) continue;
    const auto folder = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(folder, m, folder_pattern)) continue;
    lessons.push_back({m[1], m[2], folder, entry.path(), repo / "solutions" / folder, repo / "checks" / folder});
  }
  std::sort(lessons.begin(), lessons.end(), [](const auto& a, const auto& b) { return a.folder < b.folder; });
  return lessons;
}

lesson_info find_lesson(const fs::path& repo, const std::string& number) {
  std::string wanted = number;
  if (wanted.size() == 1 && std::isdigit(static_cast<unsigned char>(wanted[0]))) wanted = "0" + wanted;
  const auto lessons = discover_lessons(repo);
  std::string known;
  for (const auto& l : lessons) {
    if (l.number == wanted || l.folder == number) return l;
    known += (known.empty() ? "" : ", ") + l.number;
  }
  throw std::runtime_error(fmt::format("there is no lesson '{}' in {}; the lessons are {}", number, repo.string(),
                                       known.empty() ? "(none)" : known));
}

fs::path build_root_of(const run_options& options) {
  return options.build_root.empty() ? options.repo / "build" : options.build_root;
}

fs::path lesson_build_dir(const lesson_info& lesson, const run_options& options) {
  return build_root_of(options) / ("lesson-" + lesson.number);
}

lesson_result run_lesson(const lesson_info& lesson, const run_options& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto since = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  std::mutex print_mutex;
  auto say = [&](const std::string& line) {
    if (!options.show_progress || options.progress == nullptr) return;
    std::lock_guard lock(print_mutex);
    *options.progress << line << std::endl;
  };

  lesson_result result;
  result.number = lesson.number;
  result.topic = lesson.topic;
  result.folder = lesson.folder;
  const fs::path repo = options.repo.empty() ? lesson.lesson_dir.parent_path().parent_path() : options.repo;
  const fs::path build = lesson_build_dir(lesson, options);
  const std::string preset = "lesson-" + lesson.number;

  auto fail_build = [&](const std::string& output, const std::string& what) {
    result.build_status = "failed";
    result.build_error = translate_build_error(output, lesson);
    if (!result.build_error) {
      finding f;
      f.analysis = "build";
      f.property = what;
      f.details = last_lines(output, 25);
      result.build_error = f;
    }
    result.seconds = since();
    save_json(build / "cookiejar-last.json", result_to_json(result));
  };

  // 1. Configure, once.
  if (!fs::exists(build / "CMakeCache.txt")) {
    say(fmt::format("configuring lesson {} in {} ...", lesson.number, build.string()));
    std::vector<std::string> configure;
    if (has_preset(repo, preset)) {
      configure = {"cmake", "--preset", preset, "-B", build.string()};
    } else {  // a lesson newer than the presets: the same settings by hand
      configure = {"cmake", "-S", repo.string(), "-B", build.string(), "-G", "Ninja",
                   "-DCMAKE_CXX_COMPILER=clang++", "-DCOOKIEJAR_SCOPE=student",
                   "-DCOOKIEJAR_LESSONS=" + lesson.number};
    }
    const auto r = run_process(configure, {.working_directory = repo});
    if (r.exit_code != 0) {
      fail_build(r.output, "the build could not be configured");
      return result;
    }
  }

  // 2. Build: Ninja rebuilds only what changed.
  say(fmt::format("building lesson {} (only what changed) ...", lesson.number));
  {
    const auto r = run_process({"cmake", "--build", build.string(), "-j", std::to_string(std::max(1, options.jobs))},
                               {.working_directory = repo});
    if (r.exit_code != 0) {
      fail_build(r.output, "the lesson does not compile");
      say(fmt::format("lesson {}: the build failed ({:.1f} s)", lesson.number, since()));
      return result;
    }
    say(fmt::format("built ({:.1f} s)", r.seconds));
  }
  result.build_status = "built";

  // 3. The checks CTest knows, with their commands.
  const auto listed = run_process({"ctest", "--test-dir", build.string(), "--show-only=json-v1"},
                                  {.working_directory = build});
  const auto specs = parse_test_list(listed.output);
  if (specs.empty()) {
    finding f;
    f.analysis = "build";
    f.property = "CTest lists no checks for this lesson";
    f.details = last_lines(listed.output, 15);
    result.build_status = "failed";
    result.build_error = f;
    result.seconds = since();
    return result;
  }
  result.checks.resize(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    auto& c = result.checks[i];
    c.name = specs[i].name;
    split_name(c.name, c.analysis, c.sentence);
    c.status = "not_run";
  }

  // 4. Run them, `jobs` at a time.
  std::atomic<std::size_t> next{0}, done{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < specs.size();) {
      const auto& spec = specs[i];
      auto& check = result.checks[i];
      const int rounds = check.analysis == "stress" ? std::max(1, options.stress_rounds) : 1;
      process_result r;
      double seconds = 0;
      for (int round = 0; round < rounds; ++round) {
        r = run_process(spec.command, {.working_directory = spec.working_directory,
                                       .timeout_seconds = spec.timeout > 0 ? spec.timeout : 300});
        seconds += r.seconds;
        if (r.exit_code != 0 || r.timed_out) break;
      }
      check.exit_code = r.timed_out ? -1 : r.exit_code;
      check.seconds = seconds;
      check.output = std::move(r.output);
      if (r.timed_out) check.output += fmt::format("\n(ended after {:.0f} s, the check's time limit)\n", spec.timeout);
      check.status = status_of(r);
      if (check.status != "passed") check.findings = translate(check, lesson);
      const auto n = done.fetch_add(1) + 1;
      say(fmt::format("[{}/{}] lesson{} {}: {} ... {} ({:.1f} s)", n, specs.size(), lesson.number, check.analysis,
                      check.sentence, check.status, check.seconds));
    }
  };
  const int jobs = std::clamp(options.jobs, 1, 2);
  std::vector<std::thread> threads;
  for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  result.seconds = since();
  save_json(build / "cookiejar-last.json", result_to_json(result));
  return result;
}

}  // namespace cookiejar
