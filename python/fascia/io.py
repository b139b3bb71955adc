# SPDX-License-Identifier: MIT
"""Read fascia output files (docs/hdf5-schema.md) into numpy arrays, pandas and xarray.

Shapes and units (all SI)::

    model.rest_positions   (n_nodes, 3)            [m]
    model.masses           (n_nodes,)              [kg]
    model.layer_id         (n_nodes,)              int32: 0 muscle, l >= 1 dense layer l, -k loose layer k, 100 hypodermis, 101 skin
    run.time               (n_frames,)             [s]
    run.displacement       (n_frames, n_nodes, 3)  [m]
    run.velocity           (n_frames, n_nodes, 3)  [m/s]
    run.fields[name]       (n_frames, n_nodes)     per-node fields
    run.cell_fields[name]  (n_frames, n_cells)     per-cell fields (cells: model.cells)
    run.series[key]        (n_samples,)            scalar series; run.series["time"] [s]
    run.metrics[name]      float
    run.units[name]        str                     UCUM unit of every field, series key and metric

Units come from each dataset's ``units`` attribute, written by the writer (docs/hdf5-schema.md).
A file whose writer was killed opens normally; ``n_frames`` is the shortest of time,
displacement and velocity (the schema's rule). A run still being written opens too: every
reader here opens without HDF5's file lock and sees the frames flushed so far (open it again to see
newer ones); with h5py directly use ``h5py.File(path, "r", locking=False)``.
"""
from __future__ import annotations

import builtins
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import h5py
import numpy as np

__all__ = ["Model", "Run", "OutputFile", "open", "read_model", "read_run", "run_names", "comparison",
           "to_xarray"]


def _str(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


@dataclass
class Model:
    """The model of an output file (``/model``)."""

    rest_positions: np.ndarray  #: (n_nodes, 3) [m]
    masses: np.ndarray  #: (n_nodes,) [kg]
    layer_id: np.ndarray  #: (n_nodes,) int32
    elements: Dict[str, Dict[str, np.ndarray]] = field(default_factory=dict)  #: group -> {connectivity, params}
    attrs: Dict[str, object] = field(default_factory=dict)
    #: cells drawn by viewers, by type: {"hexahedron": (n, 8) int array, "tetrahedron": ..., "line": ...}
    cells: Dict[str, np.ndarray] = field(default_factory=dict)
    cell_layer_id: Optional[np.ndarray] = None  #: (n_cells,) layer of each cell, in file order

    @property
    def num_nodes(self) -> int:
        return len(self.masses)

    def __repr__(self) -> str:
        cells = ", ".join(f"{len(c)} {name}" for name, c in self.cells.items()) or "none"
        return (f"Model({self.num_nodes} nodes, layers {sorted(set(self.layer_id.tolist()))}, cells: {cells}, "
                f"element groups: {', '.join(self.elements) or 'none'})")


@dataclass
class Run:
    """One run (``/runs/<name>``) with its frames loaded as numpy arrays."""

    name: str
    protocol: str
    status: str
    message: str
    seed: int
    time: np.ndarray  #: (n_frames,) [s]
    displacement: np.ndarray  #: (n_frames, n_nodes, 3) [m]
    velocity: np.ndarray  #: (n_frames, n_nodes, 3) [m/s]
    fields: Dict[str, np.ndarray]  #: name -> (n_frames, n_nodes)
    series: Dict[str, np.ndarray]  #: key -> (n_samples,), including "time" [s]
    metrics: Dict[str, float]
    scenario: str = ""
    cell_fields: Dict[str, np.ndarray] = field(default_factory=dict)  #: name -> (n_frames, n_cells)
    units: Dict[str, str] = field(default_factory=dict)  #: UCUM unit of each field, series key, metric

    @property
    def num_frames(self) -> int:
        return len(self.time)

    def __repr__(self) -> str:
        span = f"t = {self.time[0]:.4g} .. {self.time[-1]:.4g} s" if self.num_frames else "no frames"
        metrics = ", ".join(f"{k}: {v:.4g}" for k, v in self.metrics.items())
        fields = ", ".join([*self.fields, *self.cell_fields]) or "none"
        return (f"Run({self.name!r}, protocol={self.protocol!r}, status={self.status!r}, "
                f"{self.num_frames} frames x {self.displacement.shape[1] if self.displacement.ndim == 3 else 0} nodes, "
                f"{span}, fields: {fields}, metrics: {{{metrics}}})")


# Reads a file the way this module's readers do, in a child process, before the user's interpreter
# touches it: first the readers themselves in the order `to_xarray` and `comparison` call them
# (libhdf5 can crash on the second access to a damaged object after the first raised an error, so
# the order matters), then every object: every group's members listed, every attribute read, every
# dataset read (whole up to 8 MiB; the first and last row of larger ones, which looks up their chunk
# index). A damaged file can make libhdf5 crash (a corrupted attribute or link table: SIGSEGV, or an
# abort in free()); in the child that costs an exit status instead of the user's interpreter. An
# error (an exception) on one object does not end the walk: a crash behind it must be seen too.
_WALK = """
import sys, h5py
from fascia import io
path = sys.argv[1]
def attempt(what):
    try:
        return what()
    except Exception:
        return None
f = h5py.File(path, "r", locking=False)
attempt(lambda: io._check(f, path))
names = attempt(lambda: list(f.get("runs", {}))) or []
attempt(lambda: io._read_model(f))
for name in names:
    attempt(lambda: io._read_run(f, name, frames=[0, -1]))
    attempt(lambda: io._read_run(f, name, frames=slice(0, 0)))
attempt(lambda: io._read_comparison(f, names))
f.close()
def walk(obj, seen):
    for k in attempt(lambda: list(obj.attrs)) or []:
        attempt(lambda: obj.attrs[k])
    if isinstance(obj, h5py.Dataset):
        if not obj.shape or obj.size * obj.dtype.itemsize <= 8 << 20:
            attempt(lambda: obj[()])
        else:
            attempt(lambda: (obj[0], obj[-1]))
        return
    for name in attempt(lambda: list(obj)) or []:
        child = attempt(lambda: obj[name])
        address = attempt(lambda: h5py.h5o.get_info(child.id).addr) if child is not None else None
        if child is not None and address not in seen:
            seen.add(address)
            walk(child, seen)
walk(h5py.File(path, "r", locking=False), set())
"""
_walked: Dict[tuple, bool] = {}


def _check_not_crashing(path: str) -> None:
    """Raise ValueError if reading ``path`` crashes libhdf5 (checked once per file version)."""
    try:
        st = os.stat(path)
    except OSError:
        return  # h5py reports a missing file itself
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    if key in _walked:
        return
    # A damaged global heap can make libhdf5 1.10.8 loop for ever (found by fuzz_output_file): the
    # walk gets a deadline, generous for the file's size (a minute plus 50 MB/s), or the CLI's
    # FASCIA_READ_DEADLINE_S seconds where that is set.
    try:
        deadline = float(os.environ.get("FASCIA_READ_DEADLINE_S", "0"))
    except ValueError:
        deadline = 0.0
    if not deadline > 0:
        deadline = 60 + st.st_size / 50e6
    # Whether libhdf5 crashes on a damaged file depends on what the memory it misreads holds (e.g. on
    # the length of the path: crash_114 crashed the walk for 10 of 13 path lengths, and the reader in
    # this process for others). glibc's malloc checks and perturbation make the misread memory hold
    # a fixed pattern, so the walk crashes for every length tried (13 of 13, each regression file).
    env = dict(os.environ, MALLOC_CHECK_="3", MALLOC_PERTURB_="165")
    try:
        r = subprocess.run([sys.executable, "-c", _WALK, path], capture_output=True, timeout=deadline, env=env)
    except subprocess.TimeoutExpired:
        raise ValueError(f"{path}: damaged HDF5 file: reading it did not finish in {deadline:.0f} s "
                         "(libhdf5 loops on some damaged files)") from None
    if r.returncode < 0:
        raise ValueError(f"{path}: damaged HDF5 file: reading it crashes libhdf5 (signal {-r.returncode}); "
                         "`fascia info` shows what is still readable")
    _walked[key] = True


def _check(f: h5py.File, path) -> None:
    if _str(f.attrs.get("format", "")) != "fascia-output":
        from fascia import InputError

        raise InputError(f"{path}: not a fascia output file (no format = 'fascia-output')")


# XDMF "Mixed" topology codes (docs/hdf5-schema.md "Cells"): name and nodes per cell.
_CELL_CODES = {9: ("hexahedron", 8), 8: ("wedge", 6), 6: ("tetrahedron", 4), 5: ("quadrilateral", 4),
               4: ("triangle", 3), 2: ("line", 2)}


def _split_cells(topology: np.ndarray) -> Dict[str, np.ndarray]:
    """/model/cells/topology (type code, [2 for lines], nodes...) -> {type: (n, nodes) array}."""
    out: Dict[str, list] = {}
    r = 0
    while r < len(topology):
        name, k = _CELL_CODES[int(topology[r])]
        r += 2 if name == "line" else 1
        out.setdefault(name, []).append(topology[r:r + k])
        r += k
    return {name: np.array(rows, dtype=np.int32) for name, rows in out.items()}


def _units(obj) -> str:
    """The writer's UCUM ``units`` attribute ("" when a file predates it)."""
    return _str(obj.attrs.get("units", ""))


def _read_model(f: h5py.File) -> Model:
    g = f["model"]
    elements = {}
    if "elements" in g:
        for name, eg in g["elements"].items():
            elements[name] = {k: eg[k][()] for k in eg}
    cells, cell_layer = {}, None
    if "cells" in g:
        cells = _split_cells(g["cells/topology"][()])
        cell_layer = g["cells/layer_id"][()]
    return Model(rest_positions=g["rest_positions"][()], masses=g["masses"][()], layer_id=g["layer_id"][()],
                 elements=elements, attrs={k: (_str(v) if isinstance(v, (str, bytes)) else v)
                                           for k, v in g.attrs.items()},
                 cells=cells, cell_layer_id=cell_layer)


def _read_run(f: h5py.File, name: str, frames=None) -> Run:
    if name not in f.get("runs", {}):
        raise ValueError(f"{f.filename}: no run '{name}'; runs: {', '.join(f.get('runs', {}))}")
    g = f["runs"][name]
    fr = g["frames"]
    n = min(len(g["time"]), len(fr["displacement"]), len(fr["velocity"]))
    t = g["time"][:n]
    while n and not np.isfinite(t[n - 1]):  # a frame whose time never reached the disk: not written
        n -= 1
    sel = slice(0, n) if frames is None else np.arange(n)[frames]
    fields = {k: fr[k][:n][sel] for k in fr if k not in ("displacement", "velocity")}
    cf = g.get("cell_frames", {})
    cell_fields = {k: cf[k][:n][sel] for k in cf}
    units = {k: _units(fr[k]) for k in fr}
    units.update({k: _units(cf[k]) for k in cf})
    series = {}
    if "series" in g:
        series = {k: g["series"][k][()] for k in g["series"]}
        units.update({k: _units(g["series"][k]) for k in g["series"] if k != "time"})
    metrics = {}
    if "metrics" in g:
        metrics = {k: float(g["metrics"][k][()]) for k in g["metrics"]}
        units.update({k: _units(g["metrics"][k]) for k in g["metrics"]})
    return Run(name=name, protocol=_str(g.attrs.get("protocol", "")), status=_str(g.attrs.get("status", "")),
               message=_str(g.attrs.get("message", "")), seed=int(g.attrs.get("seed", 0)),
               time=g["time"][:n][sel], displacement=fr["displacement"][:n][sel],
               velocity=fr["velocity"][:n][sel], fields=fields, series=series, metrics=metrics,
               scenario=_str(g.attrs.get("scenario", "")), cell_fields=cell_fields, units=units)


def _open_h5(path: str) -> h5py.File:
    """Opens read-only without HDF5's file lock, so a run still being written opens too (as of its
    last flushed frame); a missing or non-HDF5 file raises an error naming the path."""
    from fascia import InputError

    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a fascia output file")
    if not h5py.is_hdf5(path):
        raise InputError(f"{path}: not an HDF5 file (empty, truncated or another format)")
    _check_not_crashing(path)
    for attempt in range(5):
        try:
            return h5py.File(path, "r", locking=False)
        except OSError as e:
            if "truncated file" in str(e):
                # libhdf5 can open it (fascia's C++ readers do, docs/hdf5-schema.md); h5py offers no way.
                raise InputError(f"{path}: shorter than its superblock says (h5py cannot open it). If a run "
                                 "was killed in the middle of a flush, `fascia info` reads it and `fascia run "
                                 "SCENARIO -o FILE --resume` continues the run and makes the file whole; a file "
                                 "cut short otherwise is refused there too") from None
            # A live writer may be in the middle of a flush: its metadata is consistent again
            # within milliseconds.
            if attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))


def _file_state(path: str):
    """Size and modification time: a file that changed since it was opened is read again."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class OutputFile:
    """An open output file. Use as a context manager::

        with fascia.io.open("out/tap.h5") as f:
            u = f.run("tap").displacement      # (n_frames, n_nodes, 3) [m]
    """

    def __init__(self, path):
        self.path = os.fsdecode(path)
        self._open()
        try:
            _check(self._f, self.path)
        except Exception:
            self._f.close()
            raise

    def _open(self) -> None:
        self._opened_state = _file_state(self.path)
        self._f = _open_h5(self.path)

    def __enter__(self):
        return self

    def __repr__(self) -> str:
        state = "closed" if not self._f else ", ".join(self.runs) or "no runs"
        return f"fascia.io.OutputFile({self.path!r}: {state})"

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._f.close()

    def _read(self, read):
        """``read(h5file)``. A run still writing the file can be met in the middle of a flush, when
        what is on disk is part old, part new, and h5py raises: then the file is opened again and
        the read tried again (for up to about a second), while a run writes it or when it changed
        since it was opened. A damaged file no run writes raises at once."""
        from fascia import held_by_a_writer

        for attempt in range(10):
            try:
                return read(self._f)
            except (RuntimeError, OSError):
                changed = _file_state(self.path) != self._opened_state
                if attempt == 9 or not (changed or held_by_a_writer(self.path)):
                    raise
                time.sleep(0.02 * (attempt + 1))
                self._f.close()
                self._open()

    @property
    def h5(self) -> h5py.File:
        """The underlying h5py.File."""
        return self._f

    @property
    def attrs(self) -> Dict[str, object]:
        """Root attributes (fascia_version, git_revision, created, units, scenario...)."""
        return {k: (_str(v) if isinstance(v, (str, bytes)) else v) for k, v in self._f.attrs.items()}

    @property
    def runs(self) -> List[str]:
        """Run names in the order they were written."""
        return self._read(lambda f: list(f.get("runs", {})))

    @property
    def model(self) -> Model:
        return self._read(_read_model)

    def run(self, name: Optional[str] = None, frames=None) -> Run:
        """Load run ``name`` (default: the only/first run); ``frames`` selects frames (slice/indices)."""
        if name is None:
            if not self.runs:
                raise ValueError(f"{self.path}: no runs")
            name = self.runs[0]
        return self._read(lambda f: _read_run(f, name, frames))

    def comparison(self):
        return comparison(self.path)


def open(path) -> OutputFile:  # noqa: A001 - fascia.io.open mirrors h5py.File / builtins.open
    """Open an output file for reading (works on a killed run's file too)."""
    return OutputFile(path)


def run_names(path) -> List[str]:
    with OutputFile(path) as f:
        return f.runs


def read_model(path) -> Model:
    with OutputFile(path) as f:
        return f.model


def read_run(path, run: Optional[str] = None, frames=None) -> Run:
    """Load one run of ``path`` into numpy arrays (see the module docstring for shapes/units)."""
    with OutputFile(path) as f:
        return f.run(run, frames)


def _read_comparison(h: h5py.File, names: List[str]) -> Dict[str, Dict[str, object]]:
    """The rows of `comparison`: each run's protocol, status and metrics, then /comparison's table."""
    rows = {}
    for name in names:
        g = h["runs"][name]
        row = {"protocol": _str(g.attrs.get("protocol", "")), "status": _str(g.attrs.get("status", ""))}
        if "metrics" in g:
            row.update({k: float(g["metrics"][k][()]) for k in g["metrics"]})
        rows[name] = row
    if "comparison" in h:
        runs = [_str(x) for x in h["comparison/runs"][()]]
        metrics = [_str(x) for x in h["comparison/metrics"][()]]
        table = h["comparison/table"][()]
        for i, r in enumerate(runs):
            rows.setdefault(r, {}).update({m: float(table[i, j]) for j, m in enumerate(metrics)})
    return rows


def comparison(path):
    """The file's comparison table as a pandas DataFrame (index = run, columns = metrics, NaN = n/a).

    Built from ``/comparison`` when present, else from each run's metrics; adds ``protocol`` and
    ``status`` columns.
    """
    import pandas as pd

    with OutputFile(path) as f:
        rows = _read_comparison(f.h5, f.runs)
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "run"
    return df


def to_xarray(path, run: Optional[str] = None):
    """One run as an :class:`xarray.Dataset`.

    Dimensions ``time`` (n_frames), ``node`` (n_nodes), ``component`` (x, y, z). Variables:
    ``displacement`` [m] and ``velocity`` [m/s] (time, node, component); per-node fields
    (time, node); coordinates ``rest_position`` [m] (node, component), ``mass`` [kg] and
    ``layer_id`` (node). Metrics, status and protocol are attributes; every variable has a
    ``units`` attribute. Series (sampled on their own time axis) are in variables
    ``series_<key>`` with dimension ``series_time``.
    """
    import xarray as xr

    with OutputFile(path) as f:
        model = f.model
        r = f.run(run)
    comp = ["x", "y", "z"]
    coords = {
        "time": ("time", r.time, {"units": "s", "long_name": "simulation time"}),
        "node": ("node", np.arange(model.num_nodes)),
        "component": ("component", comp),
        "rest_position": (("node", "component"), model.rest_positions, {"units": "m"}),
        "mass": ("node", model.masses, {"units": "kg"}),
        "layer_id": ("node", model.layer_id, {"units": "1",
                                             "description": "0 muscle, l>=1 dense layer l, -k loose layer k, 100 hypodermis, 101 skin"}),
    }
    data = {
        "displacement": (("time", "node", "component"), r.displacement, {"units": "m"}),
        "velocity": (("time", "node", "component"), r.velocity, {"units": "m/s"}),
    }
    for k, v in r.fields.items():
        data[k] = (("time", "node"), v, {"units": r.units.get(k, "")})
    for k, v in r.cell_fields.items():
        data[k] = (("time", "cell"), v, {"units": r.units.get(k, "")})
    if model.cell_layer_id is not None:
        coords["cell_layer_id"] = ("cell", model.cell_layer_id, {"units": "1"})
    if "time" in r.series:
        coords["series_time"] = ("series_time", r.series["time"], {"units": "s"})
        for k, v in r.series.items():
            if k != "time":
                data["series_" + k] = (("series_time",), v, {"units": r.units.get(k, "")})
    attrs = {"run": r.name, "protocol": r.protocol, "status": r.status, "message": r.message, "seed": r.seed,
             "source_file": str(path), "units": "SI"}
    attrs.update({"metric_" + k: v for k, v in r.metrics.items()})
    attrs.update({"metric_" + k + "_units": r.units.get(k, "") for k in r.metrics})
    return xr.Dataset(data_vars=data, coords=coords, attrs=attrs)


_ = builtins  # builtins.open stays reachable as fascia.io.builtins.open
