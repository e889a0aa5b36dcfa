# The grading half of the `cookiejar` command (docs/instructors/README.md): `grade`, its
# report formats, the tamper manifest, and their tests. Included by CMakeLists.txt here.
#
#   cookiejar_grade_tests  the report formats, the points, the manifest (fast; label cli)
#   cookiejar_grade_e2e    `grade` on lesson 01's starter, its solution, a compile error and a
#                          correct jar that prints a lot, in one scratch copy of the repository;
#                          and the instructor kit run for real (kit_test.cpp: the students'
#                          edition and the Gradescope zip, setup.sh and run_autograder in a
#                          simulated Gradescope root, lesson 01's Classroom steps), in the
#                          same scratch folder (labels cli, end-to-end; one at a time, taking
#                          turns with `check 01`'s test)

target_sources(cookiejar_cli_core PRIVATE
  src/grade.cpp
  src/formats.cpp
  src/tamper.cpp)
target_compile_definitions(cookiejar_cli_core PRIVATE
  COOKIEJAR_GRADE_VERSION="${PROJECT_VERSION}"
  # Hashes come from this cmake's `-E sha256sum` (any cmake on PATH when it has moved).
  COOKIEJAR_CMAKE_COMMAND="${CMAKE_COMMAND}")

set(scope_definitions "")
if(COOKIEJAR_SCOPE STREQUAL "repository")
  # The solution's checks are registered: grading.json can be compared with them.
  set(scope_definitions COOKIEJAR_CLI_REPOSITORY_SCOPE)
endif()
cookiejar_cli_test(cookiejar_grade_tests
  SOURCES tests/grade_formats_test.cpp tests/grade_rules_test.cpp tests/grade_tamper_test.cpp
  DEFINITIONS COOKIEJAR_CLI_BUILD_DIR="${CMAKE_BINARY_DIR}" COOKIEJAR_CLI_SCOPE="${COOKIEJAR_SCOPE}"
              ${scope_definitions}
  LABELS cli TIMEOUT 120)

# The end-to-end tests share one scratch repository (so lesson 01 is built once, then
# rebuilt only where a test swaps the lesson's file): one at a time.
cookiejar_cli_test(cookiejar_grade_e2e
  SOURCES tests/grade_end_to_end_test.cpp tests/kit_test.cpp
  DEFINITIONS COOKIEJAR_GRADE_SCRATCH="${COOKIEJAR_GRADE_SCRATCH}"
  LABELS cli end-to-end TIMEOUT 1200 LOCK cookiejar_grade_scratch)
