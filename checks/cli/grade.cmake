# The grading half of the `cookiejar` command (docs/instructors/README.md): `grade`, its
# report formats, the tamper manifest, and their tests. Included by CMakeLists.txt here.
#
#   cookiejar_grade_tests  the report formats, the points, the manifest (fast; label cli)
#   cookiejar_grade_e2e    `grade` on lesson 01's starter, its solution, a compile error, a
#                          correct jar that prints a lot, and the Gradescope kit's sample
#                          submission, in one scratch copy of the repository (labels cli,
#                          end-to-end; they take turns on that copy with `check 01`'s test)

target_sources(cookiejar_cli_core PRIVATE
  src/grade.cpp
  src/formats.cpp
  src/tamper.cpp)
target_compile_definitions(cookiejar_cli_core PRIVATE
  COOKIEJAR_GRADE_VERSION="${PROJECT_VERSION}"
  # Hashes come from this cmake's `-E sha256sum` (any cmake on PATH when it has moved).
  COOKIEJAR_CMAKE_COMMAND="${CMAKE_COMMAND}")

add_executable(cookiejar_grade_tests
  tests/grade_formats_test.cpp
  tests/grade_rules_test.cpp
  tests/grade_tamper_test.cpp)
target_link_libraries(cookiejar_grade_tests PRIVATE cookiejar_cli_core cookiejar_main_plain cookiejar_catch2)
target_compile_definitions(cookiejar_grade_tests PRIVATE
  COOKIEJAR_CLI_REPO="${PROJECT_SOURCE_DIR}"
  COOKIEJAR_CLI_BUILD_DIR="${CMAKE_BINARY_DIR}"
  COOKIEJAR_CLI_SCOPE="${COOKIEJAR_SCOPE}")
if(COOKIEJAR_SCOPE STREQUAL "repository")
  # The solution's checks are registered: grading.json can be compared with them.
  target_compile_definitions(cookiejar_grade_tests PRIVATE COOKIEJAR_CLI_REPOSITORY_SCOPE)
endif()
cookiejar_discover_tests(cookiejar_grade_tests PREFIX "cli." LABELS cli TIMEOUT 120)

add_executable(cookiejar_grade_e2e
  tests/grade_end_to_end_test.cpp
  tests/kit_test.cpp)
target_link_libraries(cookiejar_grade_e2e PRIVATE cookiejar_cli_core cookiejar_main_plain cookiejar_catch2)
target_compile_definitions(cookiejar_grade_e2e PRIVATE
  COOKIEJAR_CLI_EXE="$<TARGET_FILE:cookiejar>"
  COOKIEJAR_CLI_REPO="${PROJECT_SOURCE_DIR}"
  COOKIEJAR_CLI_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/tests"
  COOKIEJAR_GRADE_SCRATCH="${CMAKE_CURRENT_BINARY_DIR}/grade-scratch")
add_dependencies(cookiejar_grade_e2e cookiejar)
cookiejar_discover_tests(cookiejar_grade_e2e PREFIX "cli." LABELS cli end-to-end TIMEOUT 300)
# The end-to-end tests share one scratch repository (so lesson 01 is built once, then
# rebuilt only where a test swaps the lesson's file): one at a time.
set(grade_lock_file "${CMAKE_CURRENT_BINARY_DIR}/cookiejar_grade_e2e_lock.cmake")
file(WRITE "${grade_lock_file}"
  "if(cookiejar_grade_e2e_TESTS)\n"
  "  set_tests_properties(\${cookiejar_grade_e2e_TESTS} PROPERTIES RESOURCE_LOCK cookiejar_grade_scratch)\n"
  "endif()\n")
set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${grade_lock_file}")
