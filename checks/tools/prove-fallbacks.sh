#!/usr/bin/env bash
# Proves CMake's fallbacks for a machine without Catch2 and Relacy installed: in a Debian
# 13 root without the catch2, libcatch2-dev and relacy-dev packages and without network,
# CMake takes Catch2 (v3.7.1) and Relacy from Debian's source packages (the upstream
# tarballs) where it would otherwise download them, then builds and runs lesson 02 and
# the course library's tests, which use both.
#
#   checks/tools/prove-fallbacks.sh      (as root; makes or reuses the Debian 13 root of
#                                         checks/tools/debian13.sh)
#
# Not part of every .ci/run: building Catch2 from source adds minutes that the 35-minute
# budget of two full passes does not have. Run it when CMake's dependency handling
# (cmake/CookiejarDependencies.cmake) or the pinned versions change.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec checks/tools/debian13.sh --without-dev-packages -- bash -c '
  set -eu
  cmake --preset ci -B build/fallbacks -DCOOKIEJAR_LESSONS=02 -DCOOKIEJAR_BUILD_TOOL=OFF \
    -DFETCHCONTENT_SOURCE_DIR_CATCH2=/usr/src/cookiejar/catch2 \
    -DFETCHCONTENT_SOURCE_DIR_RELACY=/usr/src/cookiejar/relacy | tee build-fallbacks.log
  grep -q "cookiejar: Catch2 is not installed; fetching" build-fallbacks.log
  grep -q "cookiejar: Relacy headers in /usr/src/cookiejar/relacy" build-fallbacks.log
  cmake --build build/fallbacks
  ctest --test-dir build/fallbacks --output-on-failure --no-tests=error -j 2'
