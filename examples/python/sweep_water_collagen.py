#!/usr/bin/env /usr/bin/python3
# SPDX-License-Identifier: MIT
"""Water x collagen sweep of the ripple sheet on a local process pool (or a Dask scheduler).

    PYTHONPATH=build/python /usr/bin/python3 examples/python/sweep_water_collagen.py [--workers 2]
        [--scheduler tcp://host:8786] [--lhs 12]

Interrupt it and run it again: finished points are skipped. The same sweep as a file for the CLI
(and SLURM job arrays): examples/python/water_collagen_sweep.toml.
"""
import argparse
from pathlib import Path

from fascia import sweep

HERE = Path(__file__).resolve().parent


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default=str(HERE.parent / "scenarios" / "ripple_sheet.toml"))
    ap.add_argument("--output", default="out/water_collagen.h5")
    ap.add_argument("--workers", type=int, default=0, help="local processes (0 = all cores)")
    ap.add_argument("--scheduler", help="dask.distributed scheduler address")
    ap.add_argument("--lhs", type=int, help="Latin-hypercube samples instead of the grid")
    args = ap.parse_args()

    if args.lhs:
        points = sweep.latin_hypercube({"tissue.water": (0.60, 0.78), "tissue.collagen": (0.12, 0.25)},
                                       samples=args.lhs, seed=0)
    else:
        points = sweep.grid({"tissue.water": [0.60, 0.65, 0.70, 0.75], "tissue.collagen": [0.15, 0.20, 0.24]})
    client = None
    if args.scheduler:
        from distributed import Client

        client = Client(args.scheduler)
    table = sweep.run_sweep(args.scenario, points, args.output, workers=args.workers, client=client,
                            on_point=lambda rec: print(rec["point"], rec["status"], rec["params"], flush=True))
    cols = ["point", "tissue.water", "tissue.collagen", "status", "front_speed_m_s", "energy_stored_j"]
    print(table[[c for c in cols if c in table]].to_string(index=False))


if __name__ == "__main__":
    main()
