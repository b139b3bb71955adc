#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Lattice and finite elements on the same tissue, side by side (issue 10, item 5).

Regenerates the table between the markers in docs/engines.md:
  * moduli along and across the fibres: the test EngineAgreement.ModuliAlongAndAcrossTheFibres
    (same uniaxial test on a block of each engine), read from its gtest XML properties;
  * peak indentation, peak dense-layer strain and through-thickness compression under static
    pressure, and the ripple front
    speed of a tap: the same scenario run by `fascia run` with geometry.engine = "lattice" and
    "fem" (spacing 0.5 mm, so that the lattice stays small; the fem mesh is uniform here,
    coarsest_mm = spacing_mm, to compare discretisations of one grid).

usage: /usr/bin/python3 scripts/compare_engines.py [BUILD_DIR]
"""
import pathlib
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import h5py

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build"
DOC = ROOT / "docs" / "engines.md"

SCENARIO = """
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
spacing_mm = 0.5
coarsest_mm = 0.5
seed = 1

[solver]
integrator = "auto"

[protocol.press]
kind = "static_pressure"
pressure_kpa = 50.0
radius_mm = 1.5
ramp_s = 0.5
hold_s = 2.0
release_s = 0.5
recover_s = 0.0

[protocol.tap]
kind = "impulse"
force_n = 0.5
radius_mm = 1.0
duration_s = 1e-4
end_s = 0.001
frame_interval_s = 1e-4

[output]
file = "{out}"
frame_interval_s = 1.0
"""

# (label, run, metric, scale, unit, tolerance between the engines, why)
ROWS = [
    ("peak indentation", "press", "peak_indentation_m", 1e6, "µm", 0.25,
     "the lattice's dense layers at 0.5 mm are one cell of neo-Hookean tets through 0.28 mm, the mesh's two hexahedra"),
    ("peak dense-layer strain", "press", "peak_dense_strain", 1.0, "–", 0.5,
     "a peak over elements: sensitive to the element type under the compressor edge"),
    ("peak dense-layer compression", "press", "peak_dense_compression", 1.0, "–", 0.5,
     "through-thickness, the largest over node columns: a peak like the strain, over a stack that is one lattice cell per dense layer and two hexahedra per layer in the mesh"),
    ("ripple front speed", "tap", "front_speed_m_s", 1.0, "m/s", 0.25,
     "front picked on the top surface nodes at a 0.5 mm spacing over 1 ms"),
]


def verdict(lattice, fem, tolerance):
    """Whether the engines agree within the tolerance, relative to the lattice's value."""
    return "yes" if abs(fem / lattice - 1.0) <= tolerance else "**no**"


def moduli():
    xml = pathlib.Path(tempfile.mkdtemp()) / "agree.xml"
    subprocess.run([str(BUILD / "tests" / "fascia_tests"), "--gtest_filter=EngineAgreement.*",
                    f"--gtest_output=xml:{xml}"], check=True, stdout=subprocess.DEVNULL)
    props = {}
    for p in ET.parse(xml).iter("property"):
        props[p.get("name")] = float(p.get("value"))
    return props


def run(engine):
    tmp = pathlib.Path(tempfile.mkdtemp())
    toml = tmp / f"{engine}.toml"
    out = tmp / f"{engine}.h5"
    toml.write_text(SCENARIO.format(engine=engine, out=out))
    subprocess.run([str(BUILD / "fascia"), "run", str(toml)], check=True, stdout=subprocess.DEVNULL)
    metrics = {}
    with h5py.File(out, "r") as f:
        for r in f["runs"]:
            for m in f["runs"][r]["metrics"]:
                metrics[(r, m)] = float(f["runs"][r]["metrics"][m][()])
    return metrics


def main():
    props = moduli()
    lat, fem = run("lattice"), run("fem")
    lines = ["| quantity | lattice | finite elements | fem / lattice | tolerance | within it | why that tolerance |",
             "|---|---|---|---|---|---|---|"]
    for key, label in (("along", "modulus along the fibres"), ("across", "modulus across the fibres")):
        a, b = props[f"lattice_modulus_{key}_pa"] / 1e6, props[f"fem_modulus_{key}_pa"] / 1e6
        lines.append(f"| {label} [MPa] | {a:.1f} | {b:.1f} | {b / a:.3f} | 5 % | {verdict(a, b, 0.05)} "
                     "| same uniaxial test, both calibrated to the same targets |")
    for label, r, m, scale, unit, tol, why in ROWS:
        a, b = lat.get((r, m)), fem.get((r, m))
        if a is None or b is None:
            lines.append(f"| {label} [{unit}] | {a} | {b} | – | {tol * 100:.0f} % | – | metric missing |")
            continue
        lines.append(f"| {label} [{unit}] | {a * scale:.4g} | {b * scale:.4g} | {b / a:.3f} | {tol * 100:.0f} % "
                     f"| {verdict(a, b, tol)} | {why} |")
    table = "\n".join(lines)
    text = DOC.read_text()
    text = re.sub(r"(<!-- table:begin -->\n).*?(\n<!-- table:end -->)", lambda mm: mm.group(1) + table + mm.group(2),
                  text, flags=re.S)
    DOC.write_text(text)
    print(table)


if __name__ == "__main__":
    main()
