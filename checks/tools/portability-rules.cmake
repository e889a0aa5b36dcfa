# The repository's portability rules, as tests (checks/CMakeLists.txt registers them):
#
#   cmake -DREPO=<checkout> -DRULE=apt_line -P portability-rules.cmake
#     The README, docs/getting-started.md, the GitHub workflows and
#     .devcontainer/devcontainer.json each spell out `apt-get install` with exactly the
#     packages of checks/tools/apt-packages.txt, in its order, and no other `apt-get
#     install` there names any of them; the scripts that install (.ci/run,
#     checks/tools/debian13.sh, the Gradescope setup.sh) read that file. The dev
#     container's file must parse as JSON (full-line // comments allowed, as VS Code does).
#
#   cmake -DREPO=<checkout> -DRULE=catch2_shim -P portability-rules.cmake
#     No check names Catch2 directly: outside <cookiejar/catch.hpp> and the shared main
#     (checks/common/catch_main.cpp), no source under checks/ includes a catch2/ header or
#     says `Catch::`, so every check compiles on Catch2 v2 and v3 alike.
#
#   cmake -DBUILD=<build folder> -DCTEST=<ctest> -DRULE=no_skip_codes -P portability-rules.cmake
#     No test of the build has a SKIP_RETURN_CODE: CTest counts a test that exits with it
#     as skipped, and a run with only passed and skipped tests as passed. (Catch2 v3's
#     catch_discover_tests gave every test 4, which is the runner's "ended early": a file
#     that ended the check's process with status 0 passed the lesson's workflow.)
cmake_minimum_required(VERSION 3.25)
if(NOT RULE OR (NOT REPO AND NOT BUILD))
  message(FATAL_ERROR "usage: cmake -DREPO=<checkout> -DRULE=apt_line|catch2_shim -P ${CMAKE_CURRENT_LIST_FILE}\n"
    "   or: cmake -DBUILD=<build folder> -DCTEST=<ctest> -DRULE=no_skip_codes -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
set(problems "")

# The packages of one `apt-get install ...` command: its words up to the end of the
# command, without options.
function(packages_of command out)
  string(REGEX REPLACE "(&&|\\|\\||;|\\||>|\"|'|`|\\)).*" "" command "${command}")
  string(REGEX REPLACE "[ \t]+" ";" words "${command}")
  set(packages "")
  foreach(w IN LISTS words)
    if(NOT w STREQUAL "" AND NOT w MATCHES "^-")
      list(APPEND packages "${w}")
    endif()
  endforeach()
  list(JOIN packages " " packages)
  set(${out} "${packages}" PARENT_SCOPE)
endfunction()

if(RULE STREQUAL "apt_line")
  file(STRINGS "${REPO}/checks/tools/apt-packages.txt" lines REGEX "^[^#]")
  list(JOIN lines " " expected)
  string(STRIP "${expected}" expected)
  string(REGEX REPLACE " +" ";" expected_list "${expected}")
  if(expected STREQUAL "")
    message(FATAL_ERROR "checks/tools/apt-packages.txt names no package")
  endif()

  set(spelled_out README.md docs/getting-started.md .github/workflows/ci.yml
      docs/instructors/github-classroom/classroom.yml .devcontainer/devcontainer.json)
  foreach(f IN LISTS spelled_out)
    if(NOT EXISTS "${REPO}/${f}")
      string(APPEND problems "  ${f} is missing\n")
      continue()
    endif()
    file(READ "${REPO}/${f}" text)
    string(REPLACE "\\\n" " " text "${text}")  # shell line continuations
    string(REGEX MATCHALL "apt-get install[^\n]*" commands "${text}")
    # At least one command is the line; any other one installs none of its packages
    # (ca-certificates, say), so no second, drifting copy of the line can hide here.
    set(found FALSE)
    foreach(c IN LISTS commands)
      string(REGEX REPLACE "^apt-get install" "" c "${c}")
      packages_of("${c}" got)
      if(got STREQUAL expected)
        set(found TRUE)
        continue()
      endif()
      string(REPLACE " " ";" got_list "${got}")
      foreach(p IN LISTS got_list)
        if(p IN_LIST expected_list)
          string(APPEND problems "  ${f}: apt-get install ${got}\n")
          break()
        endif()
      endforeach()
    endforeach()
    if(NOT found)
      string(APPEND problems "  ${f} has no `apt-get install ${expected}`\n")
    endif()
  endforeach()

  # The dev container's file parses, and its install command is the README's line.
  set(devcontainer "${REPO}/.devcontainer/devcontainer.json")
  if(EXISTS "${devcontainer}")
    file(READ "${devcontainer}" json)
    string(REGEX REPLACE "(^|\n)[ \t]*//[^\n]*" "\\1" json "${json}")
    string(JSON create ERROR_VARIABLE json_error GET "${json}" onCreateCommand)
    if(json_error)
      string(APPEND problems "  .devcontainer/devcontainer.json: ${json_error}\n")
    elseif(NOT create MATCHES "apt-get install")
      string(APPEND problems "  .devcontainer/devcontainer.json: onCreateCommand does not install the packages\n")
    endif()
  endif()

  foreach(f .ci/run checks/tools/debian13.sh docs/instructors/gradescope/setup.sh)
    file(READ "${REPO}/${f}" text)
    string(FIND "${text}" "checks/tools/apt-packages.txt" at)
    if(at EQUAL -1)
      string(APPEND problems "  ${f} does not read checks/tools/apt-packages.txt\n")
    endif()
  endforeach()

  if(problems)
    message(FATAL_ERROR "The apt line differs from checks/tools/apt-packages.txt "
      "(apt-get install ${expected}):\n${problems}")
  endif()
  message(STATUS "one apt line everywhere: apt-get install ${expected}")

elseif(RULE STREQUAL "catch2_shim")
  file(GLOB_RECURSE sources RELATIVE "${REPO}" "${REPO}/checks/*.cpp" "${REPO}/checks/*.hpp")
  list(REMOVE_ITEM sources checks/include/cookiejar/catch.hpp checks/common/catch_main.cpp)
  list(LENGTH sources n)
  if(n LESS 10)
    message(FATAL_ERROR "only ${n} sources found under ${REPO}/checks: wrong REPO?")
  endif()
  foreach(f IN LISTS sources)
    file(STRINGS "${REPO}/${f}" hits REGEX "(#[ \t]*include[ \t]*[<\"]catch2/|Catch::)")
    foreach(h IN LISTS hits)
      string(STRIP "${h}" h)
      string(APPEND problems "  ${f}: ${h}\n")
    endforeach()
  endforeach()
  if(problems)
    message(FATAL_ERROR "These checks name Catch2 directly; use <cookiejar/catch.hpp> and "
      "cj::testing::contains / starts_with, which work on v2 and v3:\n${problems}")
  endif()
  message(STATUS "${n} sources under checks/ name Catch2 only through <cookiejar/catch.hpp>")
elseif(RULE STREQUAL "no_skip_codes")
  execute_process(COMMAND "${CTEST}" --test-dir "${BUILD}" --show-only=json-v1
    OUTPUT_VARIABLE listing ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ctest --show-only failed (${rc}): ${err}")
  endif()
  string(JSON tests GET "${listing}" tests)
  string(JSON n LENGTH "${tests}")
  if(n LESS 50)
    message(FATAL_ERROR "only ${n} tests in ${BUILD}: wrong BUILD?")
  endif()
  # Each skippable test's name: its JSON object holds a property named SKIP_RETURN_CODE.
  string(REGEX MATCHALL "\"name\" *: *\"SKIP_RETURN_CODE\"" hits "${listing}")
  list(LENGTH hits skippable)
  if(skippable GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      string(JSON t GET "${tests}" ${i})
      if(t MATCHES "\"SKIP_RETURN_CODE\"")
        string(JSON name GET "${t}" name)
        string(APPEND problems "  ${name}\n")
      endif()
    endforeach()
    message(FATAL_ERROR "${skippable} tests have a SKIP_RETURN_CODE, so CTest would pass them on that "
      "exit status:\n${problems}")
  endif()
  message(STATUS "none of the ${n} tests has a SKIP_RETURN_CODE")
else()
  message(FATAL_ERROR "unknown RULE '${RULE}' (apt_line, catch2_shim or no_skip_codes)")
endif()
