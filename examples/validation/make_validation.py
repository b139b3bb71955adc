#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates docs/validation.md: runs every scenario of examples/validation/ with the fascia CLI
and puts the model's values next to the published measurements, one table per data set.

    /usr/bin/python3 examples/validation/make_validation.py [--cli build/fascia] [--check]

--check writes nothing and exits 1 when docs/validation.md differs from what the scenarios give
(the ctest `validation_page` runs it). Runs are deterministic (same scenario and seed give bitwise
identical results), so the page is compared as text.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PAGE = ROOT / "docs" / "validation.md"


def run(cli, scenario, out_dir, replace=None, engine=None):
    """Runs one scenario; returns {run name: {metric: value}}. `replace` = (old, new) edits one line of
    the scenario first; `engine` = "fem" runs it on the finite-element engine (`geometry.engine`). A
    variant is written next to the output."""
    source = HERE / scenario
    if replace or engine:
        text = source.read_text()
        suffix = []
        if replace:
            assert replace[0] in text, replace
            text = text.replace(*replace)
            suffix.append(replace[1].split()[-1])
        if engine:
            assert "\n[geometry]\n" in text, scenario
            text = text.replace("\n[geometry]\n", f'\n[geometry]\nengine = "{engine}"\n', 1)
            suffix.append(engine)
        source = Path(out_dir) / (Path(scenario).stem + "_" + "_".join(suffix) + ".toml")
        source.write_text(text)
    out = Path(out_dir) / (source.stem + ".h5")
    subprocess.run([str(cli), "--quiet", "--threads", "1", "run", str(source), "-o", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        runs = {name: {k: float(g["metrics"][k][()]) for k in g["metrics"]} for name, g in f["runs"].items()}
        # The tissue the run used (docs/hdf5-schema.md "/model"): moduli and densities are read, not retyped.
        runs["/model"] = {k: float(v) for k, v in f["model"].attrs.items() if k.endswith(("_pa", "_kg_m3"))}
        return runs


def strain_at_stress(cli, scenario, out_dir, run_name, stress):
    """Runs a material test; returns the engineering strain at which its nominal stress first reaches
    `stress` [Pa] (linear between saved samples), or None if it never does."""
    run(cli, scenario, out_dir)
    with h5py.File(Path(out_dir) / (Path(scenario).stem + ".h5"), "r") as f:
        series = f["runs"][run_name]["series"]
        strain, sigma = series["strain"][()], series["stress_pa"][()]
    for k in range(1, len(sigma)):
        if sigma[k] >= stress > sigma[k - 1]:
            return strain[k - 1] + (stress - sigma[k - 1]) / (sigma[k] - sigma[k - 1]) * (strain[k] - strain[k - 1])
    return None


def fmt(x, digits=3):
    return f"{x:.{digits}g}"


def err(model, lo, hi=None):
    """Relative error against a value, or against the nearest bound of a range (0 inside it)."""
    hi = lo if hi is None else hi
    if lo <= model <= hi:
        return "within range" if hi != lo else "0 %"
    ref = lo if model < lo else hi
    e = 100.0 * (model - ref) / ref
    return "0 %" if round(e) == 0 else f"{e:+.0f} %"  # not "-0 %"


HEAD = "| quantity | published | lattice | error | FE | FE error | note |"
RULE = "|---|---|---|---|---|---|---|"


def page(cli, out_dir):
    along = run(cli, "deep_fascia_along.toml", out_dir)["along"]
    across = run(cli, "deep_fascia_across.toml", out_dir)["across"]
    loose = run(cli, "loose_relaxation.toml", out_dir)["relax"]
    # The same samples on the finite-element engine (issue 11: the calibration holds for both).
    fe_along = run(cli, "deep_fascia_along.toml", out_dir, engine="fem")["along"]
    fe_across = run(cli, "deep_fascia_across.toml", out_dir, engine="fem")["across"]
    fe_loose = run(cli, "loose_relaxation.toml", out_dir, engine="fem")["relax"]
    # Pavan et al. held 4, 6 and 8 %: the same strip at 4 and 8 % beside the 5 % above.
    held = {s: run(cli, "deep_fascia_along.toml", out_dir, ("max_strain = 0.05", f"max_strain = {s}"))["along"]
            for s in ("0.04", "0.08")}
    dense_out = run(cli, "dense_elastography.toml", out_dir)
    muscle_out = run(cli, "muscle_elastography.toml", out_dir)
    dense_swe, muscle_swe = dense_out["swe"], muscle_out["swe"]
    dense_model, muscle_model = dense_out["/model"], muscle_out["/model"]
    rho_dense, rho_muscle = dense_model["dense_density_kg_m3"], muscle_model["muscle_density_kg_m3"]
    mu_dense = dense_model["dense_shear_modulus_pa"] / 1e3  # kPa
    mu_muscle = muscle_model["muscle_shear_modulus_pa"] / 1e3

    e_along, e_across = along["tangent_modulus_pa"] / 1e6, across["tangent_modulus_pa"] / 1e6
    ratio = along["peak_stress_pa"] / across["peak_stress_pa"]
    fe_e_along, fe_e_across = fe_along["tangent_modulus_pa"] / 1e6, fe_across["tangent_modulus_pa"] / 1e6
    fe_ratio = fe_along["peak_stress_pa"] / fe_across["peak_stress_pa"]
    c_dense, c_muscle = dense_swe["shear_wave_speed_m_s"], muscle_swe["shear_wave_speed_m_s"]
    c_dense_bulk = (mu_dense * 1e3 / rho_dense) ** 0.5
    c_muscle_bulk = (mu_muscle * 1e3 / rho_muscle) ** 0.5
    mu_swe = rho_dense * c_dense ** 2 / 1e3
    # The tension that would raise the along-fibre speed to the band's 12.8 m/s, sqrt((mu + sigma) / rho),
    # and the strain at which one ply of the model's dense tissue carries it.
    sigma_itb = rho_dense * 12.8 ** 2 - mu_dense * 1e3  # Pa
    strain_itb = strain_at_stress(cli, "iliotibial_band_tension.toml", out_dir, "pull", sigma_itb)
    strain_itb_text = f"{fmt(100 * strain_itb, 2)} %" if strain_itb is not None else "more than 1 %"
    # The hypothesis tested: the same block pre-stretched to that strain, read by the same scanner.
    taut = run(cli, "iliotibial_band_elastography.toml", out_dir,
               ("pre_strain = 0.0034", f"pre_strain = {fmt(strain_itb if strain_itb is not None else 0.01, 2)}"))["swe"]
    c_taut, sigma_taut = taut["shear_wave_speed_m_s"], taut["pre_stress_pa"]
    c_string = ((mu_dense * 1e3 + sigma_taut) / rho_dense) ** 0.5
    L = []
    w = L.append
    w("# Validation: the model against published measurements")
    w("")
    w("Generated by `examples/validation/make_validation.py` from the scenarios in `examples/validation/`")
    w("(default composition and `[material]` unless the scenario says otherwise); do not edit by hand.")
    w("The test `validation_page` (ctest) reruns the scenarios and fails when this page drifts from what")
    w("they give. \"Error\" is relative to the published value, or to the nearest end of a published")
    w("range (\"within range\" inside it). The model is *not* fitted to these numbers except where a row")
    w("says \"calibrated from\"; every default and its source is in [model.md](model.md) §2. Where the")
    w("model disagrees, the last column says so and why as far as we know. \"Lattice\" is the default")
    w("engine; \"FE\" is the same scenario with `geometry.engine = \"fem\"` (hexahedra, the continuum fibre")
    w("law: docs/fem.md), shown where it ran (\"–\": not run for this page).")
    w("")
    w("## Tensile moduli of deep fascia — Otsuka et al. 2018, J Biomech 77:69")
    w("")
    w("Human fascia lata, 17 legs of 12 cadavers (75–92 years), uniaxial tension along and across the")
    w("thigh; Young's modulus, range over four sites (longitudinal 71.6–275.9 MPa, transverse")
    w("3.2–41.9 MPa). Model: `deep_fascia_along.toml` and `deep_fascia_across.toml`, a 6 × 3 × 0.75 mm")
    w("strip of three bonded plies crossing at 78° (0°/78°/0°, `sample_plies = 3`, `dispersion_kappa = 5`),")
    w("pulled along and across the outer plies' fibres; tangent modulus at 5 % strain (past the 2 % toe; at 8 % fibres of the across strip began to rupture), 0.01/s.")
    w("")
    w(HEAD)
    w(RULE)
    w(f"| modulus along | 71.6–275.9 MPa | {fmt(e_along)} MPa | {err(e_along, 71.6, 275.9)} | {fmt(fe_e_along)} MPa | {err(fe_e_along, 71.6, 275.9)} | two of three plies along the pull; `fiber_modulus_mpa` = 150 MPa is Otsuka's central value, the dispersed fibres scissor under free lateral contraction (docs/model.md §10) |")
    w(f"| modulus across | 3.2–41.9 MPa | {fmt(e_across)} MPa | {err(e_across, 3.2, 41.9)} | {fmt(fe_e_across)} MPa | {err(fe_e_across, 3.2, 41.9)} | one ply of three 12° off the pull |")
    w("")
    w("## Anisotropy in uniaxial tension — Aparici-Gil et al. 2025, Front Bioeng Biotechnol 13:1494793")
    w("")
    w("Human deep fascia, uniaxial tension: mean stress 3.96 MPa longitudinal and 0.6 MPa transverse at")
    w("the same stretch (ratio 6.6; the stretch is given in the paper, not reproduced here). Model: nominal")
    w("stress at 5 % strain, along / across the strip above.")
    w("")
    w(HEAD)
    w(RULE)
    w(f"| stress along / across | 6.6 | {fmt(ratio)} | {err(ratio, 6.6)} | {fmt(fe_ratio)} | {err(fe_ratio, 6.6)} | **disagrees**: with equal plies at 0°/78°/0° the transverse direction has one ply of three nearly along it; the measured anisotropy needs a thinner or less aligned crossing ply. The ratio follows from the architecture (`sample_plies`, `crossing_angle_deg`, `dispersion_kappa`), not from the moduli. Fibre counts alone would not give it either: Otsuka et al. 2018 (abstract) counted 28–32 % of the fascia lata's fibres longitudinal and 20–27 % in each other direction (transverse and both diagonals), a nearly even spread that, loaded affinely, is close to isotropic, against their several-fold moduli ratio; what makes the measured anisotropy (crimp, bundle continuity along the thigh) is not in this model |")
    w("")
    w("## Stress relaxation of dense fascia — Pavan et al. 2014, Comput Math Methods Med 530242")
    w("")
    w("Human plantar aponeurosis, tension held 240 s at 4, 6 and 8 % strain: about 40 % of the stress")
    w("relaxed, independent of the strain. Model: `deep_fascia_along.toml`, held 240 s at 5 %.")
    w("")
    w(HEAD)
    w(RULE)
    w(f"| relaxation fraction in 240 s at 5 % | 0.40 | {fmt(along['relaxation_fraction'])} | {err(along['relaxation_fraction'], 0.40)} | {fmt(fe_along['relaxation_fraction'])} | {err(fe_along['relaxation_fraction'], 0.40)} | the fibres relax with the dense layers' Prony series (`fiber_relaxation = \"tissue\"`, quasi-linear viscoelasticity, docs/model.md §3.3): `dense_prony_g` = 0.4 is **taken from** this measurement, its single 60 s time is *assumed*; at most `0.4 (1 - e^-4)` = 0.393 relaxes in 240 s, and the 5 s ramp lets some relax before the peak. With elastic fibres the strip relaxed 0.0104 |")
    for s, r in held.items():
        w(f"| relaxation fraction in 240 s at {float(s) * 100:.0f} % | 0.40 | {fmt(r['relaxation_fraction'])} | {err(r['relaxation_fraction'], 0.40)} | – | – | independent of the strain, as measured: quasi-linear viscoelasticity relaxes the same fraction at every strain; the small drift with strain is the ramp (0.01/s, so 4 s to 4 % and 8 s to 8 %), during which some relaxes before the peak |")
    w("")
    w("## Loose (areolar) tissue — Iatridis et al. 2003, Connect Tissue Res 44:208")
    w("")
    w("Rat subcutaneous tissue in uniaxial tension: instantaneous modulus 4.77 kPa, equilibrium")
    w("2.75 kPa (so 42 % relaxes), time constants 3.83 s and 30.15 s. Model: `loose_relaxation.toml`,")
    w("5 % strain in 1 s, held 300 s.")
    w("")
    w(HEAD)
    w(RULE)
    secant = loose["peak_stress_pa"] / 0.05 / 1e3
    fe_secant = fe_loose["peak_stress_pa"] / 0.05 / 1e3
    w(f"| secant modulus at the end of the ramp | 4.77 kPa | {fmt(secant)} kPa | {err(secant, 4.77)} | {fmt(fe_secant)} kPa | {err(fe_secant, 4.77)} | `loose_modulus_kpa` = 4.77 is **calibrated from** this; the 1 s ramp lets the 3.8 s branch relax |")
    w(f"| relaxation fraction after 300 s | 0.42 | {fmt(loose['relaxation_fraction'])} | {err(loose['relaxation_fraction'], 0.42)} | {fmt(fe_loose['relaxation_fraction'])} | {err(fe_loose['relaxation_fraction'], 0.42)} | the Prony series relaxes the springs; the volumetric part of the matrix is elastic (docs/model.md §9 item 4) |")
    w("")
    w("## Shear-wave elastography — plantar fascia, iliotibial band, thoracolumbar fascia, muscle")
    w("")
    w("In vivo shear-wave speeds: plantar fascia 6.5 ± 1.5 m/s (29 healthy adults; Costello et al. 2024,")
    w("Sensors 24:4552), iliotibial band 12.8 m/s (Klauser et al. 2022, J Clin Med 11:3605), gluteus maximus")
    w("3.02 m/s (same study); thoracolumbar fascia shear moduli of tens of kPa (Chen et al. 2020, Sci Rep")
    w("10:20014; minimal detectable change 4.71 kPa). Model: virtual elastography (docs/model.md §6.6) of")
    w("homogeneous blocks thicker than the shear wavelength, pushed at mid-depth (1 ms in muscle, 0.5 ms in")
    w("the faster dense tissue, so that the wavelength stays within the block), tracked along x (the")
    w("fibres), drained water. FE: not rerun by this page's test: the explicit finite-element run of the")
    w("8 mm block (14 637 nodes at 0.5 mm) takes 21.6 CPU-minutes (measured once on 2026-12-06, one")
    w("thread, with a 1 ms push and the scanner's former leading-peak rule). It read 5.76 m/s (−11 % from")
    w("6.5 m/s, 13 % below the lattice then), while on a 3 mm block")
    w("(12 × 4 mm) the finite elements read 15 % *above* the lattice (2.24 against 1.95 m/s). Not")
    w("explained yet; a hypothesis, not tested: the window (1.75–6 mm from the push) lies within one")
    w("wavelength (6.5 mm), in the push's near field. Their plane-wave speeds agree with the Christoffel equation")
    w("([fem.md](fem.md)); the engines' moduli are compared in [engines.md](engines.md).")
    w("")
    w(HEAD)
    w(RULE)
    w(f"| plantar fascia, 8 mm dense block (`dense_elastography.toml`) | 6.5 m/s | {fmt(c_dense)} m/s | {err(c_dense, 6.5)} | – | – | `dense_matrix_shear_kpa` = {fmt(mu_dense)} is **calibrated from** this speed (ρc², ρ = {fmt(rho_dense, 4)} kg/m³; bulk speed {fmt(c_dense_bulk)} m/s), so this row checks the virtual scanner, not the tissue: at `matrix_poisson` = 0.25 / 0.3 / 0.4 / 0.45 the same block reads 6.09 / 6.31 / 6.84 / 6.77 m/s (2026-12-08, `scripts/elastography_estimators.py`; docs/model.md §6.6). Thickness matters: the same block 4 mm thick read 3.35 m/s with a 1 ms push (fascia 0.1.0 at 3d97532), most likely because that push's wavelength (6.5 mm) exceeds the thickness and the free plate carries a flexural (A0 Lamb) wave, slower than the bulk wave, and the reading depends on the block's shape (docs/model.md §6.6); plantar fascia is 2.4–4 mm thick, so a scanner's in-vivo reading is partly a guided wave too (docs/model.md §6.6) |")
    w(f"| iliotibial band, same block | 12.8 m/s | {fmt(c_dense)} m/s | {err(c_dense, 12.8)} | – | – | **disagrees**: matching it by composition would need 3.9× the ground fraction; the in-vivo band is under tension, which raises the along-fibre speed to `sqrt((μ+σ)/ρ)`: σ = ρc² − μ = {fmt(sigma_itb / 1e3)} kPa would do, a tension one ply of the model's dense tissue carries at {strain_itb_text} strain along its fibres (`iliotibial_band_tension.toml`); tested in the next row |")
    w(f"| iliotibial band, the block pre-stretched {strain_itb_text} along its fibres (`iliotibial_band_elastography.toml`) | 12.8 m/s | {fmt(c_taut)} m/s | {err(c_taut, 12.8)} | – | – | the tension hypothesis, tested: stretched by the strain of the row above (`pre_strain`, not fitted to the speed), the block carries {fmt(sigma_taut / 1e3)} kPa (`pre_stress_pa`) and the same scanner reads {fmt(c_taut / c_dense)}× the unstretched block, where the string formula `sqrt((μ+σ)/ρ)` gives {fmt(c_string)} m/s. So in this model a band stretched {strain_itb_text} reads about the in-vivo speed; the band's strain in vivo is not measured here, so this shows the tension *can* explain 12.8 m/s, not that it does. The reading also depends on the block's grips (stretched, its x faces are held) and on the push: at this speed the 0.5 ms push's wavelength (~6.4 mm) is close to the 8 mm thickness; docs/model.md §6.6 gives both effects, measured |")
    tlf = "within" if 10.0 <= mu_swe < 100.0 else "outside"
    w(f"| thoracolumbar fascia shear modulus, ρc² of the block | tens of kPa | {fmt(mu_swe)} kPa | {tlf} \"tens of kPa\" | – | – | the dense matrix itself is {fmt(mu_dense)} kPa; the scanner's ρc² reads the bulk shear modulus of a block thicker than the wavelength |")
    w(f"| resting muscle, 6 mm block (`muscle_elastography.toml`) | 3.02 m/s (gluteus maximus) | {fmt(c_muscle)} m/s | {err(c_muscle, 3.02)} | – | – | `muscle_shear_modulus_kpa` = {fmt(mu_muscle)} (bulk speed {fmt(c_muscle_bulk)} m/s) |")
    w("")
    w("A thin layer on softer tissue carries a guided wave, not the bulk wave: `slab_elastography.toml`")
    w("pushes in the default slab's middle dense layer (docs/model.md §6.6 says how that speed relates to")
    w("the bulk modulus). It is not on this page: its explicit run (fibre springs set the step) is too")
    w("long for the page's test (97 s of CPU), and no published reading of this stack compares with it;")
    w("measured once, it read 5.46 m/s, 16 % below the dense bulk 6.5 m/s (docs/model.md §6.6).")
    w("")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default=os.environ.get("FASCIA_CLI", str(ROOT / "build" / "fascia")))
    ap.add_argument("--check", action="store_true", help="compare with docs/validation.md instead of writing it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        text = page(args.cli, tmp)
    if args.check:
        if PAGE.read_text() != text:
            sys.stderr.write("docs/validation.md drifted from what examples/validation/ gives; rerun "
                             "examples/validation/make_validation.py\n")
            return 1
        return 0
    PAGE.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
