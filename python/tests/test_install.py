# SPDX-License-Identifier: MIT
"""`pip install .` into a virtual environment, offline (docs/python.md): the package imports from
any folder and the `fascia` command runs. Registered as its own ctest test (label "install"): it
reuses the CMake build folder given in FASCIA_CMAKE_BUILD_DIR so that it takes seconds, not a
rebuild."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not os.environ.get("FASCIA_CMAKE_BUILD_DIR"),
                                reason="set FASCIA_CMAKE_BUILD_DIR to a configured build folder (ctest does)")


def test_pip_install_into_a_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # only what pip installed
    p = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-build-isolation", "--no-index",
                        "--no-deps", "-q", str(ROOT)], env=env, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout + p.stderr
    where = tmp_path / "elsewhere"
    where.mkdir()
    code = ("import fascia, fascia.io, os; print(fascia.__file__); "
            "print(fascia.parse_scenario(open(os.environ['S']).read()).protocols[0].name)")
    p = subprocess.run([str(venv / "bin" / "python"), "-c", code], cwd=where, capture_output=True, text=True,
                       env={**env, "S": str(ROOT / "examples/scenarios/ripple_sheet.toml")})
    assert p.returncode == 0, p.stderr
    module_file, protocol = p.stdout.split()
    assert module_file.startswith(str(venv)) and protocol == "tap"
    p = subprocess.run([str(venv / "bin" / "fascia"), "--version"], cwd=where, capture_output=True, text=True, env=env)
    assert p.returncode == 0 and p.stdout.startswith("fascia "), p.stdout + p.stderr
    p = subprocess.run([str(venv / "bin" / "fascia"), "validate", str(ROOT / "examples/scenarios/ripple_sheet.toml")],
                       cwd=where, capture_output=True, text=True, env=env)
    assert p.returncode == 0 and p.stdout.startswith("ok: "), p.stdout + p.stderr
