# SPDX-License-Identifier: MIT
"""Global sensitivity analysis: Saltelli/Sobol' and Morris designs on the unit cube, and their
estimators with bootstrap confidence intervals (numpy only; no simulation here).

:mod:`fascia.sweep` maps these unit-cube designs onto scenario keys (``sweep.sobol``,
``sweep.morris``), runs them and calls the estimators (``sweep.analyze``); the functions below also
work on any model given as a numpy function, which is how they are tested (Ishigami, linear).

Designs
-------
* :func:`saltelli_design` — the radial "A, B, AB_i" scheme of Saltelli (2002) and Saltelli et al.
  (2010), Sect. 3: two independent N × k matrices A and B and, for each factor i, AB_i = A with
  column i taken from B. N (k + 2) model runs give first-order and total indices of all k factors.
  A and B are the two halves of one **scrambled Sobol' sequence** in 2k dimensions
  (``scipy.stats.qmc.Sobol``, Joe & Kuo 2008 direction numbers, LMS + digital-shift scrambling;
  Owen 1998). Why this sequence: the Saltelli scheme was built on Sobol' (LP-tau) points
  (Saltelli 2002, Saltelli et al. 2010), whose quasi-Monte Carlo error for smooth models falls
  nearly as 1/N instead of Monte Carlo's 1/sqrt(N); scrambling keeps that rate while making the
  design random and unbiased, so another seed gives an independent replicate; and it needs no new
  dependency (``qmc.Sobol`` is in SciPy >= 1.7, Debian 12 ships 1.10; ``scipy.stats.sobol_indices``
  only arrived in 1.11, hence the estimators here). N must be a power of two, where a Sobol'
  sequence is balanced.
* :func:`morris_design` — r one-at-a-time trajectories of Morris (1991): a random base point on the
  p-level grid {0, 1/(p-1), ..., 1}, then each factor in random order moved once by
  Δ = p / (2 (p - 1)) up or down (random sign), so k + 1 runs per trajectory. With
  ``candidates = M > r`` the r trajectories are chosen among M random ones to spread over the input
  space (Campolongo et al. 2007, Sect. 3.2: maximise the sum of squared pairwise trajectory
  distances, d_ml = sum over point pairs of their Euclidean distance). Campolongo et al. search all
  C(M, r) subsets; here the subset is built **greedily** (the farthest pair, then repeatedly the
  candidate adding the most squared distance), which is cheap for any M but not guaranteed optimal.

Estimators (Y_A, Y_B, Y_ABi: the model on A, B, AB_i; V = Var[Y_A ∪ Y_B])
---------------------------------------------------------------------------
* first-order ``S1_i = mean(Y_B (Y_ABi - Y_A)) / V`` — Saltelli et al. (2010), Table 2 (b);
* total ``ST_i = mean((Y_A - Y_ABi)^2) / (2 V)`` — Jansen (1999), Saltelli et al. (2010) Table 2 (f);
* Morris elementary effects ``EE = ±(y_{m+1} - y_m) / Δ`` per unit of the factor's (unit-cube)
  range; ``mu`` = mean EE, ``sigma`` = standard deviation (Morris 1991), ``mu_star`` = mean |EE|
  (Campolongo et al. 2007).
* Confidence intervals: percentile bootstrap (Efron & Tibshirani 1993), resampling the N base rows
  (Sobol) or the r trajectories (Morris) with replacement, ``bootstrap`` times from a seeded
  ``numpy.random.default_rng``; rows or trajectories where the output is NaN (failed runs) are
  dropped first and the number used is reported.

References: Morris, Technometrics 33:161 (1991). Jansen, Comput Phys Commun 117:35 (1999).
Saltelli, Comput Phys Commun 145:280 (2002). Campolongo, Cariboni & Saltelli, Environ Model Softw
22:1509 (2007). Saltelli et al., Comput Phys Commun 181:259 (2010). Ishigami & Homma, Proc. ISUMA
398 (1990). Owen, J Complexity 14:466 (1998). Efron & Tibshirani, An Introduction to the Bootstrap (1993).
"""
from __future__ import annotations

from typing import Dict, Optional, Sequence

import numpy as np

__all__ = ["saltelli_design", "morris_design", "sobol_indices", "morris_indices", "ishigami",
           "ishigami_indices"]


def _power_of_two(n: int) -> bool:
    return n >= 1 and (n & (n - 1)) == 0


# ------------------------------------------------------------------------------------ designs

def saltelli_design(k: int, n: int, seed: int = 0) -> np.ndarray:
    """Unit-cube Saltelli design, shape (n (k + 2), k), rows grouped per base row j:
    ``A_j, AB_j^1, ..., AB_j^k, B_j`` (so a block of k + 2 consecutive runs belongs to one j)."""
    from scipy.stats import qmc

    k, n = int(k), int(n)
    if k < 1:
        raise ValueError(f"parameters: a Sobol design needs at least 1 factor, got {k}")
    if not _power_of_two(n):
        raise ValueError(f"samples: value {n} must be a power of two (1, 2, 4, ...) for a Sobol' sequence")
    base = qmc.Sobol(d=2 * k, scramble=True, seed=seed).random_base2(int(np.log2(n)))
    a, b = base[:, :k], base[:, k:]
    out = np.empty((n, k + 2, k))
    out[:, 0] = a
    for i in range(k):
        out[:, 1 + i] = a
        out[:, 1 + i, i] = b[:, i]
    out[:, k + 1] = b
    return out.reshape(n * (k + 2), k)


def morris_design(k: int, trajectories: int, levels: int = 4, seed: int = 0, candidates: int = 0) -> np.ndarray:
    """Unit-cube Morris design, shape (r (k + 1), k): r trajectories of k + 1 points each, on the
    ``levels``-level grid; consecutive points of a trajectory differ in exactly one factor by Δ.
    ``candidates`` > r: pick the r most spread of that many random trajectories (see module doc)."""
    k, r, p, m = int(k), int(trajectories), int(levels), int(candidates)
    if k < 1:
        raise ValueError(f"parameters: a Morris design needs at least 1 factor, got {k}")
    if r < 2:
        raise ValueError(f"trajectories: value {r} must be >= 2 (sigma needs two elementary effects)")
    if p < 2 or p % 2:
        raise ValueError(f"levels: value {p} must be an even number >= 2 (Morris 1991: Δ = p / (2 (p - 1)))")
    if m and m < r:
        raise ValueError(f"candidates: value {m} must be 0 (no selection) or >= trajectories ({r})")
    rng = np.random.default_rng(seed)
    delta = p / (2.0 * (p - 1))
    lower = np.arange(p // 2) / (p - 1)  # base levels from which +Δ stays in [0, 1]
    out = np.empty((max(r, m), k + 1, k))
    for t in range(out.shape[0]):
        x = rng.choice(lower, size=k)
        up = rng.random(k) < 0.5
        x = np.where(up, x, x + delta)  # a factor moving down starts at its upper level
        order = rng.permutation(k)
        out[t, 0] = x
        for step, i in enumerate(order):
            x = x.copy()
            x[i] += delta if up[i] else -delta
            out[t, step + 1] = x
    out = np.clip(out, 0.0, 1.0)
    if m > r:
        out = out[_most_spread(out, r)]
    return out.reshape(r * (k + 1), k)


def _most_spread(traj: np.ndarray, r: int) -> np.ndarray:
    """Indices of r trajectories (M, k + 1, k) with a large sum of squared Campolongo distances,
    chosen greedily; returned in ascending order so the design keeps the candidates' order."""
    n = traj.shape[0]
    d2 = np.empty((n, n))
    for a in range(n):  # one row at a time: memory O(M k^3), not O(M^2 k^3)
        diff = traj[a][None, :, None, :] - traj[:, None, :, :]  # (M, k+1, k+1, k)
        d2[a] = np.sqrt((diff ** 2).sum(axis=-1)).sum(axis=(1, 2)) ** 2  # squared d_ml
    np.fill_diagonal(d2, -np.inf)
    first = np.unravel_index(np.argmax(d2), d2.shape)
    chosen = [int(first[0]), int(first[1])][:r]
    score = d2[chosen].sum(axis=0)
    while len(chosen) < r:
        score[chosen] = -np.inf
        nxt = int(np.argmax(score))
        chosen.append(nxt)
        score += d2[nxt]
    return np.sort(np.array(chosen))


# --------------------------------------------------------------------------------- estimators

def _percentile_ci(samples: np.ndarray, confidence: float):
    """Percentile interval along axis 0, NaN-safe."""
    alpha = (1.0 - confidence) / 2.0
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return (np.nanquantile(samples, alpha, axis=0), np.nanquantile(samples, 1.0 - alpha, axis=0))


def _check_ci_args(bootstrap: int, confidence: float):
    if int(bootstrap) < 1:
        raise ValueError(f"bootstrap: value {bootstrap} must be >= 1")
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence: value {confidence} must be in (0, 1)")


def _sobol_point(ya: np.ndarray, yb: np.ndarray, yab: np.ndarray):
    """S1 and ST for stacked resamples: ya, yb (..., N), yab (..., N, k)."""
    var = np.var(np.concatenate([ya, yb], axis=-1), axis=-1, ddof=1)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.mean(yb[..., None] * (yab - ya[..., None]), axis=-2) / var  # Saltelli 2010 (b)
        st = 0.5 * np.mean((ya[..., None] - yab) ** 2, axis=-2) / var  # Jansen 1999 (f)
    zero = ~(var > 0)
    s1 = np.where(zero, np.nan, s1)
    st = np.where(zero, np.nan, st)
    return s1, st


def sobol_indices(y: Sequence[float], k: int, *, bootstrap: int = 1000, confidence: float = 0.95,
                  seed: int = 0) -> Dict[str, np.ndarray]:
    """First-order (``S1``) and total (``ST``) Sobol indices from the outputs ``y`` of a
    :func:`saltelli_design` (same row order), with percentile-bootstrap intervals.

    Returns a dict of arrays of length k: ``S1``, ``S1_low``, ``S1_high``, ``ST``, ``ST_low``,
    ``ST_high``, and ``n_used`` (base rows without NaN). A constant output gives NaN indices.
    """
    _check_ci_args(bootstrap, confidence)
    k = int(k)
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or y.size % (k + 2):
        raise ValueError(f"y: {y.size} values is not a multiple of k + 2 = {k + 2} (a Saltelli design)")
    blocks = y.reshape(-1, k + 2)
    blocks = blocks[np.all(np.isfinite(blocks), axis=1)]
    n = blocks.shape[0]
    out: Dict[str, np.ndarray] = {"n_used": np.full(k, n)}
    if n < 2:
        for name in ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"):
            out[name] = np.full(k, np.nan)
        return out
    ya, yab, yb = blocks[:, 0], blocks[:, 1:k + 1], blocks[:, k + 1]
    out["S1"], out["ST"] = _sobol_point(ya, yb, yab)
    rng = np.random.default_rng(seed)
    s1_b, st_b = [], []
    chunk = max(1, int(4e6 // max(1, n * k)))  # bounds memory of one vectorised batch
    for start in range(0, int(bootstrap), chunk):
        idx = rng.integers(0, n, size=(min(chunk, int(bootstrap) - start), n))
        s1, st = _sobol_point(ya[idx], yb[idx], yab[idx])
        s1_b.append(s1)
        st_b.append(st)
    out["S1_low"], out["S1_high"] = _percentile_ci(np.concatenate(s1_b), confidence)
    out["ST_low"], out["ST_high"] = _percentile_ci(np.concatenate(st_b), confidence)
    return out


def elementary_effects(x: np.ndarray, y: Sequence[float]) -> np.ndarray:
    """Elementary effects of a :func:`morris_design` ``x`` (unit cube) and outputs ``y``: shape
    (r, k), per unit of each factor's range; NaN where a run's output is NaN."""
    x = np.asarray(x, dtype=float)
    k = x.shape[1]
    y = np.asarray(y, dtype=float)
    if y.size != x.shape[0] or x.shape[0] % (k + 1):
        raise ValueError(f"y: {y.size} values do not match a Morris design of {x.shape[0]} runs and {k} factors")
    xt, yt = x.reshape(-1, k + 1, k), y.reshape(-1, k + 1)
    dx = np.diff(xt, axis=1)  # (r, k, k): exactly one non-zero per step
    dy = np.diff(yt, axis=1)  # (r, k)
    step = np.argmax(np.abs(dx), axis=2)  # factor moved at each step
    moved = np.take_along_axis(dx, step[..., None], axis=2)[..., 0]
    ee = np.full((xt.shape[0], k), np.nan)
    rows = np.arange(xt.shape[0])[:, None]
    ee[rows, step] = dy / moved
    return ee


def _morris_stats(ee: np.ndarray):
    """mu_star, mu, sigma over axis -2 (trajectories) of ee (..., r, k)."""
    return np.mean(np.abs(ee), axis=-2), np.mean(ee, axis=-2), np.std(ee, axis=-2, ddof=1)


def morris_indices(x: np.ndarray, y: Sequence[float], *, bootstrap: int = 1000, confidence: float = 0.95,
                   seed: int = 0) -> Dict[str, np.ndarray]:
    """Morris ``mu_star``, ``mu``, ``sigma`` (each with ``_low``/``_high`` percentile-bootstrap bounds
    over trajectories) and ``n_used`` (trajectories without NaN), arrays of length k."""
    _check_ci_args(bootstrap, confidence)
    ee = elementary_effects(x, y)
    k = ee.shape[1]
    ee = ee[np.all(np.isfinite(ee), axis=1)]
    r = ee.shape[0]
    out: Dict[str, np.ndarray] = {"n_used": np.full(k, r)}
    names = ("mu_star", "mu", "sigma")
    if r < 2:
        for name in names:
            out[name] = out[name + "_low"] = out[name + "_high"] = np.full(k, np.nan)
        return out
    point = _morris_stats(ee)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, r, size=(int(bootstrap), r))
    boot = _morris_stats(ee[idx])
    for name, p, b in zip(names, point, boot):
        out[name] = p
        out[name + "_low"], out[name + "_high"] = _percentile_ci(b, confidence)
    return out


# ------------------------------------------------------------------------- reference models

def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990) function on x in [-pi, pi]^3 (rows of x)."""
    x = np.asarray(x, dtype=float)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> Dict[str, np.ndarray]:
    """Analytic first-order and total indices of :func:`ishigami` (x_i uniform on [-pi, pi]):
    V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0, V13 = 8 b^2 pi^8 / 225,
    V = V1 + V2 + V13 (direct integration of each term over the cube: E[sin^2] = 1/2,
    Var[sin^2] = 1/8, E[x^4] = pi^4 / 5, E[x^8] = pi^8 / 9)."""
    pi4 = np.pi ** 4
    v1 = 0.5 * (1.0 + b * pi4 / 5.0) ** 2
    v2 = a * a / 8.0
    v13 = 8.0 * b * b * pi4 * pi4 / 225.0
    v = v1 + v2 + v13
    return {"S1": np.array([v1, v2, 0.0]) / v, "ST": np.array([v1 + v13, v2, v13]) / v}
