# SPDX-License-Identifier: MIT
"""Fit material keys to your own stress–strain or relaxation data (docs/python.md "Calibrate").

The data file is a CSV with a header row whose column names carry their units, as scenario keys
do: ``strain`` (engineering strain, dimensionless) and one of ``stress_pa``, ``stress_kpa``,
``stress_mpa``; optionally ``time_s``. With ``time_s`` the model's stress is compared at the same
times (a ramp-and-hold relaxation test); without it, at the same strains on the loading ramp.

The model side is a material-test protocol of a scenario (``geometry.kind = "sample"``, a
``uniaxial``, ``biaxial``, ``simple_shear`` or ``confined_compression`` protocol): every
residual evaluation runs it (``fascia.run``) with the trial keys set and reads its ``strain``,
``stress_pa`` and ``time`` series. SciPy's ``least_squares`` (trust-region reflective, within the
bounds) minimises the stress misfit; the confidence intervals come from the Jacobian at the
optimum, ``cov = s² (JᵀJ)⁻¹`` with ``s²`` the residual variance (a linearised estimate: it assumes
independent, equal-variance errors).

    fit = fascia.calibrate.fit("my_test.toml", "pull", "my_data.csv",
                               {"material.muscle_shear_modulus_kpa": (1.0, 100.0)})
    fit.values, fit.ci95, fit.plot("fit.png")
"""
from __future__ import annotations

import csv
import math
import os
import tempfile
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Tuple

import numpy as np

from . import _core
from ._keys import get_key, set_key

__all__ = ["Curve", "Fit", "read_curve", "fit", "model_curve"]

_STRESS_UNITS = {"stress_pa": 1.0, "stress_kpa": 1e3, "stress_mpa": 1e6}


@dataclass
class Curve:
    """Measured (or modelled) points: strain, nominal stress [Pa] and, optionally, time [s]."""

    strain: np.ndarray
    stress_pa: np.ndarray
    time_s: Optional[np.ndarray] = None


def read_curve(path) -> Curve:
    """Reads a data CSV (columns above). Raises InputError naming the file and the column."""
    path = os.fspath(path)
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise _core.InputError(f"{path}: cannot read the data file ({e.strerror})") from None
    if len(rows) < 2:
        raise _core.InputError(f"{path}: no data; expected a header row and at least one row of numbers")
    header = [h.strip() for h in rows[0]]
    stress_cols = [h for h in header if h in _STRESS_UNITS]
    if "strain" not in header:
        raise _core.InputError(f"{path}: column 'strain' is missing; columns: {', '.join(header)} "
                               "(expected strain, one of stress_pa|stress_kpa|stress_mpa, optional time_s)")
    if len(stress_cols) != 1:
        bare = [h for h in header if h.startswith("stress") and h not in _STRESS_UNITS]
        why = (f"column '{bare[0]}' has no unit; name it stress_pa, stress_kpa or stress_mpa" if bare else
               "expected exactly one stress column: stress_pa, stress_kpa or stress_mpa")
        raise _core.InputError(f"{path}: {why}")
    unknown = [h for h in header if h not in ("strain", "time_s", stress_cols[0])]
    if unknown:
        raise _core.InputError(f"{path}: column '{unknown[0]}' is not allowed (unknown name or unit); "
                               "allowed: strain, stress_pa|stress_kpa|stress_mpa, time_s")
    data = {h: [] for h in header}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise _core.InputError(f"{path}:{line}: {len(row)} values, expected {len(header)}")
        for h, c in zip(header, row):
            try:
                v = float(c)
            except ValueError:
                raise _core.InputError(f"{path}:{line}: column '{h}': '{c.strip()}' is not a number") from None
            if not math.isfinite(v):
                raise _core.InputError(f"{path}:{line}: column '{h}': {c.strip()} is not finite")
            data[h].append(v)
    return Curve(np.asarray(data["strain"]), np.asarray(data[stress_cols[0]]) * _STRESS_UNITS[stress_cols[0]],
                 np.asarray(data["time_s"]) if "time_s" in data else None)


def _material_test(spec: _core.ScenarioSpec, protocol: str) -> None:
    if protocol not in spec.protocol_names:
        raise _core.InputError(f"protocol.{protocol}: no such protocol; protocols: {', '.join(spec.protocol_names)}")
    kind = spec.protocol(protocol).kind
    if kind not in ("uniaxial", "biaxial", "simple_shear", "confined_compression"):
        raise _core.InputError(f"protocol.{protocol}.kind: value \"{kind}\" is not a material test; allowed "
                               "\"uniaxial\", \"biaxial\", \"simple_shear\", \"confined_compression\"")


def model_curve(spec, protocol: str, values: Optional[Mapping[str, float]] = None, threads: int = 1) -> Curve:
    """Runs material-test `protocol` of `spec` (a ScenarioSpec, .toml path or TOML text) with the
    keys `values` set; returns its (strain, stress_pa, time) series."""
    from . import _spec_of, run  # late: fascia/__init__ imports this module's package
    from . import io as fio

    spec = _spec_of(spec).copy()
    _material_test(spec, protocol)
    for key, v in (values or {}).items():
        set_key(spec, key, float(v))
    spec.source_text = ""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "calibrate.h5")
        result = run(spec, output=out, threads=threads, only=[protocol])
        status = result.runs[0].status
        if status != "complete":
            raise RuntimeError(f"protocol.{protocol}: the model run ended {status}: {result.runs[0].message}")
        series = fio.read_run(out, protocol, frames=slice(0, 0)).series
    return Curve(np.asarray(series["strain"]), np.asarray(series["stress_pa"]), np.asarray(series["time"]))


@dataclass
class Fit:
    """A least-squares fit: the fitted keys, their standard errors and 95 % intervals."""

    keys: Tuple[str, ...]
    values: Dict[str, float]
    stderr: Dict[str, float]
    ci95: Dict[str, Tuple[float, float]]
    rms_residual_pa: float
    data: Curve
    model: Curve
    evaluations: int
    message: str = ""
    extra: Dict[str, object] = field(default_factory=dict)

    def plot(self, path=None, ax=None):
        """Data and fitted model, stress [kPa] against strain (or time with time data)."""
        import matplotlib

        if path is not None and ax is None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        own = ax is None
        if own:
            fig, ax = plt.subplots(figsize=(5, 3.5))
        x_d = self.data.time_s if self.data.time_s is not None else self.data.strain
        x_m = self.model.time_s if self.data.time_s is not None else self.model.strain
        ax.plot(x_d, self.data.stress_pa / 1e3, "o", ms=3, label="data")
        ax.plot(x_m, self.model.stress_pa / 1e3, "-", label="model (fitted)")
        ax.set_xlabel("time [s]" if self.data.time_s is not None else "strain [-]")
        ax.set_ylabel("stress [kPa]")
        ax.set_title(", ".join(f"{k.split('.')[-1]} = {v:.4g}" for k, v in self.values.items()), fontsize=8)
        ax.legend()
        if own and path is not None:
            fig.tight_layout()
            fig.savefig(os.fspath(path), dpi=120)
            plt.close(fig)
        return ax


def _predict(model: Curve, data: Curve, ramp_only: bool) -> np.ndarray:
    if data.time_s is not None:
        return np.interp(data.time_s, model.time_s, model.stress_pa)
    strain, stress = model.strain, model.stress_pa
    if ramp_only:  # the loading branch: up to the first sample at the largest strain
        end = int(np.argmax(strain)) + 1
        strain, stress = strain[:end], stress[:end]
    return np.interp(data.strain, strain, stress)


def fit(spec, protocol: str, data, keys: Mapping[str, Tuple[float, float]], x0: Optional[Mapping[str, float]] = None,
        threads: int = 1, max_evaluations: int = 60) -> Fit:
    """Fits `keys` {key path: (lower, upper)} so that material test `protocol` of `spec` reproduces
    `data` (a Curve or a CSV path). `x0` defaults to the scenario's values (clipped into the bounds)."""
    from scipy.optimize import least_squares

    from . import _spec_of

    base = _spec_of(spec)
    _material_test(base, protocol)
    curve = data if isinstance(data, Curve) else read_curve(data)
    names = tuple(keys)
    if not names:
        raise _core.InputError("calibrate: no keys to fit")
    lo = np.array([float(keys[k][0]) for k in names])
    hi = np.array([float(keys[k][1]) for k in names])
    for k, a, b in zip(names, lo, hi):
        get_key(base, k)  # names the key if it does not exist
        if not (a < b):
            raise _core.InputError(f"{k}: bounds ({a}, {b}) are empty; allowed lower < upper")
    start = np.array([float((x0 or {}).get(k, get_key(base, k))) for k in names])
    start = np.clip(start, lo + 1e-9 * (hi - lo), hi - 1e-9 * (hi - lo))
    scale = np.maximum(np.abs(start), 1e-12)
    count = [0]

    def residual(z):
        count[0] += 1
        model = model_curve(base, protocol, dict(zip(names, z * scale)), threads)
        return (_predict(model, curve, True) - curve.stress_pa) / max(np.max(np.abs(curve.stress_pa)), 1e-30)

    sol = least_squares(residual, start / scale, bounds=(lo / scale, hi / scale), x_scale="jac",
                        max_nfev=max_evaluations, diff_step=1e-3)
    x = sol.x * scale
    norm = max(np.max(np.abs(curve.stress_pa)), 1e-30)
    m, n = len(curve.stress_pa), len(names)
    dof = max(m - n, 1)
    s2 = 2.0 * sol.cost / dof
    jac = sol.jac / scale[None, :]  # d residual / d value
    try:
        cov = np.linalg.inv(jac.T @ jac) * s2
        err = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    except np.linalg.LinAlgError:
        err = np.full(n, np.inf)
    from scipy.stats import t as student_t

    q = float(student_t.ppf(0.975, dof))
    model = model_curve(base, protocol, dict(zip(names, x)), threads)
    return Fit(names, dict(zip(names, map(float, x))), dict(zip(names, map(float, err))),
               {k: (float(v - q * e), float(v + q * e)) for k, v, e in zip(names, x, err)},
               float(math.sqrt(2.0 * sol.cost / m) * norm), curve, model, count[0], sol.message)
