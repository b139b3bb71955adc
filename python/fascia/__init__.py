# SPDX-License-Identifier: MIT
"""fascia: simulate fascia tissue from Python.

The C++ core (``fascia._core``) is re-exported here; ``fascia.io`` reads output files,
``fascia.viz`` plots and animates them, ``fascia.sweep`` runs parameter sweeps.

Units: everything in an output file and in run metrics is SI (metres, seconds, newtons, pascals);
scenario keys carry their unit in the name (``_mm``, ``_kpa``, ``_s`` ...), as in the TOML files.

Quick start::

    import fascia
    spec = fascia.load_scenario("examples/scenarios/ripple_sheet.toml")
    spec.protocol("tap").end_s = 0.001
    result = fascia.run(spec, output="out/tap.h5", progress=lambda run, phase, f: None)
    print(result.runs[0].metrics["front_speed_m_s"])

Errors in the input raise :class:`fascia.InputError`, a subclass of ``ValueError`` whose message
names the key path (``protocol.tap.force_n: value -1 ...``), exactly as the CLI prints it.
"""
from __future__ import annotations

import os

from . import _core
from ._core import (
    AdhesionSpec,
    FileSummary,
    GeometrySpec,
    InputError,
    Lattice,
    MaterialSpec,
    OutputSpec,
    PlannedRun,
    ProtocolSpec,
    RunResult,
    RunSummary,
    ScenarioPlan,
    ScenarioResult,
    ScenarioSpec,
    SolverSpec,
    TissueSpec,
    build_lattice,
    held_by_a_writer,
    load_scenario,
    parse_scenario,
    read_summary,
)
from ._keys import get_key, set_key, to_toml, with_overrides
from ._typed_keys import install as _install_typed_keys

_install_typed_keys(_core)

__version__ = _core.__version__
git_revision = _core.git_revision

__all__ = [
    "AdhesionSpec",
    "FileSummary",
    "GeometrySpec",
    "InputError",
    "Lattice",
    "MaterialSpec",
    "OutputSpec",
    "PlannedRun",
    "ProtocolSpec",
    "RunResult",
    "RunSummary",
    "ScenarioPlan",
    "ScenarioResult",
    "ScenarioSpec",
    "SolverSpec",
    "TissueSpec",
    "__version__",
    "build_lattice",
    "compare",
    "get_key",
    "git_revision",
    "held_by_a_writer",
    "load_scenario",
    "parse_scenario",
    "plan",
    "read_summary",
    "run",
    "set_key",
    "to_toml",
    "with_overrides",
]


def _spec_of(spec) -> ScenarioSpec:
    """Accepts a ScenarioSpec, a path to a .toml file or TOML text."""
    if isinstance(spec, ScenarioSpec):
        return spec
    import os

    if isinstance(spec, (str, os.PathLike)):
        text = str(spec)
        if "\n" not in text and (text.endswith(".toml") or os.path.exists(text)):
            return load_scenario(text)
        return parse_scenario(text)
    raise TypeError(f"expected a ScenarioSpec, a .toml path or TOML text, got {type(spec).__name__}")


def plan(spec):
    """What running ``spec`` will cost, before it runs: every check :func:`run` makes first, then
    a :class:`ScenarioPlan` with the model's ``nodes`` and, per protocol (``runs``), the simulated
    time in explicit phases (``explicit_s``, in ``explicit_steps`` steps of at most ``explicit_dt``)
    and in implicit ones (``implicit_s``, adaptive steps), as ``fascia validate`` prints them.
    ``spec`` is a :class:`ScenarioSpec`, a ``.toml`` path or TOML text.
    """
    return _core.plan(_spec_of(spec))


def run(spec, output: str = "", threads: int = -1, only=(), progress=None, resume: bool = False) -> ScenarioResult:
    """Run a scenario's protocols and write one HDF5 file (schema: docs/hdf5-schema.md).

    ``spec`` is a :class:`ScenarioSpec`, a ``.toml`` path or TOML text. ``output`` overrides
    ``output.file``; ``threads`` (-1: ``solver.threads``; 0: all cores); ``only`` restricts the runs to
    these protocol names; ``progress(run, phase, fraction)`` is called from the simulating thread.
    ``resume=True`` continues the unfinished runs of ``output`` from their checkpoints (bit for bit)
    and keeps its finished ones, as ``fascia run --resume`` does. Ctrl-C stops a run at a checkpoint
    (status ``"interrupted"``) and then raises ``KeyboardInterrupt``.
    The GIL is released while simulating. A spec built from keyword arguments (no
    ``source_text``) gets its TOML from :func:`to_toml`, so the file records the scenario.
    """
    spec = _spec_of(spec)
    if not spec.source_text:
        spec = spec.copy()
        spec.source_text = to_toml(spec)
    # A path may come as str, bytes or os.PathLike (str(b"x.h5") would be the name "b'x.h5'").
    output = os.fsdecode(output) if output else ""
    return _core.run(spec, output=output, threads=int(threads), only=list(only), progress=progress,
                     resume=bool(resume))


def compare(spec, output: str = "", threads: int = -1, only=(), progress=None, resume: bool = False):
    """Run every protocol of ``spec`` on the same tissue and return the comparison table.

    Returns a :class:`pandas.DataFrame`, one row per run (index = run name) with the columns
    ``protocol``, ``status`` and every metric (SI, unit in the name; NaN where a metric does not
    apply). The :class:`ScenarioResult` is in ``table.attrs["result"]``.
    """
    result = run(spec, output=output, threads=threads, only=only, progress=progress, resume=resume)
    table = result_table(result)
    table.attrs["result"] = result
    return table


def result_table(result: ScenarioResult):
    """A ScenarioResult as a pandas DataFrame (index run name; protocol, status, metrics...)."""
    import pandas as pd

    rows = []
    for r in result.runs:
        row = {"run": r.name, "protocol": r.protocol, "status": r.status}
        row.update({m: r.metrics.get(m, float("nan")) for m in result.metric_names})
        rows.append(row)
    return pd.DataFrame(rows).set_index("run")


ScenarioResult.table = result_table  # result.table() -> DataFrame
__all__ += ["result_table"]
