# SPDX-License-Identifier: MIT
"""The `fascia` command of an installed package (`pip install .`): runs the C++ command line that was
built with the package (fascia/bin/fascia), with the same arguments, output and exit code
(docs/cli.md)."""
import os
import sys
from pathlib import Path


def executable() -> str:
    """Path of the bundled command line program."""
    return str(Path(__file__).resolve().parent / "bin" / "fascia")


def main() -> None:
    exe = executable()
    if not os.path.exists(exe):
        sys.exit(f"fascia: error: {exe} is missing: this fascia was not installed with `pip install .` "
                 "(in a source build the command is build/fascia)")
    os.execv(exe, [exe, *sys.argv[1:]])


if __name__ == "__main__":
    main()
