#!/usr/bin/env bash
# Packs the Gradescope autograder for an assignment:
#
#   docs/instructors/gradescope/make-autograder.sh [-o autograder.zip] LESSON...
#   e.g. make-autograder.sh -o lesson02.zip 02
#
# The zip holds setup.sh, run_autograder, lessons.txt (the lessons it grades) and
# cookiejar/: the course as it is in this checkout (checks/, lessons/ with the starters,
# the CMake files) WITHOUT solutions/, build folders or .git. Upload it as the
# assignment's autograder ("Zip file upload").
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
output="autograder.zip"
lessons=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o) output="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) lessons+=("$1"); shift ;;
  esac
done
if [ ${#lessons[@]} -eq 0 ]; then
  echo "make-autograder.sh: name the lessons to grade, e.g. 02" >&2
  exit 2
fi
for number in "${lessons[@]}"; do
  if ! compgen -G "$repo/lessons/$number-*" >/dev/null; then
    echo "make-autograder.sh: there is no lessons/$number-* in $repo" >&2
    exit 2
  fi
done
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/cookiejar"
for item in CMakeLists.txt CMakePresets.json README.md cmake checks lessons docs; do
  [ -e "$repo/$item" ] && cp -R "$repo/$item" "$stage/cookiejar/"
done
# Nothing of the answers, no build output, no version history.
find "$stage/cookiejar" \( -name build -o -name .git -o -name 'grade-scratch' \) -prune -exec rm -rf {} +
rm -rf "$stage/cookiejar/solutions"
cp "$here/setup.sh" "$here/run_autograder" "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
printf '%s\n' "${lessons[@]}" > "$stage/lessons.txt"

rm -f "$output"
(cd "$stage" && cmake -E tar cf "$output" --format=zip setup.sh run_autograder lessons.txt cookiejar)
echo "make-autograder.sh: wrote $output (lessons ${lessons[*]}; no solutions/)"
