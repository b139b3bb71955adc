# SPDX-License-Identifier: MIT
"""Plots and ripple animations of fascia output files (matplotlib, Agg backend).

Every function takes an output-file path (or, for bar charts, a DataFrame) and returns the
matplotlib object it drew on, so notebooks can tweak it. Lengths are plotted in millimetres,
displacements in micrometres, times in milliseconds (labelled on the axes).
"""
from __future__ import annotations

import os
import shutil
from typing import Iterable, Optional, Sequence

import matplotlib

if os.environ.get("MPLBACKEND") is None and matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import io as fio  # noqa: E402

__all__ = ["comparison_bars", "time_series", "displacement_field", "ripple_animation", "layer_nodes"]


def comparison_bars(table, metrics: Optional[Sequence[str]] = None, ax=None, log: bool = False):
    """Bar chart of metrics per run.

    ``table``: a DataFrame indexed by run (``fascia.io.comparison(path)``, ``fascia.compare(...)``) or
    an output-file path. ``metrics``: columns to show (default: all numeric columns). One panel per
    metric when ``ax`` is None; returns the figure.
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        table = fio.comparison(table)
    numeric = table.select_dtypes("number")
    metrics = list(metrics) if metrics is not None else [c for c in numeric.columns if numeric[c].notna().any()]
    if ax is not None:
        numeric[metrics].plot.bar(ax=ax, logy=log)
        return ax.figure
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.2 * len(metrics), 3.2), squeeze=False)
    for a, m in zip(axes[0], metrics):
        vals = numeric[m]
        a.bar([str(i) for i in vals.index], vals.values, color="C0")
        a.set_title(m, fontsize=9)
        a.tick_params(axis="x", labelrotation=45)
        if log:
            a.set_yscale("log")
    fig.tight_layout()
    return fig


def time_series(path, run: Optional[str] = None, keys: Optional[Iterable[str]] = None, ax=None):
    """Plot scalar series of a run (``/runs/<run>/series``) against time [ms]. Returns the axes."""
    r = fio.read_run(path, run, frames=slice(0, 0))
    t = r.series.get("time")
    if t is None:
        raise ValueError(f"{path}: run '{r.name}' has no series")
    keys = [k for k in (keys or r.series) if k != "time"]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for k in keys:
        if k not in r.series:
            raise ValueError(f"series '{k}' not in run '{r.name}'; available: {', '.join(r.series)}")
        ax.plot(t * 1e3, r.series[k], label=k)
    ax.set_xlabel("time [ms]")
    ax.legend(fontsize=8)
    ax.set_title(f"{r.name} ({r.protocol})")
    return ax


def layer_nodes(model: fio.Model, layer: Optional[int] = None) -> np.ndarray:
    """Indices of the nodes on the top plane of ``layer`` (a layer_id; default: the top layer)."""
    lid = model.layer_id
    if layer is None:
        layer = int(lid.max())
    sel = np.flatnonzero(lid == layer)
    if sel.size == 0:
        raise ValueError(f"layer {layer} has no nodes; layer ids present: {sorted(set(lid.tolist()))}")
    z = model.rest_positions[sel, 2]
    return sel[np.isclose(z, z.max(), rtol=0, atol=1e-12)]


def _values(u: np.ndarray, component: str) -> np.ndarray:
    comps = {"x": 0, "y": 1, "z": 2}
    if component == "magnitude":
        return np.linalg.norm(u, axis=-1)
    if component not in comps:
        raise ValueError(f"component must be 'x', 'y', 'z' or 'magnitude', got {component!r}")
    return u[..., comps[component]]


def displacement_field(path, run: Optional[str] = None, frame: int = -1, layer: Optional[int] = None,
                       component: str = "magnitude", ax=None, vmax: Optional[float] = None):
    """Colour map of one layer's displacement [um] at one frame, on the rest positions [mm].

    ``layer`` is a layer_id (default: top dense layer; a sheet has one layer), ``component`` one of
    x, y, z or magnitude. Returns the axes.
    """
    with fio.open(path) as f:
        model = f.model
        r = f.run(run)
    nodes = layer_nodes(model, layer)
    xy = model.rest_positions[nodes, :2] * 1e3
    vals = _values(r.displacement[frame][nodes], component) * 1e6
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    tpc = ax.tripcolor(xy[:, 0], xy[:, 1], vals, shading="gouraud", cmap="viridis",
                       vmin=0 if component == "magnitude" else None, vmax=vmax)
    ax.figure.colorbar(tpc, ax=ax, label=f"displacement {component} [um]")
    ax.set_aspect("equal")
    ax.set_xlabel("x [mm]")
    ax.set_ylabel("y [mm]")
    ax.set_title(f"{r.name}: t = {r.time[frame] * 1e3:.3f} ms")
    return ax


def _writer(out: str, fps: int):
    from matplotlib import animation

    ext = os.path.splitext(out)[1].lower()
    if ext == ".gif":
        try:
            import PIL  # noqa: F401

            return animation.PillowWriter(fps=fps)
        except ImportError:
            if shutil.which("convert") is None:
                raise RuntimeError("writing a GIF needs python3-pil or imagemagick") from None
            return animation.ImageMagickWriter(fps=fps)
    if ext in (".mp4", ".m4v", ".mkv", ".webm"):
        if not animation.FFMpegWriter.isAvailable():
            raise RuntimeError("writing a video needs ffmpeg on PATH (apt-get install ffmpeg)")
        return animation.FFMpegWriter(fps=fps, codec="libx264" if ext != ".webm" else None,
                                      extra_args=["-pix_fmt", "yuv420p"] if ext != ".webm" else None)
    raise ValueError(f"{out}: unsupported animation format '{ext}'; use .gif or .mp4")


def ripple_animation(path, out, run: Optional[str] = None, layer: Optional[int] = None,
                     component: str = "magnitude", fps: int = 10, dpi: int = 80, vmax: Optional[float] = None,
                     title: Optional[str] = None) -> str:
    """Animate the ripple of an impulse run: one layer's displacement [um] frame by frame.

    Writes ``out`` as GIF (matplotlib PillowWriter, or imagemagick without python3-pil) or MP4
    (ffmpeg). The colour scale is fixed over the run (``vmax`` default: the run's maximum), so the
    front visibly spreads and fades. Returns ``out``.
    """
    from matplotlib import animation

    with fio.open(path) as f:
        model = f.model
        r = f.run(run)
    if r.num_frames == 0:
        raise ValueError(f"{path}: run '{r.name}' has no frames")
    nodes = layer_nodes(model, layer)
    xy = model.rest_positions[nodes, :2] * 1e3
    vals = _values(r.displacement[:, nodes], component) * 1e6
    vmax = float(np.nanmax(np.abs(vals))) if vmax is None else vmax
    vmax = vmax if vmax > 0 else 1.0
    vmin = 0.0 if component == "magnitude" else -vmax
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    tpc = ax.tripcolor(xy[:, 0], xy[:, 1], vals[0], shading="gouraud", cmap="magma", vmin=vmin, vmax=vmax)
    fig.colorbar(tpc, ax=ax, label=f"displacement {component} [um]")
    ax.set_aspect("equal")
    ax.set_xlabel("x [mm]")
    ax.set_ylabel("y [mm]")
    label = title or f"{r.name}"
    ttl = ax.set_title("")

    def draw(i):
        tpc.set_array(vals[i])
        ttl.set_text(f"{label}: t = {r.time[i] * 1e3:.2f} ms")
        return tpc, ttl

    anim = animation.FuncAnimation(fig, draw, frames=r.num_frames, blit=False)
    os.makedirs(os.path.dirname(os.path.abspath(str(out))), exist_ok=True)
    anim.save(str(out), writer=_writer(str(out), fps), dpi=dpi)
    plt.close(fig)
    return str(out)
