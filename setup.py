# SPDX-License-Identifier: MIT
"""setuptools glue for `pip install .` (pyproject.toml): builds the compiled parts with the project's
own CMake build (the extension `fascia._core` and the `fascia` command line) and puts them into the
package. No compiler flags live here; CMakeLists.txt is the one description of the build.

Environment:
  FASCIA_CMAKE_BUILD_DIR  reuse this CMake build folder (e.g. `build`, already configured by
                          `make build`): only the two targets are brought up to date. Default: a
                          folder under setuptools' build_temp, configured Release.
  FASCIA_CMAKE_ARGS       extra arguments for the CMake configure step.
  CMAKE_BUILD_PARALLEL_LEVEL  parallel compile jobs (CMake's own variable).
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(fascia VERSION ([0-9.]+)", text).group(1)


class CMakeBuild(build_ext):
    """Builds targets `_core` and `fascia_cli` with CMake and copies them into the package."""

    def build_extension(self, ext):
        build = Path(os.environ.get("FASCIA_CMAKE_BUILD_DIR") or Path(self.build_temp).resolve() / "cmake")
        if not (build / "CMakeCache.txt").exists():
            build.mkdir(parents=True, exist_ok=True)
            # Python3_EXECUTABLE: the interpreter running pip (a venv's python is Debian's python3).
            cmd = ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                   f"-DPython3_EXECUTABLE={os.path.realpath(sys.executable)}",
                   "-DFASCIA_BUILD_TESTS=OFF", "-DFASCIA_BUILD_BENCHMARKS=OFF", "-DFASCIA_BUILD_PYTHON=ON"]
            if shutil.which("ccache"):
                cmd.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
            cmd += shlex.split(os.environ.get("FASCIA_CMAKE_ARGS", ""))
            subprocess.run(cmd, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", str(build), "-j", jobs, "--target", "_core", "fascia_cli"], check=True)

        module = next((build / "python" / "fascia").glob("_core*.so"))
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(module, target)
        bin_dir = target.parent / "bin"
        bin_dir.mkdir(exist_ok=True)
        shutil.copy2(build / "fascia", bin_dir / "fascia")


setup(
    version=version(),
    ext_modules=[Extension("fascia._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    package_data={"fascia": ["bin/fascia"]},
    zip_safe=False,
)
