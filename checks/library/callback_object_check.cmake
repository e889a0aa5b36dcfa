# The object file of ThreadSanitizer's report callback (checks/common/tsan_report.cpp)
# must hold no ThreadSanitizer instrumentation and share no function with other files.
#
# Why: the callback runs with the runtime's locks held, and an instrumented call there can
# hang the process (clang 14: a trace-part switch waits for a lock the report holds). The
# file is compiled without -fsanitize=thread, and every course function it uses is inlined
# into it; an out-of-line (weak, shared) copy would be one the linker may swap for another
# file's instrumented copy.
#
#   cmake -DREADELF=<readelf> -DOBJECTS=<obj>|<obj>... -P callback_object_check.cmake
# OBJECTS: the objects of the cookiejar_main_tsan library ("|"-separated); the one built
# from tsan_report.cpp is checked.
cmake_minimum_required(VERSION 3.25)
string(REPLACE "|" ";" objects "${OBJECTS}")
set(object "")
foreach(o IN LISTS objects)
  if(o MATCHES "tsan_report\\.cpp\\.o(bj)?$")
    set(object "${o}")
  endif()
endforeach()
if(NOT object)
  message(FATAL_ERROR "no object of tsan_report.cpp among: ${OBJECTS}")
endif()
execute_process(COMMAND "${READELF}" -sW "${object}" RESULT_VARIABLE rc OUTPUT_VARIABLE table)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${READELF} -sW ${object} failed (${rc})")
endif()

# The runtime functions the callback may call: the report API, symbolization.
set(allowed_runtime __tsan_get_report_data __tsan_get_report_mop __tsan_get_report_mutex __tsan_get_report_thread
  __tsan_get_report_stack __tsan_get_report_unique_tid __sanitizer_symbolize_pc)
set(problems "")
set(defines_callback FALSE)
string(REPLACE "\n" ";" lines "${table}")
foreach(line IN LISTS lines)
  # "   119: 0000000000000000    11 FUNC    GLOBAL DEFAULT    2 __tsan_on_report"
  if(NOT line MATCHES "^ *[0-9]+: +[0-9a-f]+ +[0-9]+ +([A-Z]+) +([A-Z]+) +[A-Z]+ +([A-Z0-9]+) +(.+)$")
    continue()
  endif()
  set(type "${CMAKE_MATCH_1}")
  set(bind "${CMAKE_MATCH_2}")
  set(section "${CMAKE_MATCH_3}")
  set(name "${CMAKE_MATCH_4}")
  if(name STREQUAL "__tsan_on_report" AND type STREQUAL "FUNC" AND bind STREQUAL "GLOBAL")
    set(defines_callback TRUE)
  endif()
  # A shared copy of a function. __clang_call_terminate is clang's helper for an exception
  # leaving a noexcept function: never reached, and never instrumented.
  if(type STREQUAL "FUNC" AND bind STREQUAL "WEAK" AND NOT section STREQUAL "UND"
     AND NOT name STREQUAL "__clang_call_terminate")
    string(APPEND problems "  shares (weak) function ${name}\n")
  endif()
  # Instrumentation calls the runtime (__tsan_func_entry, __tsan_read8, __tsan_init, ...).
  if(section STREQUAL "UND" AND name MATCHES "^__tsan_" AND NOT name IN_LIST allowed_runtime)
    string(APPEND problems "  calls ThreadSanitizer's ${name} (instrumented)\n")
  endif()
endforeach()
if(NOT defines_callback)
  string(APPEND problems "  does not define __tsan_on_report\n")
endif()
if(problems)
  message(FATAL_ERROR "${object}:\n${problems}")
endif()
message("${object}: no instrumentation, no shared function, defines __tsan_on_report")
