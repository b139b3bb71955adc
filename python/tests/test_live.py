# SPDX-License-Identifier: MIT
"""Watching a run live (docs/hdf5-schema.md "Watching a run live"): while a run writes its file,
fascia.io, fascia.read_summary (what `fascia info` prints) and h5py with locking=False open it and
see the frames flushed so far; the run's status reads "incomplete" until it ends."""
import os
import signal
import subprocess
import sys
import time

import h5py

import fascia
import fascia.io as fio
from conftest import TINY

# The suite's tiny sheet, made long enough (a few hundred explicit steps, 61 frames) to be caught
# while writing.
LIVE = (TINY.replace("size_mm = [6.0, 6.0]", "size_mm = [10.0, 10.0]")
        .replace("spacing_mm = 0.5", "spacing_mm = 0.25")
        .replace("end_s = 4e-5\nframe_interval_s = 1e-6", "end_s = 1.2e-4\nframe_interval_s = 2e-6"))
assert LIVE.count("1.2e-4") == 1 and LIVE.count("0.25") == 1


def _read_all(out, seen, summaries, plain):
    """One look at the file with each reader."""
    try:
        with fio.open(out) as f:
            if f.runs:
                r = f.run("tap")
                seen.append((r.status, r.num_frames))
        s = fascia.read_summary(str(out))
        if s.runs:
            summaries.append((s.runs[0].status, s.runs[0].frames))
    except (FileNotFoundError, OSError, ValueError, KeyError):
        pass  # not created yet, or caught in the first instants of writing the model
    try:
        with h5py.File(out, "r", locking=False) as f:
            if "runs/tap/time" in f:
                plain.append(len(f["runs/tap/time"]))
    except (FileNotFoundError, OSError, RuntimeError, KeyError):
        # Plain h5py does not try again: met in the middle of a flush, it raises (CI saw
        # RuntimeError "addr overflow"); docs/hdf5-schema.md "Watching a run live" says so.
        pass


def test_a_run_can_be_read_while_it_writes(tmp_path):
    out = tmp_path / "live.h5"
    code = f"import fascia; fascia.run({LIVE!r}, output={str(out)!r}, threads=1)"
    writer = subprocess.Popen([sys.executable, "-c", code])
    seen, summaries, plain = [], [], []
    deadline = time.time() + 300
    try:
        while writer.poll() is None and time.time() < deadline:
            # The writer is paused while the three readers look, so that they all see the same moment
            # of the run: CI once saw fascia.io catch the run live and read_summary, a moment later,
            # only the finished file. A pause that lands inside a flush leaves a file that is part old,
            # part new; the readers then fail (read_summary after its retries) and the next look,
            # after the flush, succeeds.
            os.kill(writer.pid, signal.SIGSTOP)
            try:
                _read_all(out, seen, summaries, plain)
            finally:
                os.kill(writer.pid, signal.SIGCONT)
            time.sleep(0.02)
    finally:
        writer.wait(timeout=300)
    assert writer.returncode == 0
    live = [n for status, n in seen if status == "incomplete" and n > 0]
    assert live, f"never saw frames of the running run: {seen[:5]}"
    assert any(st == "incomplete" and n > 0 for st, n in summaries), summaries[:5]
    assert any(n > 0 for n in plain)
    final = fio.read_run(out, "tap")
    assert final.status == "complete" and final.num_frames == 61
    assert max(live) <= final.num_frames
