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
  key, ``run``, ``protocol``, ``status``, ``message``, ``seed``, ``fascia_version``, then one column
  per metric (SI, unit in the name; NaN where it does not apply). Also written as ``<output>.csv``.

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

__all__ = ["grid", "latin_hypercube", "run_sweep", "load_table", "merge", "load_sweep_file", "SweepDefinition",
           "run_point", "FINISHED"]

FINISHED = ("complete", "diverged", "incomplete", "error")
_FORMAT = "fascia-sweep"


# ----------------------------------------------------------------------------------- designs

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


def latin_hypercube(ranges: Mapping[str, Tuple[float, float]], samples: int, seed: int = 0) -> List[Dict[str, Any]]:
    """Latin-hypercube design: ``samples`` points, each range cut in ``samples`` equal strata with
    exactly one point per stratum and key (numpy ``default_rng(seed)``, so reproducible).

    A range whose two bounds are integers yields integers (rounded). A key mapped to a list (not a
    2-tuple of numbers) is cycled through, e.g. ``{"protocol": ["a", "b"]}``.
    """
    if int(samples) < 1:
        raise _core.InputError(f"samples: value {samples} must be >= 1")
    n = int(samples)
    rng = np.random.default_rng(seed)
    cols: Dict[str, list] = {}
    for k, r in ranges.items():
        if isinstance(r, Mapping):
            r = (r.get("min"), r.get("max"))
        if (isinstance(r, (list, tuple)) and len(r) == 2 and all(isinstance(x, (int, float)) for x in r)
                and not any(isinstance(x, bool) for x in r)):
            lo, hi = r
            if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
                raise _core.InputError(f"{k}: range must be [min, max] with min <= max, got {list(r)}")
            u = (rng.permutation(n) + rng.random(n)) / n
            vals = lo + u * (hi - lo)
            if isinstance(lo, int) and isinstance(hi, int):
                cols[k] = [int(round(v)) for v in vals]
            else:
                cols[k] = [float(v) for v in vals]
        elif isinstance(r, (list, tuple)) and r:
            cols[k] = [r[i % len(r)] for i in range(n)]
        else:
            raise _core.InputError(f"{k}: expected [min, max] or a list of choices, got {r!r}")
    return [{k: cols[k][i] for k in ranges} for i in range(n)]


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
              point_id: str = "") -> Dict[str, Any]:
    """Run one point (in a worker) and return a picklable record; never raises for a failed run."""
    rec: Dict[str, Any] = {"point": point_id, "params": dict(params), "file": output_file,
                           "fascia_version": _core.__version__, "git_revision": _core.git_revision,
                           "seed": None, "scenario": "", "status": "error", "message": "", "runs": []}
    try:
        spec = point_spec(base_text, params, origin=point_id or "<sweep point>")
        rec["seed"] = int(spec.geometry.seed)
        rec["scenario"] = spec.source_text
        _, only = _split_params(params)
        os.makedirs(os.path.dirname(os.path.abspath(output_file)), exist_ok=True)
        res = _core.run(spec, output=output_file, threads=int(threads), only=only)
        rec["runs"] = [{"name": r.name, "protocol": r.protocol, "status": r.status, "message": r.message,
                        "metrics": dict(r.metrics)} for r in res.runs]
        statuses = [r.status for r in res.runs]
        rec["status"] = next((s for s in ("diverged", "incomplete") if s in statuses), "complete")
        rec["message"] = "; ".join(r.message for r in res.runs if r.message)
    except Exception as e:  # recorded, so that one bad point does not stop a sweep
        rec["status"] = "error"
        rec["message"] = f"{type(e).__name__}: {e}"
    return rec


# ------------------------------------------------------------------------------ sweep file

def _h5():
    import h5py

    return h5py


def _init_file(path: Path, base_text: str, definition: Mapping[str, Any]) -> None:
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
            rows.append({**base, "run": "", "protocol": "", "status": r["status"], "message": r["message"],
                         **common})
        for run in r["runs"]:
            row = {**base, "run": run["name"], "protocol": run["protocol"], "status": run["status"],
                   "message": run["message"], **common}
            row.update(run["metrics"])
            rows.append(row)
    cols = ["point", *keys, "run", "protocol", "status", "message", "seed", "fascia_version", "point_status",
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
              on_point: Optional[Callable[[Dict[str, Any]], None]] = None, start_method: str = "spawn"):
    """Run ``points`` of ``scenario`` (a ScenarioSpec, a .toml path or TOML text) and return the table.

    output: the sweep HDF5 file (``.h5``); run files go to ``<output stem>_runs/<point>.h5`` and the
        table also to ``<output stem>.csv``.
    workers: local processes (0 = ``os.cpu_count()``); ignored when ``client`` (a
        ``dask.distributed.Client``) is given. ``workers=1`` runs in this process.
    shard: ``(i, n)`` runs only the points with index % n == i.
    resume: skip points already finished in ``output`` (their parameters must match).
    on_point: called in this process with each new record after it is written (progress display).
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

    _init_file(output, base, {"points": len(points), "shard": list(shard) if shard else None})
    done = _done_points(output) if resume else {}
    todo = []
    for pid, p in zip(ids, pts):
        if pid in done:
            if done[pid] != p:
                raise _core.InputError(f"{output}: point {pid} was run with {done[pid]}, now {p}; "
                                       "use a new output file or resume=False")
            continue
        todo.append((pid, p))

    def record(rec):
        rel = os.path.relpath(rec["file"], output.parent)
        with _h5().File(output, "a") as f:
            _write_point(f, rec, rel)
        if on_point is not None:
            on_point(rec)

    def args(pid, p):
        return (base, p, str(run_dir / f"{pid}.h5"), threads_per_run, pid)

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

    table = load_table(output)
    table.to_csv(output.with_suffix(".csv"), index=False)
    return table


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
                elif text != base_text:
                    raise _core.InputError(f"{src}: its base scenario differs from {inputs[0]}'s")
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


# --------------------------------------------------------------------------- sweep files

class SweepDefinition:
    """A sweep described in TOML (``python3 -m fascia sweep SWEEP.toml``)::

        scenario = "../scenarios/ripple_sheet.toml"  # relative to this file
        output = "out/water_collagen.h5"             # relative to the working directory
        method = "grid"                              # or "lhs"
        samples = 8                                  # lhs only
        seed = 0                                     # lhs only (design seed, not the tissue seed)
        workers = 0                                  # 0 = all cores
        threads_per_run = 1

        [parameters]                                 # grid: lists; lhs: [min, max] or choices
        "tissue.water" = [0.6, 0.7, 0.8]
        "tissue.collagen" = [0.15, 0.2]
        protocol = ["tap"]
    """

    KEYS = {"scenario", "output", "method", "samples", "seed", "workers", "threads_per_run", "parameters"}

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
        if self.method not in ("grid", "lhs"):
            raise _core.InputError(f"method: value \"{self.method}\" is not allowed; allowed: \"grid\", \"lhs\"")
        self.samples = int(doc.get("samples", 10))
        self.seed = int(doc.get("seed", 0))
        self.workers = int(doc.get("workers", 0))
        self.threads_per_run = int(doc.get("threads_per_run", 1))
        self.parameters = doc["parameters"]

    def points(self) -> List[Dict[str, Any]]:
        if self.method == "grid":
            return grid(self.parameters)
        return latin_hypercube(self.parameters, self.samples, self.seed)

    def run(self, **kwargs):
        kw = {"workers": self.workers, "threads_per_run": self.threads_per_run}
        kw.update({k: v for k, v in kwargs.items() if v is not None})
        output = kw.pop("output", None) or self.output
        return run_sweep(str(self.scenario), self.points(), output, **kw)
