#pragma once
// Turning a check's raw output into findings a student can act on. Pure functions of
// their inputs (no files, no processes), so golden tests pin them down exactly.
#include <optional>
#include <string>
#include <vector>

#include "results.hpp"
#include "runner.hpp"

namespace cookiejar {

// Turns one failed check's raw output + exit code into findings (pure; golden-tested).
// A failed check always yields at least one finding; a passed check yields none.
// Lines of the student's file quoted in a finding are read from lesson.lesson_dir (or,
// for a path under solutions/ or checks/, from the repository the lesson lives in).
[[nodiscard]] std::vector<finding> translate(const check_result& check, const lesson_info& lesson);

// The compiler's first error in a build log, as a finding (analysis "build"), or nothing
// when the log holds no compiler error (then the caller reports the raw tail).
[[nodiscard]] std::optional<finding> translate_build_error(const std::string& build_output, const lesson_info& lesson);

}  // namespace cookiejar
