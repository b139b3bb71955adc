#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Strong ellipticity of the fat's compression stiffening (docs/model.md "Skin and hypodermis").

psi = 1/2 g(I) (J^-2/3 I1 - 3) + kappa/2 (J - 1)^2 (mu = 1, kappa = 100), g = I^-1.18 under
compression and 1/(2 - I^-1.18) under tension, with I either C_nn = n.C.n or the squared thickness
stretch I_t = 1/(n.C^-1.n), n = z. A point is strongly elliptic when the acoustic tensor
Q_ik(m) = A_iJkL m_J m_L (A = d2psi/dF2, central differences) is positive definite for every
direction m. Prints the smallest eigenvalue in isochoric compression and how many of a set of
random near-isochoric states lose ellipticity. Run: /usr/bin/python3 scripts/stiffening_ellipticity.py
"""
import numpy as np

BETA, KAPPA = 1.18, 100.0
N = np.array([0.0, 0.0, 1.0])


def factor(i):
    p = i ** -BETA
    return p if i <= 1.0 else 1.0 / (2.0 - p)


def measure(f, kind):
    c = f.T @ f
    return N @ c @ N if kind == "C_nn" else 1.0 / (N @ np.linalg.inv(c) @ N)


def energy(f, kind):
    j = np.linalg.det(f)
    q = j ** (-2.0 / 3.0) * np.trace(f.T @ f) - 3.0
    g = 1.0 if kind == "neo-Hookean" else factor(measure(f, kind))
    return 0.5 * g * q + 0.5 * KAPPA * (j - 1.0) ** 2


def tangent(f, kind, h=1e-4):
    x0 = f.ravel()
    a = np.zeros((9, 9))
    for r in range(9):
        for s in range(9):
            def at(u, v):
                x = x0.copy()
                x[r] += u
                x[s] += v
                return energy(x.reshape(3, 3), kind)
            a[r, s] = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
    return a.reshape(3, 3, 3, 3)  # A[i, J, k, L] (row-major ravel of F)


def smallest_acoustic(f, kind, directions):
    a = tangent(f, kind)
    return min(np.linalg.eigvalsh(np.einsum("iJkL,J,L->ik", a, m, m)).min() for m in directions)


def fibonacci_sphere(count):
    k = np.arange(count)
    z = 1.0 - (2.0 * k + 1.0) / count
    r = np.sqrt(1.0 - z * z)
    phi = k * np.pi * (3.0 - np.sqrt(5.0))
    return [np.array(v) for v in np.column_stack([r * np.cos(phi), r * np.sin(phi), z])]


def main():
    directions = fibonacci_sphere(400)
    print("isochoric compression along n: smallest eigenvalue of the acoustic tensor [mu]")
    print("  C_nn    g(C_nn)  law on C_nn  law on I_t")
    for lam in (0.9, 0.7, 0.68, 0.5, 0.3):
        f = np.diag([lam ** -0.5, lam ** -0.5, lam])
        print(f"  {lam * lam:.3f}  {factor(lam * lam):7.3f}  {smallest_acoustic(f, 'C_nn', directions):11.3f}"
              f"  {smallest_acoustic(f, 'I_t', directions):10.3f}")
    rng = np.random.default_rng(1)
    states = []
    while len(states) < 84:
        f = np.eye(3) + 0.35 * rng.normal(size=(3, 3))
        j = np.linalg.det(f)
        if j < 0.5:
            continue
        states.append(f / j ** (1.0 / 3.0) * (0.95 + 0.1 * rng.random()) ** (1.0 / 3.0))
    print(f"random near-isochoric states (F = I + 0.35 noise, J in [0.95, 1.05]): {len(states)}")
    few = directions[::3]
    for kind in ("neo-Hookean", "C_nn", "I_t"):
        lost = [f for f in states if smallest_acoustic(f, kind, few) < 0.0]
        where = ", ".join(f"(C_nn {measure(f, 'C_nn'):.2f}, I_t {measure(f, 'I_t'):.2f})" for f in lost[:6])
        print(f"  {kind:12s} not strongly elliptic in {len(lost)}" + (f": {where}" if lost else ""))


if __name__ == "__main__":
    main()
