#!/usr/bin/env bash
# How long does a student wait for a verdict? Measured in a scratch clone of this
# repository's HEAD, for each lesson:
#   cold      `cmake --workflow --preset lesson-NN` from a fresh clone, the solution (and the
#             reference hunt scenarios) in place;
#   warm      the same after appending one line to the student file, split into configure,
#             compile, link and test, and the CPU seconds it took (what a quiet two-core
#             machine would halve, at best): the median of three such edits (WARM_RUNS=n
#             for another number), with "range" the fastest and the slowest of them;
#   first     `./cookiejar check NN` after one more line appended: the time to its first
#             verdict (check builds the unit checks' program first and runs them while
#             the rest compiles), and `check` its whole run;
#   starter   the starter's test step alone (`ctest --preset lesson-NN`), its build excluded;
#   hang      for each starter check that failed as a hang or a deadlock, how long it ran
#             (the time from the program's start to its report: an upper bound on the time
#             from the deadlock to its report).
# With --ci, also the wall time of `CI=true bash .ci/run` in another scratch clone; with
# --rev, the clone is of that commit (to measure before and after a change).
#
#   checks/tools/measure-feedback.sh [--ci] [--rev <commit>] [lessons (default 01 02 03 04 05)]
#
# The numbers are only as quiet as the machine: the script prints its load average.
# Needs what the lessons need, plus python3 (to read CTest's JUnit file).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
with_ci=0
rev=HEAD
while [[ ${1:-} == --* ]]; do
  case $1 in
    --ci) with_ci=1; shift ;;
    --rev) rev=$2; shift 2 ;;
    *) echo "measure-feedback: unknown option $1" >&2; exit 64 ;;
  esac
done
lessons=("$@")
warm_runs=${WARM_RUNS:-3}  # how many one-line edits the warm columns are the median of
[[ ${#lessons[@]} -gt 0 ]] || lessons=(01 02 03 04 05)

scratch=$(mktemp -d)
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$scratch"' EXIT  # KEEP=1 keeps the clone and the logs
course="$scratch/course"
[[ -z ${KEEP:-} ]] || echo "measure-feedback: kept in $scratch"
git clone -q "$root" "$course"
git -C "$course" checkout -q "$rev"
echo "measure-feedback: $(git -C "$course" log -1 --format='%h %s' | cut -c1-80)"
echo "measure-feedback: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"

now() { date +%s.%N; }
# cpu_of <command...>: runs it (output to $log), adds its CPU seconds (user + system, its
# children's included) to $cpu. On a busy machine wall times grow; CPU times much less.
cpu_of() {
  local TIMEFORMAT='%U %S' rc=0
  { time "$@" >>"$log" 2>&1; } 2>"$scratch/cpu" || rc=$?
  cpu=$(python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]) + float(sys.argv[3]):.1f}')" "$cpu" $(tail -1 "$scratch/cpu"))
  return $rc
}
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

# ninja_split <build dir> <lines>: seconds spent compiling and linking (discovery
# included, when it is a POST_BUILD step of the link) in the edges ninja logged after the
# log's first <lines> lines, as the sum of each edge's duration (two edges at once count twice).
ninja_split() {
  python3 - "$1/.ninja_log" "$2" <<'EOF'
import sys
log, skip = sys.argv[1], int(sys.argv[2])
compile_ms = link_ms = 0
for i, line in enumerate(open(log)):
    if i < skip or line.startswith("#"):
        continue
    start, end, _, out, _ = line.rstrip("\n").split("\t")
    start, end = int(start), int(end)
    if out.endswith(".o"):
        compile_ms += end - start
    else:
        link_ms += end - start
print(f"{compile_ms / 1000:.1f} {link_ms / 1000:.1f}")
EOF
}

# first_verdict <log> <command...>: runs it; prints the seconds to its first "[1/" line
# and to its end (the command's progress lines are on stderr).
first_verdict() {
  python3 - "$@" <<'EOF'
import subprocess, sys, time
log, command = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
first = None
with open(log, "a") as out:
    p = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, text=True)
    for line in p.stderr:
        out.write(line)
        if first is None and line.startswith("[1/"):
            first = time.monotonic() - t0
    p.wait()
end = time.monotonic() - t0
print(f"{first:.1f}" if first is not None else "none", f"{end:.1f}")
EOF
}

(cd "$course" && ./cookiejar --help >/dev/null)  # the command is built once, not timed
printf '%-7s %7s %7s %9s %8s   %9s %7s %7s %7s %7s   %7s %7s   %8s\n' lesson cold warm range "warm cpu" configure compile link test other first check starter
for n in "${lessons[@]}"; do
  dir=$(cd "$course/lessons" && ls -d "$n"-*)
  student="$course/lessons/$dir/bounded_buffer.hpp"
  cp "$course/solutions/$dir/bounded_buffer.hpp" "$student"
  # The hunt's checks pass only with scenarios that catch its jars: the reference ones.
  [[ ! -f "$course/solutions/$dir/hunt.cpp" ]] || cp "$course/solutions/$dir/hunt.cpp" "$course/lessons/$dir/hunt.cpp"
  cd "$course"
  log="$scratch/lesson-$n.log"

  t0=$(now)
  cmake --workflow --preset "lesson-$n" >"$log" 2>&1 || { echo "lesson $n: the solution's cold workflow failed:"; tail -20 "$log"; exit 1; }
  cold=$(since "$t0")

  # The warm workflow, $warm_runs times (one more appended line each): its columns are
  # those of the median run, and "range" gives the fastest and the slowest.
  runs=()
  for ((r = 1; r <= warm_runs; ++r)); do
    echo "// one more line" >>"$student"
    cpu=0
    t0=$(now)
    cpu_of cmake --preset "lesson-$n"
    configure=$(since "$t0")
    logged=$(wc -l <"build/lesson-$n/.ninja_log")
    t1=$(now)
    cpu_of cmake --build --preset "lesson-$n"
    build=$(since "$t1")
    t2=$(now)
    cpu_of ctest --preset "lesson-$n" || { echo "lesson $n: the solution's warm test step failed:"; tail -20 "$log"; exit 1; }
    test=$(since "$t2")
    warm=$(since "$t0")
    read -r compile link < <(ninja_split "build/lesson-$n" "$logged")
    # Compile and link edges run several at a time: what is left of the build step's wall
    # time after them (ninja's own start, CMake's re-check of the build system) is "other".
    other=$(python3 -c "import sys; b,c,l=map(float,sys.argv[1:]); print(f'{max(0.0, b - max(c, l)):.1f}')" "$build" "$compile" "$link")
    runs+=("$warm $cpu $configure $compile $link $test $other")
  done
  read -r warm cpu configure compile link test other range < <(python3 -c '
import sys
runs = sorted((r.split() for r in sys.argv[1:]), key=lambda r: float(r[0]))
print(*runs[(len(runs) - 1) // 2], f"{runs[0][0]}-{runs[-1][0]}")
' "${runs[@]}")

  echo "// and one more" >>"$student"
  read -r first check_all < <(first_verdict "$log" ./cookiejar check "$n")

  git checkout -q -- "lessons/$dir"
  cmake --build --preset "lesson-$n" >>"$log" 2>&1
  junit="$scratch/starter-$n.xml"
  t0=$(now)
  ctest --preset "lesson-$n" --output-junit "$junit" >>"$log" 2>&1 || true
  starter=$(since "$t0")

  printf '%-7s %6ss %6ss %9s %7ss   %8ss %6ss %6ss %6ss %6ss   %6ss %6ss   %7ss\n' "$n" "$cold" "$warm" "$range" "$cpu" "$configure" "$compile" "$link" "$test" "$other" "$first" "$check_all" "$starter"
  python3 - "$junit" <<'EOF'
import re, sys, xml.etree.ElementTree as ET
# The runner's verdict line, "cookiejar: <outcome>: <reason>", in each test's output: a
# hang is the watchdog's (or the runner's limit), a deadlock one the backend reported.
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    m = re.search(r"^cookiejar: (\w+): (.*)$", "".join(case.itertext()), re.M)
    if not m:
        continue
    outcome, reason = m.groups()
    kind = "hang" if outcome == "hang" else "deadlock" if "deadlock" in reason else None
    if kind:
        print(f"        {kind:<8} {float(case.get('time', 0)):5.1f} s  {case.get('name')}")
EOF
done

if [[ $with_ci == 1 ]]; then
  git clone -q "$root" "$scratch/ci"
  git -C "$scratch/ci" checkout -q "$rev"
  t0=$(now)
  (cd "$scratch/ci" && CI=true bash .ci/run >"$scratch/ci.log" 2>&1) || { echo ".ci/run failed:"; tail -30 "$scratch/ci.log"; exit 1; }
  echo ".ci/run: $(since "$t0") s"
fi
echo "measure-feedback: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
