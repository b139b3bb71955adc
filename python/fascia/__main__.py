# SPDX-License-Identifier: MIT
"""Command line of the Python package: sweeps and merging shard files.

    /usr/bin/python3 -m fascia sweep SWEEP.toml [--shard i/n] [--workers N] [--output OUT.h5]
                                                [--scheduler ADDRESS] [--no-resume] [--no-progress]
    /usr/bin/python3 -m fascia merge OUT.h5 SHARD.h5 [SHARD.h5 ...] [--analyze SWEEP.toml]
    /usr/bin/python3 -m fascia analyze OUT.h5 [--sweep SWEEP.toml] [--difference A B] [--bootstrap N]
    /usr/bin/python3 -m fascia version

Exit codes: 0 success, 1 some points failed (status "error" or "diverged"), 2 bad input.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _shard(text: str):
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected i/n (0-based i, e.g. 0/4), got {text!r}") from None
    if not (n >= 1 and 0 <= i < n):
        raise argparse.ArgumentTypeError(f"{text}: need 0 <= i < n")
    return i, n


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m fascia", description="fascia sweeps (docs/python.md)")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sweep", help="run a parameter sweep described in a TOML file")
    s.add_argument("sweep_file")
    s.add_argument("--shard", type=_shard, help="i/n: run only points with index %% n == i (0-based; SLURM arrays)")
    s.add_argument("--workers", type=int, help="local worker processes (0 = all cores)")
    s.add_argument("--threads-per-run", type=int, help="OpenMP threads per simulation (default 1)")
    s.add_argument("--output", help="sweep HDF5 file (default: from the sweep file; a shard gets .shard-i-of-n)")
    s.add_argument("--scheduler", help="address of a dask.distributed scheduler to run on")
    s.add_argument("--no-resume", action="store_true", help="rerun points already in the output file")
    s.add_argument("--no-progress", action="store_true", help="no progress bar (one line per point instead)")
    m = sub.add_parser("merge", help="combine sweep (shard) files into one")
    m.add_argument("output")
    m.add_argument("inputs", nargs="+")
    a = sub.add_parser("analyze", help="Sobol or Morris indices of a sweep file (also after merging shards)")
    a.add_argument("sweep_output", help="sweep HDF5 file made with method sobol or morris")
    a.add_argument("--sweep", help="sweep TOML whose [analysis] table gives the settings")
    a.add_argument("--difference", nargs=2, action="append", metavar=("A", "B"),
                   help="also analyse run A minus run B (repeatable)")
    a.add_argument("--bootstrap", type=int, help="bootstrap resamples (default 1000)")
    a.add_argument("--confidence", type=float, help="interval level (default 0.95)")
    sub.add_parser("version", help="print the library version")
    args = parser.parse_args(argv)

    from . import _core, sweep

    try:
        if args.command == "version":
            print(f"fascia {_core.__version__} ({_core.git_revision})")
            return 0
        if args.command == "merge":
            table = sweep.merge(args.inputs, args.output)
            print(f"fascia: merged {len(args.inputs)} file(s), {table['point'].nunique()} points -> {args.output}")
            return 0
        if args.command == "analyze":
            settings = dict(sweep.SweepDefinition(args.sweep).analysis) if args.sweep else {}
            if args.difference:
                settings["differences"] = [tuple(d) for d in args.difference]
            settings.update({k: v for k, v in (("bootstrap", args.bootstrap), ("confidence", args.confidence))
                             if v is not None})
            _print_sensitivity(sweep.analyze(args.sweep_output, **settings), args.sweep_output)
            return 0
        definition = sweep.SweepDefinition(args.sweep_file)
        output = Path(args.output) if args.output else definition.output
        if args.shard and not args.output:
            output = output.with_name(f"{output.stem}.shard-{args.shard[0]}-of-{args.shard[1]}.h5")
        client = None
        if args.scheduler:
            from distributed import Client

            client = Client(args.scheduler)

        def report(rec):
            if args.no_progress or rec["status"] != "complete":
                line = f"  {rec['point']} {rec['status']:<10} {rec['params']} {rec['message']}".rstrip()
                _write_line(line)

        table = definition.run(output=output, shard=args.shard, workers=args.workers, client=client,
                               threads_per_run=args.threads_per_run, resume=not args.no_resume, on_point=report,
                               progress=not args.no_progress)
        failed = table[table["point_status"].isin(["error", "diverged"])]
        print(f"fascia: {table['point'].nunique()} points in {output} (table: {output.with_suffix('.csv')})")
        if definition.sensitivity and not args.shard:
            _print_sensitivity(definition.analyze(output), output)
        elif definition.sensitivity:
            print("fascia: a shard holds part of the design: merge the shards, then "
                  "`python3 -m fascia analyze MERGED.h5 --sweep SWEEP.toml`")
        if len(failed):
            print(f"fascia: {failed['point'].nunique()} point(s) failed", file=sys.stderr)
            return 1
        return 0
    except ValueError as e:
        print(f"fascia: error: {e}", file=sys.stderr)
        return 2


def _write_line(line: str) -> None:
    """Print without breaking a tqdm bar."""
    try:
        from tqdm import tqdm

        tqdm.write(line)
    except ImportError:
        print(line, flush=True)


def _print_sensitivity(df, output) -> None:
    """Summary: per (run, metric), the parameters by decreasing ST or mu_star."""
    lead = "ST" if df.attrs.get("method") == "sobol" else "mu_star"
    top = df[df["index"] == lead]
    for (run, metric), g in top.groupby(["run", "metric"], sort=False):
        ranked = g.sort_values("value", ascending=False, key=lambda v: v.fillna(-1e300))
        parts = [f"{r.parameter} {r.value:.3g} [{r.low:.3g}, {r.high:.3g}]" for r in ranked.head(3).itertuples()]
        print(f"  {run} {metric}: {lead} " + "; ".join(parts))
    stem = Path(output).with_suffix("")
    print(f"fascia: {df.attrs.get('method')} indices ({len(df)} rows) in {output} (/sensitivity) and "
          f"{stem}_sensitivity.csv")


if __name__ == "__main__":
    sys.exit(main())
