#!/usr/bin/env bash
# The pages `cookiejar check NN --html` writes, measured: for each lesson given (default
# 02 03 04 05), the check's own line naming its largest page, that page's size and the
# time it took to write (the command times each page: records to data, data to HTML, the
# file), and the longest schedule on any page of the lesson (steps).
#
#   checks/tools/measure-pages.sh [NN...]      (after a build of the cookiejar command)
#
# Builds and checks each lesson in build/lesson-NN as a student would: minutes each.
set -euo pipefail
cd "$(dirname "$0")/../.."
cookiejar="${COOKIEJAR:-build/ci/checks/cli/cookiejar}"
[ -x "$cookiejar" ] || { echo "measure-pages.sh: no $cookiejar (cmake --build build/ci --target cookiejar)" >&2; exit 2; }
[ $# -gt 0 ] || set -- 02 03 04 05
for n in "$@"; do
  out="$("$cookiejar" --repo "$PWD" -q check "$n" --html 2>&1 || true)"
  echo "lesson $n: $(grep -m1 '^pages: ' <<<"$out")"
  grep -m1 '^  the largest: ' <<<"$out" || true
  dir="build/lesson-$n/pages"
  longest=0 longest_page=""
  for page in "$dir"/*.html; do
    [ "$(basename "$page")" = index.html ] && continue
    steps=$(grep -o '"op":"' "$page" | wc -l || true)  # one per step: the data's keys are sorted
    if [ "$steps" -gt "$longest" ]; then longest=$steps longest_page=$page; fi
  done
  [ -z "$longest_page" ] || echo "  the longest schedule: $(basename "$longest_page"), $longest steps, $(stat -c %s "$longest_page") bytes"
done
