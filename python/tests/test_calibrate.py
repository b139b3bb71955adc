# SPDX-License-Identifier: MIT
"""fascia.calibrate: recovers known material keys from curves the model itself generated, with
noise, and names the file and column of bad data."""
import numpy as np
import pytest

import fascia
from fascia import calibrate

# A tiny muscle sample (45 nodes) pulled to 5 % in 1 s and held 4 s: a few tenths of a second a run.
SCENARIO = """
[material]
water_bulk_modulus_mpa = 0.0
[geometry]
kind = "sample"
sample_tissue = "muscle"
size_mm = [2.0, 1.0]
sample_thickness_mm = 1.0
spacing_mm = 0.5
[protocol.pull]
kind = "uniaxial"
max_strain = 0.05
strain_rate_per_s = 0.05
hold_s = 4.0
release_s = 0.0
[output]
frame_interval_s = 0.05
"""


def noisy(curve, rel, seed):
    rng = np.random.default_rng(seed)
    scale = np.max(np.abs(curve.stress_pa))
    return calibrate.Curve(curve.strain.copy(), curve.stress_pa + rel * scale * rng.standard_normal(curve.stress_pa.size),
                           None if curve.time_s is None else curve.time_s.copy())


def test_recovers_a_modulus_from_a_noisy_ramp():
    # Truth 14 kPa, start at the default 10: the 95 % interval must hold the truth and be narrow
    # (1 % noise on ~20 points of a linear-ish curve: a relative standard error well under 1 %).
    truth = {"material.muscle_shear_modulus_kpa": 14.0}
    model = calibrate.model_curve(SCENARIO, "pull", truth)
    ramp = model.strain < 0.05 - 1e-12
    data = noisy(calibrate.Curve(model.strain[ramp][1:], model.stress_pa[ramp][1:]), 0.01, 1)
    fit = calibrate.fit(SCENARIO, "pull", data, {"material.muscle_shear_modulus_kpa": (1.0, 100.0)})
    lo, hi = fit.ci95["material.muscle_shear_modulus_kpa"]
    assert lo <= 14.0 <= hi
    assert hi - lo < 0.05 * 14.0
    assert abs(fit.values["material.muscle_shear_modulus_kpa"] - 14.0) < 0.02 * 14.0


def test_fits_a_ramp_and_hold_given_in_time_from_csv(tmp_path):
    # A relaxation test on the loose tissue (Prony 3.8 s and 30 s), written to CSV with units
    # (stress in kPa, time in s) and read back: the fit compares at the same times and recovers
    # the instantaneous modulus within its 95 % interval.
    text = SCENARIO.replace('sample_tissue = "muscle"', 'sample_tissue = "loose"')
    model = calibrate.model_curve(text, "pull", {"material.loose_modulus_kpa": 6.0})
    data = noisy(model, 0.01, 2)
    p = tmp_path / "relax.csv"
    rows = ["strain,stress_kpa,time_s"] + [f"{e!r},{s / 1e3!r},{t!r}" for e, s, t in
                                           zip(data.strain[1:], data.stress_pa[1:], data.time_s[1:])]
    p.write_text("\n".join(rows) + "\n")
    fit = calibrate.fit(text, "pull", p, {"material.loose_modulus_kpa": (1.0, 50.0)})
    lo, hi = fit.ci95["material.loose_modulus_kpa"]
    assert lo <= 6.0 <= hi
    assert abs(fit.values["material.loose_modulus_kpa"] - 6.0) < 0.03 * 6.0
    fit.plot(tmp_path / "fit.png")
    assert (tmp_path / "fit.png").stat().st_size > 0


def test_bad_data_names_the_file_and_column(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("strain,stress\n0.01,100\n")
    with pytest.raises(fascia.InputError, match=r"d\.csv: column 'stress' has no unit"):
        calibrate.read_curve(p)
    p.write_text("stress_kpa\n1.0\n")
    with pytest.raises(fascia.InputError, match=r"column 'strain' is missing"):
        calibrate.read_curve(p)
    p.write_text("strain,stress_kpa,force_n\n0.01,1,2\n")
    with pytest.raises(fascia.InputError, match=r"column 'force_n' is not allowed"):
        calibrate.read_curve(p)
    p.write_text("strain,stress_kpa\n0.01,abc\n")
    with pytest.raises(fascia.InputError, match=r"d\.csv:2: column 'stress_kpa': 'abc' is not a number"):
        calibrate.read_curve(p)
    p.write_text("strain,stress_kpa,time_s\n0.01,1.5,0.2\n")
    c = calibrate.read_curve(p)
    assert c.stress_pa[0] == 1500.0 and c.time_s[0] == 0.2
    with pytest.raises(fascia.InputError, match=r"protocol\.pull\.kind"):
        calibrate.fit(SCENARIO.replace('kind = "uniaxial"', 'kind = "elastography"').replace(
            "max_strain = 0.05\nstrain_rate_per_s = 0.05\nhold_s = 4.0\nrelease_s = 0.0\n", ""), "pull", c,
            {"material.muscle_shear_modulus_kpa": (1.0, 100.0)})
    with pytest.raises(fascia.InputError, match=r"bounds"):
        calibrate.fit(SCENARIO, "pull", c, {"material.muscle_shear_modulus_kpa": (5.0, 5.0)})
