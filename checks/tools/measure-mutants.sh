#!/usr/bin/env bash
# How reliably is each starter and mutant caught? Runs every "is_caught" test of a
# configured repository build N times and prints, per variant, in how many runs the
# stated check caught it, and what each check said the last time.
#
#   checks/tools/measure-mutants.sh [build-dir (default build/ci)] [runs (default 10)]
set -euo pipefail
build=${1:-build/ci}
runs=${2:-10}
if [[ ! -f $build/CTestTestfile.cmake ]]; then
  echo "measure-mutants: $build is not a configured build; run: cmake --workflow --preset ci" >&2
  exit 2
fi
mapfile -t tests < <(ctest --test-dir "$build" -N -R '\.is_caught$' | sed -n 's/^ *Test *#[0-9]*: //p')
declare -A caught
logdir=$(mktemp -d)
for ((i = 1; i <= runs; i++)); do
  for t in "${tests[@]}"; do
    if ctest --test-dir "$build" -R "^${t//./\\.}\$" --output-on-failure >"$logdir/$t.log" 2>&1; then
      caught[$t]=$(( ${caught[$t]:-0} + 1 ))
    fi
  done
done
printf '%-52s %s\n' "variant" "caught by the stated check"
for t in "${tests[@]}"; do
  printf '%-52s %d of %d\n' "$t" "${caught[$t]:-0}" "$runs"
  ctest --test-dir "$build" -R "^${t//./\\.}\$" -V 2>&1 | sed -n 's/^[0-9]*: *\(  [a-z]*: .*\)$/    \1/p'
done
rm -rf "$logdir"
