# How a lesson's checks are built and registered.
#
# Every check source compiles against several copies of the buffer ("variants"):
#   student   lessons/NN-topic/bounded_buffer.hpp   (COOKIEJAR_SCOPE=student)
#   solution  solutions/NN-topic/bounded_buffer.hpp (repository: must pass every check)
#   starter   lessons/NN-topic/bounded_buffer.hpp   (repository: must be caught)
#   mutant    checks/NN-topic/mutants/<name>.hpp    (repository: must be caught by the stated check)
# Only the header differs: the sources say `#include COOKIEJAR_BUFFER_HEADER`.
include_guard(GLOBAL)
find_package(Threads REQUIRED)

# ---- analyses, as INTERFACE targets (never global flags) ---------------------------------

add_library(cookiejar_library INTERFACE)
target_include_directories(cookiejar_library INTERFACE "${PROJECT_SOURCE_DIR}/checks/include")
target_compile_features(cookiejar_library INTERFACE cxx_std_20)
# Reports print paths relative to the repository.
target_compile_definitions(cookiejar_library INTERFACE COOKIEJAR_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_compile_options(cookiejar_library INTERFACE -Wall -Wextra -Wpedantic
  # Paths in assertions, reports and debug info relative to the repository, so what a
  # check prints reads the same on every machine (and a student can open it as shown).
  # The build folder's own map comes first: the debug info's compile directory is
  # there, and ThreadSanitizer joins it with each relative path.
  "-ffile-prefix-map=${CMAKE_BINARY_DIR}=${PROJECT_SOURCE_DIR}"
  "-ffile-prefix-map=${PROJECT_SOURCE_DIR}/=")

# unit: single-threaded contract checks. The stress backend without a sanitizer: no
# noise, but a call that blocks forever (a lock never released) is reported with the
# line that holds the lock.
add_library(cookiejar_unit INTERFACE)
target_link_libraries(cookiejar_unit INTERFACE cookiejar_library)
target_compile_definitions(cookiejar_unit INTERFACE COOKIEJAR_STRESS)
target_compile_options(cookiejar_unit INTERFACE -O1 -g)

# stress: ThreadSanitizer and the stress backend. Say what to install when the runtime is missing.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS -fsanitize=thread)
set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=thread)
check_cxx_source_compiles("int main() { return 0; }" COOKIEJAR_HAVE_TSAN)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
# A build of the cookiejar command alone (COOKIEJAR_LESSONS=none) compiles no check, so it
# must not stop here: `cookiejar doctor` is what tells that student what to install.
if(NOT COOKIEJAR_HAVE_TSAN AND NOT COOKIEJAR_LESSONS STREQUAL "none")
  message(FATAL_ERROR "cookiejar: ${CMAKE_CXX_COMPILER} cannot build with -fsanitize=thread. "
    "The stress checks need ThreadSanitizer's runtime: on Debian 12 `apt-get install libclang-rt-14-dev` "
    "(Ubuntu 24.04: libclang-rt-dev); with g++ it comes with the compiler (libtsan). "
    "Then delete the build folder and run the command again.")
endif()
add_library(cookiejar_stress INTERFACE)
target_link_libraries(cookiejar_stress INTERFACE cookiejar_library)
target_compile_definitions(cookiejar_stress INTERFACE COOKIEJAR_STRESS)
target_compile_options(cookiejar_stress INTERFACE -fsanitize=thread -O1 -g -fno-omit-frame-pointer)
target_link_options(cookiejar_stress INTERFACE -fsanitize=thread)

# model: Relacy, never with a sanitizer (its fibers have small stacks).
add_library(cookiejar_model INTERFACE)
target_link_libraries(cookiejar_model INTERFACE cookiejar_library)
target_include_directories(cookiejar_model SYSTEM INTERFACE "${COOKIEJAR_RELACY_INCLUDE_DIR}")
target_compile_definitions(cookiejar_model INTERFACE COOKIEJAR_MODEL RL_DO_ASSERT)
target_compile_options(cookiejar_model INTERFACE -O1 -g -Wno-unused-parameter -Wno-unused-variable
  -Wno-deprecated-declarations
  # Relacy replaces operator new/delete but not the sized delete that g++ (and clang >= 19)
  # call by default: memory Relacy allocated would go to free() and abort.
  -fno-sized-deallocation)

# One Catch2 main per instrumentation: compiled once, linked into every check.
add_library(cookiejar_main_plain OBJECT "${PROJECT_SOURCE_DIR}/checks/common/catch_main.cpp")
target_link_libraries(cookiejar_main_plain PUBLIC cookiejar_catch2 cookiejar_library)
target_link_libraries(cookiejar_main_plain PUBLIC Threads::Threads)
target_compile_options(cookiejar_main_plain PRIVATE -O1)
add_library(cookiejar_main_tsan OBJECT "${PROJECT_SOURCE_DIR}/checks/common/catch_main.cpp")
target_link_libraries(cookiejar_main_tsan PUBLIC cookiejar_catch2 cookiejar_stress)

set(COOKIEJAR_ANALYSES unit stress model)
set(COOKIEJAR_MAIN_unit cookiejar_main_plain)
set(COOKIEJAR_MAIN_stress cookiejar_main_tsan)
set(COOKIEJAR_MAIN_model cookiejar_main_plain)
include(CookiejarPolicy)

# cookiejar_discover_tests(<target> PREFIX <p> LABELS <label>... [TIMEOUT <s>])
# One CTest test per Catch2 test case, named <p><test case>. catch_discover_tests
# flattens a list given in PROPERTIES (LABELS "a;b" arrives as LABELS a plus a stray
# property b), so the labels are set from a file CTest reads after the discovered tests.
function(cookiejar_discover_tests target)
  cmake_parse_arguments(D "" "PREFIX;TIMEOUT" "LABELS" ${ARGN})
  if(NOT D_TIMEOUT)
    set(D_TIMEOUT 300)
  endif()
  catch_discover_tests(${target} TEST_PREFIX "${D_PREFIX}")
  set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  file(WRITE "${labels_file}"
    "if(${target}_TESTS)\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"${D_LABELS}\" TIMEOUT ${D_TIMEOUT})\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
endfunction()

# cookiejar_wants_lesson(<NN> <out-var>): is lesson NN selected by COOKIEJAR_LESSONS?
function(cookiejar_wants_lesson nn out)
  if(COOKIEJAR_LESSONS STREQUAL "all" OR nn IN_LIST COOKIEJAR_LESSONS)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# cookiejar_check_executable(<target> <analysis> <header> <sources>...)
# In a lesson, COOKIEJAR_LESSON_NAMESPACE (lesson01, lesson02, ...) names the namespace
# of the header, so checks shared by several lessons can name the buffer.
function(cookiejar_check_executable target analysis header)
  add_executable(${target} ${ARGN})
  # A lesson may build an analysis on another backend (lesson 05's model checks are the
  # schedule explorer, which needs no Relacy): COOKIEJAR_BACKEND_<analysis> names it.
  set(backend cookiejar_${analysis})
  if(COOKIEJAR_BACKEND_${analysis})
    set(backend ${COOKIEJAR_BACKEND_${analysis}})
  endif()
  target_link_libraries(${target} PRIVATE ${backend} ${COOKIEJAR_MAIN_${analysis}} cookiejar_catch2)
  target_compile_definitions(${target} PRIVATE COOKIEJAR_BUFFER_HEADER="${header}")
  if(COOKIEJAR_LESSON_NAMESPACE)
    target_compile_definitions(${target} PRIVATE COOKIEJAR_LESSON_NAMESPACE=${COOKIEJAR_LESSON_NAMESPACE})
  endif()
endfunction()

# cookiejar_lesson(
#   NUMBER 02 TOPIC lock
#   UNIT <sources>  STRESS <sources>  MODEL <sources>   (any of them; each one executable)
#   MODEL_BACKEND unit                                  (optional: build the model checks on the
#                                                        plain unit backend instead of Relacy)
#   HEADERS <header>...                                 (the course headers the chapter lets the file
#                                                        include: the policy check, cmake/CookiejarPolicy.cmake)
#   DEMO <sources>)                                     (a demo program, std backend: built against
#                                                        the lesson in the student scope and against
#                                                        the solution, and run once as a test, in the
#                                                        repository scope)
#
# Reads checks/NN-topic/mutants/manifest.json: which check must catch each mutant and the starter.
function(cookiejar_lesson)
  cmake_parse_arguments(L "" "NUMBER;TOPIC;MODEL_BACKEND" "UNIT;STRESS;MODEL;DEMO;HEADERS" ${ARGN})
  if(L_MODEL_BACKEND)
    set(COOKIEJAR_BACKEND_model cookiejar_${L_MODEL_BACKEND})
  endif()
  set(dir "${L_NUMBER}-${L_TOPIC}")
  set(lesson_header "${PROJECT_SOURCE_DIR}/lessons/${dir}/bounded_buffer.hpp")
  set(solution_header "${PROJECT_SOURCE_DIR}/solutions/${dir}/bounded_buffer.hpp")
  set(prefix "lesson${L_NUMBER}")
  set(COOKIEJAR_LESSON_NAMESPACE "lesson${L_NUMBER}")
  set(driver "${PROJECT_SOURCE_DIR}/checks/tools/expect-caught.cmake")
  cookiejar_policy_checks(NUMBER ${L_NUMBER} DIR ${dir} HEADERS ${L_HEADERS})

  set(analyses "")
  foreach(a IN LISTS COOKIEJAR_ANALYSES)
    string(TOUPPER ${a} A)
    if(L_${A})
      list(APPEND analyses ${a})
    endif()
  endforeach()

  # A variant that must pass: one CTest test per Catch2 test case, named
  # lessonNN.<variant>.<analysis>.<test case>.
  macro(_cookiejar_passing_variant variant header)
    foreach(a IN LISTS analyses)
      string(TOUPPER ${a} A)
      set(t "${prefix}_${variant}_${a}")
      cookiejar_check_executable(${t} ${a} "${header}" ${L_${A}})
      cookiejar_discover_tests(${t} PREFIX "${prefix}.${variant}.${a}." LABELS ${prefix} ${variant} ${a})
    endforeach()
  endmacro()

  # A variant that must be caught: one CTest test that runs every analysis and
  # compares what failed with the manifest.
  macro(_cookiejar_caught_variant variant header expected)
    set(exes "")
    foreach(a IN LISTS analyses)
      string(TOUPPER ${a} A)
      set(t "${prefix}_${variant}_${a}")
      cookiejar_check_executable(${t} ${a} "${header}" ${L_${A}})
      list(APPEND exes "${a}=$<TARGET_FILE:${t}>")
    endforeach()
    string(REPLACE ";" "," exes_arg "${exes}")
    string(REPLACE ";" "," expected_arg "${expected}")
    add_test(NAME "${prefix}.${variant}.is_caught"
      COMMAND ${CMAKE_COMMAND} "-DNAME=${prefix}.${variant}" "-DEXPECTED=${expected_arg}" "-DCHECKS=${exes_arg}"
              -P "${driver}")
    set_tests_properties("${prefix}.${variant}.is_caught" PROPERTIES LABELS "${prefix};caught" TIMEOUT 600)
  endmacro()

  if(L_DEMO)
    add_executable(${prefix}_demo ${L_DEMO})
    target_link_libraries(${prefix}_demo PRIVATE cookiejar_library)
    target_compile_options(${prefix}_demo PRIVATE -O2)
    set_target_properties(${prefix}_demo PROPERTIES OUTPUT_NAME "${prefix}-demo")
  endif()

  if(COOKIEJAR_SCOPE STREQUAL "student")
    if(L_DEMO)
      target_compile_definitions(${prefix}_demo PRIVATE COOKIEJAR_BUFFER_HEADER="${lesson_header}")
    endif()
    _cookiejar_passing_variant(student "${lesson_header}")
    return()
  endif()

  if(L_DEMO)
    target_compile_definitions(${prefix}_demo PRIVATE COOKIEJAR_BUFFER_HEADER="${solution_header}")
    add_test(NAME "${prefix}.solution.demo.runs" COMMAND ${prefix}_demo)
    set_tests_properties("${prefix}.solution.demo.runs" PROPERTIES LABELS "${prefix};solution;demo" TIMEOUT 60)
  endif()

  _cookiejar_passing_variant(solution "${solution_header}")

  set(manifest_file "${CMAKE_CURRENT_SOURCE_DIR}/mutants/manifest.json")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${manifest_file}")
  file(READ "${manifest_file}" manifest)
  string(JSON starter_expected_n LENGTH "${manifest}" starter caught_by)
  set(starter_expected "")
  math(EXPR last "${starter_expected_n} - 1")
  foreach(i RANGE ${last})
    string(JSON c GET "${manifest}" starter caught_by ${i})
    list(APPEND starter_expected ${c})
  endforeach()
  _cookiejar_caught_variant(starter "${lesson_header}" "${starter_expected}")

  string(JSON count LENGTH "${manifest}" mutants)
  if(count LESS 1)
    message(FATAL_ERROR "${manifest_file}: no mutants")
  endif()
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON name GET "${manifest}" mutants ${i} name)
    string(JSON caught_by GET "${manifest}" mutants ${i} caught_by)
    set(header "${CMAKE_CURRENT_SOURCE_DIR}/mutants/${name}.hpp")
    if(NOT EXISTS "${header}")
      message(FATAL_ERROR "${manifest_file}: mutant '${name}' has no file ${header}")
    endif()
    if(NOT caught_by IN_LIST analyses)
      message(FATAL_ERROR "${manifest_file}: mutant '${name}' names check '${caught_by}', which lesson ${L_NUMBER} does not have (${analyses})")
    endif()
    _cookiejar_caught_variant("mutant.${name}" "${header}" "${caught_by}")
  endforeach()
endfunction()
