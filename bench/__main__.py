"""`python -m bench`: run the benchmarks, print one table, write it to docs/benchmarks.md.

Each benchmark module has `run(*, smoke, runs=None) -> list[Row]`; later benchmarks add
themselves to BENCHMARKS. Progress goes to stderr, the table to stdout.
"""

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

from bench.harness import ROOT, Row, log, machine, render_document, render_table

BENCHMARKS = {
    "extraction": "bench.extraction_rows",
    "ingest": "bench.ingest",
    "pretag": "bench.pretag",
    "changelist": "bench.changelist",
    "workspace": "bench.workspace",
    "api": "bench.api",
    "exports": "bench.exports",
    "recovery": "bench.recovery",
}
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny data, one run each, no targets")
    parser.add_argument(
        "--only", nargs="+", choices=list(BENCHMARKS), metavar="NAME", help=f"run only these: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--runs", type=int, help="runs per benchmark instead of each benchmark's default")
    parser.add_argument(
        "--output",
        type=Path,
        help=f"where to write the Markdown (default: {DEFAULT_OUTPUT.relative_to(ROOT)} after a "
        "full run; nothing after --smoke or --only unless given)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.smoke:  # keep smoke data apart from the full run's (the changelist database is reused)
        os.environ.setdefault("BENCH_DB_PREFIX", "claimdesk_bench_smoke")
    started = time.monotonic()
    described = machine()  # the revision and date the run started from
    rows: list[Row] = []
    about: list[tuple[str, str]] = []
    broken = False
    for name in args.only or BENCHMARKS:
        module = importlib.import_module(BENCHMARKS[name])
        title, _, text = (module.__doc__ or name).partition("\n")
        about.append((title.rstrip("."), text))
        log(f"{name}: {title}")
        try:
            rows += module.run(smoke=args.smoke, runs=args.runs)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            rows.append(Row(name=title.rstrip("."), unit="", samples=[], note=str(exc).splitlines()[0]))
            broken = True
    seconds = time.monotonic() - started
    print(render_table(rows, smoke=args.smoke))
    output = args.output or (None if args.smoke or args.only else DEFAULT_OUTPUT)
    if output:
        output.write_text(render_document(rows, described=described, about=about, seconds=seconds) + "\n")
        log(f"written to {output}")
    missed = [row.name for row in rows if not args.smoke and row.passed() is False]
    for name in missed:
        log(f"target missed: {name}")
    log(f"done in {seconds / 60:.1f} minutes")
    return 1 if broken or missed else 0


if __name__ == "__main__":
    sys.exit(main())
