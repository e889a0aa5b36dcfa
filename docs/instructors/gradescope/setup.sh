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

# The workflow presets need CMake 3.25 (Debian 12 has 3.25.1, Debian 13 and Ubuntu 24.04
# newer; Ubuntu 22.04 ships 3.22). The check is a script in a temporary file: `cmake -P`
# cannot read a script from a pipe (a heredoc on /dev/stdin is one in bash 5.1 and later).
cmake_check="$(mktemp --suffix=.cmake)"
trap 'rm -f "$cmake_check"' EXIT
cat >"$cmake_check" <<'CMAKE'
if(CMAKE_VERSION VERSION_LESS 3.25)
  message(FATAL_ERROR "CMake ${CMAKE_VERSION} is older than 3.25")
endif()
CMAKE
cmake_ok() { command -v cmake >/dev/null 2>&1 && cmake -P "$cmake_check" >/dev/null 2>&1; }
cmake_says() {
  if command -v cmake >/dev/null 2>&1; then cmake --version | head -n 1; else echo "no cmake on PATH"; fi
}
if ! cmake_ok; then
  echo "setup.sh: $(cmake_says); the course needs CMake 3.25 or newer: trying pip's cmake"
  if ! { python3 -m pip install --upgrade 'cmake>=3.25' ||
         python3 -m pip install --break-system-packages --upgrade 'cmake>=3.25'; }; then
    echo "setup.sh: pip could not install cmake>=3.25 either (no python3-pip, or no PyPI from here)" >&2
  fi
  hash -r
  cmake_ok || { echo "setup.sh: CMake 3.25 or newer is needed ($(cmake_says))" >&2; exit 1; }
fi
# Every tool the build needs, named when one is missing (the packages are in
# checks/tools/apt-packages.txt).
missing=""
for tool in ninja clang++; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "setup.sh: not on PATH:$missing (install the packages in checks/tools/apt-packages.txt)" >&2
  exit 1
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
