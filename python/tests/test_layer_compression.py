# SPDX-License-Identifier: MIT
"""examples/python/layer_compression.py (quoted by docs/hypotheses.md "Body scale") on columns with
a known answer: a uniform squeeze z -> (1 - c) z thins every band by c; squeezing only the fat
leaves the other bands at zero; the bands tile the column, so their thinning adds up to the top's
displacement."""
import importlib.util
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "python" / "layer_compression.py"
spec = importlib.util.spec_from_file_location("layer_compression", SCRIPT)
lc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lc)

# One column of a thigh-like stack, bottom to top: muscle, dense / loose / dense, fat, skin.
IDS = np.array([0, 0, 0, 1, -1, 2, 100, 100, 100, 101, 101])
Z = np.array([0.0, 2.0, 4.0, 4.28, 4.32, 4.6, 6.0, 8.0, 10.0, 11.0, 12.0]) * 1e-3


def column(z):
    xyz = np.zeros((len(z), 3))
    xyz[:, 2] = z
    return xyz


def test_the_centre_column_is_found_bottom_to_top():
    # Two columns of a 2 x 1 grid and a third in the middle: the middle one, sorted by height.
    rest = np.array([[0, 0, 1.0], [2, 0, 0.0], [1, 0, 0.5], [1, 0, 0.0], [0, 0, 0.0], [2, 0, 1.0]])
    assert list(lc.centre_column(rest)) == [3, 2]


def test_a_uniform_squeeze_thins_every_band_by_the_same_fraction():
    c = 0.07
    tops = lc.band_tops(IDS)
    assert list(tops) == ["muscle", "deep fascia", "hypodermis", "skin"]
    out = lc.compressions(column(Z), column((1 - c) * Z), tops)
    for name, comp, rest_h in out:
        assert abs(comp - c) < 1e-12, name  # rounding of (1 - c) z only
        assert rest_h > 0


def test_squeezing_the_fat_alone_leaves_the_fascia_and_the_skin_unchanged():
    z = Z.copy()
    fat = (IDS == 100)
    z[fat] -= 1e-3 * np.array([0.5, 1.0, 1.5])  # the fat's nodes sink, its top by 1.5 mm
    z[IDS == 101] -= 1.5e-3                     # the skin rides on it rigidly
    out = dict((n, comp) for n, comp, _ in lc.compressions(column(Z), column(z), lc.band_tops(IDS)))
    assert out["muscle"] == 0 and out["deep fascia"] == 0 and abs(out["skin"]) < 1e-12
    assert abs(out["hypodermis"] - 1.5 / 5.4) < 1e-12  # from the fascia's top (4.6 mm) to 10 mm


def test_the_bands_thinning_adds_up_to_the_top_displacement():
    rng = np.random.default_rng(1)
    z = Z - np.cumsum(rng.uniform(0, 2e-4, len(Z)))  # every node lower than the one below sank
    z[0] = Z[0]                                       # the base is held
    total = sum(comp * rest_h for _, comp, rest_h in lc.compressions(column(Z), column(z), lc.band_tops(IDS)))
    assert abs(total - (Z[-1] - z[-1])) < 1e-15
