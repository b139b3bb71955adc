# SPDX-License-Identifier: MIT
"""Guard: the suite must run on Debian's /usr/bin/python3 (the pyenv `python3` on PATH lacks
numpy/h5py and would import an extension built for another interpreter)."""
import os
import sys


def test_debian_interpreter():
    exe = os.path.realpath(sys.executable)
    assert exe.startswith("/usr/bin/python3"), f"run the tests with /usr/bin/python3, not {sys.executable}"
    import numpy

    assert numpy.__file__.startswith("/usr/lib/python3/"), numpy.__file__


def test_import_from_build_tree():
    import fascia

    assert fascia._core.__file__.endswith(".so")
    assert fascia.__version__
    for name in fascia.__all__:
        assert hasattr(fascia, name), name
