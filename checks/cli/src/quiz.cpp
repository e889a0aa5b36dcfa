#include "quiz.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "state.hpp"
#include "tamper.hpp"
#include "text.hpp"

namespace cookiejar {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
           return std::isdigit(static_cast<unsigned char>(ch)) || (ch >= 'a' && ch <= 'f');
         });
}

std::string text_of(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<std::string> one_number(const std::string& answer, std::string& why) {
  // A path before the number ("lessons/02-lock/bounded_buffer.hpp:70") names the file, not the answer.
  auto s = answer;
  if (const auto colon = s.rfind(':'); colon != std::string::npos) s = s.substr(colon + 1);
  std::vector<std::string> numbers;
  for (std::size_t i = 0; i < s.size();) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    auto digits = s.substr(i, j - i);
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
    numbers.push_back(digits);
    i = j;
  }
  if (numbers.size() == 1) return numbers.front();
  why = numbers.empty() ? "answer with a number, e.g. 42 or line 42" : "answer with one number only";
  return std::nullopt;
}

std::optional<std::string> thread_name(const std::string& answer, std::string& why) {
  std::string spaced;
  for (char ch : lower(answer)) spaced += std::isalnum(static_cast<unsigned char>(ch)) ? ch : ' ';
  std::istringstream words(spaced);
  std::string name;
  for (std::string w; words >> w;)
    if (w != "the" && w != "thread") name += w;
  static const std::regex shorthand("([pc])([0-9]+)");
  std::smatch m;
  if (std::regex_match(name, m, shorthand)) name = (m[1] == "p" ? "producer" : "consumer") + m[2].str();
  if (name.empty()) {
    why = "answer with a thread's name, e.g. producer 0";
    return std::nullopt;
  }
  return name;
}

std::optional<std::string> word(const std::string& answer, std::string& why) {
  std::string s;
  for (char ch : lower(trim(answer)))
    if (ch != '`' && ch != '"' && ch != '\'') s += ch;
  s = trim(s);
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, "()") == 0) s.erase(s.size() - 2);
  std::istringstream words(s);
  std::string squeezed;
  for (std::string w; words >> w;) squeezed += (squeezed.empty() ? "" : " ") + w;
  if (squeezed.empty()) {
    why = "answer with a word, e.g. a function's name";
    return std::nullopt;
  }
  return squeezed;
}

void say_progress_problem(const context& c, const quiz_progress& p) {
  if (!p.problem.empty())
    *c.err << "cookiejar quiz: " << p.problem
           << "; the quiz starts again from nothing (the file is kept as cookiejar-quiz.json.bad when it saves)\n";
}

}  // namespace

std::optional<quiz> load_quiz(const lesson_info& lesson, std::string& problem) {
  problem.clear();
  const auto file = lesson.checks_dir / "quiz.json";
  if (!fs::exists(file)) return std::nullopt;
  const auto where = "checks/" + lesson.folder + "/quiz.json";
  const auto text = read_file(file);
  const json j = text ? json::parse(*text, nullptr, false) : json(json::value_t::discarded);
  if (!text || j.is_discarded() || !j.is_object() || !j.contains("questions") || !j["questions"].is_array()) {
    problem = where + " is not a quiz (JSON with a \"questions\" array)";
    return std::nullopt;
  }
  quiz q;
  q.number = lesson.number;
  std::set<std::string> ids;
  for (const auto& item : j["questions"]) {
    quiz_question x;
    if (item.is_object()) {
      x.id = text_of(item, "id");
      x.kind = text_of(item, "kind");
      x.ask = text_of(item, "ask");
      x.look = text_of(item, "look");
      x.salt = text_of(item, "salt");
      x.sha256 = text_of(item, "sha256");
      if (item.contains("source") && item["source"].is_object()) {
        x.check = text_of(item["source"], "check");
        x.pattern = text_of(item["source"], "pattern");
        x.take = text_of(item["source"], "take");
        x.via = text_of(item["source"], "via");
      }
    }
    if (x.take.empty()) x.take = "text";
    if (x.via.empty()) x.via = "check";
    const auto n = q.questions.size() + 1;
    const bool kind_ok = x.kind == "line" || x.kind == "number" || x.kind == "thread" || x.kind == "word";
    const bool take_ok = (x.take == "text" || x.take == "column") && (x.via == "check" || x.via == "replay");
    if (x.id.empty() || !ids.insert(x.id).second || !kind_ok || !take_ok || x.ask.empty() || x.look.empty() ||
        !is_hex64(x.sha256)) {
      problem = fmt::format("{}: question {} needs a unique id, a kind (line, number, thread or word), ask, look, "
                            "a sha256 of 64 hex digits, and a source whose take is text or column and via check or replay",
                            where, n);
      return std::nullopt;
    }
    q.questions.push_back(std::move(x));
  }
  return q;
}

std::optional<std::string> normalise_answer(const std::string& kind, const std::string& answer, std::string& why) {
  if (kind == "line" || kind == "number") return one_number(answer, why);
  if (kind == "thread") return thread_name(answer, why);
  if (kind == "word") return word(answer, why);
  why = "the question's kind '" + kind + "' is unknown";
  return std::nullopt;
}

std::string answer_hash(const std::string& salt, const std::string& normalised) {
  static std::atomic<unsigned> counter{0};
  const auto dir = fs::temp_directory_path() /
                   fmt::format("cookiejar-quiz-{}-{}", ::getpid(), counter.fetch_add(1));
  fs::create_directories(dir);
  {
    std::ofstream out(dir / "answer", std::ios::binary | std::ios::trunc);
    out << salt << '\n' << normalised;
  }
  try {
    auto hashes = hash_files(dir, {"answer"});
    fs::remove_all(dir);
    return hashes.at("answer");
  } catch (...) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    throw;
  }
}

fs::path quiz_state_file(const run_options& run) { return build_root_of(run) / "cookiejar-quiz.json"; }

quiz_progress load_quiz_progress(const fs::path& file) {
  quiz_progress p;
  std::error_code ec;
  if (!fs::exists(file, ec)) return p;
  const auto shown = file.filename().string() + " (in the build folder)";
  const auto j = load_json(file);
  if (!j) {
    p.problem = shown + " is not JSON";
    return p;
  }
  if (!j->is_object() || !j->contains("answered") || !(*j)["answered"].is_object()) {
    p.problem = shown + " has no \"answered\" object";
    return p;
  }
  for (const auto& [lesson, ids] : (*j)["answered"].items()) {
    if (!ids.is_array()) {
      p.problem = shown + ": lesson " + lesson + "'s answers are not a list";
      p.answered.clear();
      return p;
    }
    for (const auto& id : ids)
      if (id.is_string()) p.answered[lesson].insert(id.get<std::string>());
  }
  return p;
}

bool save_quiz_progress(const fs::path& file, const quiz_progress& progress) {
  std::error_code ec;
  if (!progress.problem.empty() && fs::exists(file, ec)) fs::rename(file, file.string() + ".bad", ec);
  json answered = json::object();
  for (const auto& [lesson, ids] : progress.answered) answered[lesson] = ids;
  return save_json(file, json{{"version", 1}, {"answered", answered}});
}

std::string quiz_summary(const lesson_info& lesson, const run_options& run) {
  std::string problem;
  const auto q = load_quiz(lesson, problem);
  if (!q) return "";
  const auto p = load_quiz_progress(quiz_state_file(run));
  std::size_t right = 0;
  if (const auto it = p.answered.find(lesson.number); it != p.answered.end())
    for (const auto& x : q->questions) right += it->second.contains(x.id) ? 1 : 0;
  return fmt::format("{}/{}", right, q->questions.size());
}

int quiz_command(const context& c, const std::string& number, const std::vector<std::string>& answers, bool reset) {
  const auto lesson = find_lesson(c.run.repo, number);
  std::string problem;
  const auto q = load_quiz(lesson, problem);
  if (!q) {
    *c.err << "cookiejar quiz: "
           << (problem.empty() ? fmt::format("lesson {} has no quiz (lessons 02 to 05 have one)", lesson.number) : problem)
           << "\n";
    return 2;
  }
  if (answers.size() % 2 != 0) {
    *c.err << "cookiejar quiz: --answer takes two values, the question's number and the answer\n";
    return 2;
  }
  const auto file = quiz_state_file(c.run);
  auto progress = load_quiz_progress(file);
  say_progress_problem(c, progress);
  auto& done = progress.answered[lesson.number];
  std::erase_if(done, [&](const std::string& id) {
    return std::none_of(q->questions.begin(), q->questions.end(), [&](const auto& x) { return x.id == id; });
  });
  const auto n = q->questions.size();
  const auto save = [&] {
    if (!save_quiz_progress(file, progress)) *c.err << "cookiejar quiz: cannot write " << file.string() << "\n";
    progress.problem.clear();
  };
  if (reset) {
    done.clear();
    save();
    *c.out << fmt::format("lesson {}'s quiz starts again from question 1.\n", lesson.number);
    return 0;
  }
  // Right, wrong (with where to look), or not an answer (with why): one line.
  const auto judge = [&](const quiz_question& x, const std::string& answer) {
    std::string why;
    const auto normal = normalise_answer(x.kind, answer, why);
    if (!normal) {
      *c.out << "That is not an answer here: " << why << ".\n";
      return false;
    }
    if (answer_hash(x.salt, *normal) == x.sha256) {
      *c.out << "Right.\n";
      done.insert(x.id);
      save();
      return true;
    }
    *c.out << "Not that. " << x.look << "\n";
    return false;
  };

  if (!answers.empty()) {
    bool all_right = true;
    for (std::size_t i = 0; i < answers.size(); i += 2) {
      std::size_t k = 0;
      try {
        std::size_t used = 0;
        k = std::stoul(answers[i], &used);
        if (used != answers[i].size()) k = 0;
      } catch (const std::exception&) {
        k = 0;
      }
      if (k < 1 || k > n) {
        *c.err << fmt::format("cookiejar quiz: there is no question '{}': lesson {}'s quiz has questions 1 to {}\n",
                              answers[i], lesson.number, n);
        return 2;
      }
      *c.out << fmt::format("question {} of {}: ", k, n);
      all_right = judge(q->questions[k - 1], answers[i + 1]) && all_right;
    }
    *c.out << fmt::format("lesson {}'s quiz: {} of {} answered.\n", lesson.number, done.size(), n);
    return all_right ? 0 : 1;
  }

  const bool prompt = c.in == &std::cin && ::isatty(0) == 1;
  *c.out << fmt::format(
      "lesson {}'s quiz: {} of {} answered. The answers are in the starter's reports: run what each question names "
      "and read what it prints.\nOne answer a line; a wrong one asks again, an empty line skips the question.\n",
      lesson.number, done.size(), n);
  bool ended = false;
  for (std::size_t k = 0; k < n && !ended; ++k) {
    const auto& x = q->questions[k];
    if (done.contains(x.id)) continue;
    *c.out << fmt::format("\nquestion {} of {}: {}\n", k + 1, n, x.ask);
    for (;;) {
      if (prompt) *c.out << "> " << std::flush;
      std::string line;
      if (!std::getline(*c.in, line)) {
        *c.out << (prompt ? "\n" : "(no more answers)\n");
        ended = true;
        break;
      }
      line = trim(line);
      if (!prompt) *c.out << "> " << line << "\n";
      if (line.empty()) {
        *c.out << "Skipped.\n";
        break;
      }
      if (judge(x, line)) break;
    }
  }
  *c.out << fmt::format("\nlesson {}'s quiz: {} of {} answered.{}\n", lesson.number, done.size(), n,
                        done.size() == n ? "" : fmt::format(" `cookiejar quiz {}` asks the rest.", lesson.number));
  return done.size() == n ? 0 : 1;
}

}  // namespace cookiejar
