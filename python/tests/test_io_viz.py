# SPDX-License-Identifier: MIT
"""fascia.io (numpy, pandas, xarray) and fascia.viz (plots, GIF/MP4 ripple animations)."""
import shutil

import numpy as np
import pytest

import fascia
import fascia.io as fio
import fascia.viz as viz


def test_read_run_shapes_and_units(tiny_run):
    with fio.open(tiny_run) as f:
        assert f.runs == ["tap"]
        assert f.attrs["units"] == "SI"
        model = f.model
        r = f.run("tap")
    n = model.num_nodes
    assert model.rest_positions.shape == (n, 3)
    assert r.displacement.shape == (r.num_frames, n, 3) == r.velocity.shape
    assert r.time.shape == (r.num_frames,) and r.num_frames >= 2
    assert r.status == "complete" and r.protocol == "impulse"
    assert np.all(np.diff(r.time) >= 0) and r.time[-1] > r.time[0]
    assert np.abs(r.displacement[-1]).max() > 0
    assert "work_input_j" in r.metrics
    sub = fio.read_run(tiny_run, "tap", frames=slice(-2, None))
    np.testing.assert_array_equal(sub.displacement, r.displacement[-2:])


def test_to_xarray(tiny_run):
    ds = fio.to_xarray(tiny_run, "tap")
    assert ds["displacement"].dims == ("time", "node", "component")
    assert list(ds["component"].values) == ["x", "y", "z"]
    assert ds["displacement"].attrs["units"] == "m" and ds["velocity"].attrs["units"] == "m/s"
    assert ds["time"].attrs["units"] == "s" and ds["rest_position"].attrs["units"] == "m"
    assert ds.attrs["status"] == "complete"
    r = fio.read_run(tiny_run)
    np.testing.assert_array_equal(ds["displacement"].values, r.displacement)


def test_comparison_table(tiny_run):
    df = fio.comparison(tiny_run)
    assert list(df.index) == ["tap"]
    assert df.loc["tap", "status"] == "complete"


def test_not_a_fascia_file(tmp_path):
    import h5py

    p = tmp_path / "other.h5"
    with h5py.File(p, "w") as f:
        f["x"] = 1
    with pytest.raises(ValueError, match="not a fascia output file"):
        fio.open(p)


def test_static_plots(tiny_run, tmp_path):
    fig = viz.comparison_bars(tiny_run, ["work_input_j", "energy_stored_j"])
    fig.savefig(tmp_path / "bars.png")
    ax = viz.time_series(tiny_run, "tap", ["work_input_j"])
    ax.figure.savefig(tmp_path / "series.png")
    ax = viz.displacement_field(tiny_run, "tap", frame=-1)
    ax.figure.savefig(tmp_path / "field.png")
    assert (tmp_path / "field.png").stat().st_size > 1000


def test_ripple_animation_gif(tiny_run, tmp_path):
    out = viz.ripple_animation(tiny_run, tmp_path / "ripple.gif", fps=5, dpi=40)
    data = open(out, "rb").read()
    assert data[:6] in (b"GIF89a", b"GIF87a")


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")
def test_ripple_animation_mp4(tiny_run, tmp_path):
    out = viz.ripple_animation(tiny_run, tmp_path / "ripple.mp4", fps=5, dpi=40)
    data = open(out, "rb").read(64)
    assert b"ftyp" in data


def test_bad_animation_format(tiny_run, tmp_path):
    with pytest.raises(ValueError, match="unsupported animation format"):
        viz.ripple_animation(tiny_run, tmp_path / "ripple.avi2")
