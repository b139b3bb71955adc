# SPDX-License-Identifier: MIT
"""Plots and ripple animations of fascia output files (matplotlib, Agg backend).

Every function takes an output-file path (or, for bar charts, a DataFrame) and returns the
matplotlib object it drew on, so notebooks can tweak it. Conventions (docs/python.md, with a
picture of each function):

* Lengths in millimetres, displacements in micrometres (µm), written with the micro sign.
* Times in the unit that fits the run (µs, ms or s; :func:`time_unit`) with the fewest decimals
  that still tell every frame apart (:func:`time_label`).
* Colour maps that read in greyscale and for colour-blind viewers: ``viridis`` for magnitudes,
  ``cividis`` (dark = negative, light = positive) for signed components.
* One y axis per unit: :func:`time_series` never puts a force and an energy on one axis.
"""
from __future__ import annotations

import os
from typing import Iterable, List, Optional, Sequence, Tuple

import matplotlib

if os.environ.get("MPLBACKEND") is None and matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import io as fio  # noqa: E402

__all__ = ["comparison_bars", "time_series", "displacement_field", "ripple_frames", "ripple_animation",
           "layer_nodes", "time_unit", "time_label", "unit_of", "MAGNITUDE_CMAP", "SIGNED_CMAP"]

#: Colour map of magnitudes (perceptually uniform, monotone lightness: reads in greyscale).
MAGNITUDE_CMAP = "viridis"
#: Colour map of signed values: cividis is monotone in lightness (greyscale-safe) and designed for
#: colour-vision deficiency; symmetric limits put zero in the middle.
SIGNED_CMAP = "cividis"

MICRO = "\u00b5"


# ---------------------------------------------------------------------------------------------
# Units and labels

def time_unit(times) -> Tuple[float, str]:
    """The unit that fits a run lasting up to ``max(times)`` seconds: (factor [s], name).

    Below 1 ms: µs; below 1 s: ms; else s. The same rule as the pages of ``fascia view``.
    """
    t = np.asarray(times, dtype=float)
    end = float(np.nanmax(np.abs(t))) if t.size else 0.0
    if end < 1e-3:
        return 1e-6, MICRO + "s"
    if end < 1.0:
        return 1e-3, "ms"
    return 1.0, "s"


def _decimals(times, factor: float) -> int:
    """Fewest decimals (0-6) at which consecutive distinct times read differently."""
    t = np.unique(np.asarray(times, dtype=float))
    for d in range(7):
        text = [f"{x / factor:.{d}f}" for x in t]
        if all(a != b for a, b in zip(text, text[1:])):
            return d
    return 6


def time_label(t: float, times=None) -> str:
    """``"t = 12 µs"``: ``t`` [s] in the unit that fits ``times`` (default: ``[t]``), with enough
    decimals to tell the frames of ``times`` apart."""
    times = [t] if times is None else times
    factor, name = time_unit(times)
    return f"t = {t / factor:.{_decimals(times, factor)}f} {name}"


_SUFFIX_UNITS = [("_pa_s", "Pa s"), ("_m_s", "m/s"), ("_m3", "m³"), ("_kg", "kg"), ("_pa", "Pa"), ("_hz", "Hz"),
                 ("_j", "J"), ("_n", "N"), ("_s", "s"), ("_m", "m")]


def unit_of(key: str) -> str:
    """SI unit of a series, field or metric name from its suffix (``force_n`` -> ``N``); ``"1"`` if none."""
    for suffix, unit in _SUFFIX_UNITS:
        if key.endswith(suffix):
            return unit
    return "1"


_PREFIXES = [(1e-12, "p"), (1e-9, "n"), (1e-6, MICRO), (1e-3, "m"), (1.0, ""), (1e3, "k"), (1e6, "M"), (1e9, "G")]


def _prefixed(unit: str, values) -> Tuple[float, str]:
    """(factor, unit with an SI prefix) so that the largest value reads between 1 and 1000."""
    v = np.asarray(values, dtype=float)
    big = float(np.nanmax(np.abs(v))) if v.size and np.isfinite(v).any() else 0.0
    if unit in ("1", "m³", "Pa s") or big == 0.0:
        return 1.0, unit
    factor, prefix = _PREFIXES[4]
    for f, p in _PREFIXES:
        if big >= f * 0.9999:
            factor, prefix = f, p
    return factor, prefix + unit


def _quantity(key: str) -> str:
    for suffix, _ in _SUFFIX_UNITS:
        if key.endswith(suffix):
            return key[: -len(suffix)].replace("_", " ")
    return key.replace("_", " ")


# ---------------------------------------------------------------------------------------------
# Bars and series

def comparison_bars(table, metrics: Optional[Sequence[str]] = None, ax=None, log: bool = False):
    """Bar chart of metrics per run, one panel per metric with its unit.

    ``table``: a DataFrame indexed by run (``fascia.io.comparison(path)``, ``fascia.compare(...)``) or
    an output-file path. ``metrics``: columns to show (default: numeric columns with a non-zero
    value). Metrics that are NaN or zero for every run are left out, so no panel is empty. Every
    panel has the same run labels on its x axis and its values in an SI prefix that fits (µJ,
    µm). Returns the figure (or ``ax.figure`` when ``ax`` is given, all metrics on it).
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        table = fio.comparison(table)
    numeric = table.select_dtypes("number")
    metrics = list(metrics) if metrics is not None else list(numeric.columns)
    metrics = [m for m in metrics if m in numeric and numeric[m].notna().any() and (numeric[m].fillna(0) != 0).any()]
    if not metrics:
        raise ValueError("no metric with a non-zero value to plot; columns: " + ", ".join(map(str, table.columns)))
    if ax is not None:
        numeric[metrics].plot.bar(ax=ax, logy=log)
        return ax.figure
    cols = min(len(metrics), 3)
    rows = (len(metrics) + cols - 1) // cols
    labels = [str(i) for i in numeric.index]
    tall = 1.0 + 0.07 * max(len(t) for t in labels)  # room for the rotated run labels
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, (2.2 + tall) * rows), squeeze=False)
    for a, m in zip(axes.flat, metrics):
        vals = numeric[m].values.astype(float)
        scale, unit = _prefixed(unit_of(m), vals) if not log else (1.0, unit_of(m))
        x = np.arange(len(labels))
        a.bar(x, vals / scale, color="#3b528b")
        a.set_xticks(x, labels)
        a.set_xlim(-0.6, len(labels) - 0.4)  # every run keeps its place, also where the metric is n/a
        for i in np.flatnonzero(~np.isfinite(vals)):
            a.text(i, 0, "n/a", ha="center", va="bottom", fontsize=7, color="0.4")
        a.set_title(_quantity(m) + ("" if unit == "1" else f" [{unit}]"), fontsize=9)
        if log:
            a.set_yscale("log")
        a.tick_params(axis="x", labelrotation=60, labelsize=8)
        for t in a.get_xticklabels():
            t.set_horizontalalignment("right")
            t.set_rotation_mode("anchor")
    for a in list(axes.flat)[len(metrics):]:
        a.set_visible(False)
    fig.tight_layout()
    return fig


def time_series(path, run: Optional[str] = None, keys: Optional[Iterable[str]] = None, ax=None):
    """Plot scalar series of a run (``/runs/<run>/series``) against time, one axis per unit.

    Keys with the same unit (``work_input_j`` and ``stored_energy_j``) share an axis; a force and
    an energy get separate axes stacked over one time axis in the unit that fits the run, each axis
    in an SI prefix that fits its values (µJ, mN, ...). ``ax``:
    one axis or a sequence with one per unit. Returns the list of axes (bottom last).
    """
    r = fio.read_run(path, run, frames=slice(0, 0))
    t = r.series.get("time")
    if t is None:
        raise ValueError(f"{path}: run '{r.name}' has no series")
    keys = [k for k in (keys or r.series) if k != "time"]
    for k in keys:
        if k not in r.series:
            raise ValueError(f"series '{k}' not in run '{r.name}'; available: {', '.join(r.series)}")
    units: List[str] = []
    for k in keys:
        if unit_of(k) not in units:
            units.append(unit_of(k))
    if ax is None:
        fig, axes = plt.subplots(len(units), 1, figsize=(6.4, 1.2 + 1.9 * len(units)), sharex=True, squeeze=False)
        axes = list(axes[:, 0])
    else:
        axes = list(np.atleast_1d(ax))
        if len(axes) != len(units):
            raise ValueError(f"the keys have {len(units)} units ({', '.join(units)}); pass that many axes")
    factor, tname = time_unit(t)
    for a, unit in zip(axes, units):
        mine = [k for k in keys if unit_of(k) == unit]
        scale, shown = _prefixed(unit, np.concatenate([r.series[k] for k in mine]))
        for k in mine:
            a.plot(t / factor, r.series[k] / scale, label=_quantity(k))
        a.set_ylabel("–" if unit == "1" else f"[{shown}]")
        a.legend(fontsize=8, loc="best")
        a.grid(alpha=0.3)
    axes[-1].set_xlabel(f"time [{tname}]")
    axes[0].set_title(f"{r.name} ({r.protocol})")
    return axes


# ---------------------------------------------------------------------------------------------
# Fields on a layer

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


def _label(component: str) -> str:
    return f"|u| [{MICRO}m]" if component == "magnitude" else f"u_{component} [{MICRO}m]"


def _limits(component: str, vals, vmax):
    vmax = float(np.nanmax(np.abs(vals))) if vmax is None else float(vmax)
    vmax = vmax if vmax > 0 else 1.0
    if component == "magnitude":
        return MAGNITUDE_CMAP, 0.0, vmax
    return SIGNED_CMAP, -vmax, vmax


def displacement_field(path, run: Optional[str] = None, frame: int = -1, layer: Optional[int] = None,
                       component: str = "magnitude", ax=None, vmax: Optional[float] = None):
    """Colour map of one layer's displacement [µm] at one frame, on the rest positions [mm].

    ``layer`` is a layer_id (default: top dense layer; a sheet has one layer), ``component`` one of
    x, y, z or magnitude (viridis from 0; signed components in cividis, symmetric about 0).
    The title gives the frame's time in the run's unit. Returns the axes.
    """
    with fio.open(path) as f:
        model = f.model
        r = f.run(run)
    nodes = layer_nodes(model, layer)
    xy = model.rest_positions[nodes, :2] * 1e3
    vals = _values(r.displacement[frame][nodes], component) * 1e6
    cmap, lo, hi = _limits(component, vals, vmax)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4))
    tpc = ax.tripcolor(xy[:, 0], xy[:, 1], vals, shading="gouraud", cmap=cmap, vmin=lo, vmax=hi)
    ax.figure.colorbar(tpc, ax=ax, label=_label(component))
    ax.set_aspect("equal")
    ax.set_xlabel("x [mm]")
    ax.set_ylabel("y [mm]")
    ax.set_title(f"{r.name}: {time_label(r.time[frame], r.time)}")
    return ax


def _front_frames(model: fio.Model, r: fio.Run, nodes: np.ndarray, count: int) -> List[int]:
    """``count`` frames from the pulse (its first frame with a tenth of the run's largest
    displacement) until the front nears the closest edge.

    The front is the farthest node, from the loaded patch (the node that moves most in the first
    frame where anything moves), displaced by more than 10 % of that frame's largest displacement;
    frames after it passes 80 % of the distance to the closest edge are left out (their ring has
    reached the edge and reflections mix in).
    """
    xy = model.rest_positions[nodes, :2]
    mag = np.linalg.norm(r.displacement[:, nodes], axis=2)
    moving = np.flatnonzero(mag.max(axis=1) > 0)
    if moving.size == 0:
        return [r.num_frames - 1]
    centre = xy[int(np.argmax(mag[moving[0]]))]
    dist = np.linalg.norm(xy - centre, axis=1)
    edge = min(centre[0] - xy[:, 0].min(), xy[:, 0].max() - centre[0], centre[1] - xy[:, 1].min(),
               xy[:, 1].max() - centre[1])
    usable = []
    for i, m in enumerate(mag):
        if m.max() < 0.1 * mag.max():  # the pulse still building up: nothing to see yet
            continue
        front = dist[m > 0.1 * m.max()].max()
        if front > 0.8 * edge and usable:
            break
        usable.append(i)
    usable = usable or [r.num_frames - 1]
    picks = np.linspace(0, len(usable) - 1, min(count, len(usable))).round().astype(int)
    return [usable[i] for i in picks]


def _layer_run(path, run, layer):
    """(model, run, the layer's top-plane nodes, their x-y rest positions [mm]) of a run with frames."""
    with fio.open(path) as f:
        model = f.model
        r = f.run(run)
    if r.num_frames == 0:
        raise ValueError(f"{path}: run '{r.name}' has no frames")
    nodes = layer_nodes(model, layer)
    return model, r, nodes, model.rest_positions[nodes, :2] * 1e3


def ripple_frames(path, run: Optional[str] = None, count: int = 4, layer: Optional[int] = None,
                  component: str = "magnitude", frames: Optional[Sequence[int]] = None):
    """A row of ``count`` snapshots of an impulse run while its front is visible.

    Frames run from the pulse until the ring nears the closest edge (after that, reflections blur
    it); ``frames`` picks them by index instead. One colour scale for the row. Returns the figure.
    """
    model, r, nodes, xy = _layer_run(path, run, layer)
    frames = list(frames) if frames is not None else _front_frames(model, r, nodes, count)
    vals = _values(r.displacement[frames][:, nodes], component) * 1e6
    cmap, lo, hi = _limits(component, vals, None)
    fig, axes = plt.subplots(1, len(frames), figsize=(3.0 * len(frames) + 0.8, 3.2), squeeze=False,
                             sharey=True, constrained_layout=True)
    for a, i, v in zip(axes[0], frames, vals):
        tpc = a.tripcolor(xy[:, 0], xy[:, 1], v, shading="gouraud", cmap=cmap, vmin=lo, vmax=hi)
        a.set_aspect("equal")
        a.set_title(time_label(r.time[i], r.time), fontsize=10)
        a.set_xlabel("x [mm]")
    axes[0][0].set_ylabel("y [mm]")
    fig.colorbar(tpc, ax=axes[0].tolist(), label=_label(component), shrink=0.9)
    return fig


# ---------------------------------------------------------------------------------------------
# Animation

def _palette_gif(fig, draw, n_frames: int, out: str, fps: int, dpi: int, cmap) -> None:
    """Writes a GIF whose palette holds the colour map's 224 colours and 32 greys, so that the
    colours of the field are not re-quantised frame by frame (no banding)."""
    from PIL import Image

    lut = (np.asarray(matplotlib.colormaps[cmap](np.linspace(0, 1, 224)))[:, :3] * 255).round().astype(np.uint8)
    grey = np.repeat(np.linspace(0, 255, 32).round().astype(np.uint8)[:, None], 3, axis=1)
    palette = Image.new("P", (1, 1))
    palette.putpalette(np.concatenate([lut, grey]).ravel().tolist())
    fig.set_dpi(dpi)
    images = []
    for i in range(n_frames):
        draw(i)
        fig.canvas.draw()
        rgb = Image.frombuffer("RGBA", fig.canvas.get_width_height(), fig.canvas.buffer_rgba()).convert("RGB")
        images.append(rgb.quantize(palette=palette, dither=Image.Dither.NONE))
    images[0].save(out, save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0, optimize=False)


def ripple_animation(path, out, run: Optional[str] = None, layer: Optional[int] = None,
                     component: str = "magnitude", fps: int = 10, dpi: int = 80, vmax: Optional[float] = None,
                     title: Optional[str] = None) -> str:
    """Animate the ripple of an impulse run: one layer's displacement [µm] frame by frame.

    Writes ``out`` as GIF (Pillow, with a palette made of the colour map, so no banding) or MP4
    (ffmpeg). The colour scale is fixed over the run (``vmax`` default: the run's maximum), so the
    front visibly spreads and fades; frame titles give the time in the run's unit with enough
    digits to tell frames apart. Returns ``out``.
    """
    from matplotlib import animation

    ext = os.path.splitext(str(out))[1].lower()
    if ext not in (".gif", ".mp4", ".m4v", ".mkv", ".webm"):
        raise ValueError(f"{out}: unsupported animation format '{ext}'; use .gif or .mp4")
    _, r, nodes, xy = _layer_run(path, run, layer)
    vals = _values(r.displacement[:, nodes], component) * 1e6
    cmap, lo, hi = _limits(component, vals, vmax)
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    tpc = ax.tripcolor(xy[:, 0], xy[:, 1], vals[0], shading="gouraud", cmap=cmap, vmin=lo, vmax=hi)
    fig.colorbar(tpc, ax=ax, label=_label(component))
    ax.set_aspect("equal")
    ax.set_xlabel("x [mm]")
    ax.set_ylabel("y [mm]")
    label = title or f"{r.name}"
    ttl = ax.set_title("")

    def draw(i):
        tpc.set_array(vals[i])
        ttl.set_text(f"{label}: {time_label(r.time[i], r.time)}")
        return tpc, ttl

    os.makedirs(os.path.dirname(os.path.abspath(str(out))), exist_ok=True)
    try:
        if ext == ".gif":
            _palette_gif(fig, draw, r.num_frames, str(out), fps, dpi, cmap)
        else:
            if not animation.FFMpegWriter.isAvailable():
                raise RuntimeError("writing a video needs ffmpeg on PATH (apt-get install ffmpeg)")
            writer = animation.FFMpegWriter(fps=fps, codec="libx264" if ext != ".webm" else None,
                                            extra_args=["-pix_fmt", "yuv420p"] if ext != ".webm" else None)
            animation.FuncAnimation(fig, draw, frames=r.num_frames, blit=False).save(str(out), writer=writer, dpi=dpi)
    finally:
        plt.close(fig)
    return str(out)

