# SPDX-License-Identifier: MIT
"""Parameter sweeps over any scenario key, on a local process pool or a Dask cluster.

A sweep is a base scenario (TOML) and a list of *points*, each a dict {key path: value}, e.g.
``{"tissue.water": 0.6, "protocol.tap.force_n": 0.3}``. The special key ``"protocol"`` selects
which protocol(s) of the scenario a point runs (a name or a list of names), so a grid can cross
compositions with protocols. Each point is the base TOML with those keys replaced, parsed by the
C++ parser (a bad key raises ``ValueError`` naming it, before anything runs), and run with
``fascia.run`` into its own HDF5 file.

Results:

* ``<output>.h5`` (HDF5, format "fascia-sweep"): ``/points/<id>`` per finished point with attributes
  ``params`` (JSON), ``seed``, ``fascia_version``, ``git_revision``, ``status`` (``complete``,
  ``diverged``, ``incomplete`` or ``error``), ``message``, ``file`` (its run file, relative to the
  sweep file), ``scenario`` (the TOML run) and a group ``runs/<run>`` per protocol run with attributes
  ``protocol``, ``status``, ``message`` and scalar datasets ``metrics/<metric>``.
* a tidy pandas table (:func:`load_table`), one row per (point, run): ``point``, one column per swept
  key (named by the key, holding its value), ``run``, ``protocol_kind``, ``status``, ``message``,
  ``seed``, ``fascia_version``, ``point_status``, then one column per metric (SI, unit in the name;
  NaN where it does not apply). Also written as ``<output>.csv``; the same bytes whatever ran it.
* for a sampled design (:func:`latin_hypercube` aside: :func:`sobol`, :func:`morris`) ``/design``
  (method, keys, parameters, options, unit-cube matrix ``unit``), and after :func:`analyze`
  ``/sensitivity`` (Sobol or Morris indices with bootstrap intervals, :mod:`fascia.sensitivity`).

Execution: points run in parallel on a ``concurrent.futures`` process pool using the **spawn** start
method (forking a process that has run OpenMP hangs), or on a ``dask.distributed.Client`` when one
is passed. Each simulation uses ``threads_per_run`` OpenMP threads (default 1: the parallelism is
across points, and results do not depend on it). Only the calling process writes the sweep file,
after every finished point, so an interrupted sweep resumes: points already in the file are skipped.

Sharding: ``shard=(i, n)`` keeps the points whose index ``% n == i`` (0-based), for SLURM job arrays
(``python3 -m fascia sweep SWEEP.toml --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT``); combine
the shard files with :func:`merge` (``python3 -m fascia merge``).
"""
from __future__ import annotations

import concurrent.futures as cf
import itertools
import json
import math
import multiprocessing as mp
import os
import time
import tomllib
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from . import _core
from ._keys import with_overrides

__all__ = ["grid", "latin_hypercube", "sobol", "morris", "Factor", "Design", "run_sweep", "load_table", "merge",
           "load_sweep_file", "load_design", "analyze", "load_sensitivity", "sensitivity_to_xarray",
           "SweepDefinition", "run_point", "FINISHED"]

FINISHED = ("complete", "diverged", "incomplete", "error")
_FORMAT = "fascia-sweep"


# ----------------------------------------------------------------------------------- designs

class Factor:
    """One swept key of a sampled design (Latin hypercube, Sobol, Morris) and how a unit-cube
    coordinate u in [0, 1] maps onto its values. Written in a design as:

    * ``[min, max]`` — uniform on the range; integers when both bounds are integers (each integer of
      the range equally likely);
    * ``{min = .., max = .., scale = "log"}`` — log-uniform (``min > 0``), for parameters known only to
      an order of magnitude; ``scale = "linear"`` is the default;
    * ``{choices = [...]}`` or a list that is not two numbers — one of the values, equally likely.
    """

    def __init__(self, key: str, spec: Any):
        self.key, self.spec = key, spec
        self.choices: Optional[list] = None
        self.log = self.integer = False
        bounds = None
        if isinstance(spec, Mapping) and set(spec) == {"choices"}:
            spec = spec["choices"]
        elif isinstance(spec, Mapping):
            if set(spec) - {"min", "max", "scale"} or "min" not in spec or "max" not in spec:
                raise _core.InputError(f"{key}: a range table needs min and max (and optionally scale), "
                                       f"got {dict(spec)!r}")
            scale = spec.get("scale", "linear")
            if scale not in ("linear", "log"):
                raise _core.InputError(f"{key}: scale \"{scale}\" is not allowed; allowed: \"linear\", \"log\"")
            self.log = scale == "log"
            bounds = (spec["min"], spec["max"])
            if not _is_range(bounds):
                raise _core.InputError(f"{key}: min and max must be numbers, got {list(bounds)}")
        elif _is_range(spec):
            bounds = tuple(spec)
        if bounds is not None:
            lo, hi = bounds
            if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
                raise _core.InputError(f"{key}: range must be [min, max] with min <= max, got {list(bounds)}")
            if self.log and not lo > 0:
                raise _core.InputError(f"{key}: a log scale needs min > 0, got {lo}")
            self.lo, self.hi = lo, hi
            self.integer = isinstance(lo, int) and isinstance(hi, int) and not self.log
        elif isinstance(spec, (list, tuple)) and spec:
            self.choices = list(spec)
        else:
            raise _core.InputError(f"{key}: expected [min, max], {{min, max, scale}} or a list of choices, "
                                   f"got {spec!r}")

    def value(self, u: float) -> Any:
        """The key's value at unit-cube coordinate ``u``."""
        u = min(max(float(u), 0.0), 1.0)
        if self.choices is not None:
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        if self.integer:
            return min(self.lo + int(u * (self.hi - self.lo + 1)), self.hi)
        if self.log:
            return float(self.lo * (self.hi / self.lo) ** u)
        return float(self.lo + u * (self.hi - self.lo))


def _is_range(r) -> bool:
    return (isinstance(r, (list, tuple)) and len(r) == 2 and all(isinstance(x, (int, float)) for x in r)
            and not any(isinstance(x, bool) for x in r))


class Design(list):
    """The points of a sampled design (a list of dicts, like :func:`grid`) that also remembers the
    unit-cube matrix it came from (``unit``, one row per point, one column per factor in ``keys``),
    its ``method`` and ``options``: :func:`run_sweep` stores them in the sweep file (``/design``) so
    that :func:`analyze` can compute sensitivity indices from the file alone (also after a merge)."""

    def __init__(self, points, method: str, keys: Sequence[str], unit: np.ndarray, parameters: Mapping[str, Any],
                 options: Mapping[str, Any]):
        super().__init__(points)
        self.method, self.keys, self.unit = method, list(keys), np.asarray(unit, dtype=float)
        self.parameters, self.options = dict(parameters), dict(options)


def _is_fixed(key: str, value: Any) -> bool:
    """``protocol`` (which runs every point makes) and single values (not a range, table or list)
    are the same at every point of a Sobol/Morris design, e.g. ``"geometry.seed" = 2`` for a replicate."""
    return key == "protocol" or not isinstance(value, (Mapping, list, tuple))


def _factors(parameters: Mapping[str, Any]) -> Tuple[List[Factor], Dict[str, Any]]:
    """Factors of a Sobol/Morris design, and the fixed part (:func:`_is_fixed`)."""
    fixed = {k: v for k, v in parameters.items() if _is_fixed(k, v)}
    factors = [Factor(k, v) for k, v in parameters.items() if not _is_fixed(k, v)]
    if not factors:
        raise _core.InputError("parameters: a sampled design needs at least one key with a range or choices")
    return factors, fixed


def _design(method: str, parameters: Mapping[str, Any], unit: np.ndarray, options: Mapping[str, Any]) -> Design:
    factors, fixed = _factors(parameters)
    points = [{**{f.key: f.value(u) for f, u in zip(factors, row)}, **fixed} for row in unit]
    return Design(points, method, [f.key for f in factors], unit, parameters, options)


def grid(parameters: Mapping[str, Sequence[Any]]) -> List[Dict[str, Any]]:
    """Full factorial grid: every combination of the values, last key varying fastest.

    >>> grid({"tissue.water": [0.6, 0.7], "protocol": ["tap"]})
    [{'tissue.water': 0.6, 'protocol': 'tap'}, {'tissue.water': 0.7, 'protocol': 'tap'}]
    """
    keys = list(parameters)
    for k in keys:
        if isinstance(parameters[k], (str, bytes)) or not isinstance(parameters[k], Iterable):
            raise _core.InputError(f"{k}: a grid needs a list of values, got {parameters[k]!r}")
    values = [list(parameters[k]) for k in keys]
    for k, v in zip(keys, values):
        if not v:
            raise _core.InputError(f"{k}: empty list of values")
    return [dict(zip(keys, combo)) for combo in itertools.product(*values)]


def latin_hypercube(ranges: Mapping[str, Any], samples: int, seed: int = 0) -> List[Dict[str, Any]]:
    """Latin-hypercube design: ``samples`` points, each range cut in ``samples`` equal strata with
    exactly one point per stratum and key (numpy ``default_rng(seed)``, so reproducible).

    Ranges are written as for :class:`Factor` (``[min, max]``, integers, ``{min, max, scale = "log"}``);
    a key mapped to a list of choices is cycled through, e.g. ``{"protocol": ["a", "b"]}``.
    """
    if int(samples) < 1:
        raise _core.InputError(f"samples: value {samples} must be >= 1")
    n = int(samples)
    rng = np.random.default_rng(seed)
    cols: Dict[str, list] = {}
    for k, r in ranges.items():
        f = Factor(k, r)
        if f.choices is not None:
            cols[k] = [f.choices[i % len(f.choices)] for i in range(n)]
        else:
            u = (rng.permutation(n) + rng.random(n)) / n
            cols[k] = [f.value(x) for x in u]
    return [{k: cols[k][i] for k in ranges} for i in range(n)]


def sobol(parameters: Mapping[str, Any], samples: int, seed: int = 0) -> Design:
    """Saltelli design for first-order and total Sobol indices: ``samples`` (N, a power of two)
    base rows of a scrambled Sobol' sequence, N (k + 2) points for k factors
    (:func:`fascia.sensitivity.saltelli_design`). ``parameters`` as for :class:`Factor`; the key
    ``protocol`` and single values are applied to every point, not sampled."""
    from .sensitivity import saltelli_design

    factors, _ = _factors(parameters)
    unit = saltelli_design(len(factors), samples, seed)
    return _design("sobol", parameters, unit, {"samples": int(samples), "seed": int(seed)})


def morris(parameters: Mapping[str, Any], trajectories: int, levels: int = 4, seed: int = 0,
           candidates: int = 0) -> Design:
    """Morris (1991) screening design: ``trajectories`` (r) one-at-a-time trajectories on a
    ``levels``-level grid, r (k + 1) points; ``candidates`` = M > r picks the r most spread of M
    random trajectories (Campolongo et al. 2007, greedy; :func:`fascia.sensitivity.morris_design`)."""
    from .sensitivity import morris_design

    factors, _ = _factors(parameters)
    unit = morris_design(len(factors), trajectories, levels, seed, candidates)
    return _design("morris", parameters, unit, {"trajectories": int(trajectories), "levels": int(levels),
                                                "seed": int(seed), "candidates": int(candidates)})


# ------------------------------------------------------------------------------- one point

def _split_params(params: Mapping[str, Any]) -> Tuple[Dict[str, Any], List[str]]:
    overrides = {k: v for k, v in params.items() if k != "protocol"}
    only = params.get("protocol", [])
    only = [only] if isinstance(only, str) else list(only)
    return overrides, only


def point_spec(base_text: str, params: Mapping[str, Any], origin: str = "<sweep point>") -> _core.ScenarioSpec:
    """The scenario of one point (validated); raises ``ValueError`` naming a bad key."""
    overrides, only = _split_params(params)
    spec = with_overrides(base_text, overrides, origin)
    spec.validate()
    for name in only:
        if name not in spec.protocol_names:
            raise _core.InputError(f"protocol: no protocol '{name}' in the scenario; it has: "
                                   f"{', '.join(spec.protocol_names)}")
    return spec


def run_point(base_text: str, params: Mapping[str, Any], output_file: str, threads: int = 1,
              point_id: str = "", resume: bool = False) -> Dict[str, Any]:
    """Run one point (in a worker) and return a picklable record; never raises for a failed run.

    ``resume``: a run file left by a killed sweep continues from its checkpoint (bit for bit); one
    that cannot be continued (written from another scenario or build, or damaged) starts again."""
    rec: Dict[str, Any] = {"point": point_id, "params": dict(params), "file": output_file,
                           "fascia_version": _core.__version__, "git_revision": _core.git_revision,
                           "seed": None, "scenario": "", "status": "error", "message": "", "runs": []}
    try:
        spec = point_spec(base_text, params, origin=point_id or "<sweep point>")
        rec["seed"] = int(spec.geometry.seed)
        rec["scenario"] = spec.source_text
        _, only = _split_params(params)
        os.makedirs(os.path.dirname(os.path.abspath(output_file)), exist_ok=True)
        try:
            res = _core.run(spec, output=output_file, threads=int(threads), only=only, resume=resume)
        except _core.InputError:
            if not resume:
                raise
            res = _core.run(spec, output=output_file, threads=int(threads), only=only)
        rec["runs"] = [{"name": r.name, "protocol": r.protocol, "status": r.status, "message": r.message,
                        "metrics": dict(r.metrics)} for r in res.runs]
        statuses = [r.status for r in res.runs]
        # "interrupted" (a signal stopped it at a checkpoint) is not finished: resume continues it.
        rec["status"] = next((s for s in ("interrupted", "diverged", "incomplete") if s in statuses), "complete")
        rec["message"] = "; ".join(r.message for r in res.runs if r.message)
    except Exception as e:  # recorded, so that one bad point does not stop a sweep
        rec["status"] = "error"
        rec["message"] = f"{type(e).__name__}: {e}"
    return rec


# ------------------------------------------------------------------------------ sweep file

def _h5():
    import h5py

    return h5py


def _init_file(path: Path, base_text: str, definition: Mapping[str, Any], design: Optional[Design]) -> None:
    h5py = _h5()
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "a") as f:
        if "format" not in f.attrs:
            f.attrs["format"] = _FORMAT
            f.attrs["format_version"] = 1
            f.attrs["fascia_version"] = _core.__version__
            f.attrs["git_revision"] = _core.git_revision
            f.attrs["created"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            f.attrs["base_scenario"] = base_text
            f.attrs["definition"] = json.dumps(definition, sort_keys=True, default=str)
        elif f.attrs["format"] != _FORMAT:
            raise _core.InputError(f"{path}: exists and is not a fascia sweep file")
        f.require_group("points")
        if design is not None and "design" not in f:
            _write_design(f, design)


def _write_design(f, design: Design) -> None:
    g = f.create_group("design")
    g.attrs["method"] = design.method
    g.attrs["keys"] = json.dumps(design.keys)
    g.attrs["parameters"] = json.dumps(design.parameters, default=_json_default)
    g.attrs["options"] = json.dumps(design.options, sort_keys=True)
    g["unit"] = design.unit


def load_design(path) -> Optional[Design]:
    """The sampled design stored in a sweep file (``None`` for a grid or a plain list of points)."""
    with _h5().File(path, "r") as f:
        if "design" not in f:
            return None
        g = f["design"]
        parameters = json.loads(g.attrs["parameters"])
        unit = g["unit"][()]
        d = _design(g.attrs["method"], parameters, unit, json.loads(g.attrs["options"]))
        if d.keys != json.loads(g.attrs["keys"]):
            raise _core.InputError(f"{path}: its /design keys do not match its parameters")
        return d


def _done_points(path: Path) -> Dict[str, Dict[str, Any]]:
    """Finished points in an existing sweep file: id -> params."""
    if not path.exists():
        return {}
    h5py = _h5()
    out = {}
    with h5py.File(path, "r") as f:
        for pid, g in f.get("points", {}).items():
            if g.attrs.get("status", "") in FINISHED:
                out[pid] = json.loads(g.attrs["params"])
    return out


def _write_point(f, rec: Mapping[str, Any], rel_file: str) -> None:
    pts = f.require_group("points")
    if rec["point"] in pts:
        del pts[rec["point"]]
    g = pts.create_group(rec["point"])
    g.attrs["params"] = json.dumps(rec["params"], sort_keys=False, default=_json_default)
    g.attrs["seed"] = np.uint64(rec["seed"] if rec["seed"] is not None else 0)
    g.attrs["fascia_version"] = rec["fascia_version"]
    g.attrs["git_revision"] = rec["git_revision"]
    g.attrs["message"] = rec["message"]
    g.attrs["file"] = rel_file
    g.attrs["scenario"] = rec["scenario"]
    runs = g.create_group("runs")
    for r in rec["runs"]:
        rg = runs.create_group(r["name"])
        rg.attrs["protocol"] = r["protocol"]
        rg.attrs["status"] = r["status"]
        rg.attrs["message"] = r["message"]
        mg = rg.create_group("metrics")
        for k, v in r["metrics"].items():
            mg[k] = float(v)
    g.attrs["status"] = rec["status"]  # last: a point without status is unfinished


def _json_default(v):
    if hasattr(v, "tolist"):
        return v.tolist()
    raise TypeError(f"not JSON serialisable: {type(v).__name__}")


def _plain_params(p: Mapping[str, Any]) -> Dict[str, Any]:
    return json.loads(json.dumps(dict(p), default=_json_default))


def load_sweep_file(path) -> List[Dict[str, Any]]:
    """Every point record of a sweep file (dicts like :func:`run_point` returns), in id order."""
    h5py = _h5()
    recs = []
    with h5py.File(path, "r") as f:
        if f.attrs.get("format", "") != _FORMAT:
            raise _core.InputError(f"{path}: not a fascia sweep file")
        for pid in sorted(f.get("points", {})):
            g = f["points"][pid]
            if "status" not in g.attrs:
                continue
            runs = []
            for name, rg in g["runs"].items():
                runs.append({"name": name, "protocol": rg.attrs["protocol"], "status": rg.attrs["status"],
                             "message": rg.attrs["message"],
                             "metrics": {k: float(v[()]) for k, v in rg["metrics"].items()}})
            recs.append({"point": pid, "params": json.loads(g.attrs["params"]), "seed": int(g.attrs["seed"]),
                         "fascia_version": g.attrs["fascia_version"], "git_revision": g.attrs["git_revision"],
                         "status": g.attrs["status"], "message": g.attrs["message"], "file": g.attrs["file"],
                         "scenario": g.attrs["scenario"], "runs": runs})
    return recs


def _table(recs: List[Dict[str, Any]]):
    import pandas as pd

    keys: List[str] = []
    metrics: set = set()
    for r in recs:
        keys += [k for k in r["params"] if k not in keys]
        for run in r["runs"]:
            metrics |= set(run["metrics"])
    rows = []
    for r in recs:
        base = {"point": r["point"]}
        base.update({k: (json.dumps(r["params"][k]) if isinstance(r["params"].get(k), list) else r["params"].get(k))
                     for k in keys})
        common = {"seed": r["seed"], "fascia_version": r["fascia_version"], "point_status": r["status"]}
        if not r["runs"]:
            rows.append({**base, "run": "", "protocol_kind": "", "status": r["status"], "message": r["message"],
                         **common})
        for run in r["runs"]:
            row = {**base, "run": run["name"], "protocol_kind": run["protocol"], "status": run["status"],
                   "message": run["message"], **common}
            row.update(run["metrics"])
            rows.append(row)
    cols = ["point", *keys, "run", "protocol_kind", "status", "message", "seed", "fascia_version", "point_status",
            *sorted(metrics)]
    df = pd.DataFrame(rows, columns=cols)
    for m in sorted(metrics):
        df[m] = df[m].astype(float)
    return df.sort_values(["point", "run"], kind="stable").reset_index(drop=True)


def load_table(path):
    """The tidy table of a sweep file: one row per (point, run), see the module docstring."""
    return _table(load_sweep_file(path))


# ---------------------------------------------------------------------------------- running

def _base_text(scenario) -> str:
    if isinstance(scenario, _core.ScenarioSpec):
        from ._keys import to_toml

        return scenario.source_text or to_toml(scenario)
    s = str(scenario)
    if "\n" not in s and (s.endswith(".toml") or os.path.exists(s)):
        try:
            return Path(s).read_text()
        except OSError as e:
            raise _core.InputError(f"{s}: cannot read the scenario file ({e.strerror})") from None
    return s


def run_sweep(scenario, points: Sequence[Mapping[str, Any]], output, *, workers: int = 0, client=None,
              threads_per_run: int = 1, shard: Optional[Tuple[int, int]] = None, resume: bool = True,
              on_point: Optional[Callable[[Dict[str, Any]], None]] = None, start_method: str = "spawn",
              progress: bool = True):
    """Run ``points`` of ``scenario`` (a ScenarioSpec, a .toml path or TOML text) and return the table.

    output: the sweep HDF5 file (``.h5``); run files go to ``<output stem>_runs/<point>.h5`` and the
        table also to ``<output stem>.csv``.
    workers: local processes (0 = ``os.cpu_count()``); ignored when ``client`` (a
        ``dask.distributed.Client``) is given. ``workers=1`` runs in this process.
    shard: ``(i, n)`` runs only the points with index % n == i.
    resume: skip points already finished in ``output`` (their parameters must match) and continue
        points a killed sweep left unfinished from their checkpoints (``fascia run --resume``).
    on_point: called in this process with each new record after it is written.
    progress: show a progress bar over points with the remaining-time estimate (``tqdm``: a widget in
        a notebook with ipywidgets, text on stderr otherwise); points resumed from the file count as done.
    All points are validated before anything runs: a bad key raises ``ValueError`` naming it.
    Returns the tidy pandas table of every point in the file (see :func:`load_table`).
    """
    base = _base_text(scenario)
    output = Path(output)
    if output.suffix != ".h5":
        output = output.with_suffix(".h5")
    run_dir = output.parent / (output.stem + "_runs")
    pts = [_plain_params(p) for p in points]
    ids = [f"p{i:05d}" for i in range(len(pts))]
    if shard is not None:
        i, n = int(shard[0]), int(shard[1])
        if not (n >= 1 and 0 <= i < n):
            raise _core.InputError(f"--shard: {i}/{n} is out of range; expected i/n with 0 <= i < n")
        sel = [k for k in range(len(pts)) if k % n == i]
        pts, ids = [pts[k] for k in sel], [ids[k] for k in sel]
    for pid, p in zip(ids, pts):  # fail fast, before any run, naming the key
        point_spec(base, p, origin=pid)
    if threads_per_run < 0:
        raise _core.InputError(f"threads_per_run: value {threads_per_run} must be >= 0")

    design = points if isinstance(points, Design) else None
    _init_file(output, base, {"points": len(points), "shard": list(shard) if shard else None}, design)
    done = _done_points(output) if resume else {}
    todo = []
    for pid, p in zip(ids, pts):
        if pid in done:
            if done[pid] != p:
                raise _core.InputError(f"{output}: point {pid} was run with {done[pid]}, now {p}; "
                                       "use a new output file or resume=False")
            continue
        todo.append((pid, p))

    bar = _progress_bar(progress, total=len(ids), initial=len(ids) - len(todo), desc=output.stem)

    def record(rec):
        rel = os.path.relpath(rec["file"], output.parent)
        with _h5().File(output, "a") as f:
            _write_point(f, rec, rel)
        if bar is not None:
            bar.update(1)
        if on_point is not None:
            on_point(rec)

    def args(pid, p):
        return (base, p, str(run_dir / f"{pid}.h5"), threads_per_run, pid, resume)

    try:
        _execute(todo, args, record, client, workers, output, start_method)
    finally:
        if bar is not None:
            bar.close()

    table = load_table(output)
    table.to_csv(output.with_suffix(".csv"), index=False)
    return table


def _progress_bar(enabled: bool, total: int, initial: int, desc: str):
    """A tqdm bar (python3-tqdm), or None when disabled. tqdm.auto picks the notebook widget when
    running in a Jupyter kernel with ipywidgets, else a text bar on stderr (which notebooks show too)."""
    if not enabled:
        return None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tqdm's "no ipywidgets" / "experimental" notices
        from tqdm.auto import tqdm

        return tqdm(total=total, initial=initial, desc=desc, unit="point", dynamic_ncols=True, smoothing=0.1)


def _execute(todo, args, record, client, workers, output, start_method) -> None:
    """Run the ``todo`` points, calling ``record`` in this process as each finishes."""
    if not todo:
        pass
    elif client is not None:
        from distributed import as_completed

        futures = [client.submit(run_point, *args(pid, p), key=f"fascia-{output.stem}-{pid}-{os.getpid()}",
                                 pure=False) for pid, p in todo]
        try:
            for fut in as_completed(futures):
                record(fut.result())
        finally:
            for fut in futures:
                fut.cancel()
    elif (workers or os.cpu_count() or 1) == 1:
        for pid, p in todo:
            record(run_point(*args(pid, p)))
    else:
        n = min(workers or os.cpu_count() or 1, len(todo))
        ex = cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context(start_method))
        try:
            futures = [ex.submit(run_point, *args(pid, p)) for pid, p in todo]
            for fut in cf.as_completed(futures):
                record(fut.result())
        finally:
            ex.shutdown(wait=True, cancel_futures=True)


def merge(inputs: Sequence, output) -> "object":
    """Combine sweep files (e.g. shards) into ``output``; returns the merged table.

    Points are copied with their records; a point present in several inputs must agree on its
    parameters (the finished copy wins). Run files stay where they are: ``file`` attributes are
    rewritten relative to the merged file.
    """
    h5py = _h5()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    base_text = None
    with h5py.File(output, "w") as out:
        pts = out.create_group("points")
        for src in inputs:
            src = Path(src)
            with h5py.File(src, "r") as f:
                if f.attrs.get("format", "") != _FORMAT:
                    raise _core.InputError(f"{src}: not a fascia sweep file")
                text = f.attrs["base_scenario"]
                if base_text is None:
                    base_text = text
                    for k, v in f.attrs.items():
                        out.attrs[k] = v
                    out.attrs["definition"] = json.dumps({"merged_from": [str(s) for s in inputs]})
                    if "design" in f:
                        f.copy(f["design"], out, name="design")
                elif text != base_text:
                    raise _core.InputError(f"{src}: its base scenario differs from {inputs[0]}'s")
                elif ("design" in f) != ("design" in out) or ("design" in f and not np.array_equal(
                        f["design"]["unit"][()], out["design"]["unit"][()])):
                    raise _core.InputError(f"{src}: its design differs from {inputs[0]}'s")
                for pid, g in f["points"].items():
                    if "status" not in g.attrs:
                        continue
                    if pid in pts:
                        if json.loads(pts[pid].attrs["params"]) != json.loads(g.attrs["params"]):
                            raise _core.InputError(f"{src}: point {pid} has other parameters than in an earlier file")
                        continue
                    f.copy(g, pts, name=pid)
                    rel = os.path.relpath(src.parent / g.attrs["file"], output.parent)
                    pts[pid].attrs["file"] = rel
    table = load_table(output)
    table.to_csv(output.with_suffix(".csv"), index=False)
    return table


# ------------------------------------------------------------------------------ sensitivity

_SENSITIVITY_COLUMNS = ("run", "metric", "parameter", "index", "value", "low", "high", "n_used")


def _outputs(recs: List[Dict[str, Any]], n_points: int,
             differences: Sequence[Tuple[str, str]]) -> Dict[Tuple[str, str], np.ndarray]:
    """{(run, metric): value per design point} from the point records; only runs with status
    ``complete`` count (a diverged or failed run is NaN, i.e. left out by the estimators). A
    difference ``(a, b)`` adds run ``"a-b"``: metric of run a minus the same metric of run b."""
    values: Dict[Tuple[str, str], np.ndarray] = {}
    runs: List[str] = []
    for r in recs:
        i = int(r["point"][1:])
        for run in r["runs"]:
            runs += [run["name"]] if run["name"] not in runs else []
            if run["status"] != "complete":
                continue
            for m, v in run["metrics"].items():
                values.setdefault((run["name"], m), np.full(n_points, np.nan))[i] = v
    for a, b in differences:
        for name in (a, b):
            if name not in runs:
                raise _core.InputError(f"differences: no run '{name}' in the sweep; it has: "
                                       f"{', '.join(runs) or 'none'}")
        for (run, m), v in list(values.items()):
            if run == a and (b, m) in values:
                values[(f"{a}-{b}", m)] = v - values[(b, m)]
    order = runs + [f"{a}-{b}" for a, b in differences]
    return {key: values[key] for key in sorted(values, key=lambda rm: (order.index(rm[0]), rm[1]))
            if np.isfinite(values[key]).any()}


def analyze(path, *, differences: Sequence[Sequence[str]] = (), bootstrap: int = 1000, confidence: float = 0.95,
            seed: int = 0, write: bool = True):
    """Sensitivity indices of every metric of every run of a Sobol or Morris sweep file.

    Sobol: ``S1`` (first order, Saltelli et al. 2010) and ``ST`` (total, Jansen 1999); Morris:
    ``mu_star`` (Campolongo et al. 2007), ``mu`` and ``sigma`` (Morris 1991), in units of the metric
    per full range of the parameter (per factor of max/min on a log scale). Each has a percentile-bootstrap
    interval [``low``, ``high``] at ``confidence`` (``bootstrap`` resamples, ``seed``); see
    :mod:`fascia.sensitivity`. ``differences``: pairs of run names ``(a, b)``; each adds the run
    ``"a-b"`` (metric of a minus metric of b at the same point), e.g. active shear minus static pressure.

    Returns a tidy pandas table with columns ``run, metric, parameter, index, value, low, high,
    n_used`` (base rows or trajectories without a failed run); ``write`` also stores it in the sweep
    file (``/sensitivity``, read back with :func:`load_sensitivity`) and as ``<stem>_sensitivity.csv``.
    """
    import pandas as pd

    from . import sensitivity as sa

    path = Path(path)
    design = load_design(path)
    if design is None or design.method not in ("sobol", "morris"):
        raise _core.InputError(f"{path}: not a Sobol or Morris sweep (no /design); "
                               "make its points with sweep.sobol or sweep.morris")
    pairs = [tuple(d) for d in differences]
    for d in pairs:
        if len(d) != 2:
            raise _core.InputError(f"differences: each entry must be [run_a, run_b], got {list(d)}")
    outputs = _outputs(load_sweep_file(path), len(design), pairs)
    k = len(design.keys)
    rows = []
    for (run, metric), y in outputs.items():
        if design.method == "sobol":
            res = sa.sobol_indices(y, k, bootstrap=bootstrap, confidence=confidence, seed=seed)
            names = ("S1", "ST")
        else:
            res = sa.morris_indices(design.unit, y, bootstrap=bootstrap, confidence=confidence, seed=seed)
            names = ("mu_star", "mu", "sigma")
        for i, key in enumerate(design.keys):
            for name in names:
                rows.append((run, metric, key, name, float(res[name][i]), float(res[name + "_low"][i]),
                             float(res[name + "_high"][i]), int(res["n_used"][i])))
    df = pd.DataFrame(rows, columns=list(_SENSITIVITY_COLUMNS))
    df.attrs.update({"method": design.method, "confidence": float(confidence), "bootstrap": int(bootstrap),
                     "seed": int(seed), "differences": [list(d) for d in pairs], **design.options})
    if write:
        _write_sensitivity(path, df)
        df.to_csv(path.with_name(path.stem + "_sensitivity.csv"), index=False)
    return df


def _write_sensitivity(path: Path, df) -> None:
    h5py = _h5()
    with h5py.File(path, "a") as f:
        if "sensitivity" in f:
            del f["sensitivity"]
        g = f.create_group("sensitivity")
        for k, v in df.attrs.items():
            g.attrs[k] = json.dumps(v)
        text = h5py.string_dtype()
        for c in _SENSITIVITY_COLUMNS:
            col = df[c].to_numpy()
            g.create_dataset(c, data=col.astype(object) if col.dtype.kind == "O" else col,
                             dtype=text if col.dtype.kind == "O" else None)


def load_sensitivity(path):
    """The sensitivity table :func:`analyze` stored in a sweep file (``attrs`` carry its settings)."""
    import pandas as pd

    with _h5().File(path, "r") as f:
        if "sensitivity" not in f:
            raise _core.InputError(f"{path}: no sensitivity results; run sweep.analyze (python3 -m fascia analyze)")
        g = f["sensitivity"]
        cols = {c: g[c].asstr()[()] if g[c].dtype.kind == "O" else g[c][()] for c in _SENSITIVITY_COLUMNS}
        df = pd.DataFrame(cols)
        df.attrs.update({k: json.loads(v) for k, v in g.attrs.items()})
    return df


def sensitivity_to_xarray(df):
    """The tidy sensitivity table as an ``xarray.Dataset`` with dims (run, metric, parameter, index)
    and variables ``value``, ``low``, ``high``, ``n_used``."""
    ds = df.set_index(["run", "metric", "parameter", "index"]).to_xarray()
    ds.attrs.update({k: json.dumps(v) if not isinstance(v, (int, float, str)) else v for k, v in df.attrs.items()})
    return ds


# --------------------------------------------------------------------------- sweep files

class SweepDefinition:
    """A sweep described in TOML (``python3 -m fascia sweep SWEEP.toml``)::

        scenario = "../scenarios/ripple_sheet.toml"  # relative to this file
        output = "out/water_collagen.h5"             # relative to the working directory
        method = "grid"                              # "grid", "lhs", "sobol" or "morris"
        samples = 8                                  # lhs: points; sobol: base rows N (a power of two)
        trajectories = 4                             # morris: r trajectories (r (k + 1) points)
        levels = 4                                   # morris: grid levels p (even)
        candidates = 0                               # morris: pick r of this many (0 = no selection)
        seed = 0                                     # lhs/sobol/morris design seed (not the tissue seed)
        workers = 0                                  # 0 = all cores
        threads_per_run = 1

        [parameters]                                 # grid: lists; others: see sweep.Factor
        "tissue.water" = [0.6, 0.7, 0.8]             # lhs/sobol/morris: [min, max] is a range
        "adhesion.bell_force_n" = {min = 1e-4, max = 3e-3, scale = "log"}
        protocol = ["tap"]                           # the runs every point makes (never sampled)

        [analysis]                                   # sobol/morris: sweep.analyze settings
        differences = [["active", "static"]]         # extra outputs: run a minus run b
        bootstrap = 1000
        confidence = 0.95
    """

    KEYS = {"scenario", "output", "method", "samples", "trajectories", "levels", "candidates", "seed", "workers",
            "threads_per_run", "parameters", "analysis"}
    ANALYSIS_KEYS = {"differences", "bootstrap", "confidence", "seed"}
    METHODS = ("grid", "lhs", "sobol", "morris")

    def __init__(self, path):
        self.path = Path(path)
        try:
            doc = tomllib.loads(self.path.read_text())
        except OSError as e:
            raise _core.InputError(f"{path}: cannot read ({e.strerror})") from None
        except tomllib.TOMLDecodeError as e:
            raise _core.InputError(f"{path}: TOML syntax error: {e}") from None
        unknown = set(doc) - self.KEYS
        if unknown:
            raise _core.InputError(f"{sorted(unknown)[0]}: unknown key in {path}; allowed keys: "
                                   f"{', '.join(sorted(self.KEYS))}")
        for k in ("scenario", "parameters"):
            if k not in doc:
                raise _core.InputError(f"{k}: missing in {path}")
        scen = Path(doc["scenario"])
        self.scenario = scen if scen.is_absolute() else (self.path.parent / scen)
        self.output = Path(doc.get("output", self.path.with_suffix(".h5").name))
        self.method = doc.get("method", "grid")
        if self.method not in self.METHODS:
            raise _core.InputError(f"method: value \"{self.method}\" is not allowed; allowed: "
                                   + ", ".join(f'"{m}"' for m in self.METHODS))
        self.samples = int(doc.get("samples", 10 if self.method == "lhs" else 8))
        self.trajectories = int(doc.get("trajectories", 4))
        self.levels = int(doc.get("levels", 4))
        self.candidates = int(doc.get("candidates", 0))
        self.seed = int(doc.get("seed", 0))
        self.workers = int(doc.get("workers", 0))
        self.threads_per_run = int(doc.get("threads_per_run", 1))
        self.parameters = doc["parameters"]
        self.analysis = dict(doc.get("analysis", {}))
        unknown = set(self.analysis) - self.ANALYSIS_KEYS
        if unknown:
            raise _core.InputError(f"analysis.{sorted(unknown)[0]}: unknown key in {path}; allowed keys: "
                                   f"{', '.join(sorted(self.ANALYSIS_KEYS))}")

    @property
    def sensitivity(self) -> bool:
        """True when the design has sensitivity estimators (Sobol, Morris)."""
        return self.method in ("sobol", "morris")

    def points(self) -> List[Dict[str, Any]]:
        if self.method == "grid":
            return grid(self.parameters)
        if self.method == "lhs":
            return latin_hypercube(self.parameters, self.samples, self.seed)
        if self.method == "sobol":
            return sobol(self.parameters, self.samples, self.seed)
        return morris(self.parameters, self.trajectories, self.levels, self.seed, self.candidates)

    def run(self, **kwargs):
        kw = {"workers": self.workers, "threads_per_run": self.threads_per_run}
        kw.update({k: v for k, v in kwargs.items() if v is not None})
        output = kw.pop("output", None) or self.output
        return run_sweep(str(self.scenario), self.points(), output, **kw)

    def analyze(self, output=None):
        """:func:`analyze` of this sweep's output with the ``[analysis]`` settings."""
        return analyze(output or self.output, **self.analysis)
