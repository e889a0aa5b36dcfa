#!/usr/bin/env bash
# Writes the students' edition of the course from the last commit (never from the
# working tree): the repository as students get it, with no answers in it.
#
#   docs/instructors/make-student-edition.sh [-o FOLDER] [--ref COMMIT]
#   e.g. make-student-edition.sh -o ../cookiejar-template
#
# Left out (the answers and what is close to them, and what only this repository uses):
#   solutions/                      the reference solutions
#   checks/*/mutants/               each a solution with one bug planted, and a comment naming it
#   checks/*/adversarial/           each a solution that also ends, prints or spins on purpose
#   checks/*/correct/               other right jars (polling with timed waits) the model checks must pass
#   checks/cli/tests/samples/       the Gradescope kit's sample submission (a solution, one task undone)
#   checks/cli/golden/*/repo/       the translation tests' buggy lesson files
#   docs/instructors/               this kit
#   .github/workflows/, .ci/        this repository's own CI (it needs the solutions)
# Added:
#   checks/MANIFEST.sha256          the edition's own manifest (`cookiejar grade --write-manifest`)
#   .github/workflows/classroom.yml the GitHub Classroom workflow, with that manifest's hash pinned in
#                                   every grading step (docs/instructors/README.md, GitHub Classroom)
#   .cookiejar-edition              the commit it was written from
# The `lesson-NN` presets work there as here; the `ci` preset does not (it needs the
# solutions and the mutants).
#
# FOLDER (default build/student-edition, which git ignores) must not exist or be empty.
# The manifest is written with the `cookiejar` command: COOKIEJAR_TOOL, else this
# checkout's build/cookiejar or build/ci one (cmake --preset cookiejar && cmake --build --preset cookiejar).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
output="$repo/build/student-edition"
ref="HEAD"
while [ $# -gt 0 ]; do
  case "$1" in
    -o) output="$2"; shift 2 ;;
    --ref) ref="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "make-student-edition.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac

tool="${COOKIEJAR_TOOL:-}"
if [ -z "$tool" ]; then
  for candidate in "$repo/build/cookiejar/checks/cli/cookiejar" "$repo/build/ci/checks/cli/cookiejar"; do
    if [ -x "$candidate" ]; then tool="$candidate"; break; fi
  done
fi
if [ -z "$tool" ] || [ ! -x "$tool" ]; then
  echo "make-student-edition.sh: the cookiejar command is needed to write the edition's manifest;" \
       "build it (cmake --preset cookiejar && cmake --build --preset cookiejar) or set COOKIEJAR_TOOL" >&2
  exit 2
fi
commit="$(git -C "$repo" rev-parse --verify --quiet "$ref^{commit}")" ||
  { echo "make-student-edition.sh: '$ref' is not a commit of $repo" >&2; exit 2; }
if [ -e "$output" ] && [ -n "$(ls -A "$output")" ]; then
  echo "make-student-edition.sh: $output exists and is not empty; name a new folder" >&2
  exit 2
fi
# Inside this repository, only where git ignores it (else it would be committed by mistake).
case "$output/" in
  "$repo"/*)
    if ! git -C "$repo" check-ignore -q "$output/"; then
      echo "make-student-edition.sh: $output is inside the repository and not ignored by git; use build/... or a folder outside" >&2
      exit 2
    fi ;;
esac

mkdir -p "$output"
git -C "$repo" archive --format=tar "$commit" | tar -x -C "$output"
rm -rf "$output/solutions" "$output/docs/instructors" "$output/checks/cli/tests/samples" \
       "$output/.github/workflows" "$output/.ci"
rm -rf "$output"/checks/*/mutants "$output"/checks/*/adversarial "$output"/checks/*/correct "$output"/checks/cli/golden/*/repo
rmdir "$output/.github" 2>/dev/null || true

"$tool" --repo "$output" grade --write-manifest >/dev/null
pin="$(sha256sum "$output/checks/MANIFEST.sha256" | cut -d' ' -f1)"
mkdir -p "$output/.github/workflows"
sed "s/COOKIEJAR_MANIFEST_SHA256/$pin/g" "$repo/docs/instructors/github-classroom/classroom.yml" \
  >"$output/.github/workflows/classroom.yml"
printf '%s\n' "$commit" >"$output/.cookiejar-edition"

files="$(find "$output" -type f | wc -l)"
judged="$(grep -c . "$output/checks/MANIFEST.sha256")"
echo "make-student-edition.sh: wrote $output from commit ${commit:0:12}: $files files," \
     "$judged judged by checks/MANIFEST.sha256 (sha256 $pin); no solutions, mutants, samples or instructor kit"
