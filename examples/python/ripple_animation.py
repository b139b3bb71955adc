#!/usr/bin/env /usr/bin/python3
# SPDX-License-Identifier: MIT
"""Tap a fascial sheet and write the ripple as GIF and MP4.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/ripple_animation.py [--water 0.7] [--out out/ripple]
"""
import argparse
from pathlib import Path

import fascia
import fascia.viz as viz

HERE = Path(__file__).resolve().parent


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default=str(HERE.parent / "scenarios" / "ripple_sheet.toml"))
    ap.add_argument("--water", type=float, help="override tissue.water")
    ap.add_argument("--out", default="out/ripple", help="output stem: writes STEM.h5, STEM.gif, STEM.mp4")
    args = ap.parse_args()

    text = Path(args.scenario).read_text()
    spec = fascia.with_overrides(text, {"tissue.water": args.water} if args.water is not None else {})
    result = fascia.run(spec, output=args.out + ".h5",
                        progress=lambda run, phase, f: print(f"\r{run} {phase} {f:6.1%}", end="", flush=True))
    print()
    for r in result.runs:
        print(f"{r.name}: {r.status}, front speed {r.metrics.get('front_speed_m_s', float('nan')):.1f} m/s")
    print("wrote", viz.ripple_animation(result.output_file, args.out + ".gif", fps=10))
    try:
        print("wrote", viz.ripple_animation(result.output_file, args.out + ".mp4", fps=10))
    except RuntimeError as e:  # no ffmpeg
        print("skipped MP4:", e)


if __name__ == "__main__":
    main()
