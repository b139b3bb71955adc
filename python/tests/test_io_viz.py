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
    axes = viz.time_series(tiny_run, "tap", ["work_input_j"])
    axes[0].figure.savefig(tmp_path / "series.png")
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


def test_time_labels_fit_the_run():
    # A 60 µs run with frames 2 µs apart: microseconds, and every frame reads differently
    # (the issue: "t = 0.00 ms, 0.01 ms, ..." shared by five frames).
    times = np.arange(0, 61e-6, 2e-6)
    labels = [viz.time_label(t, times) for t in times]
    assert labels[1] == "t = 2 µs" and len(set(labels)) == len(labels)
    # A slow run: seconds, not "t = 8000.00 ms".
    assert viz.time_label(8.0, [0.0, 4.0, 8.0]) == "t = 8 s"
    assert viz.time_label(0.25, [0.0, 0.25, 0.5]) == "t = 250 ms"
    # Frames 0.25 ms apart need one decimal in ms to tell 0.25 from 0.5.
    assert viz.time_label(0.25e-3, [0.0, 0.25e-3, 0.5e-3, 1.5e-3]) == "t = 0.2 ms" or \
        viz.time_label(0.25e-3, [0.0, 0.25e-3, 0.5e-3, 1.5e-3]) == "t = 0.3 ms"


def test_time_series_has_one_axis_per_unit(tiny_run):
    keys = ["applied_force_n", "work_input_j", "stored_energy_j"]
    axes = viz.time_series(tiny_run, "tap", keys)
    assert len(axes) == 2  # N and J never share an axis
    assert axes[0].get_ylabel().endswith("N]") and axes[1].get_ylabel().endswith("J]")
    assert axes[1].get_ylabel() in ("[µJ]", "[nJ]", "[mJ]", "[J]")
    assert axes[-1].get_xlabel() == "time [µs]"
    # the energies are drawn in a prefix that makes them readable numbers (not ~1e-6)
    assert max(abs(y) for line in axes[1].get_lines() for y in line.get_ydata()) >= 1.0


def test_labels_use_micro_sign_and_greyscale_safe_maps(tiny_run):
    ax = viz.displacement_field(tiny_run, "tap", frame=-1)
    cbar = ax.figure.axes[-1]
    assert "µm" in cbar.get_ylabel() and "um" not in cbar.get_ylabel().replace("µm", "")
    assert ax.collections[0].get_cmap().name == "viridis"
    ax = viz.displacement_field(tiny_run, "tap", frame=-1, component="x")
    assert ax.collections[0].get_cmap().name == "cividis"
    lo, hi = ax.collections[0].get_clim()
    assert lo == pytest.approx(-hi)
    # Both maps get lighter monotonically, so they read in greyscale.
    import matplotlib

    for name in (viz.MAGNITUDE_CMAP, viz.SIGNED_CMAP):
        rgb = matplotlib.colormaps[name](np.linspace(0, 1, 64))[:, :3]
        grey = rgb @ [0.299, 0.587, 0.114]
        assert np.all(np.diff(grey) > 0), name


def test_comparison_bars_leaves_out_empty_panels():
    import pandas as pd

    table = pd.DataFrame({"work_input_j": [1e-6, 2e-6], "broken_fraction": [0.0, 0.0],
                          "residual_slip_m": [3e-6, np.nan]}, index=["static", "active"])
    fig = viz.comparison_bars(table)
    titles = [a.get_title() for a in fig.axes if a.get_visible()]
    assert titles == ["work input [µJ]", "residual slip [µm]"]  # SI prefixes that fit the values
    assert all([t.get_text() for t in a.get_xticklabels()] == ["static", "active"] for a in fig.axes)


def test_ripple_frames_show_distinct_times(tiny_run):
    # The tiny 6 mm sheet's ring (~300 m/s: the water's undrained bulk stiffness in the plane) reaches
    # 80 % of the way to the edge within a few frames of 1 us: at
    # least two snapshots, each at its own time, and none after that.
    fig = viz.ripple_frames(tiny_run, "tap", count=3)
    titles = [a.get_title() for a in fig.axes if a.get_title().startswith("t = ")]
    assert 2 <= len(titles) <= 3 and len(set(titles)) == len(titles) and all("µs" in t for t in titles)
    last = viz.ripple_frames(tiny_run, "tap", frames=[-1])
    assert last.axes[0].get_title() == viz.time_label(fio.read_run(tiny_run, "tap").time[-1],
                                                      fio.read_run(tiny_run, "tap").time)


def test_gif_palette_is_the_colour_map(tiny_run, tmp_path):
    from PIL import Image
    import matplotlib

    out = viz.ripple_animation(tiny_run, tmp_path / "ripple.gif", fps=5, dpi=40)
    im = Image.open(out)
    palette = np.array(im.getpalette()[: 3 * 224]).reshape(-1, 3)
    lut = (matplotlib.colormaps[viz.MAGNITUDE_CMAP](np.linspace(0, 1, 224))[:, :3] * 255).round()
    assert np.array_equal(palette, lut)  # field colours are not re-quantised per frame: no banding
