#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu
# 22.04 or 24.04 base). It installs the course's tools, builds the `cookiejar` command,
# and builds every graded lesson once with its starter, so that grading a submission
# recompiles only the lesson's own file.
#
# Paths as in run_autograder: AUTOGRADER_SOURCE (/autograder/source), COOKIEJAR_COURSE
# ($AUTOGRADER_SOURCE/cookiejar), COOKIEJAR_GRADE_LESSONS (else lessons.txt).
# COOKIEJAR_SETUP_SKIP_APT=1 leaves the packages alone (a machine that has them).
set -euo pipefail

source_dir="${AUTOGRADER_SOURCE:-/autograder/source}"
course="${COOKIEJAR_COURSE:-$source_dir/cookiejar}"
lessons="${COOKIEJAR_GRADE_LESSONS:-$(cat "$source_dir/lessons.txt" 2>/dev/null || true)}"

if [ "${COOKIEJAR_SETUP_SKIP_APT:-0}" != 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends ca-certificates git python3 python3-pip cmake ninja-build clang clang-tools g++ \
    catch2 libcli11-dev nlohmann-json3-dev libfmt-dev
  # ThreadSanitizer's runtime: its own package on Debian 12 and Ubuntu 24.04; inside
  # libclang-common-*-dev (installed with clang) on Ubuntu 22.04.
  apt-get install -y --no-install-recommends libclang-rt-dev || apt-get install -y --no-install-recommends libclang-rt-14-dev || true
  # Relacy: the package where there is one, else CMake fetches the same commit.
  apt-get install -y --no-install-recommends relacy-dev || true
fi

# The workflow presets need CMake 3.25; Ubuntu 22.04 ships 3.22.
cmake_ok() {
  cmake -P /dev/stdin <<'CMAKE' >/dev/null 2>&1
if(CMAKE_VERSION VERSION_LESS 3.25)
  message(FATAL_ERROR "old")
endif()
CMAKE
}
if ! cmake_ok; then
  python3 -m pip install --upgrade 'cmake>=3.25' || python3 -m pip install --break-system-packages --upgrade 'cmake>=3.25'
  hash -r
  cmake_ok || { echo "setup.sh: CMake 3.25 or newer is needed" >&2; exit 1; }
fi

cd "$course"
cmake --preset cookiejar
cmake --build --preset cookiejar
for number in $lessons; do
  # The starter fails its checks but builds; this only fills the build folder.
  cmake --preset "lesson-$number" -B "build/lesson-$number"
  cmake --build "build/lesson-$number"
done
chmod +x "$source_dir/run_autograder"
