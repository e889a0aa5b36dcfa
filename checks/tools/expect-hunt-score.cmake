# Runs a hunt program (a scenario linked with a lesson's hunt harness) and fails unless
# the scenario scores nothing: every test case "a scenario catches ..." must have run,
# through the runner, and failed with a record of its own (a crash, a hang or a missing
# record is not a score of 0 but a broken check, and fails this test too).
#
#   cmake -DNAME=lesson02.hunt.calls_nothing -DEXE=/path/lesson02_hunt_calls_nothing
#         -DRUNNER=/path/cookiejar-run-check -P expect-hunt-score.cmake
#
# Prints each test case's verdict and its first finding's words: what a learner with that
# scenario would read.
#
# -DINVERT=ON checks this script itself: given a scenario that does score (the reference
# hunt), it must find the jars it caught, and this run passes only if it does.
cmake_minimum_required(VERSION 3.25)

set(verdict_file "${CMAKE_CURRENT_BINARY_DIR}/${NAME}.verdict.json")
file(REMOVE "${verdict_file}")
execute_process(COMMAND "${RUNNER}" --analysis model --timeout 280 --verdict "${verdict_file}" -- "${EXE}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 290)
if(NOT EXISTS "${verdict_file}")
  message(FATAL_ERROR "${NAME}: the runner wrote no verdict (exit ${rc}):\n${out}\n${err}")
endif()
file(READ "${verdict_file}" verdict)
file(REMOVE "${verdict_file}")
string(JSON outcome GET "${verdict}" outcome)
if(NOT outcome STREQUAL "failed" AND NOT INVERT)
  message(FATAL_ERROR "${NAME}: the runner's verdict is '${outcome}', not 'failed' (every hunt test case must "
    "fail with a record):\n${out}\n${err}")
endif()
string(JSON records LENGTH "${verdict}" records)
set(scoring 0)
set(wrong "")
set(summary "")
if(records GREATER 0)
  math(EXPR last "${records} - 1")
  foreach(r RANGE ${last})
    string(JSON kind ERROR_VARIABLE no_kind GET "${verdict}" records ${r} kind)
    string(JSON check GET "${verdict}" records ${r} check)
    string(JSON result GET "${verdict}" records ${r} outcome)
    if(NOT check MATCHES "^a scenario catches ")
      continue()
    endif()
    math(EXPR scoring "${scoring} + 1")
    set(why "")
    string(JSON findings ERROR_VARIABLE no_findings LENGTH "${verdict}" records ${r} findings)
    if(NOT no_findings AND findings GREATER 0)
      string(JSON why GET "${verdict}" records ${r} findings 0 promise)
    endif()
    string(APPEND summary "  ${check}: ${result}; ${why}\n")
    if(NOT result STREQUAL "failed" OR why STREQUAL "")
      string(APPEND wrong "  ${check}: ${result} (a score of 0 is a failure with a finding)\n")
    endif()
  endforeach()
endif()
if(scoring EQUAL 0)
  message(FATAL_ERROR "${NAME}: no record of a test case \"a scenario catches ...\":\n${out}\n${err}")
endif()
if(INVERT)
  if(NOT wrong)
    message(FATAL_ERROR "${NAME}: a scenario that catches jars was found to score nothing:\n${summary}")
  endif()
  message(STATUS "${NAME}: the score check finds the jars this scenario catches, as it must:\n${wrong}")
  return()
endif()
if(wrong)
  message(FATAL_ERROR "${NAME}: the scenario scored where it must not:\n${wrong}all:\n${summary}")
endif()
message(STATUS "${NAME}: scores 0 of ${scoring} hunt jars, as it must:\n${summary}")
