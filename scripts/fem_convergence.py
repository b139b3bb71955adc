#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mesh convergence of the two engines under a flat compressor (docs/engines.md).

Two problems, each run with `fascia run` at several spacings with geometry.engine = "lattice" and
"fem"; the peak indentation (the compressor's depth at the end of the hold) is tabulated:

  * block: a homogeneous, nearly incompressible muscle block (layers = 0, matrix_poisson = 0.499,
    water off, no Prony: a linear elastic solid at 1 % strain) under a rigid flat punch of radius
    a = 2 mm, block 20 x 20 x 10 mm. Sneddon's half-space value d = P (1 - nu) / (4 G a) is printed
    as a reference; the block's finite depth (H/a = 5) makes the converged value ~15-25 % smaller
    (stiffer), the same for both engines;
  * slab: the layered slab of scripts/compare_engines.py (6 x 6 mm, 1 mm muscle, 3 dense layers,
    50 kPa on a 1.5 mm disc), the case where the engines disagreed;
  * poisson: the block at 1 mm on both engines for several drained Poisson ratios (0.3 to 0.499),
    to show where the lattice's volumetric terms, one per Kuhn tetrahedron, begin to lock.

usage: /usr/bin/python3 scripts/fem_convergence.py [BUILD_DIR] [block|slab|poisson ...]
  env: CASE_TIMEOUT_S (default: none) stops a case after that many seconds of wall time; its row
       then says "stopped after N s" instead of a depth.
Writes the tables between the markers of docs/engines.md.
"""
import math
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import h5py

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build"
DOC = ROOT / "docs" / "engines.md"

SHEAR_PA, NU, RADIUS_MM, PRESSURE_KPA = 10e3, 0.499, 2.0, 0.5

BLOCK = """
[material]
muscle_shear_modulus_kpa = 10.0
muscle_thickness_mm = 10.0
matrix_poisson = {poisson}
water_bulk_modulus_mpa = 0.0
[geometry]
engine = "{engine}"
kind = "slab"
layers = 0
size_mm = [20.0, 20.0]
spacing_mm = {spacing}
coarsest_mm = {coarsest}
[solver]
integrator = "implicit"
threads = 2
[protocol.punch]
kind = "static_pressure"
pressure_kpa = 0.5
radius_mm = 2.0
ramp_s = 0.5
hold_s = 2.0
release_s = 0.1
recover_s = 0.0
[output]
file = "{out}"
frame_interval_s = 10.0
"""

SLAB = """
[tissue]
water = 0.70
collagen = 0.20
[material]
muscle_thickness_mm = 1.0
[geometry]
engine = "{engine}"
kind = "slab"
size_mm = [6.0, 6.0]
layers = 3
spacing_mm = {spacing}
coarsest_mm = {coarsest}
seed = 1
[solver]
integrator = "implicit"
threads = 2
[protocol.press]
kind = "static_pressure"
pressure_kpa = 50.0
radius_mm = 1.5
ramp_s = 0.5
hold_s = 2.0
release_s = 0.1
recover_s = 0.0
[output]
file = "{out}"
frame_interval_s = 10.0
"""

# (problem, engine, spacing_mm, coarsest_mm)
CASES = {
    "block": [("lattice", 1.0, 1.0), ("fem", 1.0, 1.0), ("fem", 0.5, 2.0), ("lattice", 0.5, 0.5), ("fem", 0.25, 2.0)],
    "slab": [("lattice", 0.5, 0.5), ("fem", 0.5, 0.5), ("lattice", 0.25, 0.25), ("fem", 0.25, 0.5),
             ("lattice", 0.125, 0.125), ("fem", 0.125, 0.5)],
}
TEMPLATE = {"block": BLOCK, "slab": SLAB, "poisson": BLOCK}
POISSON_RATIOS = [0.3, 0.45, 0.49, 0.499]


def run(problem, engine, spacing, coarsest, poisson=NU):
    tmp = pathlib.Path(tempfile.mkdtemp())
    out = tmp / "run.h5"
    toml = tmp / "run.toml"
    toml.write_text(TEMPLATE[problem].format(engine=engine, spacing=spacing, coarsest=coarsest, out=out,
                                             poisson=poisson))
    start = time.monotonic()
    limit = float(os.environ["CASE_TIMEOUT_S"]) if os.environ.get("CASE_TIMEOUT_S") else None
    try:
        subprocess.run(["nice", str(BUILD / "fascia"), "run", str(toml)], check=True, stdout=subprocess.DEVNULL,
                       timeout=limit)
    except subprocess.TimeoutExpired:
        return None, None, limit, f"stopped after {limit:.0f} s"
    wall = time.monotonic() - start
    with h5py.File(out, "r") as f:
        run_group = next(iter(f["runs"].values()))
        status = run_group.attrs["status"]
        indentation = float(run_group["metrics"]["peak_indentation_m"][()])
        nodes = f["model"]["rest_positions"].shape[0]
    return indentation, nodes, wall, status


def sneddon_m(poisson):
    """Sneddon's depth of a rigid flat punch on an elastic half-space, d = P (1 - nu) / (4 G a) [m]."""
    a = RADIUS_MM * 1e-3
    return PRESSURE_KPA * 1e3 * math.pi * a * a * (1 - poisson) / (4 * SHEAR_PA * a)


def poisson_table():
    lines = ["| drained Poisson ratio | lattice [µm] | finite elements [µm] | lattice / finite elements | Sneddon, half-space [µm] |",
             "|---|---|---|---|---|"]
    for nu in POISSON_RATIOS:
        lattice = run("poisson", "lattice", 1.0, 1.0, nu)[0]
        fem = run("poisson", "fem", 1.0, 1.0, nu)[0]
        depth = lambda d: "stopped" if d is None else f"{d * 1e6:.2f}"
        ratio = "–" if lattice is None or fem is None else f"{lattice / fem:.3f}"
        lines.append(f"| {nu:g} | {depth(lattice)} | {depth(fem)} | {ratio} | {sneddon_m(nu) * 1e6:.2f} |")
        print(lines[-1], flush=True)
    return "\n".join(lines)


def table(problem):
    if problem == "poisson":
        return poisson_table()
    lines = ["| engine | spacing under the load [mm] | coarsest [mm] | nodes | peak indentation [µm] | wall [s] |",
             "|---|---|---|---|---|---|"]
    for engine, spacing, coarsest in CASES[problem]:
        d, n, wall, status = run(problem, engine, spacing, coarsest)
        if d is None:
            lines.append(f"| {engine} | {spacing:g} | {coarsest:g} | – | {status} | – |")
            print(lines[-1], flush=True)
            continue
        note = "" if status == "complete" else f" ({status})"
        lines.append(f"| {engine} | {spacing:g} | {coarsest:g} | {n} | {d * 1e6:.2f}{note} | {wall:.0f} |")
        print(lines[-1], flush=True)
    if problem == "block":
        lines.append(f"| Sneddon, half-space | – | – | – | {sneddon_m(NU) * 1e6:.2f} | – |")
    return "\n".join(lines)


def main():
    problems = sys.argv[2:] or ["block", "poisson", "slab"]
    for problem in problems:
        t = table(problem)
        text = DOC.read_text()  # read now: the doc may have been edited during the runs
        text, found = re.subn(rf"(<!-- {problem}:begin -->\n).*?(<!-- {problem}:end -->)",
                              lambda m: m.group(1) + t + "\n" + m.group(2), text, flags=re.S)
        if not found:
            sys.exit(f"{DOC}: no <!-- {problem}:begin --> ... <!-- {problem}:end --> markers")
        DOC.write_text(text)


if __name__ == "__main__":
    main()
