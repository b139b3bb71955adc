#!/usr/bin/env bash
# `make bench`: builds and runs the explicit-step benchmarks (benchmarks/bench_explicit.cpp) and the
# LAMMPS peer anchor (benchmarks/lammps/, apt-installs lammps if missing) in the same session, and
# prints our spring-updates/s over LAMMPS's bond-updates/s at matched bond counts
# (ours L = 28, 50, 70 <-> LAMMPS L = 40, 70, 100: 0.19, 1.0-1.1, 3.0 M bonds).
# The machine is shared: compare ratios from one run, not absolute numbers across runs.
#   usage: scripts/bench.sh [BUILD_DIR]        env: REPS (default 3), STEPS (LAMMPS, default 500)
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
. scripts/bench_common.sh
bench_build "$build" bench_explicit
mkdir -p out
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on this machine skew absolute numbers)"
"$build/benchmarks/bench_explicit" --benchmark_repetitions="${REPS:-3}" --benchmark_report_aggregates_only=true \
  --benchmark_out=out/bench_explicit.json --benchmark_out_format=json
echo
echo "== LAMMPS anchor (same session)"
anchor=$(benchmarks/lammps/lammps_anchor.sh 40 70 100)
echo "$anchor"
echo
echo "== ratio: fascia spring-updates/s over LAMMPS bond-updates/s (medians; goal >= 2)"
python3 - "$anchor" <<'PY'
import json, sys
lmp = {}
for line in sys.argv[1].splitlines()[1:]:
    L, bonds, ranks, rate = line.split()
    lmp[(int(L), int(ranks))] = float(rate) * 1e6
runs = json.load(open("out/bench_explicit.json"))["benchmarks"]
ours = {}
for b in runs:
    if b.get("aggregate_name") != "median" or not b["run_name"].startswith("BM_ExplicitSprings"):
        continue
    parts = dict(p.split(":") for p in b["run_name"].split("/")[1:] if ":" in p)
    ours[(int(parts["L"]), int(parts["threads"]))] = b
match = {28: 40, 50: 70, 70: 100}
print(f"{'springs':>10} {'thr':>3} {'M upd/s':>8} {'LAMMPS':>7} {'ratio':>6} {'bw frac':>7} {'B/spring':>8}")
for (L, t), b in sorted(ours.items()):
    if L not in match or (match[L], t) not in lmp:
        continue
    ref = lmp[(match[L], t)]
    print(f"{b['springs']:>10.0f} {t:>3} {b['spring_updates_per_s']/1e6:>8.1f} {ref/1e6:>7.1f} "
          f"{b['spring_updates_per_s']/ref:>6.2f} {b['bandwidth_fraction']:>7.2f} {b['bytes_per_spring']:>8.1f}")
PY
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg); JSON in out/bench_explicit.json"
