# SPDX-License-Identifier: MIT
"""`fascia view` pages in headless Chromium (Debian's `chromium`, software WebGL).

A tiny layered slab is tapped (`fascia run`), drawn (`fascia view`, one and two panels) and opened
in Chromium. The page runs with #probe=1: after each drawn frame it logs one console line with the
frame shown, the share of canvas pixels that are not background and a hash of the pixels. The
test fails on any other console output (errors, uncaught exceptions, warnings), on a blank canvas
and on a picture that does not change as the run plays. Screenshots go to $FASCIA_SCREENSHOT_DIR
(docs/images/ when regenerating the documentation's pictures), else to a temporary folder.

Run by ctest (tests/CMakeLists.txt) with FASCIA_CLI set to the built binary.
"""
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CLI = os.environ.get("FASCIA_CLI", "build/fascia")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

SCENARIO = """\
[tissue]
water = {water}

[geometry]
kind = "slab"
size_mm = [4.0, 4.0]
layers = 2
spacing_mm = 0.5

[material]
muscle_thickness_mm = 1.0

[solver]
integrator = "explicit"
threads = 1

[protocol.tap]
kind = "impulse"
force_n = 0.5
radius_mm = 1.0
duration_s = 5e-6
end_s = 2e-5
frame_interval_s = 2.5e-6
"""

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make deps installs it)")


def run(*args):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{args}: {r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    d = tmp_path_factory.mktemp("view")
    out = {}
    for water in ("0.60", "0.80"):
        toml = d / f"tap_{water}.toml"
        toml.write_text(SCENARIO.format(water=water))
        run(CLI, "run", toml, "-o", d / f"tap_{water}.h5", "--threads", "1", "-q")
    out["one"] = d / "one.html"
    run(CLI, "view", d / "tap_0.60.h5", "-o", out["one"])
    out["two"] = d / "two.html"
    run(CLI, "view", d / "tap_0.60.h5", d / "tap_0.80.h5", "-o", out["two"])
    return out


def screenshot_dir():
    d = os.environ.get("FASCIA_SCREENSHOT_DIR")
    return Path(d) if d else Path(tempfile.mkdtemp(prefix="fascia_view_shots_"))


def chromium(page, fragment, png, budget_ms=3000, size=(1000, 560)):
    """Opens page#fragment headless; returns the page's probe lines. Fails on any other console output."""
    r = subprocess.run(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
         "--hide-scrollbars", "--no-first-run", "--disable-gpu-sandbox", f"--window-size={size[0]},{size[1]}",
         f"--virtual-time-budget={budget_ms}", "--enable-logging=stderr", "--v=0", f"--screenshot={png}",
         f"file://{page}#{fragment}"],
        capture_output=True, text=True, timeout=180)
    console = [line for line in r.stderr.splitlines() if ":CONSOLE" in line]
    probes = [line for line in console if "fascia-view: " in line]
    others = [line for line in console if line not in probes]
    assert not others, "console output from the page:\n" + "\n".join(others)
    assert probes, f"the page never drew a frame; stderr:\n{r.stderr[-3000:]}"
    for line in probes:
        assert "errors=0" in line, line
    assert png.exists() and png.stat().st_size > 0
    return [re.sub(r'^.*"fascia-view: (.*)", source.*$', r"\1", line) for line in probes]


def painted(line):
    return [float(x) for x in re.findall(r"painted=([0-9.]+)", line)]


def hashes(line):
    return re.findall(r"hash=([0-9a-f]+)", line)


def test_page_draws_the_run_and_the_picture_changes(pages):
    shots = screenshot_dir()
    start = chromium(pages["one"], "probe=1&frac=0", shots / "view_start.png")
    middle = chromium(pages["one"], "probe=1&frac=0.5", shots / "view_ripple.png")
    # Not blank: the slab covers a good part of the canvas (about a third at the default camera).
    for line in (start[-1], middle[-1]):
        assert all(p > 0.05 for p in painted(line)), line
    assert hashes(start[-1]) != hashes(middle[-1]), "the picture does not change between t = 0 and mid-run"


def test_playing_advances_the_picture(pages):
    shots = screenshot_dir()
    # Headless Chromium 156 ends a --screenshot run about a second (of the page's clock) after the
    # load, whatever --virtual-time-budget says (measured: animation frames stop at 1.3-1.6 s, and
    # the page starts playing at 0.15-0.25 s), so at the default 8 s per play-through the 9-frame
    # run sometimes never left frame 0 (failed 4 of 7 times on 2026-12-05). play_s=0.5 plays it
    # in half a second: two animation frames 1/16 of that apart already show another frame.
    lines = chromium(pages["one"], "probe=1&play=1&play_s=0.5", shots / "view_playing.png", budget_ms=8000)
    # How many frames play depends on how fast the (software-rendering) browser draws on a loaded
    # machine: two distinct frames with two distinct pictures are what proves that playing advances
    # the picture; more would only measure speed.
    frames = {re.search(r"frame=(\d+)", line).group(1) for line in lines}
    assert len(frames) >= 2, f"playing showed frames {sorted(frames)} only"
    assert len({tuple(hashes(line)) for line in lines}) >= 2


def test_two_runs_side_by_side_on_one_clock(pages):
    shots = screenshot_dir()
    lines = chromium(pages["two"], "probe=1&frac=0.5", shots / "view_two_runs.png", size=(1200, 560))
    last = lines[-1]
    assert len(painted(last)) == 2 and all(p > 0.05 for p in painted(last)), last
    # One clock: both runs have the same frame times here, so both show the same frame.
    frames = re.findall(r"frame=(\d+)", last)
    assert frames[0] == frames[1], last
