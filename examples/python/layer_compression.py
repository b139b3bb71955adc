#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Through-thickness compression of each tissue band (skin, hypodermis, deep fascia, muscle) in the
node column under the centre of a slab, for every run of a fascia output file, at one time.

    /usr/bin/python3 examples/python/layer_compression.py OUT.h5 [--time T]

The column is the in-plane node nearest the slab's centre (where a centred indenter presses). A
band spans from the highest node of the band below it to its own highest node (docs/hdf5-schema.md:
`layer_id` 0 muscle, 1.. dense layers, negative loose layers, 100 hypodermis, 101 skin), and its
compression is `1 - d/D`, d and D the current and rest heights of the band (positive = thinner).
On a lattice the band boundaries fall on node planes, so a band's rest height D is its thickness
rounded to the spacing (printed). docs/hypotheses.md ("Body scale") quotes this script's output.
Without --time: the frame closest to the end of each run's hold (the largest indentation).
"""
import argparse

import h5py
import numpy as np

SKIN, HYPODERMIS = 101, 100
BANDS = {
    "muscle": lambda ids: ids == 0,
    "deep fascia": lambda ids: ((ids > 0) & (ids < HYPODERMIS)) | (ids < 0),
    "hypodermis": lambda ids: ids == HYPODERMIS,
    "skin": lambda ids: ids == SKIN,
}


def centre_column(rest):
    """Node indices of the column nearest the slab's centre, bottom to top."""
    cx = 0.5 * (rest[:, 0].min() + rest[:, 0].max())
    cy = 0.5 * (rest[:, 1].min() + rest[:, 1].max())
    d2 = (rest[:, 0] - cx) ** 2 + (rest[:, 1] - cy) ** 2
    column = np.flatnonzero(d2 <= d2.min() * (1 + 1e-9) + 1e-18)
    return column[np.argsort(rest[column, 2])]


def band_tops(ids):
    """{band: index in the column of its highest node}, bottom band first."""
    tops = {name: int(np.flatnonzero(test(ids)).max()) for name, test in BANDS.items() if test(ids).any()}
    return dict(sorted(tops.items(), key=lambda kv: kv[1]))


def compressions(rest_column, current_column, tops):
    """[(band, compression, rest height)] from the bottom of the column up."""
    out, low = [], 0
    for name, high in tops.items():
        rest_h = rest_column[high, 2] - rest_column[low, 2]
        now_h = current_column[high, 2] - current_column[low, 2]
        out.append((name, 1.0 - now_h / rest_h, rest_h))
        low = high
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--time", type=float, help="time in the run [s] (default: the frame of largest indentation)")
    args = ap.parse_args()
    with h5py.File(args.file, "r") as f:
        rest = f["model/rest_positions"][:]
        column = centre_column(rest)
        tops = band_tops(f["model/layer_id"][:][column])
        for name, run in f["runs"].items():
            times = run["time"][:]
            displacement = run["frames/displacement"]
            if args.time is not None:
                k = int(np.argmin(np.abs(times - args.time)))
            else:  # the frame where the column's top moved down the most
                k = int(np.argmax([-displacement[i, column[-1], 2] for i in range(len(times))]))
            now = rest[column] + displacement[k][column]
            bands = "; ".join(f"{b} {c * 100:+.2f} % (of {h * 1e3:.2f} mm)"
                              for b, c, h in compressions(rest[column], now, tops))
            print(f"{name} [{run.attrs['status']}] t = {times[k]:g} s: {bands}")


if __name__ == "__main__":
    main()
