# Runs every check of one known-buggy variant (a starter or a mutant) and fails
# unless each check the manifest names catches it.
#
#   cmake -DNAME=lesson02.mutant.unlocked_size -DEXPECTED=stress
#         -DCHECKS=unit=/path/exe,stress=/path/exe,model=/path/exe -P expect-caught.cmake
#
# A check "catches" the variant when its executable exits non-zero: a failed
# assertion, a ThreadSanitizer report (halt_on_error), a watchdog hang report or a
# model-checker failure. Prints what caught it and the line that says why.
cmake_minimum_required(VERSION 3.25)

string(REPLACE "," ";" checks "${CHECKS}")
string(REPLACE "," ";" expected "${EXPECTED}")
set(caught "")
set(summary "")
foreach(entry IN LISTS checks)
  string(FIND "${entry}" "=" eq)
  string(SUBSTRING "${entry}" 0 ${eq} analysis)
  math(EXPR from "${eq} + 1")
  string(SUBSTRING "${entry}" ${from} -1 exe)
  string(TIMESTAMP t0 "%s")
  execute_process(COMMAND "${exe}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
  string(TIMESTAMP t1 "%s")
  math(EXPR secs "${t1} - ${t0}")
  set(text "${out}\n${err}")
  if(rc STREQUAL "0")
    string(APPEND summary "  ${analysis}: passed (${secs} s)\n")
    continue()
  endif()
  list(APPEND caught ${analysis})
  # The most telling line of the failure.
  set(why "")
  foreach(pattern
      "found by the [a-z]+ search[^\n]*"
      "WARNING: ThreadSanitizer: [^\n]*"
      "cookiejar watchdog: [^\n]*"
      "cookiejar: [^\n]*"
      "  - [^\n]*"
      "FAILED:\n[^\n]*"
      "[^\n]*FAILED[^\n]*")
    string(REGEX MATCH "${pattern}" why "${text}")
    if(why)
      break()
    endif()
  endforeach()
  string(REGEX REPLACE "[ \n]+" " " why "${why}")
  string(STRIP "${why}" why)
  # What the exit code says (the harnesses choose 66, 70 and 71; otherwise it is
  # Catch2's count of failed assertions).
  if(rc STREQUAL "66")
    set(meaning "a ThreadSanitizer report")
  elseif(rc STREQUAL "70")
    set(meaning "a watchdog hang report")
  elseif(rc STREQUAL "71")
    set(meaning "a mutex locked twice by one thread")
  elseif(rc MATCHES "^[0-9]+$")
    set(meaning "${rc} failed assertion(s)")
  else()
    set(meaning "${rc}")
  endif()
  string(APPEND summary "  ${analysis}: CAUGHT (${meaning}, ${secs} s) ${why}\n")
endforeach()

set(missed "")
foreach(e IN LISTS expected)
  if(NOT e IN_LIST caught)
    list(APPEND missed ${e})
  endif()
endforeach()
string(REPLACE ";" ", " expected_text "${expected}")
if(missed)
  string(REPLACE ";" ", " missed_text "${missed}")
  message("${NAME}: expected to be caught by ${expected_text}\n${summary}")
  message(FATAL_ERROR "${NAME} SURVIVED ${missed_text}: the manifest says that check catches it. "
                      "Either the check lost its power or the manifest is wrong.")
endif()
message("${NAME}: caught as expected by ${expected_text}\n${summary}")
