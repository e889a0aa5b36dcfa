#!/usr/bin/env bash
# What does `cookiejar grade` give each adversarial file, and does a correct solution get
# full marks every time? Grades, in a scratch clone of this repository's HEAD:
#   * every adversarial file of every lesson's mutants/manifest.json, once;
#   * each lesson's reference solution, N times (default 10).
# Prints one line per grade: the lesson, the file, the score, and for a lost check the
# first words of why.
#
#   checks/tools/measure-grades.sh [runs of each solution (default 10)] [lessons (default 01 02 03 04 05)]
#
# Needs the cookiejar command built (./cookiejar builds it) and git.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=${1:-10}
shift || true
lessons=("$@")
[[ ${#lessons[@]} -gt 0 ]] || lessons=(01 02 03 04 05)
"$root/cookiejar" --help >/dev/null  # builds the command when needed
tool="$root/build/cookiejar/checks/cli/cookiejar"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git clone -q "$root" "$scratch/course"
course="$scratch/course"

grade() {  # grade <lesson> <label>: prints the lesson's line
  local n=$1 label=$2 report="$scratch/report.json"
  rm -f "$report"
  "$tool" --repo "$course" -q grade "$n" --format json --output "$report" --rounds 1 >/dev/null 2>&1 || true
  if [[ ! -f $report ]]; then
    printf '%-4s %-34s no report\n' "$n" "$label"
    return
  fi
  python3 - "$report" "$n" "$label" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
lesson = doc["lessons"][0]
lost = [c for c in lesson["checks"] if c["points"] < c["max_points"]]
why = ""
if lost:
    statuses = sorted({c["status"] for c in lost})
    why = " lost %d check(s): %s" % (len(lost), ", ".join(statuses))
print("%-4s %-34s %g of %g%s" % (sys.argv[2], sys.argv[3], lesson["score"], lesson["max_score"], why))
EOF
}

for n in "${lessons[@]}"; do
  dir=$(cd "$course/checks" && ls -d "$n"-*)
  lesson="$course/lessons/$dir/bounded_buffer.hpp"
  cp "$lesson" "$scratch/starter.hpp"
  for name in $(python3 -c "import json,sys; [print(a['file']) for a in json.load(open(sys.argv[1])).get('adversarial', [])]" \
                  "$course/checks/$dir/mutants/manifest.json"); do
    cp "$course/checks/$dir/$name" "$lesson"
    grade "$n" "$(basename "$name" .hpp)"
  done
  cp "$course/solutions/$dir/bounded_buffer.hpp" "$lesson"
  for ((i = 1; i <= runs; i++)); do grade "$n" "solution (grade $i of $runs)"; done
  cp "$scratch/starter.hpp" "$lesson"
done
