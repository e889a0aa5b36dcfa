# How a lesson's checks are built and registered.
#
# Every check source compiles against several copies of the buffer ("variants"):
#   student   lessons/NN-topic/bounded_buffer.hpp   (COOKIEJAR_SCOPE=student)
#   solution  solutions/NN-topic/bounded_buffer.hpp (repository: must pass every check)
#   starter   lessons/NN-topic/bounded_buffer.hpp   (repository: must be caught)
#   mutant    checks/NN-topic/mutants/<name>.hpp    (repository: must be caught by the stated check)
#   correct   checks/NN-topic/correct/<name>.hpp    (repository: another right jar; must pass the stated checks)
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
  # The debug info's compile directory is the build folder, which ThreadSanitizer joins
  # with each relative path: it maps back to the repository. No two maps match the same
  # path (clang 14 takes the first map that matches, clang 19 the last, which made clang
  # 19's reports say build/ci/checks/...), so the sources' maps name their folders.
  "-ffile-prefix-map=${CMAKE_BINARY_DIR}=${PROJECT_SOURCE_DIR}"
  "-ffile-prefix-map=${PROJECT_SOURCE_DIR}/checks/=checks/"
  "-ffile-prefix-map=${PROJECT_SOURCE_DIR}/lessons/=lessons/"
  "-ffile-prefix-map=${PROJECT_SOURCE_DIR}/solutions/=solutions/")

# unit: single-threaded contract checks. The stress backend without a sanitizer: no
# noise, but a call that blocks forever (a lock never released) is reported with the
# line that holds the lock.
add_library(cookiejar_unit INTERFACE)
target_link_libraries(cookiejar_unit INTERFACE cookiejar_library)
target_compile_definitions(cookiejar_unit INTERFACE COOKIEJAR_STRESS)
# Unoptimised: the checks run in well under a second either way, and -O0 compiles in
# half the time (measured: try_buffer/unit_test.cpp 3.2 s at -O1, 1.9 s at -O0).
target_compile_options(cookiejar_unit INTERFACE -O0 -g)

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
    "The stress checks need ThreadSanitizer's runtime: `apt-get install libclang-rt-dev` (Debian 12, "
    "Debian 13, Ubuntu 24.04); with g++ it comes with the compiler (libtsan). "
    "Then delete the build folder and run the command again.")
endif()
add_library(cookiejar_stress INTERFACE)
target_link_libraries(cookiejar_stress INTERFACE cookiejar_library)
target_compile_definitions(cookiejar_stress INTERFACE COOKIEJAR_STRESS)
# Unoptimised, like the other analyses: each check's file (the student's code and the
# check's steps) is compiled again at every edit, and at -O0 it compiles in about half the
# time (lesson 05's stress file: 3.2 s at -O1, 1.7 s at -O0; lesson 04's 1.8 s, 1.0 s,
# CPU seconds, before precompiled headers). The run itself (stress_run.cpp, below) stays
# at -O1. An earlier -O0 build once hung lesson 02's mutant unlocked_empty_peek with no
# record, when the run was compiled into each check; with the run compiled once, lesson
# 02's stress checks and its caught tests passed 40 runs of 40 each under a load of 16.
target_compile_options(cookiejar_stress INTERFACE -fsanitize=thread -O0 -g -fno-omit-frame-pointer)
target_link_options(cookiejar_stress INTERFACE -fsanitize=thread)

# model: Relacy, never with a sanitizer (its fibers have small stacks). Unoptimised: at
# -O1 the model programs were nearly half of the ci build's compile time, and at -O0 they
# run as fast (measured on lesson 03's: compiled in 5.1 s instead of 18.4 s; its run
# took 1.08 s instead of 1.06 s).
add_library(cookiejar_model_flags INTERFACE)
target_link_libraries(cookiejar_model_flags INTERFACE cookiejar_library)
target_include_directories(cookiejar_model_flags SYSTEM INTERFACE "${COOKIEJAR_RELACY_INCLUDE_DIR}")
target_compile_definitions(cookiejar_model_flags INTERFACE COOKIEJAR_MODEL RL_DO_ASSERT)
target_compile_options(cookiejar_model_flags INTERFACE -O0 -g -Wno-unused-parameter -Wno-unused-variable
  -Wno-deprecated-declarations
  # Relacy replaces operator new/delete but not the sized delete that g++ (and clang >= 19)
  # call by default: memory Relacy allocated would go to free() and abort.
  -fno-sized-deallocation)
# The searches (checks/common/model_run.cpp): Relacy's engine, compiled once per build for
# each thread count instead of once per scenario in every model program (lesson 04's
# model file: 5.8 s of CPU before).
# Built only for the programs that link it (lesson 05's checks, on the schedule explorer, never do).
add_library(cookiejar_model_run STATIC EXCLUDE_FROM_ALL "${PROJECT_SOURCE_DIR}/checks/common/model_run.cpp")
target_link_libraries(cookiejar_model_run PUBLIC cookiejar_model_flags)
# At -O1, unlike the scenarios: compiled once, it is where the searches spend their time
# (lesson 04's eight model checks: 8.4 s at -O0, 4.2-4.6 s at -O1; the file compiles in
# 12.3 s instead of 5.6 s).
set_source_files_properties("${PROJECT_SOURCE_DIR}/checks/common/model_run.cpp" PROPERTIES COMPILE_OPTIONS -O1)
add_library(cookiejar_model INTERFACE)
target_link_libraries(cookiejar_model INTERFACE cookiejar_model_flags cookiejar_model_run)

# One Catch2 main per instrumentation: compiled once, linked into every check. Both
# unoptimised: with Catch2 v2's implementation in them they were the slowest files of
# every lesson build (measured: plain 37 s at -O1, 11 s at -O0; with ThreadSanitizer
# 44.4 s at -O1, 15.6 s at -O0, CPU seconds), and nothing in them is hot. The
# ThreadSanitizer one is still instrumented (its inline functions' copies must be).
add_library(cookiejar_main_plain OBJECT "${PROJECT_SOURCE_DIR}/checks/common/catch_main.cpp")
target_link_libraries(cookiejar_main_plain PUBLIC cookiejar_catch2 cookiejar_library)
target_link_libraries(cookiejar_main_plain PUBLIC Threads::Threads)
# Built only for the programs that link it (lesson 01 has no stress checks).
add_library(cookiejar_main_tsan OBJECT EXCLUDE_FROM_ALL "${PROJECT_SOURCE_DIR}/checks/common/catch_main.cpp")
target_link_libraries(cookiejar_main_tsan PUBLIC cookiejar_catch2 cookiejar_stress)
# Unoptimised, whatever its target's level (a source's options come after the target's).
set_source_files_properties("${PROJECT_SOURCE_DIR}/checks/common/catch_main.cpp" PROPERTIES COMPILE_OPTIONS -O0)
# ThreadSanitizer's report as a record; compiled without instrumentation (the file says
# why), and at -O1: unoptimised, it would emit its own weak copies of inline functions
# (std::string_view's), which the linker may swap for the instrumented ones of other
# files (the test library.stress.the ThreadSanitizer callback's object ... fails then).
target_sources(cookiejar_main_tsan PRIVATE "${PROJECT_SOURCE_DIR}/checks/common/tsan_report.cpp")
set_source_files_properties("${PROJECT_SOURCE_DIR}/checks/common/tsan_report.cpp" PROPERTIES COMPILE_OPTIONS
  "-fno-sanitize=thread;-O1")

# The stress harness's run (checks/common/stress_run.cpp): compiled once per build, like the
# main, and reached from each stress check through cj::stress::run<Buffer, Ops>. In every
# check it was most of the compile of the one file that includes the student's header.
# Built only for the programs that link it (a lesson without stress checks never compiles it).
add_library(cookiejar_stress_run STATIC EXCLUDE_FROM_ALL "${PROJECT_SOURCE_DIR}/checks/common/stress_run.cpp")
target_link_libraries(cookiejar_stress_run PUBLIC cookiejar_stress PRIVATE cookiejar_catch2)
# At -O1 (its option comes after cookiejar_stress's -O0): it is where a stress check's
# threads spend the time that is not the student's. So it cannot start from the stress
# checks' precompiled headers, which are -O0; compiled once per build, it parses them itself.
set_source_files_properties("${PROJECT_SOURCE_DIR}/checks/common/stress_run.cpp" PROPERTIES COMPILE_OPTIONS -O1)
target_link_libraries(cookiejar_main_tsan PUBLIC cookiejar_stress_run)

# The runner every check runs through (checks/tools/run_check.cpp): it gives the check a
# record file and a token, and passes it only on a record that says so. Its own
# process: no student code runs in it.
add_executable(cookiejar_run_check "${PROJECT_SOURCE_DIR}/checks/tools/run_check.cpp")
target_link_libraries(cookiejar_run_check PRIVATE cookiejar_library nlohmann_json::nlohmann_json)
target_compile_options(cookiejar_run_check PRIVATE -O0)  # compiles in half the time; it only waits and copies
set_target_properties(cookiejar_run_check PROPERTIES
  OUTPUT_NAME cookiejar-run-check
  RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bin")
set(COOKIEJAR_RUN_CHECK "${CMAKE_BINARY_DIR}/bin/cookiejar-run-check")

set(COOKIEJAR_ANALYSES unit stress model)
set(COOKIEJAR_MAIN_unit cookiejar_main_plain)
set(COOKIEJAR_MAIN_stress cookiejar_main_tsan)
set(COOKIEJAR_MAIN_model cookiejar_main_plain)
include(CookiejarPolicy)

# Precompiled headers: the course's headers the checks of an analysis include, parsed once
# per build instead of once per check program. The student's header is not in them, so
# an edit of it recompiles only the programs that include it, each without re-reading
# Catch2, Relacy or the harnesses (the part of every compile that was the same). One
# precompiled header per backend, made by a program of its own with the backend's flags
# and none of a check's (which buffer, which lesson): every check of that backend reuses it.
set(COOKIEJAR_PCH_cookiejar_unit
  <cookiejar/sync.hpp> <cookiejar/verdict.hpp> <cookiejar/async.hpp> <cookiejar/async_check.hpp>
  <cookiejar/fifo_history.hpp> <cookiejar/catch.hpp>)
set(COOKIEJAR_PCH_cookiejar_stress
  <cookiejar/stress_check.hpp> <cookiejar/verdict.hpp> <cookiejar/async.hpp> <cookiejar/catch.hpp>)
set(COOKIEJAR_PCH_cookiejar_model
  <cookiejar/model_check.hpp> <cookiejar/fifo_history.hpp> <cookiejar/catch.hpp>)
# The demos: the unit checks' backend, without Catch2.
add_library(cookiejar_demo INTERFACE)
target_link_libraries(cookiejar_demo INTERFACE cookiejar_unit)
set(COOKIEJAR_PCH_cookiejar_demo
  <cookiejar/sync.hpp> <cookiejar/async.hpp> <iostream> <sstream> <fstream> <iomanip> <map> <set>)
set(COOKIEJAR_PCH_HOST_SOURCE "${CMAKE_BINARY_DIR}/cookiejar_pch_host.cpp")
# Written only when its text changes (file(CONFIGURE)), so that the configure step every
# workflow runs first does not make each backend's host object out of date.
file(CONFIGURE OUTPUT "${COOKIEJAR_PCH_HOST_SOURCE}"
  CONTENT "// The precompiled headers' own program (cmake/CookiejarChecks.cmake): nothing else in it.\n")

# With clang, the precompiled headers' code is compiled once too (-fpch-codegen,
# -fpch-debuginfo): the inline functions and templates they instantiate, and the debug info
# of their types, go into one object per backend, built from the precompiled header itself;
# the files that include it emit none of that again. What an edit recompiles shrinks to its
# own lines (lesson 04's four files that include the student's header: 2.55 s of CPU, then
# 1.28 s). Each program that includes a backend's precompiled headers links that object.
# g++ has no such option; there, each file compiles the headers' code itself, as before.
set(COOKIEJAR_PCH_CODEGEN OFF)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag("-fpch-codegen -fpch-debuginfo" COOKIEJAR_HAVE_PCH_CODEGEN)
  set(COOKIEJAR_PCH_CODEGEN ${COOKIEJAR_HAVE_PCH_CODEGEN})
endif()

# cookiejar_precompiled_headers(<target> <backend>): <target>'s sources start from <backend>'s
# precompiled headers (made the first time one is asked for).
function(cookiejar_precompiled_headers target backend)
  if(NOT COOKIEJAR_PCH_${backend})
    return()
  endif()
  set(host ${backend}_pch)
  if(NOT TARGET ${host})
    add_library(${host} OBJECT "${COOKIEJAR_PCH_HOST_SOURCE}")
    target_link_libraries(${host} PRIVATE ${backend} cookiejar_catch2)
    target_precompile_headers(${host} PRIVATE ${COOKIEJAR_PCH_${backend}})
    if(COOKIEJAR_PCH_CODEGEN)
      target_compile_options(${host} PRIVATE -fpch-codegen -fpch-debuginfo)
      # Where CMake puts a target's precompiled header (Ninja and Makefiles, CMake 3.16 on).
      set(pch "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${host}.dir/cmake_pch.hxx.pch")
      set(code "${CMAKE_CURRENT_BINARY_DIR}/${host}_code.o")
      # The object gets the flags the header was precompiled with (the backend's: -O0 -g,
      # -fsanitize=thread for stress, the paths' maps for the debug info), less the two above.
      string(TOUPPER "${CMAKE_BUILD_TYPE}" config)
      separate_arguments(flags UNIX_COMMAND "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${config}}")
      set(options "$<TARGET_PROPERTY:${host},COMPILE_OPTIONS>")
      add_custom_command(OUTPUT "${code}"
        COMMAND "${CMAKE_CXX_COMPILER}" ${flags} "$<FILTER:${options},EXCLUDE,^-fpch->" -c "${pch}" -o "${code}"
        DEPENDS "${pch}" ${host}
        COMMENT "Compiling the code of ${backend}'s precompiled headers"
        COMMAND_EXPAND_LISTS VERBATIM)
      add_library(${host}_code STATIC "${code}")
      set_target_properties(${host}_code PROPERTIES LINKER_LANGUAGE CXX)
    endif()
  endif()
  target_precompile_headers(${target} REUSE_FROM ${host})
  cookiejar_link_precompiled_code(${target} ${backend})
endfunction()

# The engines compiled at -O1 (the stress run, Relacy's searches) come before the
# precompiled headers' code on the link line. Both hold copies of some inline functions
# (Relacy's allocation map, for one); the linker keeps the first copy it loads, and the
# -O0 ones made lesson 04's model checks 15% slower (2.35 -> 2.74 s).
set(COOKIEJAR_PCH_LINKS_AFTER_cookiejar_stress cookiejar_stress_run)
set(COOKIEJAR_PCH_LINKS_AFTER_cookiejar_model cookiejar_model_run)

# cookiejar_link_precompiled_code(<target> <backend>): <target> links the code of <backend>'s
# precompiled headers, if it has its own (above). A program made of an object library's
# objects ($<TARGET_OBJECTS:...>, which pass on no link) calls it for itself.
function(cookiejar_link_precompiled_code target backend)
  if(TARGET ${backend}_pch_code)
    target_link_libraries(${target} PRIVATE ${COOKIEJAR_PCH_LINKS_AFTER_${backend}} ${backend}_pch_code)
  endif()
endfunction()

# _cookiejar_definitions_of(<target> <out>): the names of the macros <target> compiles
# with: its own definitions and those its libraries pass on (INTERFACE_COMPILE_DEFINITIONS,
# through INTERFACE_LINK_LIBRARIES).
function(_cookiejar_definitions_of target out)
  set(names "")
  set(seen "")
  set(queue ${target})
  set(first TRUE)
  while(queue)
    list(POP_FRONT queue t)
    if(NOT TARGET ${t} OR t IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${t})
    if(first)
      get_target_property(defs ${t} COMPILE_DEFINITIONS)
      get_target_property(libs ${t} LINK_LIBRARIES)
      set(first FALSE)
    else()
      get_target_property(defs ${t} INTERFACE_COMPILE_DEFINITIONS)
      get_target_property(libs ${t} INTERFACE_LINK_LIBRARIES)
    endif()
    foreach(d IN LISTS defs)
      string(REGEX REPLACE "=.*" "" d "${d}")
      list(APPEND names "${d}")
    endforeach()
    foreach(l IN LISTS libs)
      list(APPEND queue "${l}")
    endforeach()
  endwhile()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

# _cookiejar_test_cases_of(<source> <defined macros> <out>): the names of the source's
# TEST_CASE("...")s that compile with those macros defined. It follows #ifdef, #ifndef,
# #if [!]defined(X), #if 0/1, #else and #endif; a TEST_CASE under any other condition, or
# whose name is not a string literal on the TEST_CASE's line, stops the configure step.
function(_cookiejar_test_cases_of src defined out)
  file(STRINGS "${src}" lines REGEX "^[ \t]*(#[ \t]*(if|elif|else|endif)|TEST_CASE[ \t]*[(])")
  set(stack "")  # one entry per open #if: 1 compiled, 0 not, ? cannot tell
  set(names "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*#[ \t]*ifdef[ \t]+([A-Za-z_0-9]+)")
      if(CMAKE_MATCH_1 IN_LIST defined)
        list(APPEND stack 1)
      else()
        list(APPEND stack 0)
      endif()
    elseif(line MATCHES "^[ \t]*#[ \t]*ifndef[ \t]+([A-Za-z_0-9]+)")
      if(CMAKE_MATCH_1 IN_LIST defined)
        list(APPEND stack 0)
      else()
        list(APPEND stack 1)
      endif()
    elseif(line MATCHES "^[ \t]*#[ \t]*if[ \t]+(!?)[ \t]*defined[ \t]*[(]?[ \t]*([A-Za-z_0-9]+)[ \t]*[)]?[ \t]*(//.*)?$")
      set(bit 0)
      if(CMAKE_MATCH_2 IN_LIST defined)
        set(bit 1)
      endif()
      if(CMAKE_MATCH_1 STREQUAL "!")
        math(EXPR bit "1 - ${bit}")
      endif()
      list(APPEND stack ${bit})
    elseif(line MATCHES "^[ \t]*#[ \t]*if[ \t]+([01])[ \t]*(//.*)?$")
      list(APPEND stack ${CMAKE_MATCH_1})
    elseif(line MATCHES "^[ \t]*#[ \t]*if")
      list(APPEND stack ?)
    elseif(line MATCHES "^[ \t]*#[ \t]*elif")
      list(POP_BACK stack)
      list(APPEND stack ?)
    elseif(line MATCHES "^[ \t]*#[ \t]*else")
      list(POP_BACK stack top)
      if(top STREQUAL "1")
        list(APPEND stack 0)
      elseif(top STREQUAL "0")
        list(APPEND stack 1)
      else()
        list(APPEND stack ?)
      endif()
    elseif(line MATCHES "^[ \t]*#[ \t]*endif")
      list(POP_BACK stack)
    else()  # a TEST_CASE
      if("0" IN_LIST stack)
        continue()
      endif()
      if("?" IN_LIST stack)
        message(FATAL_ERROR "${src}: a TEST_CASE under a condition CMake cannot evaluate (use #ifdef, "
          "#ifndef or #if defined(X)): ${line}")
      endif()
      # One string literal, then the tags or the end: a name split into literals that C++
      # joins would be registered cut short.
      if(NOT line MATCHES "^[ \t]*TEST_CASE[ \t]*[(][ \t]*\"(([^\"\\]|\\.)*)\"[ \t]*([,)]|$)" OR CMAKE_MATCH_3 STREQUAL "")
        message(FATAL_ERROR "${src}: a TEST_CASE whose name is not one string literal on the TEST_CASE's line: "
          "${line}\n(cmake/CookiejarChecks.cmake registers test cases by the names in the source.)")
      endif()
      set(name "${CMAKE_MATCH_1}")
      string(REPLACE "\\\"" "\"" name "${name}")
      string(REPLACE "\\\\" "\\" name "${name}")
      string(FIND "${name}" "\\" backslash)
      if(NOT backslash EQUAL -1)
        message(FATAL_ERROR "${src}: the test case \"${name}\" has an escape CTest's names cannot keep")
      endif()
      list(APPEND names "${name}")
    endif()
  endforeach()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

# cookiejar_discover_tests(<target> PREFIX <p> LABELS <label>... [TIMEOUT <s>] [ANALYSIS <a>])
# One CTest test per Catch2 test case of <target>, named <p><test case>, registered when
# CMake configures: the names are read from the TEST_CASE("...") lines of the target's
# sources (the course's, never the student's; _cookiejar_test_cases_of follows their
# #ifdefs with the target's definitions), so no program runs to list its tests, at
# build time or before the tests (catch_discover_tests ran every program, ThreadSanitizer's
# too, after each link). A source edit re-runs the configure step. The repository's test
# "repository.every check program lists the test cases CMake registered" compares each
# list with the program's own (checks/tools/listing.cmake), so the two cannot drift.
# Sets <target>_TESTS in the caller's scope: the registered names.
#
# Every test runs through cookiejar-run-check, which gives the check a record file and
# a token. The runner's own limit comes 10 s before CTest's, so a check that never ends
# gets the runner's verdict ("hang") rather than CTest's kill. No test has a
# SKIP_RETURN_CODE: a status of the runner's that CTest took for "skipped" would pass.
#
# SOURCES <file>...: read the test cases from these files instead of the target's own
# sources (a hunt program is made of object files: its harness's names are in its source).
function(cookiejar_discover_tests target)
  cmake_parse_arguments(D "" "PREFIX;TIMEOUT;ANALYSIS" "LABELS;SOURCES" ${ARGN})
  if(NOT D_TIMEOUT)
    set(D_TIMEOUT 300)
  endif()
  if(NOT D_ANALYSIS)
    set(D_ANALYSIS unit)
  endif()
  math(EXPR runner_limit "${D_TIMEOUT} - 10")
  add_dependencies(${target} cookiejar_run_check)
  get_target_property(sources ${target} SOURCES)
  if(D_SOURCES)
    set(sources ${D_SOURCES})
  endif()
  get_target_property(source_dir ${target} SOURCE_DIR)
  _cookiejar_definitions_of(${target} defined)
  set(names "")
  foreach(src IN LISTS sources)
    if(NOT src MATCHES "[.]cpp$")
      continue()
    endif()
    get_filename_component(src "${src}" ABSOLUTE BASE_DIR "${source_dir}")  # no ../ left
    # Once per build: a source two lessons share, named twice, is two ninja rules for one file.
    get_property(watched GLOBAL PROPERTY COOKIEJAR_WATCHED_SOURCES)
    if(NOT src IN_LIST watched)
      set_property(GLOBAL APPEND PROPERTY COOKIEJAR_WATCHED_SOURCES "${src}")
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${src}")
    endif()
    _cookiejar_test_cases_of("${src}" "${defined}" found)
    list(APPEND names ${found})
  endforeach()
  if(NOT names)
    message(FATAL_ERROR "${target}: no TEST_CASE(\"...\") in its sources (${sources})")
  endif()
  set(registered "")
  foreach(name IN LISTS names)
    # Catch2 reads a test spec: a comma separates names, brackets are tags, and a name that
    # starts with # would be a file's tag unless it is quoted.
    set(spec "${name}")
    foreach(char , [ ])
      string(REPLACE "${char}" "\\${char}" spec "${spec}")
    endforeach()
    if(spec MATCHES "^#")
      set(spec "\"${spec}\"")
    endif()
    add_test(NAME "${D_PREFIX}${name}"
      COMMAND "${COOKIEJAR_RUN_CHECK}" --analysis ${D_ANALYSIS} --timeout ${runner_limit} -- "$<TARGET_FILE:${target}>" "${spec}"
      WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
    set_tests_properties("${D_PREFIX}${name}" PROPERTIES LABELS "${D_LABELS}" TIMEOUT ${D_TIMEOUT})
    list(APPEND registered "${D_PREFIX}${name}")
  endforeach()
  # What the listing test compares: the program and the names, one per line.
  list(JOIN names "\n" names_text)
  set(names_file "${CMAKE_CURRENT_BINARY_DIR}/${target}.test-cases")
  file(WRITE "${names_file}" "${names_text}\n")
  set_property(GLOBAL APPEND PROPERTY COOKIEJAR_LISTED_PROGRAMS "$<TARGET_FILE:${target}>=${names_file}")
  set(${target}_TESTS "${registered}" PARENT_SCOPE)
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
  cookiejar_precompiled_headers(${target} ${backend})
  target_compile_definitions(${target} PRIVATE COOKIEJAR_BUFFER_HEADER="${header}")
  if(COOKIEJAR_LESSON_NAMESPACE)
    target_compile_definitions(${target} PRIVATE COOKIEJAR_LESSON_NAMESPACE=${COOKIEJAR_LESSON_NAMESPACE})
  endif()
endfunction()

# _cookiejar_hunt(<prefix> <dir> <harness source> <scope>): the lesson's hunt
# (docs/how-the-checks-work.md, "Hunts"). The learner's scenarios (lessons/NN-topic/hunt.cpp,
# plain data: <cookiejar/hunt.hpp>) are compiled once, on their own, and linked with the
# lesson's harness (checks/NN-topic/hunt_test.cpp, on the backend of the lesson's model
# checks: Relacy, or lesson 05's schedule explorer), which runs them on
# every hunt jar and on the reference jar: a hunt jar's test case passes only when the
# scenario catches that jar and passes on the reference. The harness is compiled once
# per build (an edit of hunt.cpp recompiles only that small file and relinks).
#
# The reference jar is solutions/NN-topic/bounded_buffer.hpp. The students' edition has
# no solutions/ (docs/instructors/make-student-edition.sh): there it is the learner's own
# lessons/NN-topic/bounded_buffer.hpp, so a hunt scores once the learner's jar is right
# (and a grader with the solutions judges against them).
#
# Student scope: lessonNN.student.hunt.<test case>, one CTest test each, like every check.
# Repository scope: lessonNN.solution.hunt.<test case> (the reference scenario,
# solutions/NN-topic/hunt.cpp: must pass every test case), and three scenarios that must
# score nothing, each one CTest test (checks/tools/expect-hunt-score.cmake): the learner's
# starting file, one that calls nothing (checks/common/hunt/calls_nothing.cpp), and one
# that fails on the reference jar (checks/NN-topic/hunt/fails_everywhere.cpp, or
# checks/common/hunt/refused.cpp when the lesson has none).
function(_cookiejar_hunt prefix dir harness scope)
  string(SUBSTRING "${prefix}" 6 -1 nn)  # lessonNN
  cookiejar_hunt_policy_checks(NUMBER ${nn} DIR ${dir})
  set(lesson_header "${PROJECT_SOURCE_DIR}/lessons/${dir}/bounded_buffer.hpp")
  set(reference "${PROJECT_SOURCE_DIR}/solutions/${dir}/bounded_buffer.hpp")
  set(own_reference OFF)
  if(NOT EXISTS "${reference}")
    set(reference "${lesson_header}")
    set(own_reference ON)
  endif()
  # The model checks' backend: Relacy, or the lesson's own (lesson 05's schedule explorer
  # runs on the plain one, MODEL_BACKEND unit).
  set(backend cookiejar_model)
  if(COOKIEJAR_BACKEND_model)
    set(backend ${COOKIEJAR_BACKEND_model})
  endif()
  set(h ${prefix}_hunt_harness)
  add_library(${h} OBJECT "${harness}")
  target_link_libraries(${h} PRIVATE ${backend} cookiejar_catch2)
  cookiejar_precompiled_headers(${h} ${backend})
  target_compile_definitions(${h} PRIVATE COOKIEJAR_BUFFER_HEADER="${reference}")
  if(own_reference)
    target_compile_definitions(${h} PRIVATE COOKIEJAR_HUNT_OWN_REFERENCE)  # the report says so
  endif()
  # The hunt jars by their place in the repository ("lessons/02-lock/hunt/late_tail.hpp"),
  # which is how reports name their lines.
  target_include_directories(${h} PRIVATE "${PROJECT_SOURCE_DIR}")
  # hunt_program(<target> <scenario source>): the harness with one scenario.
  macro(_cookiejar_hunt_program t scenario_src)
    add_library(${t}_scenario OBJECT "${scenario_src}")
    target_link_libraries(${t}_scenario PRIVATE cookiejar_library)
    target_compile_options(${t}_scenario PRIVATE -O0)
    add_executable(${t} $<TARGET_OBJECTS:${h}> $<TARGET_OBJECTS:${t}_scenario>)
    target_link_libraries(${t} PRIVATE ${backend} ${COOKIEJAR_MAIN_model} cookiejar_catch2)
    cookiejar_link_precompiled_code(${t} ${backend})  # the harness's objects need it
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${scenario_src}")
  endmacro()
  if(scope STREQUAL "student")
    _cookiejar_hunt_program(${prefix}_student_hunt "${PROJECT_SOURCE_DIR}/lessons/${dir}/hunt.cpp")
    cookiejar_discover_tests(${prefix}_student_hunt PREFIX "${prefix}.student.hunt." ANALYSIS model
      SOURCES "${harness}" TIMEOUT 120 LABELS ${prefix} student hunt)
    return()
  endif()
  _cookiejar_hunt_program(${prefix}_solution_hunt "${PROJECT_SOURCE_DIR}/solutions/${dir}/hunt.cpp")
  cookiejar_discover_tests(${prefix}_solution_hunt PREFIX "${prefix}.solution.hunt." ANALYSIS model
    SOURCES "${harness}" TIMEOUT 120 LABELS ${prefix} solution hunt)
  set(fails "${CMAKE_CURRENT_SOURCE_DIR}/hunt/fails_everywhere.cpp")
  if(NOT EXISTS "${fails}")
    set(fails "${PROJECT_SOURCE_DIR}/checks/common/hunt/refused.cpp")
  endif()
  foreach(pair
      "starter|${PROJECT_SOURCE_DIR}/lessons/${dir}/hunt.cpp|the starting scenario catches no jar"
      "calls_nothing|${PROJECT_SOURCE_DIR}/checks/common/hunt/calls_nothing.cpp|a scenario that calls nothing catches no jar"
      "fails_everywhere|${fails}|a scenario that fails on the solution scores nothing")
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 name)
    list(GET pair 1 src)
    list(GET pair 2 sentence)
    _cookiejar_hunt_program(${prefix}_hunt_${name} "${src}")
    add_test(NAME "${prefix}.hunt.${sentence}"
      COMMAND ${CMAKE_COMMAND} "-DNAME=${prefix}.hunt.${name}" "-DEXE=$<TARGET_FILE:${prefix}_hunt_${name}>"
              "-DRUNNER=${COOKIEJAR_RUN_CHECK}" -P "${PROJECT_SOURCE_DIR}/checks/tools/expect-hunt-score.cmake")
    set_tests_properties("${prefix}.hunt.${sentence}" PROPERTIES LABELS "${prefix};hunt" TIMEOUT 300)
    add_dependencies(${prefix}_hunt_${name} cookiejar_run_check)
  endforeach()
  # The score check itself must see a score: run on the reference hunt, it finds the jars caught.
  add_test(NAME "${prefix}.hunt.the score check sees the jars the reference scenarios catch"
    COMMAND ${CMAKE_COMMAND} "-DNAME=${prefix}.hunt.reference" "-DEXE=$<TARGET_FILE:${prefix}_solution_hunt>"
            "-DRUNNER=${COOKIEJAR_RUN_CHECK}" -DINVERT=ON -P "${PROJECT_SOURCE_DIR}/checks/tools/expect-hunt-score.cmake")
  set_tests_properties("${prefix}.hunt.the score check sees the jars the reference scenarios catch" PROPERTIES
    LABELS "${prefix};hunt" TIMEOUT 300)
endfunction()

# cookiejar_lesson(
#   NUMBER 02 TOPIC lock
#   UNIT <sources>  STRESS <sources>  MODEL <sources>   (any of them; each one executable)
#   MODEL_BACKEND unit                                  (optional: build the model checks on the
#                                                        plain unit backend instead of Relacy)
#   HEADERS <header>...                                 (the course headers the chapter lets the file
#                                                        include: the policy check, cmake/CookiejarPolicy.cmake)
#   HUNT <source>                                       (the hunt's harness: _cookiejar_hunt above)
#   DEMO <sources>)                                     (a demo program, unit backend: built against
#                                                        the lesson in the student scope and against
#                                                        the solution, and run once as a test, in the
#                                                        repository scope)
#
# Reads checks/NN-topic/mutants/manifest.json: which check must catch each mutant and the starter.
function(cookiejar_lesson)
  cmake_parse_arguments(L "" "NUMBER;TOPIC;MODEL_BACKEND;HUNT" "UNIT;STRESS;MODEL;DEMO;HEADERS" ${ARGN})
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
      cookiejar_discover_tests(${t} PREFIX "${prefix}.${variant}.${a}." ANALYSIS ${a} LABELS ${prefix} ${variant} ${a})
    endforeach()
  endmacro()

  # A variant that must be caught: one CTest test that runs its analyses and compares
  # what failed with the manifest. The starter runs every analysis (its test shows what
  # each one says of it); a mutant or an adversarial file only those the manifest says
  # must catch it, which keeps the ci build to the programs whose verdict is asserted.
  macro(_cookiejar_caught_variant variant header expected bug outcomes)
    set(exes "")
    set(built "${analyses}")
    set(asserted "${expected}")  # a macro's arguments are not variables: IN_LIST needs one
    if(NOT "${variant}" STREQUAL "starter")
      set(built "")
      foreach(a IN LISTS analyses)
        if(a IN_LIST asserted)
          list(APPEND built ${a})
        endif()
      endforeach()
    endif()
    foreach(a IN LISTS built)
      string(TOUPPER ${a} A)
      set(t "${prefix}_${variant}_${a}")
      cookiejar_check_executable(${t} ${a} "${header}" ${L_${A}})
      list(APPEND exes "${a}=$<TARGET_FILE:${t}>")
    endforeach()
    string(REPLACE ";" "," exes_arg "${exes}")
    string(REPLACE ";" "," expected_arg "${expected}")
    set(verb is_caught)
    set(label caught)
    if("${variant}" MATCHES "^adversarial[.]")
      set(verb is_refused)
      set(label adversarial)
    endif()
    add_test(NAME "${prefix}.${variant}.${verb}"
      COMMAND ${CMAKE_COMMAND} "-DNAME=${prefix}.${variant}" "-DEXPECTED=${expected_arg}" "-DCHECKS=${exes_arg}"
              "-DBUG=${bug}" "-DOUTCOMES=${outcomes}" "-DRUNNER=${COOKIEJAR_RUN_CHECK}"
              -P "${driver}")
    set_tests_properties("${prefix}.${variant}.${verb}" PROPERTIES LABELS "${prefix};${label}" TIMEOUT 600)
  endmacro()

  if(L_DEMO)
    add_executable(${prefix}_demo ${L_DEMO})
    # On the unit checks' backend (cj:: primitives with the deadlock detector, no noise, no
    # sanitizer): a jar that leaves every thread waiting is reported at once.
    # Unoptimised like them (compiled again at each edit of the student's file), and from
    # precompiled headers of its own (the unit checks' hold Catch2, which a demo does not
    # link): the demo's compile reads only its own file and the student's.
    target_link_libraries(${prefix}_demo PRIVATE cookiejar_demo)
    cookiejar_precompiled_headers(${prefix}_demo cookiejar_demo)
    set_target_properties(${prefix}_demo PROPERTIES OUTPUT_NAME "${prefix}-demo")
  endif()

  if(COOKIEJAR_SCOPE STREQUAL "student")
    if(L_DEMO)
      target_compile_definitions(${prefix}_demo PRIVATE COOKIEJAR_BUFFER_HEADER="${lesson_header}")
    endif()
    _cookiejar_passing_variant(student "${lesson_header}")
    if(L_HUNT)
      get_filename_component(hunt_src "${L_HUNT}" ABSOLUTE)
      _cookiejar_hunt(${prefix} ${dir} "${hunt_src}" student)
    endif()
    return()
  endif()

  if(L_DEMO)
    target_compile_definitions(${prefix}_demo PRIVATE COOKIEJAR_BUFFER_HEADER="${solution_header}")
    add_test(NAME "${prefix}.solution.demo.runs" COMMAND ${prefix}_demo)
    set_tests_properties("${prefix}.solution.demo.runs" PROPERTIES LABELS "${prefix};solution;demo" TIMEOUT 60)
  endif()

  _cookiejar_passing_variant(solution "${solution_header}")
  if(L_HUNT)
    get_filename_component(hunt_src "${L_HUNT}" ABSOLUTE)
    _cookiejar_hunt(${prefix} ${dir} "${hunt_src}" repository)
  endif()

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
  _cookiejar_caught_variant(starter "${lesson_header}" "${starter_expected}" "" "")

  string(JSON count LENGTH "${manifest}" mutants)
  if(count LESS 1)
    message(FATAL_ERROR "${manifest_file}: no mutants")
  endif()
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON name GET "${manifest}" mutants ${i} name)
    string(JSON caught_by GET "${manifest}" mutants ${i} caught_by)
    string(JSON bug_class GET "${manifest}" mutants ${i} bug_class)
    if(NOT bug_class MATCHES "^[a-z_]+$")
      message(FATAL_ERROR "${manifest_file}: mutant '${name}' has bug_class '${bug_class}', which is not a key of "
        "the bug-class vocabulary (checks/include/cookiejar/verdict.hpp, bug_classes)")
    endif()
    set(header "${CMAKE_CURRENT_SOURCE_DIR}/mutants/${name}.hpp")
    if(NOT EXISTS "${header}")
      message(FATAL_ERROR "${manifest_file}: mutant '${name}' has no file ${header}")
    endif()
    if(NOT caught_by IN_LIST analyses)
      message(FATAL_ERROR "${manifest_file}: mutant '${name}' names check '${caught_by}', which lesson ${L_NUMBER} does not have (${analyses})")
    endif()
    _cookiejar_caught_variant("mutant.${name}" "${header}" "${caught_by}" "${bug_class}" "")
  endforeach()

  # Correct variants: other right ways to write the jar (a timed wait in a loop, ...), each
  # of which must pass every check of the analyses in "passes", like the solution.
  string(JSON correct_count ERROR_VARIABLE no_correct LENGTH "${manifest}" correct)
  if(NOT no_correct AND correct_count GREATER 0)
    math(EXPR last "${correct_count} - 1")
    foreach(i RANGE ${last})
      string(JSON name GET "${manifest}" correct ${i} name)
      string(JSON file GET "${manifest}" correct ${i} file)
      string(JSON passes_n LENGTH "${manifest}" correct ${i} passes)
      set(header "${CMAKE_CURRENT_SOURCE_DIR}/${file}")
      if(NOT EXISTS "${header}")
        message(FATAL_ERROR "${manifest_file}: correct variant '${name}' has no file ${header}")
      endif()
      math(EXPR last_p "${passes_n} - 1")
      foreach(k RANGE ${last_p})
        string(JSON a GET "${manifest}" correct ${i} passes ${k})
        if(NOT a IN_LIST analyses)
          message(FATAL_ERROR "${manifest_file}: correct variant '${name}' names check '${a}', which lesson ${L_NUMBER} does not have (${analyses})")
        endif()
        string(TOUPPER ${a} A)
        set(t "${prefix}_correct_${name}_${a}")
        cookiejar_check_executable(${t} ${a} "${header}" ${L_${A}})
        cookiejar_discover_tests(${t} PREFIX "${prefix}.correct.${name}.${a}." ANALYSIS ${a}
          LABELS ${prefix} correct ${a})
      endforeach()
    endforeach()
  endif()

  # Adversarial submissions: files that try to pass without being right (end the process
  # with status 0, fake Catch2's summary, ...). Each analysis in "refused_by" must not
  # pass, with a verdict among "outcomes"; "policy" is the policy check's to refuse.
  string(JSON adversarial_count ERROR_VARIABLE no_adversarial LENGTH "${manifest}" adversarial)
  if(NOT no_adversarial AND adversarial_count GREATER 0)
    math(EXPR last "${adversarial_count} - 1")
    foreach(i RANGE ${last})
      string(JSON name GET "${manifest}" adversarial ${i} name)
      string(JSON file GET "${manifest}" adversarial ${i} file)
      string(JSON refused_n LENGTH "${manifest}" adversarial ${i} refused_by)
      string(JSON outcomes_n LENGTH "${manifest}" adversarial ${i} outcomes)
      set(refused "")
      set(outcomes "")
      set(by_policy OFF)
      math(EXPR last_r "${refused_n} - 1")
      foreach(k RANGE ${last_r})
        string(JSON r GET "${manifest}" adversarial ${i} refused_by ${k})
        if(r STREQUAL "policy")
          set(by_policy ON)
        else()
          list(APPEND refused ${r})
        endif()
      endforeach()
      math(EXPR last_o "${outcomes_n} - 1")
      foreach(k RANGE ${last_o})
        string(JSON o GET "${manifest}" adversarial ${i} outcomes ${k})
        list(APPEND outcomes ${o})
      endforeach()
      set(header "${CMAKE_CURRENT_SOURCE_DIR}/${file}")
      if(NOT EXISTS "${header}")
        message(FATAL_ERROR "${manifest_file}: adversarial '${name}' has no file ${header}")
      endif()
      if(refused)
        string(REPLACE ";" "," outcomes_arg "${outcomes}")
        _cookiejar_caught_variant("adversarial.${name}" "${header}" "${refused}" "" "${outcomes_arg}")
      endif()
      if(by_policy)
        # The policy check judges the file itself: failed, with a policy_violation finding.
        get_property(allowed GLOBAL PROPERTY COOKIEJAR_POLICY_HEADERS_${dir})
        set(policy_args ${COOKIEJAR_POLICY_COMMAND} --file "${header}")
        foreach(h IN LISTS allowed)
          list(APPEND policy_args --allow "${h}")
        endforeach()
        list(POP_FRONT policy_args policy_exe)
        string(REPLACE ";" "|" policy_args "${policy_args}")
        set(test_name "${prefix}.adversarial.${name}.is_refused_by_the_policy_check")
        add_test(NAME "${test_name}"
          COMMAND ${CMAKE_COMMAND} "-DNAME=${prefix}.adversarial.${name}" -DEXPECTED=policy "-DCHECKS=policy=${policy_exe}"
                  "-DPOLICY_ARGS=${policy_args}" -DBUG=policy_violation -DOUTCOMES=failed
                  "-DRUNNER=${COOKIEJAR_RUN_CHECK}" -P "${driver}")
        set_tests_properties("${test_name}" PROPERTIES LABELS "${prefix};adversarial;policy" TIMEOUT 300)
      endif()
    endforeach()
  endif()
endfunction()
