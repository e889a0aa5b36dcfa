#!/usr/bin/env bash
# How long does each model check take? Runs every test case of each model-check program
# given, one at a time (with CJ_VERBOSE=1, outside the runner), and prints its wall time,
# how it ended, and what each search covered, then the total per program.
#
#   checks/tools/measure-model-scenarios.sh <model-check program>... [-- <limit in s, default 150>]
#
# e.g. build/ci/checks/04-condition/lesson04_solution_model
#      build/ci/checks/04-condition/lesson04_correct_polls_with_wait_for_model
# The per-test watchdog (120 s for [model]) still applies; the limit only stops a program
# that outlives it.
set -uo pipefail
programs=()
limit=150
while (($#)); do
  if [[ $1 == -- ]]; then
    limit=${2:-150}
    break
  fi
  programs+=("$1")
  shift
done
if ((${#programs[@]} == 0)); then
  echo "measure-model-scenarios: name at least one model-check program" >&2
  exit 2
fi
for exe in "${programs[@]}"; do
  if [[ ! -x $exe ]]; then
    echo "measure-model-scenarios: $exe is not an executable" >&2
    exit 2
  fi
  echo "== $exe"
  total=0
  while IFS= read -r name; do
    [[ -z $name ]] && continue
    spec=${name//,/\\,}  # a comma separates test specs in Catch2
    start=$(date +%s.%N)
    out=$(CJ_VERBOSE=1 timeout "$limit" "$exe" "$spec" 2>&1)
    rc=$?
    end=$(date +%s.%N)
    seconds=$(echo "$end - $start" | bc)
    total=$(echo "$total + $seconds" | bc)
    how=$(grep -m1 -oE 'RELACY INTERNAL ASSERT FAILED[^(]*|double free[^)]*\)|cookiejar watchdog: HANG|All tests passed|test cases:.*failed' <<<"$out")
    printf '%7.2f s  exit %-3s %-40s %s\n' "$seconds" "$rc" "${how:-?}" "$name"
    grep -E '^  (bounded|random) +search:' <<<"$out" | sed 's/^/             /'
  done < <("$exe" --list-test-names-only 2>/dev/null | grep -v '^$')
  printf '%7.2f s  in all\n' "$total"
done
