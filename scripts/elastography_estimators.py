#!/usr/bin/env python3
"""Compare shear-wave speed estimators on one virtual-elastography block (docs/model.md §6.6).

Runs the validation page's dense block (examples/validation/dense_elastography.toml: 20 x 10 x 8 mm,
0.5 mm, drained, bulk shear speed 6.5 m/s, pushed at mid-depth) with each CLI given and each
drained Poisson ratio (with --soft: the softer block of the test
Elastography.ATensionAlongTheTrackRaisesTheSpeedAsAStringWould, bulk speed 3.04 m/s), writing
velocity and displacement frames every 10 us, and reduces the tracking line offline with the
protocol's window (r_beam + 2 spacings to 0.6 of the distance to the edge) three ways, beside the
run's metric (the protocol's own rule, protocol/wave_trajectory.hpp: the straight line through the
-v_z traces with the largest sum, read from every explicit step):
  * velocity time-to-peak: the protocol's former rule (first local maximum of -v_z reaching 30 % of
    the node's largest, parabola-refined), least-squares slope;
  * displacement time-to-peak: the same rule on -u_z (Palmeri et al. 2008, Ultrasound Med Biol
    34:546);
  * cross-correlation: delay of each node's -v_z trace against the nearest node's.

usage: /usr/bin/python3 scripts/elastography_estimators.py --cli build/fascia [--cli OTHER] [--nu 0.25 0.3 ...] [--soft]
       [--push-duration SECONDS]
"""
import argparse
import pathlib
import re
import subprocess
import tempfile
import tomllib

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "validation" / "dense_elastography.toml"


# --soft: the block of the test Elastography.ATensionAlongTheTrackRaisesTheSpeedAsAStringWould
# (mu = 10 kPa, soft fibres: bulk shear speed 3.04 m/s).
SOFT = "fiber_modulus_mpa = 0.5\ndense_matrix_shear_kpa = 10.0\n"


def scenario(nu, out, soft, push_duration=None):
    """The validation page's dense block with the drained Poisson ratio `nu` and frames every 10 us."""
    extra = f"matrix_poisson = {nu}\n" + (SOFT if soft else "")
    text = SCENARIO.read_text().replace("[material]\n", "[material]\n" + extra, 1)
    if push_duration is not None:
        text = re.sub(r"(?m)^push_duration_s = .*$", f"push_duration_s = {push_duration}", text)
    text = re.sub(r"(?m)^file = .*$", f'file = "{out}"', text)
    return re.sub(r"(?m)^frame_interval_s = .*$", "frame_interval_s = 1e-5", text)


SWE = tomllib.loads(SCENARIO.read_text())["protocol"]["swe"]
PUSH_DEPTH_M = SWE["push_depth_mm"] * 1e-3


def tracking_line(path):
    """Times, lateral distances [m] and -v_z, -u_z on the protocol's tracking line; the run's metric.

    The line as protocol/elastography.hpp places it: on the node plane nearest the push depth,
    through the box's centre along x, from the beam radius (1.5 spacings) + 2 spacings out to 0.6
    of the distance to the edge."""
    with h5py.File(path, "r") as f:
        X = f["model/rest_positions"][()]
        run = f["runs"]["swe"]
        lo, hi = X.min(axis=0), X.max(axis=0)
        centre = 0.5 * (lo + hi)
        spacing = np.diff(np.unique(X[:, 0])).min()
        planes = np.unique(X[:, 2])
        z = planes[np.argmin(abs(planes - (hi[2] - PUSH_DEPTH_M)))]
        r_min, r_max = (1.5 + 2.0) * spacing, 0.6 * (hi[0] - centre[0])
        r = X[:, 0] - centre[0]
        on = np.where((abs(X[:, 2] - z) < 1e-9) & (abs(X[:, 1] - centre[1]) <= 0.5 * spacing) &
                      (r >= r_min - 1e-9) & (r <= r_max + 1e-9))[0]
        on = on[np.argsort(r[on])]
        v = -run["frames/velocity"][:, :, 2][:, on]
        u = -run["frames/displacement"][:, :, 2][:, on]
        return run["time"][()], r[on], v, u, float(run["metrics/shear_wave_speed_m_s"][()])


def leading_peak(t, s, fraction=0.3):
    """The protocol's rule: first local maximum reaching `fraction` of the largest, parabola-refined."""
    top = s.max()
    for k in range(1, len(s) - 1):
        if s[k] >= fraction * top and s[k] >= s[k - 1] and s[k] >= s[k + 1]:
            den = s[k - 1] - 2 * s[k] + s[k + 1]
            shift = np.clip(0.5 * (s[k - 1] - s[k + 1]) / den, -1, 1) if den != 0 else 0.0
            return t[k] + shift * (t[k + 1] - t[k])
    return None


def slope_speed(d, times):
    keep = [i for i, x in enumerate(times) if x is not None]
    return 1.0 / np.polyfit(d[keep], [times[i] for i in keep], 1)[0]


def xcorr_speed(t, d, s):
    delays = [0.0]
    for i in range(1, len(d)):
        c = np.correlate(s[:, i], s[:, 0], "full")
        k = int(np.argmax(c))
        lag = float(k - (len(t) - 1))
        if 0 < k < len(c) - 1 and c[k - 1] - 2 * c[k] + c[k + 1] != 0:
            lag += 0.5 * (c[k - 1] - c[k + 1]) / (c[k - 1] - 2 * c[k] + c[k + 1])
        delays.append(lag * (t[1] - t[0]))
    return 1.0 / np.polyfit(d, delays, 1)[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", action="append", required=True, help="a fascia binary (repeat to compare builds)")
    ap.add_argument("--nu", nargs="+", type=float, default=[0.25, 0.3, 0.4, 0.45, 0.49])
    ap.add_argument("--soft", action="store_true", help="the tension test's soft block (bulk speed 3.04 m/s)")
    ap.add_argument("--push-duration", type=float, help="push_duration_s [s]; default the block's (the soft block's test: 1 ms)")
    args = ap.parse_args()
    push = args.push_duration or (1e-3 if args.soft else SWE["push_duration_s"])
    print("| CLI | ν | metric [m/s] | velocity time-to-peak | displacement time-to-peak | cross-correlation |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for cli in args.cli:
            for nu in args.nu:
                out = pathlib.Path(tmp) / "run.h5"
                toml = pathlib.Path(tmp) / "run.toml"
                toml.write_text(scenario(nu, out, args.soft, push))
                subprocess.run([cli, "run", str(toml), "--threads", "1", "-q"], check=True, stdout=subprocess.DEVNULL)
                t, d, v, u, metric = tracking_line(out)
                vel = slope_speed(d, [leading_peak(t, v[:, i]) for i in range(len(d))])
                disp = slope_speed(d, [leading_peak(t, u[:, i]) for i in range(len(d))])
                print(f"| {cli} | {nu:g} | {metric:.3f} | {vel:.3f} | {disp:.3f} | {xcorr_speed(t, d, v):.3f} |", flush=True)


if __name__ == "__main__":
    main()
