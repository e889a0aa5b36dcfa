// `cookiejar quiz`: answers in several formats, wrong answers pointed back into the
// report, progress remembered (and shown by `list`), a corrupt state file survived, and
// the repository's quiz files holding no answer. On a throwaway course whose quiz's hashes
// are made here with answer_hash; that answer_hash is SHA-256 is pinned by a vector
// computed elsewhere (Python's hashlib). The stored hashes of the real quizzes are proved
// against the starters' reports by quiz_reports_test.cpp.
#include <cookiejar/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "quiz.hpp"
#include "text.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path repo = COOKIEJAR_CLI_REPO;

struct quiz_course {
  fs::path root;
  cookiejar::context c;
  std::ostringstream out, err;
  std::istringstream in;
  explicit quiz_course(const std::string& tag) {
    root = fs::temp_directory_path() / ("cookiejar-cli-quiz-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(root);
    for (const char* l : {"01-synchronous", "02-lock"}) {
      fs::create_directories(root / "lessons" / l);
      fs::create_directories(root / "checks" / l);
      std::ofstream(root / "lessons" / l / "bounded_buffer.hpp") << "// the student's work\n";
    }
    std::ofstream(root / "CMakePresets.json") << "{}\n";
    const auto question = [](const char* id, const char* kind, const char* answer) {
      const std::string salt = std::string("salt of ") + id;
      std::string why;
      return json{{"id", id},
                  {"kind", kind},
                  {"ask", std::string("Question ") + id + "?"},
                  {"look", std::string("Look at the table of ") + id + "."},
                  {"salt", salt},
                  {"sha256", cookiejar::answer_hash(salt, cookiejar::normalise_answer(kind, answer, why).value())},
                  {"source", {{"check", "a check"}, {"pattern", "(.)"}}}};
    };
    std::ofstream(root / "checks" / "02-lock" / "quiz.json")
        << json{{"lesson", "02"},
                {"questions",
                 {question("line", "line", "70"), question("holder", "thread", "producer 0")}}}
               .dump(2);
    c.run.repo = root;
    c.run.build_root = root / "build";
    c.out = &out;
    c.err = &err;
    c.in = &in;
  }
  ~quiz_course() { fs::remove_all(root); }
  int answer(const std::string& n, const std::string& text) { return cookiejar::quiz_command(c, "02", {n, text}, false); }
  fs::path state() const { return root / "build" / "cookiejar-quiz.json"; }
  // Every file of the course but the build folder, with its text.
  std::map<std::string, std::string> students_files() const {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      const auto rel = fs::relative(e.path(), root).generic_string();
      if (rel.rfind("build", 0) == 0 || !e.is_regular_file()) continue;
      files[rel] = cookiejar::read_file(e.path()).value_or("");
    }
    return files;
  }
  std::string list_row(const std::string& number) {
    out.str("");
    REQUIRE(cookiejar::list_command(c) == 0);
    const auto text = out.str();
    const auto at = text.find("\n" + number + "   ");
    REQUIRE(at != std::string::npos);
    return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  }
};

std::string normal(const std::string& kind, const std::string& answer) {
  std::string why;
  return cookiejar::normalise_answer(kind, answer, why).value_or("(no answer: " + why + ")");
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("quiz.a line number counts the same as 70, line 70, @70 or a path with :70", "[cli][quiz]") {
  for (const char* a : {"70", " line 70 ", "Line 70.", "@70", "bounded_buffer.hpp:70", "lessons/02-lock/bounded_buffer.hpp:70",
                        "070"})
    CHECK(normal("line", a) == "70");
  CHECK(normal("number", "row 19") == "19");
  CHECK(normal("number", "0") == "0");
  std::string why;
  CHECK_FALSE(cookiejar::normalise_answer("line", "70 or 71", why));
  CHECK(why == "answer with one number only");
  CHECK_FALSE(cookiejar::normalise_answer("line", "the lock", why));
  CHECK(why == "answer with a number, e.g. 42 or line 42");
}

TEST_CASE("quiz.a thread counts the same as Producer 0, producer0, p0 or the thread producer #0", "[cli][quiz]") {
  for (const char* a : {"producer 0", "Producer 0", "producer0", "p0", "P0", "the thread producer #0", "`producer 0`"})
    CHECK(normal("thread", a) == "producer0");
  CHECK(normal("thread", "c1") == "consumer1");
  CHECK(normal("thread", "closer") == "closer");
  CHECK(normal("thread", "consumer 1") != normal("thread", "consumer 0"));
  CHECK(normal("word", " `Try_Get()` ") == "try_get");
}

TEST_CASE("quiz.an answer's hash is the SHA-256 of its salt, a newline and the normalised answer", "[cli][quiz]") {
  // python3 -c "import hashlib; print(hashlib.sha256(b'pinch of salt\n70').hexdigest())"
  CHECK(cookiejar::answer_hash("pinch of salt", "70") == "037bddbc285e26d14d5be797357348f6277e1015407164c3ab74e807bf57a2b3");
  CHECK(cookiejar::answer_hash("another salt", "70") != cookiejar::answer_hash("pinch of salt", "70"));
}

TEST_CASE("quiz.right answers in other formats are accepted, remembered, and shown by list", "[cli][quiz]") {
  quiz_course k("right");
  const auto before = k.students_files();
  CHECK(k.list_row("02").ends_with(" 0/2"));
  CHECK(k.list_row("01").ends_with(" -"));  // no quiz for lesson 01
  k.out.str("");
  CHECK(k.answer("1", "bounded_buffer.hpp:70") == 0);
  CHECK(has(k.out.str(), "question 1 of 2: Right."));
  CHECK(has(k.out.str(), "lesson 02's quiz: 1 of 2 answered."));
  CHECK(k.list_row("02").ends_with(" 1/2"));
  CHECK(k.answer("2", "P0") == 0);
  CHECK(k.list_row("02").ends_with(" 2/2"));
  // Remembered in the build folder only: nothing else of the course changed.
  const auto saved = cookiejar::load_quiz_progress(k.state());
  CHECK(saved.problem.empty());
  CHECK(saved.answered.at("02") == std::set<std::string>{"line", "holder"});
  CHECK(k.students_files() == before);
  // --reset forgets them.
  CHECK(cookiejar::quiz_command(k.c, "02", {}, true) == 0);
  CHECK(k.list_row("02").ends_with(" 0/2"));
}

TEST_CASE("quiz.a wrong answer is refused with where to look in the report, and is not remembered", "[cli][quiz]") {
  quiz_course k("wrong");
  CHECK(k.answer("1", "line 71") == 1);
  const auto text = k.out.str();
  CHECK(has(text, "question 1 of 2: Not that. Look at the table of line."));
  CHECK(!has(text, "70"));
  k.out.str("");
  CHECK(k.answer("2", "consumer 0") == 1);
  CHECK(has(k.out.str(), "Not that. Look at the table of holder."));
  k.out.str("");
  CHECK(k.answer("1", "somewhere") == 1);
  CHECK(has(k.out.str(), "That is not an answer here: answer with a number, e.g. 42 or line 42."));
  CHECK(k.list_row("02").ends_with(" 0/2"));
  CHECK(k.answer("3", "70") == 2);
  CHECK(has(k.err.str(), "there is no question '3': lesson 02's quiz has questions 1 to 2"));
}

TEST_CASE("quiz.answers read one a line ask each question in turn, a wrong one again, and an empty line skips it",
          "[cli][quiz]") {
  quiz_course k("stdin");
  k.in.str("71\n70\n\n");
  CHECK(cookiejar::quiz_command(k.c, "02", {}, false) == 1);
  const auto text = k.out.str();
  CHECK(has(text, "question 1 of 2: Question line?\n> 71\nNot that. Look at the table of line.\n> 70\nRight.\n"));
  CHECK(has(text, "question 2 of 2: Question holder?\n> \nSkipped.\n"));
  CHECK(has(text, "lesson 02's quiz: 1 of 2 answered. `cookiejar quiz 02` asks the rest."));
  // The next run asks only what is left.
  k.out.str("");
  k.in.clear();
  k.in.str("producer 0\n");
  CHECK(cookiejar::quiz_command(k.c, "02", {}, false) == 0);
  CHECK(!has(k.out.str(), "Question line?"));
  CHECK(has(k.out.str(), "lesson 02's quiz: 2 of 2 answered.\n"));
  // Input that ends before the questions do stops the quiz, and says so.
  REQUIRE(cookiejar::quiz_command(k.c, "02", {}, true) == 0);
  k.out.str("");
  k.in.clear();
  k.in.str("71\n");
  CHECK(cookiejar::quiz_command(k.c, "02", {}, false) == 1);
  CHECK(has(k.out.str(), "> 71\nNot that. Look at the table of line.\n(no more answers)\n\nlesson 02's quiz: 0 of 2"));
  CHECK(!has(k.out.str(), "Question holder?"));
}

TEST_CASE("quiz.a corrupt state file is reported, kept as .bad, and the quiz goes on from nothing", "[cli][quiz]") {
  quiz_course k("corrupt");
  fs::create_directories(k.state().parent_path());
  std::ofstream(k.state()) << "{\"answered\": {\"02\": [\"line\"";  // cut short
  CHECK(k.list_row("02").ends_with(" 0/2"));                     // list is not stopped by it
  k.out.str("");
  CHECK(k.answer("2", "producer 0") == 0);
  CHECK(has(k.err.str(), "cookiejar quiz: cookiejar-quiz.json (in the build folder) is not JSON; the quiz starts again from nothing"));
  CHECK(cookiejar::read_file(k.state().string() + ".bad") == "{\"answered\": {\"02\": [\"line\"");
  const auto saved = cookiejar::load_quiz_progress(k.state());
  CHECK(saved.problem.empty());
  CHECK(saved.answered.at("02") == std::set<std::string>{"holder"});
  // Valid JSON of the wrong shape is a problem too, never a crash.
  std::ofstream(k.state()) << "{\"answered\": {\"02\": 7}}";
  CHECK(has(cookiejar::load_quiz_progress(k.state()).problem, "lesson 02's answers are not a list"));
  std::ofstream(k.state()) << "[1, 2]";
  CHECK(has(cookiejar::load_quiz_progress(k.state()).problem, "has no \"answered\" object"));
}

TEST_CASE("quiz.a lesson without a quiz, or with a broken quiz file, gets a clear message", "[cli][quiz]") {
  quiz_course k("none");
  CHECK(cookiejar::quiz_command(k.c, "01", {}, false) == 2);
  CHECK(has(k.err.str(), "lesson 01 has no quiz (lessons 02 to 05 have one)"));
  std::ofstream(k.root / "checks" / "02-lock" / "quiz.json") << R"({"questions": [{"id": "a", "kind": "colour"}]})";
  CHECK(cookiejar::quiz_command(k.c, "02", {"1", "70"}, false) == 2);
  CHECK(has(k.err.str(), "checks/02-lock/quiz.json: question 1 needs a unique id, a kind"));
  CHECK(k.list_row("02").ends_with(" -"));
}

TEST_CASE("quiz.the repository's quiz files hold questions and hashes, and no field an answer could be read from",
          "[cli][quiz]") {
  const std::set<std::string> allowed{"id", "kind", "ask", "look", "salt", "sha256", "source"};
  const std::set<std::string> source_keys{"via", "check", "pattern", "take"};
  std::size_t quizzes = 0;
  for (const auto& lesson : cookiejar::discover_lessons(repo)) {
    std::string problem;
    const auto q = cookiejar::load_quiz(lesson, problem);
    INFO("lesson " << lesson.number << ": " << problem);
    CHECK(problem.empty());
    if (!q) continue;
    ++quizzes;
    const auto j = json::parse(cookiejar::read_file(lesson.checks_dir / "quiz.json").value());
    std::set<std::string> salts;
    for (const auto& item : j["questions"]) {
      for (const auto& [key, value] : item.items()) CHECK(allowed.contains(key));
      for (const auto& [key, value] : item["source"].items()) CHECK(source_keys.contains(key));
      CHECK(item["salt"].get<std::string>().size() >= 16);
      CHECK(salts.insert(item["salt"].get<std::string>()).second);
    }
  }
  CHECK(quizzes == 4);  // lessons 02 to 05
}
