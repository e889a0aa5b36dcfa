#pragma once
// Reading the frames of a ThreadSanitizer report, for its record
// (checks/common/tsan_report.cpp): which frame is the student's, and the short name of
// its function.
//
// Guarantee: nothing here allocates, locks or calls the C library, so ThreadSanitizer's
// report callback may use it with the runtime's locks held. Results are views into the
// caller's text or bytes written into the caller's buffer.

#include <cstddef>
#include <string_view>

namespace cj::tsan_frames {

// Whose code a source file is, by its path relative to the repository.
enum class code_kind {
    student,  // lessons/, solutions/, checks/NN-topic/mutants/: the code being judged
    check,    // the rest of checks/ outside the course library: a check's own code
    library,  // checks/include/, checks/common/: the harness, the cj:: primitives
    outside,  // the standard library, the C library, the sanitizer runtime, unknown
};

[[nodiscard]] constexpr bool starts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.substr(0, prefix.size()) == prefix;
}
[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// `file` without the repository's root ("/work/cookiejar/lessons/..." -> "lessons/..."):
// the build maps paths to relative ones, but a symbolizer may join them to the compile
// directory again.
[[nodiscard]] constexpr std::string_view relative_to(std::string_view file, std::string_view root) noexcept {
    if (root.empty() || !starts_with(file, root)) return file;
    file.remove_prefix(root.size());
    if (!file.empty() && file.front() == '/') {
        file.remove_prefix(1);
        return file;
    }
    return root.back() == '/' ? file : std::string_view{};  // "/work/cookiejar2/..." is not inside "/work/cookiejar"
}

[[nodiscard]] constexpr code_kind kind_of(std::string_view file) noexcept {
    if (starts_with(file, "lessons/") || starts_with(file, "solutions/")) return code_kind::student;
    if (!starts_with(file, "checks/")) return code_kind::outside;  // "/usr/...", "<null>", "../src/libsanitizer/..."
    const std::string_view rest = file.substr(7);
    // checks/NN-topic/mutants/<name>.hpp
    if (rest.size() > 3 && is_digit(rest[0]) && is_digit(rest[1]) && rest[2] == '-') {
        const auto slash = rest.find('/');
        if (slash != std::string_view::npos && starts_with(rest.substr(slash + 1), "mutants/")) return code_kind::student;
    }
    if (starts_with(rest, "include/") || starts_with(rest, "common/")) return code_kind::library;
    return code_kind::check;
}

// One frame as __sanitizer_symbolize_pc writes it with `symbolize_format`:
// "<line>\x1f<file>\x1f<function>" (the function last: it may contain anything).
inline constexpr const char* symbolize_format = "%l\x1f%s\x1f%f";

struct frame {
    unsigned line = 0;
    std::string_view file;      // as the symbolizer gave it; "<null>" when unknown
    std::string_view function;  // demangled, with its class and parameters
};

[[nodiscard]] constexpr bool parse_frame(std::string_view text, frame& out) noexcept {
    const auto a = text.find('\x1f');
    if (a == std::string_view::npos) return false;
    const auto b = text.find('\x1f', a + 1);
    if (b == std::string_view::npos) return false;
    unsigned line = 0;
    for (char c : text.substr(0, a)) {
        if (!is_digit(c)) return false;
        line = line * 10 + static_cast<unsigned>(c - '0');
    }
    out.line = line;
    out.file = text.substr(a + 1, b - a - 1);
    out.function = text.substr(b + 1);
    return true;
}

namespace detail {

// The position of the bracket that opens the one at s[close], scanning back; npos if none.
[[nodiscard]] constexpr std::size_t opening(std::string_view s, std::size_t close, char open_c, char close_c) noexcept {
    int depth = 0;
    for (std::size_t i = close + 1; i-- > 0;) {
        if (s[i] == close_c) ++depth;
        else if (s[i] == open_c && --depth == 0) return i;
    }
    return std::string_view::npos;
}

[[nodiscard]] constexpr bool ends_with(std::string_view s, std::string_view suffix) noexcept {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Drops a trailing parameter list and qualifiers: "f(int) const" -> "f". The "()" of
// "operator()" is the name, not a parameter list.
[[nodiscard]] constexpr std::string_view without_parameters(std::string_view s) noexcept {
    for (bool again = true; again;) {
        again = false;
        for (std::string_view q : {" const", " volatile", " &&", " &", " noexcept"}) {
            if (ends_with(s, q)) {
                s.remove_suffix(q.size());
                again = true;
            }
        }
    }
    if (s.empty() || s.back() != ')') return s;
    const auto open = opening(s, s.size() - 1, '(', ')');
    if (open == std::string_view::npos) return s;
    if (ends_with(s.substr(0, open), "operator")) return s;  // "operator()" itself
    return s.substr(0, open);
}

// The start of the last "::"-separated component outside any <...> or (...), and after
// a return type ("void ns::f<int>" -> "f<int>").
[[nodiscard]] constexpr std::size_t last_component(std::string_view s) noexcept {
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '<' || c == '(' || c == '{' || c == '[') ++depth;
        else if ((c == '>' || c == ')' || c == '}' || c == ']') && depth > 0) --depth;
        else if (depth == 0 && c == ':' && i + 1 < s.size() && s[i + 1] == ':') {
            start = i + 2;
            ++i;
        } else if (depth == 0 && c == ' ' && !starts_with(s.substr(start), "operator")) {
            start = i + 1;
        }
    }
    return start;
}

[[nodiscard]] constexpr std::string_view without_template_arguments(std::string_view s) noexcept {
    if (s.empty() || s.back() != '>' || ends_with(s, "operator>") || ends_with(s, "operator>>") ||
        ends_with(s, "operator->"))
        return s;
    const auto open = opening(s, s.size() - 1, '<', '>');
    return open == std::string_view::npos || open == 0 ? s : s.substr(0, open);
}

// A lambda's class: clang "$_3", g++ "{lambda()#1}", the symbolizer's "'lambda'()".
[[nodiscard]] constexpr bool is_lambda_class(std::string_view s) noexcept {
    return starts_with(s, "$_") || starts_with(s, "{lambda") || starts_with(s, "'lambda") ||
           starts_with(s, "<lambda");
}

struct appender {
    char* out;
    std::size_t size;
    std::size_t n = 0;
    constexpr void add(std::string_view s) noexcept {
        for (char c : s)
            if (n + 1 < size) out[n++] = c;
    }
    constexpr std::size_t done() noexcept {
        if (size > 0) out[n < size ? n : size - 1] = '\0';
        return n;
    }
};

}  // namespace detail

// The name a student recognises: the function without its namespace, class, template
// arguments and parameter types, with "()" ("lesson02::bounded_buffer<cj::stress::cookie>
// ::size() const" -> "size()"); a lambda's call operator says so ("a lambda in main()").
// Writes at most size - 1 bytes and a terminating NUL into out; returns the length.
constexpr std::size_t short_function_name(std::string_view full, char* out, std::size_t size) noexcept {
    detail::appender a{out, size};
    if (full.empty() || full == "<null>") {
        a.add("?");
        return a.done();
    }
    std::string_view s = detail::without_parameters(full);
    const std::size_t start = detail::last_component(s);
    std::string_view name = detail::without_template_arguments(s.substr(start));
    if (name == "operator()" && start >= 2) {
        // the component before: the lambda's class, and before that the function it is in
        const std::string_view outer = s.substr(0, start - 2);
        const std::size_t class_start = detail::last_component(outer);
        if (detail::is_lambda_class(outer.substr(class_start))) {
            a.add("a lambda");
            if (class_start >= 2) {
                const std::string_view enclosing = detail::without_parameters(outer.substr(0, class_start - 2));
                const std::string_view fn =
                    detail::without_template_arguments(enclosing.substr(detail::last_component(enclosing)));
                if (!fn.empty()) {
                    a.add(" in ");
                    a.add(fn);
                    a.add("()");
                }
            }
            return a.done();
        }
    }
    a.add(name);
    if (!detail::ends_with(name, "operator()")) a.add("()");
    return a.done();
}

}  // namespace cj::tsan_frames
