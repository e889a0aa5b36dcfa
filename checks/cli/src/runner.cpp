#include "runner.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include <cookiejar/detail/bounded_output.hpp>
#include <cookiejar/verdict_json.hpp>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "process.hpp"
#include "state.hpp"
#include "text.hpp"
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

bool has_preset(const fs::path& repo, const std::string& preset) {
  const auto j = load_json(repo / "CMakePresets.json");
  if (!j || !j->is_object() || !j->contains("configurePresets") || !(*j)["configurePresets"].is_array()) return false;
  for (const auto& p : (*j)["configurePresets"])
    if (p.is_object() && p.value("name", "") == preset) return true;
  return false;
}

}  // namespace

// The Catch2 sentence of a CTest name lessonNN.<variant>.<analysis>.<sentence>.
std::string sentence_of(const std::string& name) {
  std::size_t at = 0;
  for (int dots = 0; dots < 3; ++dots) {
    at = name.find('.', at);
    if (at == std::string::npos) return name;
    ++at;
  }
  return name.substr(at);
}

judged_run run_judged(const test_spec& spec, const fs::path& verdict_file, std::vector<std::string> environment) {
  judged_run run;
  if (!spec.judged) {
    run.problem = fmt::format("the check is not run through cookiejar-run-check (its command starts with {}), so "
                              "nothing judges it",
                              spec.command.empty() ? std::string("nothing") : spec.command.front());
    return run;
  }
  std::error_code ec;
  fs::remove(verdict_file, ec);
  environment.push_back(std::string(verdict_out_variable) + "=" + verdict_file.string());
  // The runner ends the check 10 s before CTest would; this limit only guards against the
  // runner itself never ending.
  run.process = run_process(spec.command, {.working_directory = spec.working_directory,
                                           .timeout_seconds = (spec.timeout > 0 ? spec.timeout : 300) + 30,
                                           .environment = std::move(environment),
                                           .keep_bytes = 64 * 1024});
  if (run.process.timed_out) {
    run.problem = "cookiejar-run-check itself did not end within the check's time limit";
    return run;
  }
  const auto text = read_file(verdict_file);
  fs::remove(verdict_file, ec);
  if (!text) {
    run.problem = fmt::format("cookiejar-run-check wrote no verdict (it ended with exit code {})", run.process.exit_code);
    return run;
  }
  const auto j = nlohmann::json::parse(*text, nullptr, false);
  std::string why;
  if (j.is_discarded()) why = "it is not JSON";
  else run.verdict = cj::verdict::run_verdict_from_json(j, &why);
  if (!run.verdict) run.problem = "cookiejar-run-check's verdict could not be read: " + why;
  return run;
}

std::vector<test_spec> parse_test_list(const std::string& json_text) {
  std::vector<test_spec> specs;
  const auto start = json_text.find('{');
  if (start == std::string::npos) return specs;
  const auto j = nlohmann::json::parse(json_text.substr(start), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("tests") || !j["tests"].is_array()) return specs;
  for (const auto& t : j["tests"]) {
    if (!t.is_object()) continue;
    test_spec s;
    s.name = t.value("name", "");
    if (t.contains("command") && t["command"].is_array())
      for (const auto& word : t["command"])
        if (word.is_string()) s.command.push_back(word.get<std::string>());
    if (t.contains("properties") && t["properties"].is_array()) {
      for (const auto& p : t["properties"]) {
        if (!p.is_object() || !p.contains("value")) continue;
        const auto key = p.value("name", "");
        if (key == "WORKING_DIRECTORY" && p["value"].is_string()) s.working_directory = p["value"].get<std::string>();
        if (key == "TIMEOUT" && p["value"].is_number()) s.timeout = p["value"].get<double>();
      }
    }
    if (s.command.empty()) continue;
    // The runner names the analysis it judges the check as (--analysis A).
    s.judged = fs::path(s.command.front()).filename() == "cookiejar-run-check";
    for (std::size_t i = 1; s.judged && i + 1 < s.command.size() && s.command[i] != "--"; ++i)
      if (s.command[i] == "--analysis")
        s.of = cj::verdict::from_key(s.command[i + 1], cj::verdict::all_analyses).value_or(analysis::unit);
    specs.push_back(std::move(s));
  }
  return specs;
}

std::optional<std::vector<test_spec>> list_checks(const fs::path& build, std::string& problem) {
  const auto listed = run_process({"ctest", "--test-dir", build.string(), "--show-only=json-v1"},
                                  {.working_directory = build, .timeout_seconds = 120, .keep_bytes = 64 << 20});
  if (listed.exit_code != 0 || listed.output_cut()) {
    problem = listed.output_cut() ? "ctest's list of checks is too long to read"
                                  : fmt::format("ctest could not list the checks:\n{}", last_lines(listed.output, 15));
    return std::nullopt;
  }
  return parse_test_list(listed.output);
}

check_result run_check(const test_spec& spec, const lesson_info& lesson, const fs::path& verdict_file, int rounds,
                       const std::vector<std::string>& environment) {
  check_result check;
  check.name = spec.name;
  check.sentence = sentence_of(spec.name);
  check.of = spec.of;
  judged_run run;
  for (int round = 0; round < std::max(1, rounds); ++round) {
    run = run_judged(spec, verdict_file, environment);
    check.seconds += run.verdict ? run.verdict->seconds : run.process.seconds;
    if (!run.verdict || !run.verdict->passed()) break;
  }
  if (!run.verdict) {
    // No verdict is never a pass: the check failed, and says why.
    check.status = run.process.timed_out ? check_status::hung : check_status::failed;
    check.reason = run.problem;
    check.output = run.process.output;
    check.output_bytes = run.process.output_bytes;
    check.findings = translate_no_verdict(run.problem, run.process.output, check.of);
    return check;
  }
  const auto& v = *run.verdict;
  check.status = status_of(v.result);
  check.reason = v.reason;
  check.exit_status = v.exit_status;
  check.signal = v.signal;
  check.timed_out = v.timed_out;
  for (const auto& r : v.records) {
    check.assertions_passed += r.assertions_passed;
    check.assertions_failed += r.assertions_failed;
  }
  check.output = cj::detail::bounded_output::joined(v.output_head, v.output_tail, v.output_cut);
  check.output_bytes = v.output_bytes;
  if (check.status != check_status::passed) {
    check.findings = translate(v, check, lesson);
    check.records = v.records;
  }
  return check;
}

fs::path built_copy(const lesson_info& lesson, const run_options& options) {
  return lesson_build_dir(lesson, options) / "cookiejar-built" / "bounded_buffer.hpp";
}

void remember_build(const lesson_info& lesson, const run_options& options) {
  std::error_code ec;
  fs::create_directories(built_copy(lesson, options).parent_path(), ec);
  fs::copy_file(lesson.lesson_dir / "bounded_buffer.hpp", built_copy(lesson, options),
                fs::copy_options::overwrite_existing, ec);
}

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

namespace {

// The build's error as a finding: the compiler's first error when there is one.
finding build_failure(const process_result& r, const lesson_info& lesson, const std::string& what) {
  if (auto f = translate_build_error(r.output, lesson)) return std::move(*f);
  finding f;
  f.found_by = analysis::build;
  f.property = what;
  f.details = last_lines(r.output, 25);
  return f;
}

// Configures the lesson's build folder when it has none, and makes sure an edited
// student's file is compiled again. Nothing when that went well.
std::optional<finding> prepare_build(const lesson_info& lesson, const run_options& options) {
  const fs::path repo = options.repo.empty() ? lesson.lesson_dir.parent_path().parent_path() : options.repo;
  const fs::path build = lesson_build_dir(lesson, options);
  const std::string preset = "lesson-" + lesson.number;

  // 1. Configure, once.
  if (!fs::exists(build / "CMakeCache.txt")) {
    std::vector<std::string> configure;
    if (has_preset(repo, preset)) {
      configure = {"cmake", "--preset", preset, "-B", build.string()};
    } else {  // a lesson newer than the presets: the same settings by hand
      configure = {"cmake", "-S", repo.string(), "-B", build.string(), "-G", "Ninja",
                   "-DCMAKE_CXX_COMPILER=clang++", "-DCOOKIEJAR_SCOPE=student",
                   "-DCOOKIEJAR_LESSONS=" + lesson.number};
    }
    const auto r = run_process(configure, {.working_directory = repo});
    if (r.exit_code != 0) return build_failure(r, lesson, "the build could not be configured");
  }

  // 2. Ninja rebuilds only what changed, by the files' times. A student's file that
  // changed but kept an older time (copied with its time, restored from a backup) would
  // be missed: its objects go, so Ninja compiles them again.
  if (const auto copy = read_file(built_copy(lesson, options));
      copy && copy != read_file(lesson.lesson_dir / "bounded_buffer.hpp")) {
    std::error_code ec;
    const auto edited = fs::last_write_time(lesson.lesson_dir / "bounded_buffer.hpp", ec);
    for (auto it = fs::recursive_directory_iterator(build / "checks" / lesson.folder, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code time_ec;
      if (it->path().extension() == ".o" && it->last_write_time(time_ec) >= edited && !time_ec)
        fs::remove(it->path(), time_ec);
    }
  }
  return std::nullopt;
}

// Builds `targets` (Ninja's paths, relative to the build folder), or all of the lesson
// when there are none.
std::optional<finding> build_targets(const lesson_info& lesson, const run_options& options,
                                     const std::vector<std::string>& targets) {
  const fs::path repo = options.repo.empty() ? lesson.lesson_dir.parent_path().parent_path() : options.repo;
  std::vector<std::string> command{"cmake", "--build", lesson_build_dir(lesson, options).string(), "-j",
                                   std::to_string(std::max(1, options.jobs))};
  if (!targets.empty()) {
    command.push_back("--target");
    command.insert(command.end(), targets.begin(), targets.end());
  }
  const auto r = run_process(command, {.working_directory = repo});
  if (r.exit_code != 0) return build_failure(r, lesson, "the lesson does not compile");
  return std::nullopt;
}

// The order the checks are built and run in: the quick analyses first, so the first
// verdicts come while the slow programs are still compiling. Each stage is the
// programs of one rank; a check runs once its stage is built.
int stage_of(analysis a) {
  switch (a) {
    case analysis::unit: case analysis::property: return 0;
    case analysis::model: return 1;
    case analysis::stress: return 2;
    default: return 3;
  }
}

// The program a check runs (after the runner's `--`), as Ninja's path relative to the
// build folder; empty when it is not built there.
std::string program_target(const test_spec& spec, const fs::path& build) {
  auto word = spec.command.begin();
  if (spec.judged) {
    word = std::find(spec.command.begin(), spec.command.end(), std::string("--"));
    if (word != spec.command.end()) ++word;
  }
  if (word == spec.command.end()) return {};
  const auto relative = fs::path(*word).lexically_relative(build);
  if (relative.empty() || *relative.begin() == "..") return {};
  return relative.generic_string();
}

// The files Ninja can build in `build` (its outputs, relative to it); none when the
// build is not Ninja's or cannot say (then everything is built in one go).
std::set<std::string> ninja_outputs(const fs::path& build) {
  std::set<std::string> outputs;
  const auto r = run_process({"cmake", "--build", build.string(), "--", "-t", "targets", "all"},
                             {.working_directory = build, .timeout_seconds = 60, .keep_bytes = 16 << 20});
  if (r.exit_code != 0 || r.output_cut()) return outputs;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);)
    if (const auto colon = line.rfind(": "); colon != std::string::npos) outputs.insert(line.substr(0, colon));
  return outputs;
}

}  // namespace

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
  const fs::path build = lesson_build_dir(lesson, options);

  const auto stop = [&](build_state state, finding why) {
    result.build = state;
    result.build_error = std::move(why);
    result.checks.clear();
    result.seconds = since();
    save_json(build / "cookiejar-last.json", result_to_json(result));
    return result;
  };
  if (!fs::exists(build / "CMakeCache.txt"))
    say(fmt::format("configuring lesson {} in {} ...", lesson.number, build.string()));
  if (auto problem = prepare_build(lesson, options)) return stop(build_state::failed, std::move(*problem));

  // The checks CTest knows, with their commands (each starts with cookiejar-run-check):
  // registered when the build was configured, so they are known before the programs are
  // built; CTest leaves out the command of a test whose runner is not built yet.
  say(fmt::format("building lesson {} (only what changed) ...", lesson.number));
  const double build_started = since();
  if (auto failure = build_targets(lesson, options, {"cookiejar_run_check"}))
    return stop(build_state::failed, std::move(*failure));
  std::string problem;
  const auto specs = list_checks(build, problem);
  if (!specs || specs->empty()) {
    finding f;
    f.found_by = analysis::build;
    f.property = specs ? "CTest lists no checks for this lesson" : problem;
    return stop(build_state::failed, std::move(f));
  }
  result.checks.resize(specs->size());

  // The stages: each one's programs (those Ninja knows how to build), built in turn; a
  // check whose program Ninja does not name waits for the last stage, the whole build.
  constexpr int stages = 4;
  std::array<std::vector<std::string>, stages> targets;
  const auto buildable = ninja_outputs(build);
  std::vector<int> stage_of_check(specs->size(), stages);
  std::vector<std::size_t> order(specs->size());
  for (std::size_t i = 0; i < specs->size(); ++i) {
    order[i] = i;
    const auto target = program_target((*specs)[i], build);
    if (!buildable.contains(target)) continue;
    stage_of_check[i] = stage_of((*specs)[i].of);
    auto& stage = targets[static_cast<std::size_t>(stage_of_check[i])];
    if (std::find(stage.begin(), stage.end(), target) == stage.end()) stage.push_back(target);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return stage_of_check[a] < stage_of_check[b]; });

  // Guarded by stage_mutex: how many stages are built, and why the build stopped.
  std::mutex stage_mutex;
  std::condition_variable stage_built;
  int built = 0;
  std::optional<finding> build_error;

  // Run the checks, `jobs` at a time, each as soon as its stage is built; each one's
  // verdict in its own file.
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;  // guarded by print_mutex
  auto worker = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < order.size();) {
      const auto i = order[k];
      const auto& spec = (*specs)[i];
      {
        std::unique_lock lock(stage_mutex);
        stage_built.wait(lock, [&] { return build_error || built > stage_of_check[i]; });
        if (build_error) return;
      }
      const int rounds = spec.of == analysis::stress ? std::max(1, options.stress_rounds) : 1;
      auto& check = result.checks[i];
      check = run_check(spec, lesson, build / "cookiejar-verdicts" / fmt::format("{}.json", i), rounds);
      // Counted and printed under one lock, so [n/N] lines come out in the order of n.
      std::lock_guard lock(print_mutex);
      const auto n = ++done;
      if (options.show_progress && options.progress != nullptr)
        *options.progress << fmt::format("[{}/{}] lesson{} {}: {} ... {} ({:.1f} s)", n, specs->size(),
                                         lesson.number, kind_of(check), check.sentence,
                                         key_of(check.status), check.seconds)
                          << std::endl;
    }
  };
  std::error_code ec;
  fs::create_directories(build / "cookiejar-verdicts", ec);
  const int jobs = std::clamp(options.jobs, 1, 2);
  std::vector<std::thread> threads;
  for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);

  // Build stage by stage; then everything else of the lesson (a file no check runs
  // must compile too).
  for (int stage = 0; stage <= stages; ++stage) {
    const bool last = stage == stages;
    if (!last && targets[static_cast<std::size_t>(stage)].empty()) {
      std::lock_guard lock(stage_mutex);
      built = stage + 1;
      stage_built.notify_all();
      continue;
    }
    auto failure = build_targets(lesson, options, last ? std::vector<std::string>{} : targets[static_cast<std::size_t>(stage)]);
    std::lock_guard lock(stage_mutex);
    if (failure) {
      say(fmt::format("lesson {}: the build failed", lesson.number));
      build_error = std::move(failure);
      stage_built.notify_all();
      break;
    }
    built = stage + 1;
    stage_built.notify_all();
  }
  if (!build_error) say(fmt::format("built ({:.1f} s)", since() - build_started));
  for (auto& t : threads) t.join();
  if (build_error) return stop(build_state::failed, std::move(*build_error));
  remember_build(lesson, options);
  result.build = build_state::built;

  result.seconds = since();
  save_json(build / "cookiejar-last.json", result_to_json(result));
  return result;
}

std::optional<finding> build_lesson(const lesson_info& lesson, const run_options& options,
                                    const std::function<void(const std::string&)>& say) {
  const fs::path build = lesson_build_dir(lesson, options);
  if (!fs::exists(build / "CMakeCache.txt"))
    say(fmt::format("configuring lesson {} in {} ...", lesson.number, build.string()));
  if (auto problem = prepare_build(lesson, options)) return problem;
  say(fmt::format("building lesson {} (only what changed) ...", lesson.number));
  const auto t0 = std::chrono::steady_clock::now();
  if (auto problem = build_targets(lesson, options, {})) {
    say(fmt::format("lesson {}: the build failed", lesson.number));
    return problem;
  }
  say(fmt::format("built ({:.1f} s)", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
  remember_build(lesson, options);
  return std::nullopt;
}

}  // namespace cookiejar
