# SPDX-License-Identifier: MIT
"""The pictures of docs/python.md: one per fascia.viz function, from the pond-ripple runs and a
protocol comparison.

    make demo        # writes out/pond_ripple.h5 and out/compare_protocols.h5
    PYTHONPATH=build/python /usr/bin/python3 examples/python/viz_gallery.py [--out docs/images]
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import fascia.viz as viz  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ripple", default="out/pond_ripple.h5", help="an impulse run on a slab")
    ap.add_argument("--compare", default="out/compare_protocols.h5", help="a fascia compare output")
    ap.add_argument("--out", default="docs/images")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    def save(fig, name):
        path = os.path.join(a.out, name)
        fig.savefig(path, dpi=72, bbox_inches="tight")
        plt.close(fig)
        print("wrote", path, os.path.getsize(path) // 1024, "kB")

    save(viz.comparison_bars(a.compare, ["work_input_j", "energy_dissipated_j", "residual_slip_m", "residual_strain"]),
         "viz_comparison_bars.png")
    axes = viz.time_series(a.ripple, "tap", ["applied_force_n", "work_input_j", "stored_energy_j", "kinetic_energy_j"])
    save(axes[0].figure, "viz_time_series.png")
    ax = viz.displacement_field(a.ripple, "tap", frame=10, component="z")
    save(ax.figure, "viz_displacement_field.png")
    save(viz.ripple_frames(a.ripple, "tap", count=4, component="z"), "viz_ripple_frames.png")
    gif = viz.ripple_animation(a.ripple, os.path.join(a.out, "viz_ripple_animation.gif"), component="z", fps=6, dpi=45)
    print("wrote", gif, os.path.getsize(gif) // 1024, "kB")


if __name__ == "__main__":
    main()
