# SPDX-License-Identifier: MIT
"""Bindings: scenario keys round-trip, errors name the key, numpy views are zero-copy and never
dangle, the GIL is released while simulating, the progress callback works."""
import copy
import gc
import pickle
import threading
import time

import numpy as np
import pytest

import fascia

SECTIONS = [f for f in fascia.ScenarioSpec._fields if f not in ("protocols", "source_text")]


def test_parse_then_to_toml_round_trips(tiny):
    again = fascia.parse_scenario(fascia.to_toml(tiny))
    again.source_text = tiny.source_text
    assert again == tiny
    assert tiny.protocol("tap").end_s == 4e-5
    assert tiny.geometry.size_mm == [6.0, 6.0]


def test_every_key_round_trips_through_kwargs_toml_and_pickle(tiny):
    # Change every float key of every table by 1 % and read it back through TOML text.
    spec = tiny.copy()
    changed = {}
    for section in SECTIONS:
        obj = getattr(spec, section)
        for f in obj._fields:
            v = getattr(obj, f)
            if isinstance(v, float):
                setattr(obj, f, v * 1.01)
                changed[f"{section}.{f}"] = v * 1.01
            elif isinstance(v, list) and v and all(isinstance(x, float) for x in v):
                setattr(obj, f, [x * 1.01 for x in v])
                changed[f"{section}.{f}"] = [x * 1.01 for x in v]
    assert len(changed) > 30
    spec.validate()
    spec.geometry.seed = 7
    spec.protocol("tap").force_n = 0.3
    text = fascia.to_toml(spec)
    back = fascia.parse_scenario(text)
    back.source_text = spec.source_text
    assert back == spec
    for key, v in changed.items():
        assert fascia.get_key(back, key) == v, key
    assert fascia.get_key(back, "protocol.tap.force_n") == 0.3
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert copy.deepcopy(spec) == spec


def test_keyword_construction():
    spec = fascia.ScenarioSpec(
        tissue=fascia.TissueSpec(water=0.6, collagen=0.25),
        geometry={"kind": "sheet", "size_mm": [4.0, 4.0], "spacing_mm": 0.5},
        solver={"integrator": "explicit", "threads": 1},
        protocols={"tap": {"kind": "impulse", "force_n": 0.2, "duration_s": 2e-5, "end_s": 4e-5}},
    )
    assert spec.tissue.fractions() == pytest.approx([0.6, 0.25, 0.15])
    assert spec.geometry.kind == "sheet"
    assert spec.protocol_names == ["tap"]
    assert spec.protocol("tap").force_n == 0.2
    spec.validate()
    # nested specs are references into the parent
    spec.tissue.temperature_c = 30.0
    assert spec.tissue.temperature_c == 30.0
    spec.protocols[0].force_n = 0.4
    assert spec.protocol("tap").force_n == 0.4
    parsed = fascia.parse_scenario(fascia.to_toml(spec))
    parsed.source_text = ""
    assert parsed == spec


@pytest.mark.parametrize(
    "make, key",
    [
        (lambda: fascia.TissueSpec(watr=0.5), "tissue.watr"),
        (lambda: fascia.TissueSpec(water="wet"), "tissue.water"),
        (lambda: fascia.ProtocolSpec(name="tap", kind="impulse", forse_n=1.0), "protocol.tap.forse_n"),
        (lambda: fascia.ScenarioSpec(geometry={"spacing": 1.0}), "geometry.spacing"),
        (lambda: fascia.TissueSpec(water=1.5).validate(), "tissue.water"),
        (lambda: fascia.parse_scenario("[tissue]\nwater = 1.5\n[protocol.t]\nkind='impulse'\n"), "tissue.water"),
        (lambda: fascia.parse_scenario("[protocol.t]\nkind = 'impulse'\nforse_n = 1\n"), "protocol.t.forse_n"),
        (lambda: fascia.load_scenario("/nonexistent/scenario.toml"), "/nonexistent/scenario.toml"),
        (lambda: fascia.set_key(fascia.ScenarioSpec(), "tissue.wetness", 1.0), "tissue.wetness"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_key(make, key):
    with pytest.raises(ValueError, match=key.replace(".", r"\.")) as info:
        make()
    assert isinstance(info.value, fascia.InputError)


def test_run_rejects_bad_values_before_writing(tiny, tmp_path):
    tiny.protocol("tap").force_n = -1.0
    out = tmp_path / "never.h5"
    with pytest.raises(ValueError, match=r"protocol\.tap\.force_n") as info:
        fascia.run(tiny, output=str(out), threads=1)
    assert info.value.key == "protocol.tap.force_n"
    assert not out.exists()
    tiny.protocol("tap").force_n = 0.5
    with pytest.raises(ValueError, match="--only"):
        fascia.run(tiny, output=str(out), threads=1, only=["nope"])


def test_run_result_and_progress(tiny, tmp_path):
    tiny.protocol("tap").end_s = 3e-4  # long enough for a few progress calls
    calls = []
    res = fascia.run(tiny, output=str(tmp_path / "r.h5"), threads=1, progress=lambda *a: calls.append(a))
    assert [r.name for r in res.runs] == ["tap"]
    assert res.runs[0].status == "complete"
    assert "work_input_j" in res.runs[0].metrics
    assert set(res.metric_names) == set(res.runs[0].metrics)
    assert calls and all(c[0] == "tap" for c in calls)
    fractions = [c[2] for c in calls]
    assert fractions == sorted(fractions) and 0.0 <= fractions[0] and fractions[-1] <= 1.0 + 1e-12
    assert (tmp_path / "r.h5").exists() and res.xdmf_file.endswith(".xdmf")
    summary = fascia.read_summary(res.output_file)
    assert summary.runs[0].status == "complete"
    assert res.table().loc["tap", "status"] == "complete"


def test_progress_exception_stops_the_run(tiny, tmp_path):
    tiny.protocol("tap").end_s = 3e-4
    def boom(run, phase, fraction):
        raise KeyboardInterrupt("stop")

    with pytest.raises(KeyboardInterrupt):
        fascia.run(tiny, output=str(tmp_path / "x.h5"), threads=1, progress=boom)


def test_lattice_arrays_are_zero_copy_views(tiny):
    lat = fascia.build_lattice(tiny)
    n = lat.num_nodes
    assert n == lat.nx * lat.ny * lat.nz
    x1, x2 = lat.rest_positions, lat.rest_positions
    assert x1.shape == (n, 3) and x1.dtype == np.float64 and x1.flags.c_contiguous
    assert not x1.flags.owndata and not x1.flags.writeable
    assert np.shares_memory(x1, x2)  # both view the same C++ vector
    m = lat.masses
    assert m.shape == (n,) and not m.flags.owndata and np.shares_memory(m, lat.masses)
    assert lat.layer_id.dtype == np.int32 and not lat.layer_id.flags.owndata
    with pytest.raises(ValueError):
        x1[0, 0] = 1.0  # read-only: the lattice is immutable
    expected = x1.copy()
    del lat, x2, m
    gc.collect()
    _ = [np.zeros(10000) for _ in range(50)]  # churn the allocator
    np.testing.assert_array_equal(x1, expected)  # the view kept the lattice alive
    assert isinstance(x1.base, fascia.Lattice)


def test_gil_released_during_run(tmp_path, examples_dir):
    spec = fascia.load_scenario(str(examples_dir / "scenarios" / "ripple_sheet.toml"))
    counter = {"n": 0}
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counter["n"] += 1

    t = threading.Thread(target=count)
    t.start()
    time.sleep(0.05)
    try:
        before = counter["n"]
        t0 = time.perf_counter()
        fascia.run(spec, output=str(tmp_path / "gil.h5"), threads=1)
        elapsed = time.perf_counter() - t0
        during = counter["n"] - before
    finally:
        stop.set()
        t.join()
    # With the GIL held the counter would stand still for the whole run (~0.5 s).
    assert elapsed > 0.05
    assert during > 10000, f"the counting thread advanced only {during} times in {elapsed:.2f} s"


def test_threads_run_concurrently(tiny, tmp_path):
    results = {}

    def go(i):
        results[i] = fascia.run(tiny, output=str(tmp_path / f"t{i}.h5"), threads=1).runs[0].metrics

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0] == results[1]


def test_plan_says_what_the_runs_will_cost():
    # A 2 x 1 x 0.5 mm sample at 0.25 mm (a 9 x 5 x 3 grid of nodes); its uniaxial test ramps for
    # 0.01 / (1000 /s) = 1e-5 s, holds 2e-5 s and releases over 1e-5 s: 100 + 200 + 100 explicit
    # steps of 1e-7 s (each phase in equal steps that end on its end).
    sample = """
[geometry]
kind = "sample"
sample_tissue = "muscle"
size_mm = [2.0, 1.0]
sample_thickness_mm = 0.5
spacing_mm = 0.25
[protocol.pull]
kind = "uniaxial"
max_strain = 0.01
strain_rate_per_s = 1000.0
hold_s = 2e-5
release_s = 1e-5
"""
    p = fascia.plan(sample + '[solver]\nintegrator = "explicit"\ndt_s = 1e-7\n')
    assert p.nodes == 135
    (r,) = p.runs
    assert (r.name, r.protocol, r.explicit_steps) == ("pull", "uniaxial", 400)
    assert r.explicit_s == pytest.approx(4e-5) and r.explicit_dt == 1e-7 and r.implicit_s == 0.0
    # "auto": a material test's phases are slow, so implicit.
    (a,) = fascia.plan(sample).runs
    assert a.explicit_steps == 0 and a.explicit_dt == 0.0 and a.implicit_s == pytest.approx(4e-5)
    # The checks run() makes: a fixed step above the stability limit is refused, naming the key.
    with pytest.raises(fascia.InputError, match="solver.dt_s"):
        fascia.plan(sample + '[solver]\nintegrator = "explicit"\ndt_s = 1e-3\n')
