// Reading a ThreadSanitizer report's frames (cookiejar/detail/tsan_frames.hpp): whose code
// a file is, the short function name a record shows, and the symbolizer's frame format.
// The names are ones the two compilers' symbolizers really give (clang 14, g++ 12).
#include <cookiejar/detail/tsan_frames.hpp>

#include <string>

#include <cookiejar/catch.hpp>

#include "library_test.hpp"

namespace {

namespace frames = cj::tsan_frames;

std::string short_name(const char* full) {
    char out[128];
    const auto n = frames::short_function_name(full, out, sizeof out);
    REQUIRE(n < sizeof out);
    return std::string(out, n);
}

}  // namespace

TEST_CASE("a frame's file says whose code it is", LIBRARY_TAGS) {
    using frames::code_kind;
    CHECK(frames::kind_of("lessons/02-lock/bounded_buffer.hpp") == code_kind::student);
    CHECK(frames::kind_of("solutions/04-condition/bounded_buffer.hpp") == code_kind::student);
    CHECK(frames::kind_of("checks/02-lock/mutants/unlocked_size.hpp") == code_kind::student);
    CHECK(frames::kind_of("checks/02-lock/stress_test.cpp") == code_kind::check);
    CHECK(frames::kind_of("checks/library/expected_tsan_records.cpp") == code_kind::check);
    CHECK(frames::kind_of("checks/include/cookiejar/stress_check.hpp") == code_kind::library);
    CHECK(frames::kind_of("checks/common/catch_main.cpp") == code_kind::library);
    // the standard library, glibc's and the runtime's own relative paths, unknown
    CHECK(frames::kind_of("/usr/include/c++/12/bits/std_mutex.h") == code_kind::outside);
    CHECK(frames::kind_of("csu/../sysdeps/nptl/libc_start_call_main.h") == code_kind::outside);
    CHECK(frames::kind_of("../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc") ==
          code_kind::outside);
    CHECK(frames::kind_of("<null>") == code_kind::outside);
    // "checks/NN-..." without mutants/ is a check, not the student's
    CHECK(frames::kind_of("checks/02-lock/model_test.cpp") == code_kind::check);
}

TEST_CASE("a path is made relative to the repository only when it is inside it", LIBRARY_TAGS) {
    CHECK(frames::relative_to("/work/jar/lessons/02-lock/bounded_buffer.hpp", "/work/jar") ==
          "lessons/02-lock/bounded_buffer.hpp");
    CHECK(frames::relative_to("lessons/02-lock/bounded_buffer.hpp", "/work/jar") == "lessons/02-lock/bounded_buffer.hpp");
    CHECK(frames::relative_to("/work/jar2/lessons/x.hpp", "/work/jar").empty());  // another folder
    CHECK(frames::relative_to("/usr/include/c++/12/mutex", "") == "/usr/include/c++/12/mutex");
}

TEST_CASE("a record names a function the way the student wrote it", LIBRARY_TAGS) {
    CHECK(short_name("lesson02::bounded_buffer<cj::stress::cookie>::size() const") == "size()");
    CHECK(short_name("std::optional<int> lesson02::bounded_buffer<int>::try_get()") == "try_get()");
    CHECK(short_name("void cj::stress::polling::put<lesson02::bounded_buffer<cj::stress::cookie> >(lesson02::"
                     "bounded_buffer<cj::stress::cookie>&, cj::stress::cookie const&, cj::stress::run_context&)") ==
          "put()");
    CHECK(short_name("(anonymous namespace)::tally::read_locked() const") == "read_locked()");
    CHECK(short_name("lesson04::bounded_buffer<int>::operator=(lesson04::bounded_buffer<int>&&)") == "operator=()");
    // lambdas: clang's "$_3", g++'s "{lambda()#1}", the harness's 'lambda1'
    CHECK(short_name("main::$_3::operator()() const") == "a lambda in main()");
    CHECK(short_name("main::{lambda()#1}::operator()() const") == "a lambda in main()");
    CHECK(short_name("cj::stress::outcome cj::stress::run<lesson02::bounded_buffer<cj::stress::cookie>, "
                     "cj::stress::polling>(cj::stress::config const&, char const*)::'lambda1'()::operator()() const") ==
          "a lambda in run()");
    CHECK(short_name("operator()") == "operator()");  // g++'s symbolizer, without the class
    CHECK(short_name("<null>") == "?");
    CHECK(short_name("") == "?");
}

TEST_CASE("a short name that does not fit is cut and still terminated", LIBRARY_TAGS) {
    char out[6];
    const auto n = frames::short_function_name("ns::a_rather_long_name() const", out, sizeof out);
    CHECK(n == 5);
    CHECK(std::string(out) == "a_rat");
}

TEST_CASE("a symbolized frame is read as line, file and function", LIBRARY_TAGS) {
    frames::frame f;
    REQUIRE(frames::parse_frame("82\x1flessons/02-lock/bounded_buffer.hpp\x1flesson02::bounded_buffer<int>::size() const", f));
    CHECK(f.line == 82);
    CHECK(f.file == "lessons/02-lock/bounded_buffer.hpp");
    CHECK(f.function == "lesson02::bounded_buffer<int>::size() const");
    REQUIRE(frames::parse_frame("0\x1f<null>\x1fpthread_mutex_lock", f));
    CHECK(f.line == 0);
    CHECK_FALSE(frames::parse_frame("lessons/02-lock/bounded_buffer.hpp:82", f));
    CHECK_FALSE(frames::parse_frame("8x\x1f" "a.hpp\x1f" "f()", f));
}
