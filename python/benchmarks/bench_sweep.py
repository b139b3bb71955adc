#!/usr/bin/env /usr/bin/python3
# SPDX-License-Identifier: MIT
"""Sweep throughput on 2 workers vs 1 (target >= 1.8x) and Python-call overhead per run.

    PYTHONPATH=build/python OMP_WAIT_POLICY=passive /usr/bin/python3 python/benchmarks/bench_sweep.py [--points 8]

Overhead = wall time of fascia.run() minus the C++ run time measured inside it is not observable
from Python; we report the time of fascia.run() on a scenario whose simulation is a single step
(argument conversion, GIL release, result conversion, file creation), and the per-point time of a
1-worker sweep against a plain loop of fascia.run() calls.
"""
import argparse
import os
import tempfile
import time
from pathlib import Path

import fascia
from fascia import sweep

ROOT = Path(__file__).resolve().parents[2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=8)
    ap.add_argument("--scenario", default=str(ROOT / "examples" / "scenarios" / "ripple_sheet.toml"))
    args = ap.parse_args()
    text = Path(args.scenario).read_text()
    points = sweep.grid({"tissue.water": [0.6 + 0.15 * i / max(1, args.points - 1) for i in range(args.points)]})
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        for i, p in enumerate(points):
            fascia.run(fascia.with_overrides(text, p), output=f"{tmp}/loop{i}.h5", threads=1)
        loop = time.perf_counter() - t
        times = {}
        for w in (1, 2):
            t = time.perf_counter()
            sweep.run_sweep(text, points, f"{tmp}/w{w}.h5", workers=w)
            times[w] = time.perf_counter() - t
        tiny = fascia.with_overrides(text, {"protocol.tap.end_s": 2.1e-5, "protocol.tap.duration_s": 2e-5,
                                            "geometry.size_mm": [1.0, 1.0], "geometry.spacing_mm": 0.5})
        n = 50
        t = time.perf_counter()
        for i in range(n):
            fascia.run(tiny, output=f"{tmp}/o.h5", threads=1)
        overhead = (time.perf_counter() - t) / n
    print(f"cores: {os.cpu_count()}  points: {len(points)}")
    print(f"plain loop of fascia.run: {loop:.2f} s ({loop / len(points) * 1e3:.0f} ms/point)")
    print(f"sweep, 1 worker:  {times[1]:.2f} s ({len(points) / times[1]:.2f} points/s)")
    print(f"sweep, 2 workers: {times[2]:.2f} s ({len(points) / times[2]:.2f} points/s)")
    print(f"speed-up 2 vs 1 workers: {times[1] / times[2]:.2f}x (target >= 1.8x)")
    print(f"fascia.run() on a 9-node, few-step scenario (call + file overhead): {overhead * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
