#!/usr/bin/env bash
# `make bench-body`: the body-scale speed benchmark of issue 12, item 4 (a benchmark, never a timed
# test). Runs `fascia compare` on examples/scenarios/lacrosse_ball_thigh.toml (a lacrosse ball
# pressed into a 60 x 60 mm thigh patch with 100 N: static vs active vs passive, two movement
# cycles, 60 s of recovery; solver.threads = 2) and reports
#   - wall time against the goal of 10 minutes on 2 cores,
#   - peak memory (maximum resident set size, /usr/bin/time -v),
#   - each run's status and energy ledger closure (energy_balance_error, goal <= 1 %),
#   - with PROFILE=1, a perf profile of the same command (top symbols), to see where time goes.
# The machine may be shared: say what the load was (printed before and after).
#   usage: scripts/bench_body.sh [BUILD_DIR] [SCENARIO]
set -euo pipefail
build=${1:-build}
scenario=${2:-examples/scenarios/lacrosse_ball_thigh.toml}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j 2 --target fascia_cli
mkdir -p out
out=out/bench_body.h5
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
start=$(date +%s.%N)
/usr/bin/time -v -o out/bench_body.time "$build/fascia" compare "$scenario" -o "$out" --columns \
  energy_balance_error,peak_contact_force_n,contact_radius_m,peak_indentation_m,peak_dense_strain
end=$(date +%s.%N)
wall=$(/usr/bin/python3 -c "print(f'{$end - $start:.1f}')")
rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' out/bench_body.time)
cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.1f", u + s}' out/bench_body.time)
echo "== wall ${wall} s (goal <= 600 s on 2 cores), CPU ${cpu} s, peak memory ${rss} MiB"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${PROFILE:-0}" = 1 ]; then
  perf record -g -o out/bench_body.perf "$build/fascia" compare "$scenario" -o out/bench_body_profile.h5 > /dev/null
  perf report -i out/bench_body.perf --stdio --no-children --percent-limit 2 2> /dev/null | grep -E '^ +[0-9]' | head -25
fi
