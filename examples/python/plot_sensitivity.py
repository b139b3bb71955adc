# SPDX-License-Identifier: MIT
"""Plot the sensitivity indices stored in a Sobol or Morris sweep file, with their bootstrap intervals.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/plot_sensitivity.py out/h1_morris.h5 \
        docs/images/h1_morris.png [--metric adhesions_broken_fraction_final --metric residual_slip_m]
        [--run static --run active] [--xlim -0.5 2]

One panel per (run, metric): Morris mu_star (bars) with its 95 % interval and sigma (dots), or Sobol
S1 and ST with theirs, one row per swept parameter in the order of the design.
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from fascia import sweep  # noqa: E402

SCALE = {"_m": (1e6, "µm"), "_j": (1e9, "nJ")}  # axis units for readable numbers


def _unit(metric):
    for suffix, (factor, unit) in SCALE.items():
        if metric.endswith(suffix):
            return factor, unit
    return 1.0, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep_file")
    ap.add_argument("figure")
    ap.add_argument("--metric", action="append", help="metrics to show (default: the two H1 metrics)")
    ap.add_argument("--run", action="append", help="runs to show (default: all, differences included)")
    ap.add_argument("--xlim", type=float, nargs=2, help="index axis limits (intervals beyond are clipped)")
    args = ap.parse_args()
    metrics = args.metric or ["adhesions_broken_fraction_final", "residual_slip_m"]
    res = sweep.load_sensitivity(args.sweep_file)
    method = res.attrs.get("method")
    keys = list(dict.fromkeys(res["parameter"]))
    runs = args.run or list(dict.fromkeys(res["run"]))
    panels = [(r, m) for m in metrics for r in runs if ((res["run"] == r) & (res["metric"] == m)).any()]
    ncol = len(runs)
    nrow = -(-len(panels) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 0.42 * len(keys) * nrow + 1.2), squeeze=False,
                             sharey=True)
    y = np.arange(len(keys))
    for ax, (run, metric) in zip(axes.flat, panels):
        sel = res[(res["run"] == run) & (res["metric"] == metric)]
        factor, unit = _unit(metric)

        def col(index, field):
            s = sel[sel["index"] == index].set_index("parameter").reindex(keys)
            return s[field].to_numpy() * (factor if method == "morris" else 1.0)

        if method == "morris":
            v, lo, hi = col("mu_star", "value"), col("mu_star", "low"), col("mu_star", "high")
            ax.barh(y, v, color="tab:blue", alpha=0.6, label="μ*")
            ax.errorbar(v, y, xerr=[v - lo, hi - v], fmt="none", ecolor="k", capsize=2, lw=0.8)
            ax.plot(col("sigma", "value"), y, "o", color="tab:red", ms=4, label="σ")
            ax.set_xlabel(f"per full range [{unit}]" if unit else "per full range")
        else:
            for off, index, color in ((-0.18, "S1", "tab:blue"), (0.18, "ST", "tab:orange")):
                v, lo, hi = col(index, "value"), col(index, "low"), col(index, "high")
                ax.barh(y + off, v, height=0.34, color=color, alpha=0.7, label=index)
                ax.errorbar(v, y + off, xerr=[v - lo, hi - v], fmt="none", ecolor="k", capsize=2, lw=0.8)
            ax.set_xlabel("index")
        ax.axvline(0, color="0.5", lw=0.5)
        if args.xlim:
            ax.set_xlim(*args.xlim)
        n_used = int(sel["n_used"].min()) if len(sel) else 0
        ax.set_title(f"{run}: {metric}\n(n used = {n_used})", fontsize=9)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    for ax in axes[:, 0]:
        ax.set_yticks(y)
        ax.set_yticklabels(keys, fontsize=8)
    axes.flat[0].invert_yaxis()
    axes.flat[0].legend(fontsize=8, loc="best")
    conf = res.attrs.get("confidence", 0.95)
    fig.suptitle(f"{method} indices, {100 * conf:.0f} % bootstrap intervals ({os.path.basename(args.sweep_file)})",
                 fontsize=10)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(args.figure)), exist_ok=True)
    fig.savefig(args.figure, dpi=110)
    print(f"wrote {args.figure}")


if __name__ == "__main__":
    main()
