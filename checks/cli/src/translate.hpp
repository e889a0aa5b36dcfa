#pragma once
// Turning a check's verdict into findings a student can act on. The verdict's records
// already say what broke, where and what bug it looks like (<cookiejar/verdict.hpp>);
// this picks the problems worth showing and writes their details in the student's words.
// Text is read only where an outside tool printed it: the compiler's errors. Pure
// functions of their inputs and of the student's file (lines quoted in a finding), so
// golden tests pin them down exactly.
#include <optional>
#include <string>
#include <vector>

#include <cookiejar/verdict_json.hpp>

#include "results.hpp"
#include "runner.hpp"

namespace cookiejar {

// At most this many findings per check: one per distinct problem, the first ones.
inline constexpr std::size_t max_findings_per_check = 3;

// The findings of one failed check's verdict (none when it passed). A failed check
// always yields at least one: when its records name no problem, the runner's reason
// and the end of what it printed. Lines of the student's file quoted in a finding are
// read from the repository the lesson lives in (lesson.lesson_dir's grandparent).
[[nodiscard]] std::vector<finding> translate(const cj::verdict::run_verdict& verdict, const check_result& check,
                                             const lesson_info& lesson);

// One finding of a record, translated (what translate() does to each).
[[nodiscard]] finding translate_finding(const cj::verdict::finding& f, analysis found_by, const check_result& check,
                                        const lesson_info& lesson);

// A check that has no verdict at all: why, and the end of what the runner printed.
[[nodiscard]] std::vector<finding> translate_no_verdict(const std::string& problem, const std::string& output,
                                                      analysis found_by);

// The compiler's first error in a build log, as a finding (analysis build), or nothing
// when the log holds no compiler error (then the caller reports the log's tail).
[[nodiscard]] std::optional<finding> translate_build_error(const std::string& build_output, const lesson_info& lesson);

// The command that replays a model or schedule finding: cookiejar replay NN '<replay>@<sentence>'.
[[nodiscard]] std::string replay_command_of(const std::string& replay, const std::string& sentence,
                                            const lesson_info& lesson);

}  // namespace cookiejar
