# The policy check (checks/tools/policy_check.cpp): the file a check compiles must keep to
# the course's rules (no ending or forking the process, no signal handlers, only the
# lesson's headers and the standard library's, nothing declared in the course's or the
# checks' namespaces, ...). docs/how-the-checks-work.md, "The policy check", says why.
#
#   cookiejar_policy_checks(NUMBER 02 DIR 02-lock HEADERS cookiejar/sync.hpp)
#     student scope     lessonNN.student.policy.<sentence>   on lessons/NN-topic/bounded_buffer.hpp
#     repository scope  lessonNN.solution.policy.<sentence>  on solutions/NN-topic/bounded_buffer.hpp
#                       lessonNN.starter.policy.<sentence>   on the starter: buggy, but honest
#   Labels: lessonNN;<variant>;policy.
#
# COOKIEJAR_POLICY_COMMAND is the program and the arguments every run shares (the tools, the
# repository, the include directory, the unit checks' backend); a run adds --file and --allow.
# The global property COOKIEJAR_POLICY_LESSONS lists the lessons' folders (NN-topic), and
# COOKIEJAR_POLICY_HEADERS_<NN-topic> each one's allowed headers.
include_guard(GLOBAL)

# The test case's sentence: the end of the CTest name and the record's `check`.
set(COOKIEJAR_POLICY_SENTENCE "the file keeps to the rules of the course")

# The tools, found when lessons are built (a build of the `cookiejar` command alone, which
# `cookiejar doctor` needs on a bare machine, checks no file). clang-query judges the AST;
# the clang++ of the same LLVM lexes and preprocesses, so the two agree on every header.
if(NOT COOKIEJAR_LESSONS STREQUAL "none")
  find_program(COOKIEJAR_CLANG_QUERY
    NAMES clang-query clang-query-21 clang-query-20 clang-query-19 clang-query-18 clang-query-17
          clang-query-16 clang-query-15 clang-query-14
    DOC "clang-query, for the policy check of each lesson's file")
  if(NOT COOKIEJAR_CLANG_QUERY)
    message(FATAL_ERROR "cookiejar: the policy check of every lesson needs clang-query, which is not installed. "
      "On Debian and Ubuntu: sudo apt-get install clang-tools -- then delete the build folder and run the "
      "command again.")
  endif()
  file(REAL_PATH "${COOKIEJAR_CLANG_QUERY}" cookiejar_clang_query_real)
  get_filename_component(cookiejar_llvm_bin "${cookiejar_clang_query_real}" DIRECTORY)
  find_program(COOKIEJAR_POLICY_CLANG NAMES clang++ HINTS "${cookiejar_llvm_bin}" NO_DEFAULT_PATH
    DOC "the clang++ that lexes and preprocesses for the policy check (beside clang-query)")
  if(NOT COOKIEJAR_POLICY_CLANG)
    message(FATAL_ERROR "cookiejar: the policy check needs the clang++ of the same LLVM as ${COOKIEJAR_CLANG_QUERY} "
      "(it looked in ${cookiejar_llvm_bin}). On Debian and Ubuntu: sudo apt-get install clang -- then delete the "
      "build folder and run the command again.")
  endif()
  message(STATUS "cookiejar: policy check with ${COOKIEJAR_CLANG_QUERY} and ${COOKIEJAR_POLICY_CLANG}")
endif()

# The program, once per build tree (its own code needs only the standard library and
# <cookiejar/verdict.hpp>, so every lesson build can build it).
function(_cookiejar_policy_program)
  if(TARGET cookiejar_policy_check)
    return()
  endif()
  add_executable(cookiejar_policy_check "${PROJECT_SOURCE_DIR}/checks/tools/policy_check.cpp")
  target_link_libraries(cookiejar_policy_check PRIVATE cookiejar_library)
  target_compile_definitions(cookiejar_policy_check PRIVATE
    COOKIEJAR_POLICY_CHECK_NAME="${COOKIEJAR_POLICY_SENTENCE}")
  # Not optimized: it drives the compiler's tools and spends its time waiting for them, while
  # every lesson build compiles it (at -O1 it cost that build three times the CPU).
  target_compile_options(cookiejar_policy_check PRIVATE -O0)
  set_target_properties(cookiejar_policy_check PROPERTIES OUTPUT_NAME "cookiejar-policy-check")
endfunction()

if(NOT COOKIEJAR_LESSONS STREQUAL "none")
  _cookiejar_policy_program()
  # Every run compiles the file with the unit checks' backend definition (cookiejar_unit,
  # defined before this file is included), so it reads the code those checks run.
  get_target_property(cookiejar_unit_definitions cookiejar_unit INTERFACE_COMPILE_DEFINITIONS)
  set(COOKIEJAR_POLICY_COMMAND
    "$<TARGET_FILE:cookiejar_policy_check>"
    --repository "${PROJECT_SOURCE_DIR}"
    --include-dir "${PROJECT_SOURCE_DIR}/checks/include"
    --clang-query "${COOKIEJAR_CLANG_QUERY}"
    --clang "${COOKIEJAR_POLICY_CLANG}"
    --check-name "${COOKIEJAR_POLICY_SENTENCE}")
  foreach(d IN LISTS cookiejar_unit_definitions)
    list(APPEND COOKIEJAR_POLICY_COMMAND --define "${d}")
  endforeach()
endif()

function(cookiejar_policy_checks)
  cmake_parse_arguments(P "" "NUMBER;DIR" "HEADERS" ${ARGN})
  if(NOT P_HEADERS)
    message(FATAL_ERROR "cookiejar_lesson(NUMBER ${P_NUMBER}): no HEADERS. Name the headers the chapter "
      "lessons/${P_DIR}/README.md lets a student include (for example cookiejar/sync.hpp): the policy check "
      "allows those and the standard library's.")
  endif()
  set(allow "")
  foreach(h IN LISTS P_HEADERS)
    if(NOT EXISTS "${PROJECT_SOURCE_DIR}/checks/include/${h}")
      message(FATAL_ERROR "cookiejar_lesson(NUMBER ${P_NUMBER}): HEADERS names ${h}, which is not in checks/include")
    endif()
    list(APPEND allow --allow "${h}")
  endforeach()
  # For the policy check's own tests (checks/policy), which judge every solution too.
  set_property(GLOBAL APPEND PROPERTY COOKIEJAR_POLICY_LESSONS "${P_DIR}")
  set_property(GLOBAL PROPERTY COOKIEJAR_POLICY_HEADERS_${P_DIR} "${P_HEADERS}")
  if(COOKIEJAR_SCOPE STREQUAL "student")
    _cookiejar_policy_test(${P_NUMBER} student "${PROJECT_SOURCE_DIR}/lessons/${P_DIR}/bounded_buffer.hpp" ${allow})
  else()
    _cookiejar_policy_test(${P_NUMBER} solution "${PROJECT_SOURCE_DIR}/solutions/${P_DIR}/bounded_buffer.hpp" ${allow})
    _cookiejar_policy_test(${P_NUMBER} starter "${PROJECT_SOURCE_DIR}/lessons/${P_DIR}/bounded_buffer.hpp" ${allow})
  endif()
endfunction()

# _cookiejar_policy_test(<NN> <variant> <file> <--allow header>...)
function(_cookiejar_policy_test nn variant file)
  _cookiejar_policy_test_named(${nn} ${variant} "${file}" "${COOKIEJAR_POLICY_SENTENCE}" ${ARGN})
endfunction()

# _cookiejar_policy_test_named(<NN> <variant> <file> <sentence> <--allow header>...)
function(_cookiejar_policy_test_named nn variant file sentence)
  set(name "lesson${nn}.${variant}.policy.${sentence}")
  # Through the runner, like every check: it passes on the policy check's record only.
  # The last --check-name is the one the check's record names.
  add_test(NAME "${name}" COMMAND "${COOKIEJAR_RUN_CHECK}" --analysis policy --timeout 110 --
    ${COOKIEJAR_POLICY_COMMAND} --check-name "${sentence}" --file "${file}" ${ARGN})
  set_tests_properties("${name}" PROPERTIES LABELS "lesson${nn};${variant};policy" TIMEOUT 120)
endfunction()

# The learner's hunt (lessons/NN-topic/hunt.cpp) is code that runs inside the hunt's
# checks, like the jar: the same rules judge it, with <cookiejar/hunt.hpp> the one course
# header it may include. A refused hunt.cpp, like a refused jar, makes every check of the
# lesson score 0 (checks/cli/src/grade.cpp).
set(COOKIEJAR_HUNT_POLICY_SENTENCE "hunt.cpp keeps to the rules of the course")

# cookiejar_hunt_policy_checks(NUMBER <NN> DIR <NN-topic>): the policy check of the
# learner's hunt.cpp (student scope); of the reference and starting ones, and a hunt.cpp
# that ends the process (checks/common/hunt/ends_the_process.cpp) refused (repository scope).
function(cookiejar_hunt_policy_checks)
  cmake_parse_arguments(P "" "NUMBER;DIR" "" ${ARGN})
  set(allow --allow cookiejar/hunt.hpp)
  if(COOKIEJAR_SCOPE STREQUAL "student")
    _cookiejar_policy_test_named(${P_NUMBER} student "${PROJECT_SOURCE_DIR}/lessons/${P_DIR}/hunt.cpp"
      "${COOKIEJAR_HUNT_POLICY_SENTENCE}" ${allow})
    return()
  endif()
  _cookiejar_policy_test_named(${P_NUMBER} solution "${PROJECT_SOURCE_DIR}/solutions/${P_DIR}/hunt.cpp"
    "${COOKIEJAR_HUNT_POLICY_SENTENCE}" ${allow})
  _cookiejar_policy_test_named(${P_NUMBER} starter "${PROJECT_SOURCE_DIR}/lessons/${P_DIR}/hunt.cpp"
    "${COOKIEJAR_HUNT_POLICY_SENTENCE}" ${allow})
  # Refused, with a policy_violation finding in the record (checks/tools/expect-caught.cmake).
  set(policy_args ${COOKIEJAR_POLICY_COMMAND} --check-name "${COOKIEJAR_HUNT_POLICY_SENTENCE}"
    --file "${PROJECT_SOURCE_DIR}/checks/common/hunt/ends_the_process.cpp" ${allow})
  list(POP_FRONT policy_args policy_exe)
  string(REPLACE ";" "|" policy_args "${policy_args}")
  set(test_name "lesson${P_NUMBER}.adversarial.hunt_ends_the_process.is_refused_by_the_policy_check")
  add_test(NAME "${test_name}"
    COMMAND ${CMAKE_COMMAND} "-DNAME=lesson${P_NUMBER}.adversarial.hunt_ends_the_process" -DEXPECTED=policy
            "-DCHECKS=policy=${policy_exe}" "-DPOLICY_ARGS=${policy_args}" -DBUG=policy_violation -DOUTCOMES=failed
            "-DRUNNER=${COOKIEJAR_RUN_CHECK}" -P "${PROJECT_SOURCE_DIR}/checks/tools/expect-caught.cmake")
  set_tests_properties("${test_name}" PROPERTIES LABELS "lesson${P_NUMBER};adversarial;policy;hunt" TIMEOUT 300)
endfunction()
