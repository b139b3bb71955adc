# SPDX-License-Identifier: MIT
"""Sweeps: designs, results equal single runs, resume, Dask vs local pool, shards + merge, CLI."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import fascia
import fascia.io
from fascia import sweep

POINTS = sweep.grid({"tissue.water": [0.6, 0.75], "protocol.tap.force_n": [0.3, 0.6]})
METRICS = ["work_input_j", "energy_stored_j", "fiber_damage_fraction"]


def _comparable(df):
    return df.drop(columns=["message"]).reset_index(drop=True)


def test_grid_and_latin_hypercube():
    g = sweep.grid({"a.x": [1, 2], "b.y": ["u", "v", "w"]})
    assert len(g) == 6 and g[0] == {"a.x": 1, "b.y": "u"} and g[-1] == {"a.x": 2, "b.y": "w"}
    pts = sweep.latin_hypercube({"tissue.water": (0.5, 0.8), "geometry.seed": (1, 100), "protocol": ["a", "b"]},
                                samples=8, seed=3)
    assert len(pts) == 8
    w = np.array([p["tissue.water"] for p in pts])
    # one point per stratum
    assert sorted(np.floor((w - 0.5) / 0.3 * 8).astype(int).tolist()) == list(range(8))
    assert all(isinstance(p["geometry.seed"], int) for p in pts)
    assert pts == sweep.latin_hypercube({"tissue.water": (0.5, 0.8), "geometry.seed": (1, 100),
                                         "protocol": ["a", "b"]}, samples=8, seed=3)


def test_sweep_equals_single_runs(tiny_text, tmp_path):
    table = sweep.run_sweep(tiny_text, POINTS, tmp_path / "s.h5", workers=2)
    assert len(table) == len(POINTS)
    assert set(table["status"]) == {"complete"}
    assert (table["fascia_version"] == fascia.__version__).all() and (table["seed"] == 1).all()
    assert (tmp_path / "s.csv").exists()
    for i, p in enumerate(POINTS):
        spec = fascia.with_overrides(tiny_text, p)
        single = fascia.run(spec, output=str(tmp_path / f"single{i}.h5"), threads=1).runs[0].metrics
        row = table[table["point"] == f"p{i:05d}"].iloc[0]
        assert row["tissue.water"] == p["tissue.water"]
        for m in METRICS:
            assert row[m] == single[m], (p, m)
    # the point's own run file records the modified scenario
    with fascia.io.open(tmp_path / "s_runs" / "p00000.h5") as f:
        assert "water = 0.6" in f.attrs["scenario"]


def test_resume_after_interruption(tiny_text, tmp_path):
    out = tmp_path / "r.h5"
    seen = []

    def interrupt(rec):
        seen.append(rec["point"])
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep.run_sweep(tiny_text, POINTS, out, workers=1, on_point=interrupt)
    assert len(sweep.load_table(out)) == 2
    redone = []
    table = sweep.run_sweep(tiny_text, POINTS, out, workers=1, on_point=lambda r: redone.append(r["point"]))
    assert sorted(redone) == sorted(set(f"p{i:05d}" for i in range(4)) - set(seen))
    assert len(table) == 4 and set(table["status"]) == {"complete"}
    # a finished sweep reruns nothing
    again = []
    sweep.run_sweep(tiny_text, POINTS, out, workers=1, on_point=lambda r: again.append(r))
    assert again == []
    # changing the definition under the same file is refused
    with pytest.raises(ValueError, match="p00000"):
        sweep.run_sweep(tiny_text, sweep.grid({"tissue.water": [0.5]}), out, workers=1)


def test_same_table_bit_for_bit_for_workers_dask_and_shards(tiny_text, tmp_path):
    """The CSV table (and every metric in the HDF5 sweep file) is byte-identical whether the points
    ran in this process, on a 2-process pool, on Dask, or as 3 shards merged afterwards: a point's
    result depends only on its scenario and seed (1 OpenMP thread per run), and the table is sorted
    by point id, not by completion order."""
    distributed = pytest.importorskip("distributed")
    points = [dict(p, protocol="tap") for p in POINTS]
    one = sweep.run_sweep(tiny_text, points, tmp_path / "one.h5", workers=1, progress=False)
    sweep.run_sweep(tiny_text, points, tmp_path / "pool.h5", workers=2, progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        sweep.run_sweep(tiny_text, points, tmp_path / "dask.h5", client=client, progress=False)
    shards = [tmp_path / f"shard{i}.h5" for i in range(3)]
    for i, out in enumerate(shards):
        sweep.run_sweep(tiny_text, points, out, workers=1, shard=(i, 3), progress=False)
    sweep.merge(shards, tmp_path / "merged.h5")
    reference = (tmp_path / "one.csv").read_bytes()
    for name in ("pool", "dask", "merged"):
        assert (tmp_path / f"{name}.csv").read_bytes() == reference, name
        other = sweep.load_sweep_file(tmp_path / f"{name}.h5")
        for a, b in zip(sweep.load_sweep_file(tmp_path / "one.h5"), other):
            assert [r["metrics"] for r in a["runs"]] == [r["metrics"] for r in b["runs"]], (name, a["point"])
    # one column per swept key, named by the key and holding its value; the run's protocol kind
    # has its own name, so sweeping "protocol" no longer duplicates a column
    assert list(one.columns).count("protocol") == 1 and set(one["protocol"]) == {"tap"}
    assert set(one["protocol_kind"]) == {"impulse"}
    assert list(one["tissue.water"]) == [p["tissue.water"] for p in POINTS]


def test_progress_bar_counts_points_and_resumed_ones(tiny_text, tmp_path, capsys):
    sweep.run_sweep(tiny_text, POINTS[:2], tmp_path / "p.h5", workers=1, progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err and "point" in err  # tqdm: done/total, unit, then elapsed<remaining
    sweep.run_sweep(tiny_text, POINTS[:3], tmp_path / "p.h5", workers=1, progress=True)
    err = capsys.readouterr().err
    assert "2/3" in err and "3/3" in err  # resumed points count as done from the start


def test_factor_forms():
    log = sweep.Factor("adhesion.bell_force_n", {"min": 1e-4, "max": 1e-2, "scale": "log"})
    assert log.value(0.0) == pytest.approx(1e-4) and log.value(0.5) == pytest.approx(1e-3)
    assert log.value(1.0) == pytest.approx(1e-2)
    ints = sweep.Factor("geometry.seed", [1, 4])  # every integer equally likely
    assert [ints.value(u) for u in (0.0, 0.25, 0.5, 0.75, 1.0)] == [1, 2, 3, 4, 4]
    assert sweep.Factor("tissue.water", [0.6, 0.8]).value(0.5) == pytest.approx(0.7)
    choice = sweep.Factor("adhesion.rupture", ["bell", "threshold"])
    assert choice.value(0.49) == "bell" and choice.value(0.5) == "threshold"
    assert sweep.Factor("x.y", {"choices": [1.0, 2.0]}).value(0.9) == 2.0
    for spec, msg in (({"min": 0.0, "max": 1.0, "scale": "log"}, "min > 0"), ([2.0, 1.0], "min <= max"),
                      ({"min": 1.0}, "needs min and max"), ({"min": 1, "max": 2, "scale": "ln"}, "scale"),
                      ("tap", "expected")):
        with pytest.raises(ValueError, match=r"x\.y: .*" + msg):
            sweep.Factor("x.y", spec)


def test_sobol_and_morris_designs_over_scenario_keys():
    params = {"tissue.water": [0.6, 0.8], "adhesion.bell_force_n": {"min": 1e-4, "max": 1e-2, "scale": "log"},
              "protocol": ["tap"]}
    d = sweep.sobol(params, samples=4, seed=1)
    assert len(d) == 4 * (2 + 2) and d.keys == ["tissue.water", "adhesion.bell_force_n"]
    assert d.unit.shape == (16, 2) and all(p["protocol"] == ["tap"] for p in d)  # protocol: fixed
    assert all(0.6 <= p["tissue.water"] <= 0.8 and 1e-4 <= p["adhesion.bell_force_n"] <= 1e-2 for p in d)
    m = sweep.morris(params, trajectories=3, seed=1)
    assert len(m) == 3 * 3 and m.method == "morris"
    replicate = sweep.morris({**params, "geometry.seed": 2}, trajectories=3, seed=1)  # a single value: fixed
    assert replicate.keys == m.keys and np.array_equal(replicate.unit, m.unit)
    assert all(p == {**q, "geometry.seed": 2} for p, q in zip(replicate, m))
    with pytest.raises(ValueError, match="samples: value 6"):
        sweep.sobol(params, samples=6)
    with pytest.raises(ValueError, match="at least one key"):
        sweep.morris({"protocol": ["tap"]}, trajectories=2)


def test_morris_sweep_analysis_in_the_sweep_file(tiny_text, tmp_path):
    design = sweep.morris({"tissue.water": [0.6, 0.75],
                           "protocol.tap.force_n": {"min": 0.2, "max": 0.8, "scale": "log"}}, trajectories=2, seed=1)
    out = tmp_path / "m.h5"
    sweep.run_sweep(tiny_text, design, out, workers=2, progress=False)
    res = sweep.analyze(out, bootstrap=50)
    assert set(res["index"]) == {"mu_star", "mu", "sigma"} and set(res["parameter"]) == set(design.keys)
    assert set(res["run"]) == {"tap"} and {"work_input_j", "energy_stored_j"} <= set(res["metric"])
    assert (res["n_used"] == 2).all()

    def pick(metric, parameter, index):
        return res[(res["metric"] == metric) & (res["parameter"] == parameter) & (res["index"] == index)].iloc[0]

    # the work of a force pulse grows with its peak force (W ~ F^2 for a linear response): every
    # elementary effect of force_n on work_input_j is positive
    w = pick("work_input_j", "protocol.tap.force_n", "mu")
    assert w["low"] > 0 and w["value"] > 0
    back = sweep.load_sensitivity(out)
    pd.testing.assert_frame_equal(res, back)
    assert back.attrs["method"] == "morris" and back.attrs["trajectories"] == 2
    assert (tmp_path / "m_sensitivity.csv").exists()
    ds = sweep.sensitivity_to_xarray(res)
    assert float(ds["value"].sel(run="tap", metric="work_input_j", parameter="protocol.tap.force_n",
                                 index="mu")) == w["value"]
    with pytest.raises(ValueError, match="differences: no run 'static'"):
        sweep.analyze(out, differences=[("tap", "static")])


def test_sobol_sweep_via_cli_with_a_difference(tiny_text, tmp_path):
    two = tiny_text.replace("[output]", '[protocol.soft]\nkind = "impulse"\nforce_n = 0.25\nradius_mm = 1.0\n'
                            'duration_s = 2e-5\nend_s = 4e-5\nframe_interval_s = 4e-6\n\n[output]')
    (tmp_path / "tiny.toml").write_text(two)
    (tmp_path / "sobol.toml").write_text(
        'scenario = "tiny.toml"\noutput = "out/sob.h5"\nworkers = 1\nmethod = "sobol"\nsamples = 2\n'
        '[parameters]\n"tissue.water" = [0.6, 0.8]\n"protocol.tap.force_n" = [0.3, 0.6]\n'
        '[analysis]\ndifferences = [["tap", "soft"]]\nbootstrap = 20\n')
    proc = subprocess.run([sys.executable, "-m", "fascia", "sweep", "sobol.toml", "--no-progress"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "sobol indices" in proc.stdout
    res = sweep.load_sensitivity(tmp_path / "out" / "sob.h5")
    assert set(res["index"]) == {"S1", "ST"} and set(res["run"]) == {"tap", "soft", "tap-soft"}
    table = sweep.load_table(tmp_path / "out" / "sob.h5")
    assert len(table) == 2 * (2 + 2) * 2  # N (k + 2) points x 2 runs
    # the difference output is the per-point difference of the two runs
    d = table.pivot(index="point", columns="run", values="work_input_j")
    assert (d["tap"] - d["soft"]).abs().max() > 0
    again = subprocess.run([sys.executable, "-m", "fascia", "analyze", "out/sob.h5", "--sweep", "sobol.toml"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    pd.testing.assert_frame_equal(res, sweep.load_sensitivity(tmp_path / "out" / "sob.h5"))


def test_bad_sweep_key_raises_before_running(tiny_text, tmp_path):
    with pytest.raises(ValueError, match=r"tissue\.wetness"):
        sweep.run_sweep(tiny_text, [{"tissue.wetness": 0.5}], tmp_path / "bad.h5", workers=1)
    with pytest.raises(ValueError, match=r"protocol\.tap\.force_n"):
        sweep.run_sweep(tiny_text, [{"protocol.tap.force_n": -1.0}], tmp_path / "bad.h5", workers=1)
    with pytest.raises(ValueError, match=r"protocol\.nope\.force_n"):
        sweep.run_sweep(tiny_text, [{"protocol.nope.force_n": 1.0}], tmp_path / "bad.h5", workers=1)
    with pytest.raises(ValueError, match="protocol"):
        sweep.run_sweep(tiny_text, [{"protocol": "nope"}], tmp_path / "bad.h5", workers=1)
    with pytest.raises(ValueError, match="--shard"):
        sweep.run_sweep(tiny_text, POINTS, tmp_path / "bad.h5", shard=(2, 2))


def test_cli_shards_and_merge(tiny_text, tmp_path):
    (tmp_path / "tiny.toml").write_text(tiny_text)
    (tmp_path / "sweep.toml").write_text(
        'scenario = "tiny.toml"\noutput = "out/sw.h5"\nworkers = 1\n'
        '[parameters]\n"tissue.water" = [0.6, 0.75]\n"protocol.tap.force_n" = [0.3, 0.6]\nprotocol = ["tap"]\n')
    for i in range(2):
        proc = subprocess.run([sys.executable, "-m", "fascia", "sweep", "sweep.toml", "--shard", f"{i}/2"],
                              cwd=tmp_path, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    shards = [tmp_path / "out" / f"sw.shard-{i}-of-2.h5" for i in range(2)]
    assert all(s.exists() for s in shards)
    proc = subprocess.run([sys.executable, "-m", "fascia", "merge", "merged.h5", *map(str, shards)],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    merged = sweep.load_table(tmp_path / "merged.h5")
    assert list(merged["point"]) == [f"p{i:05d}" for i in range(4)]
    full = sweep.run_sweep(tiny_text, [dict(p, protocol="tap") for p in POINTS], tmp_path / "full.h5", workers=1)
    pd.testing.assert_frame_equal(_comparable(merged), _comparable(full))
    bad = subprocess.run([sys.executable, "-m", "fascia", "sweep", "sweep.toml", "--shard", "3/2"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 2


def test_a_point_stopped_mid_run_continues_from_its_checkpoint(tiny_text, tmp_path):
    # A sweep stopped while a point ran (Ctrl-C here; a killed worker leaves the same, status
    # "incomplete") leaves the point's run file with a checkpoint; resuming runs that point on from it
    # (fascia run --resume) and its file ends as a point never stopped.
    import os
    import signal
    import threading

    from test_reliability import _datasets

    text = tiny_text.replace("end_s = 4e-5", "end_s = 4e-3").replace("frame_interval_s = 1e-6", "frame_interval_s = 1e-4")
    params = {"tissue.water": 0.6}
    timer = threading.Timer(0.15, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sweep.run_point(text, params, str(tmp_path / "stopped.h5"), point_id="p00000", resume=True)
    timer.join()
    assert fascia.read_summary(str(tmp_path / "stopped.h5")).runs[0].checkpoint_time is not None
    rec = sweep.run_point(text, params, str(tmp_path / "stopped.h5"), point_id="p00000", resume=True)
    fresh = sweep.run_point(text, params, str(tmp_path / "fresh.h5"), point_id="p00000")
    assert rec["status"] == fresh["status"] == "complete"
    assert rec["runs"] == fresh["runs"]
    a, b = _datasets(tmp_path / "fresh.h5"), _datasets(tmp_path / "stopped.h5")
    assert [k for k in a if a[k] != b.get(k)] == []
