#pragma once
// cj::source_location — where a student's code called into the course library.
//
// clang 14 with libstdc++ 12 has no std::source_location, but it does have the
// builtins that std::source_location is made of. Used as a default argument,
// current() records the *caller's* file and line, so model-checker reports and
// watchdog reports can point at the student's own line.

namespace cj {

class source_location {
public:
    // Guarantee: when used as a default argument, the values are those of the call site.
    [[nodiscard]] static constexpr source_location current(const char* file = __builtin_FILE(),
                                                           unsigned line = __builtin_LINE(),
                                                           const char* function = __builtin_FUNCTION()) noexcept {
        source_location loc;
        loc.file_ = file;
        loc.line_ = line;
        loc.function_ = function;
        return loc;
    }

    [[nodiscard]] constexpr const char* file_name() const noexcept { return file_; }
    [[nodiscard]] constexpr unsigned line() const noexcept { return line_; }
    [[nodiscard]] constexpr const char* function_name() const noexcept { return function_; }

private:
    const char* file_ = "";      // static storage (a string literal made by the compiler)
    unsigned line_ = 0;
    const char* function_ = "";  // static storage
};

}  // namespace cj
