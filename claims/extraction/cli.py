"""Command line: `python -m claims.extraction FILE... [--registry FILE]`.

Prints one JSON object per claim per line.
"""

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from . import DEFAULT_REGISTRY_PATH
from .engine import extract
from .records import IdPrefixes, claim_to_record
from .registry import Registry
from .text import normalize_text


def run_cli(paths: Iterable[str | Path], registry_path: str | Path | None, out: TextIO) -> int:
    """Extract claims from each file and write JSON lines to `out`; return the count."""
    registry = Registry.from_file(registry_path or DEFAULT_REGISTRY_PATH)
    count = 0
    prefixes = IdPrefixes()
    for path in map(Path, paths):
        normalized = normalize_text(path.read_bytes())
        prefix = prefixes.next(path.name)
        for claim in extract(normalized.text, registry):
            record = claim_to_record(claim, doc=path.name, id_prefix=prefix)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m claims.extraction", description=__doc__)
    parser.add_argument("files", nargs="+", help="documents to extract claims from")
    parser.add_argument("--registry", help=f"actor registry JSON (default {DEFAULT_REGISTRY_PATH})")
    args = parser.parse_args(argv)
    run_cli(args.files, args.registry, sys.stdout)
    return 0
