#!/usr/bin/env bash
# What does each hunt's reference scenario catch, and what do the scenarios that must
# score nothing score? For each lesson with a hunt, runs every test case of the hunt
# programs of a ci build (outside the runner: this measures, it does not judge) and
# prints, per scenario file and test case, the verdict and the seconds it took:
#
#   lessonNN_solution_hunt        solutions/NN-topic/hunt.cpp: must pass every test case
#   lessonNN_hunt_starter         lessons/NN-topic/hunt.cpp as committed: must catch no jar
#   lessonNN_hunt_calls_nothing   checks/common/hunt/calls_nothing.cpp: must catch no jar
#   lessonNN_hunt_fails_everywhere  fails on the reference jar: must score nothing
#
#   checks/tools/measure-hunts.sh [build folder, default build/ci]
# (build them first: cmake --build build/ci --target lesson02_solution_hunt ...)
set -uo pipefail
build=${1:-build/ci}
repo="$(cd "$(dirname "$0")/../.." && pwd)"
printf '%-8s %-16s %-86s %s\n' lesson scenarios "test case" "verdict (seconds)"
for dir in "$build"/checks/0[2-5]-*; do
  lesson=$(basename "$dir")
  n=${lesson%%-*}
  for kind in solution_hunt hunt_starter hunt_calls_nothing hunt_fails_everywhere; do
    exe="$dir/lesson${n}_${kind}"
    if [[ ! -x $exe ]]; then
      echo "measure-hunts: $exe is not built" >&2
      continue
    fi
    label=${kind#hunt_}
    [[ $kind == solution_hunt ]] && label=reference
    while IFS= read -r name; do
      [[ -z $name ]] && continue
      start=$(date +%s.%N)
      out=$(cd "$repo" && "$exe" "$name" 2>&1)
      rc=$?
      end=$(date +%s.%N)
      if ((rc == 0)); then verdict=passed; else verdict=failed; fi
      how=$(grep -m1 -oE 'CAUGHT|no scenario caught|cannot run these scenarios|ON THE REFERENCE JAR' <<<"$out")
      printf '%-8s %-16s %-86s %s (%.1f s) %s\n' "$n" "$label" "$name" "$verdict" "$(echo "$end - $start" | bc)" "${how:+[$how]}"
    done < <("$exe" --list-test-names-only 2>/dev/null)
  done
done
