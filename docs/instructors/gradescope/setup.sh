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
  apt-get install -y --no-install-recommends ca-certificates python3 python3-pip
  # The README's apt line (checks/tools/apt-packages.txt): Debian 12, Debian 13, Ubuntu 24.04.
  read -r -a packages <<<"$(grep -v '^#' "$course/checks/tools/apt-packages.txt" | tr '\n' ' ')"
  if ! apt-get install -y --no-install-recommends "${packages[@]}"; then
    # Ubuntu 22.04 has no libclang-rt-dev (the runtime comes with clang there) and no
    # relacy-dev (CMake then fetches the same commit): the rest, one by one.
    for package in "${packages[@]}"; do
      apt-get install -y --no-install-recommends "$package" || echo "setup.sh: no $package here"
    done
  fi
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
