#!/usr/bin/env bash
# `make bench-solve`: the implicit-solve benchmark of issue 10 (benchmarks/bench_fem.cpp,
# BM_HexCompression): an N^3 hex8 neo-Hookean block compressed by 20 % in 1 or 10 quasi-static
# load steps with AMG-CG and CHOLMOD, one case per process (its own peak memory), and a markdown
# table of wall time, CPU time (user + sys, /usr/bin/time), Newton and CG iterations, seconds per
# Newton iteration, peak memory and the answer (the force on the top face), as in
# docs/performance.md "Implicit solves at scale". FEBio 4.11 took 41 s for 40^3 on 2 threads.
# The machine is shared: run it when it is quiet, and compare cases of one run.
#   usage: scripts/bench_solve.sh [BUILD_DIR]
#   env: SIZES (default "8 16 24 32 40 48"), CHOLMOD_MAX (largest N for CHOLMOD, default 40),
#        STEPS (default "1 10"), OMP_NUM_THREADS (default 2)
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
. scripts/bench_common.sh
bench_build "$build" bench_fem
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| N | solver | load steps | unknowns | Newton iterations | CG iterations | wall s | CPU s | s / Newton iteration | peak RSS MB | top_force_n |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for steps in ${STEPS:-1 10}; do
  for solver in 1 0; do
    for n in ${SIZES:-8 16 24 32 40 48}; do
      [ "$solver" = 0 ] && [ "$n" -gt "${CHOLMOD_MAX:-40}" ] && continue
      out=$(/usr/bin/time -f "time %U %S %M" "$build/benchmarks/bench_fem" --benchmark_format=csv \
        --benchmark_filter="BM_HexCompression/n:$n/solver:$solver/steps:$steps/" 2>&1)
      python3 - "$n" "$solver" "$steps" "$out" <<'PY'
import csv, io, sys
n, solver, steps, out = sys.argv[1:]
lines = out.splitlines()
cpu_user, cpu_sys, rss_kb = next(l for l in lines if l.startswith("time ")).split()[1:]
header = next(i for i, l in enumerate(lines) if l.startswith("name,"))
row = next(csv.DictReader(io.StringIO("\n".join(lines[header:]))))
if row.get("error_occurred") == "true":
    print(f"| {n} | {'amg' if solver == '1' else 'cholmod'} | {steps} | {row['error_message']} |")
    sys.exit()
f = lambda k: float(row[k])
cg = f"{f('cg_iterations'):.0f}" if solver == "1" else "–"  # a direct solver has none
print(f"| {n} | {row['label']} | {steps} | {f('unknowns'):.0f} | {f('newton_iterations'):.0f} | "
      f"{cg} | {f('real_time'):.3g} | {float(cpu_user) + float(cpu_sys):.3g} | "
      f"{f('s_per_newton_iteration'):.3g} | {int(rss_kb) / 1024:.0f} | {f('top_force_n') * 1e3:.5f} mN |")
PY
    done
  done
done
