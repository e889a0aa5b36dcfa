#!/usr/bin/env bash
# Packs the Gradescope autograder for an assignment:
#
#   docs/instructors/gradescope/make-autograder.sh [-o autograder.zip] [--ref COMMIT] LESSON...
#   e.g. make-autograder.sh -o /tmp/lesson02.zip 02
#
# The zip holds setup.sh, run_autograder, lessons.txt (the lessons it grades) and
# cookiejar/: the students' edition of the last commit (../make-student-edition.sh:
# no solutions/, mutants, sample submissions or instructor kit, with its own manifest),
# never the working tree. Upload it as the assignment's autograder ("Zip file upload").
# The zip goes to build/autograder.zip by default (git ignores build/); a path inside the
# repository that git does not ignore is refused.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
output="$repo/build/autograder.zip"
ref="HEAD"
lessons=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o) output="$2"; shift 2 ;;
    --ref) ref="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) lessons+=("$1"); shift ;;
  esac
done
if [ ${#lessons[@]} -eq 0 ]; then
  echo "make-autograder.sh: name the lessons to grade, e.g. 02" >&2
  exit 2
fi
for number in "${lessons[@]}"; do
  if ! git -C "$repo" ls-tree --name-only "$ref" lessons/ | grep -q "^lessons/$number-"; then
    echo "make-autograder.sh: there is no lessons/$number-* in $ref of $repo" >&2
    exit 2
  fi
done
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac
case "$output" in
  "$repo"/*)
    if ! git -C "$repo" check-ignore -q "$output"; then
      echo "make-autograder.sh: $output is inside the repository and not ignored by git; use build/... or a path outside" >&2
      exit 2
    fi ;;
esac

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
bash "$here/../make-student-edition.sh" -o "$stage/cookiejar" --ref "$ref"
cp "$here/setup.sh" "$here/run_autograder" "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
printf '%s\n' "${lessons[@]}" > "$stage/lessons.txt"

mkdir -p "$(dirname "$output")"
rm -f "$output"
(cd "$stage" && cmake -E tar cf "$output" --format=zip setup.sh run_autograder lessons.txt cookiejar)
echo "make-autograder.sh: wrote $output (lessons ${lessons[*]}; the students' edition of ${ref}, $(wc -c <"$output") bytes)"
