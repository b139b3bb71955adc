# SPDX-License-Identifier: MIT
"""Sweeps: designs, results equal single runs, resume, Dask vs local pool, shards + merge, CLI."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import fascia
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


def test_dask_and_local_pool_give_identical_tables(tiny_text, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = sweep.run_sweep(tiny_text, POINTS, tmp_path / "local.h5", workers=2)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        dask = sweep.run_sweep(tiny_text, POINTS, tmp_path / "dask.h5", client=client)
    pd.testing.assert_frame_equal(_comparable(local), _comparable(dask))


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
    full = sweep.run_sweep(tiny_text, [dict(p, protocol=["tap"]) for p in POINTS], tmp_path / "full.h5", workers=1)
    pd.testing.assert_frame_equal(_comparable(merged), _comparable(full))
    bad = subprocess.run([sys.executable, "-m", "fascia", "sweep", "sweep.toml", "--shard", "3/2"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 2
