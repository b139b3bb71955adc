# SPDX-License-Identifier: MIT
"""Shared fixtures: a tiny sheet scenario (a few hundred nodes, ~100 explicit steps) so that every
simulation in the suite takes a fraction of a second on one thread."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("FASCIA_SOURCE_DIR", Path(__file__).resolve().parents[2]))

TINY = """\
[tissue]
water = 0.70
collagen = 0.20

[geometry]
kind = "sheet"
size_mm = [6.0, 6.0]
spacing_mm = 0.5
seed = 1

[solver]
integrator = "explicit"
threads = 1

[protocol.tap]
kind = "impulse"
force_n = 0.5
radius_mm = 1.0
duration_s = 2e-5
end_s = 4e-5
frame_interval_s = 1e-6

[output]
file = "out/tiny.h5"
"""


@pytest.fixture(scope="session")
def tiny_text():
    return TINY


@pytest.fixture()
def tiny(tiny_text):
    import fascia

    return fascia.parse_scenario(tiny_text)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """One tiny run's output file, shared by the read-only I/O and plotting tests."""
    import fascia

    out = tmp_path_factory.mktemp("run") / "tiny.h5"
    fascia.run(TINY, output=str(out), threads=1)
    return out


@pytest.fixture(scope="session")
def examples_dir():
    return ROOT / "examples"


def pytest_report_header(config):
    return f"python: {sys.executable}; fascia source: {ROOT}"
