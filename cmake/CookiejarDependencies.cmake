# Catch2 and Relacy: the installed packages when there are any, else a pinned download.
include_guard(GLOBAL)
include(FetchContent)

# ---- Catch2: v3 if installed, else v2 (Debian 12's catch2 package), else v3 from source.
# The fallback is the version Debian 13 packages: .ci/run builds with it from Debian's
# source package, offline (FETCHCONTENT_SOURCE_DIR_CATCH2; checks/tools/debian13.sh).
find_package(Catch2 3 QUIET CONFIG)
if(Catch2_FOUND)
  set(COOKIEJAR_CATCH2_MAJOR 3)
else()
  find_package(Catch2 2 QUIET CONFIG)
  if(Catch2_FOUND)
    set(COOKIEJAR_CATCH2_MAJOR 2)
  else()
    message(STATUS "cookiejar: Catch2 is not installed; fetching v3.7.1 (or: apt-get install catch2)")
    FetchContent_Declare(Catch2
      GIT_REPOSITORY https://github.com/catchorg/Catch2.git
      GIT_TAG        v3.7.1)
    FetchContent_MakeAvailable(Catch2)
    # The repository presets make warnings errors; that is for this project's code only.
    set_target_properties(Catch2 Catch2WithMain PROPERTIES COMPILE_WARNING_AS_ERROR OFF)
    set(COOKIEJAR_CATCH2_MAJOR 3)
  endif()
endif()
# Test cases are registered from the sources (cookiejar_discover_tests), not with Catch2's
# catch_discover_tests: no Catch.cmake needed.
message(STATUS "cookiejar: Catch2 v${COOKIEJAR_CATCH2_MAJOR}")

# The include shim <cookiejar/catch.hpp> picks the headers with this definition.
add_library(cookiejar_catch2 INTERFACE)
if(COOKIEJAR_CATCH2_MAJOR EQUAL 3)
  target_link_libraries(cookiejar_catch2 INTERFACE Catch2::Catch2)
  target_compile_definitions(cookiejar_catch2 INTERFACE COOKIEJAR_CATCH2_V3)
else()
  target_link_libraries(cookiejar_catch2 INTERFACE Catch2::Catch2)
endif()

# ---- Relacy: Debian's relacy-dev, else the same upstream commit from source.
# A build of the cookiejar command alone (COOKIEJAR_LESSONS=none) needs no Relacy, so
# `cookiejar doctor` can run, and say what to install, on a machine without it.
find_path(COOKIEJAR_RELACY_INCLUDE_DIR relacy/relacy.hpp)
if(NOT COOKIEJAR_RELACY_INCLUDE_DIR AND NOT COOKIEJAR_LESSONS STREQUAL "none")
  message(STATUS "cookiejar: Relacy is not installed; fetching commit acc09bb (or: apt-get install relacy-dev)")
  FetchContent_Declare(relacy
    GIT_REPOSITORY https://github.com/dvyukov/relacy.git
    GIT_TAG        acc09bbe65a1837a08912774c7fed178547514e6)
  # Relacy has no CMakeLists.txt: this only downloads it (or takes FETCHCONTENT_SOURCE_DIR_RELACY).
  FetchContent_MakeAvailable(relacy)
  # The repository's headers sit in relacy/ at its top, like the package's /usr/include/relacy.
  set(COOKIEJAR_RELACY_INCLUDE_DIR "${relacy_SOURCE_DIR}" CACHE PATH "" FORCE)
endif()
if(COOKIEJAR_RELACY_INCLUDE_DIR)
  message(STATUS "cookiejar: Relacy headers in ${COOKIEJAR_RELACY_INCLUDE_DIR}")
endif()

# ---- nlohmann-json: the checks' runner reads their verdict records with it (every build).
find_package(nlohmann_json 3 CONFIG QUIET)
if(NOT nlohmann_json_FOUND)
  message(FATAL_ERROR "cookiejar: nlohmann-json is not installed; the checks' runner reads their records "
    "with it. On Debian / Ubuntu: sudo apt-get install nlohmann-json3-dev -- then delete the build folder "
    "and run the command again.")
endif()

# ---- The `cookiejar` command: CLI11 and fmt (and nlohmann-json), only when it is built.
# No download fallback: each is one Debian package away, and the lessons never need them.
if(COOKIEJAR_BUILD_TOOL)
  set(cookiejar_missing "")
  find_package(CLI11 CONFIG QUIET)
  if(NOT CLI11_FOUND)
    list(APPEND cookiejar_missing libcli11-dev)
  endif()
  find_package(nlohmann_json 3 CONFIG QUIET)
  if(NOT nlohmann_json_FOUND)
    list(APPEND cookiejar_missing nlohmann-json3-dev)
  endif()
  find_package(fmt CONFIG QUIET)
  if(NOT fmt_FOUND)
    list(APPEND cookiejar_missing libfmt-dev)
  endif()
  if(cookiejar_missing)
    list(JOIN cookiejar_missing " " cookiejar_missing_text)
    message(FATAL_ERROR "cookiejar: the cookiejar command (COOKIEJAR_BUILD_TOOL) needs libraries that are "
      "not installed. On Debian 12, Debian 13 and Ubuntu 24.04: sudo apt-get install ${cookiejar_missing_text} "
      "-- then delete the build folder and run the command again. (Checking a lesson with "
      "`cmake --workflow --preset lesson-NN` does not need them.)")
  endif()
endif()
