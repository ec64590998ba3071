"""Ingest, end to end, on PostgreSQL, beside PostgreSQL's own `COPY` of the same rows.

The sample corpus (claims/fixtures/corpus) is repeated until the engine finds 100 000 claims in
it, each copy under its own header line so that no two documents are identical (an identical
text is stored once). `manage.py ingest DIR` then stores, extracts and pre-tags them into a
fresh database in eager mode: no broker, so extraction and pre-tagging run in the ingesting
process. The figure is claims stored per second of the command's wall time, start-up included;
the run fails unless every document is extracted and every claim pre-tagged.

The baseline, in the same database right after each ingest: the claim rows are dumped with
`COPY claims_claim TO STDOUT`, the table is emptied, and `COPY claims_claim FROM STDIN` writes
them back (same indexes, constraints and foreign keys) in one committed transaction.
"""

import math
import tempfile
import time
from pathlib import Path

from bench import stack
from bench.harness import ROOT, BenchError, Row, Target, log, number

CORPUS = ROOT / "claims" / "fixtures" / "corpus"
CLAIMS = 100_000
SMOKE_CLAIMS = 200
RUNS = 3


def run(*, smoke: bool, runs: int | None = None) -> list[Row]:
    wanted = SMOKE_CLAIMS if smoke else CLAIMS
    runs = runs or (1 if smoke else RUNS)
    rates, copy_rates, stored = [], [], 0
    with tempfile.TemporaryDirectory(prefix="claimdesk-bench-ingest-") as folder:
        files, expected = write_corpus(Path(folder), wanted)
        log(f"ingest: {files} documents, {expected} claims expected")
        for attempt in range(1, runs + 1):
            log(f"ingest run {attempt}/{runs}: manage.py ingest into a fresh database")
            stored, seconds, copy_seconds = _measure(Path(folder), smoke=smoke)
            rates.append(stored / seconds)
            copy_rates.append(stored / copy_seconds)
            log(
                f"ingest run {attempt}/{runs}: {stored} claims in {seconds:.1f}s ({rates[-1]:,.0f}/s); "
                f"COPY {copy_seconds:.2f}s ({copy_rates[-1]:,.0f}/s)"
            )
    return [
        Row(
            name=f"Ingest on PostgreSQL, end to end, {number(stored)} claims",
            unit="claims/s",
            samples=rates,
            baseline_name="PostgreSQL COPY",
            baseline_samples=copy_rates,
            target=Target(">=", 0.20, of="ratio"),
        )
    ]


def write_corpus(folder: Path, wanted: int) -> tuple[int, int]:
    """Distinct copies of the corpus documents until the engine finds `wanted` claims; (files, claims)."""
    from claims.extraction import DEFAULT_REGISTRY_PATH, Registry, extract, normalize_text

    sources = sorted(CORPUS.glob("*.txt"))
    registry = Registry.from_file(DEFAULT_REGISTRY_PATH)
    per_file = [len(extract(normalize_text(_copy(path, 0)).text, registry)) for path in sources]
    if not any(per_file):
        raise BenchError("the engine finds no claims in the sample corpus")
    files = claims = 0
    for copy in range(math.ceil(wanted / sum(per_file)) + 1):
        for path, found in zip(sources, per_file, strict=True):
            if claims >= wanted:
                return files, claims
            (folder / f"{copy:05d}-{path.name}").write_text(_copy(path, copy), encoding="utf-8")
            files, claims = files + 1, claims + found
    return files, claims


def _copy(path: Path, copy: int) -> str:
    return f"Benchmark copy {copy} of {path.stem}\n\n" + path.read_text(encoding="utf-8")


def _measure(folder: Path, *, smoke: bool) -> tuple[int, float, float]:
    """(claims, ingest seconds, COPY seconds) on a fresh database."""
    name = f"{stack.prefix()}_ingest"
    with stack.scratch_database(name) as url:
        started = time.perf_counter()
        stack.manage(
            ["ingest", str(folder)], env=stack.django_env(url), timeout=300 if smoke else 3600, log_name="ingest"
        )
        seconds = time.perf_counter() - started
        with stack.connect(name) as conn:
            claims, untagged = conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE tagger_version = '') FROM claims_claim"
            ).fetchone()
            unfinished = conn.execute("SELECT count(*) FROM claims_document WHERE status <> 'extracted'").fetchone()[0]
            if not claims or untagged or unfinished:
                raise BenchError(
                    f"ingest left {untagged} of {claims} claims untagged and {unfinished} documents not extracted"
                )
            copy_seconds = copy_rows(conn, "claims_claim", claims)
    return claims, seconds, copy_seconds


def copy_rows(conn, table: str, expected: int) -> float:
    """Seconds PostgreSQL takes to COPY the table's own rows back into it, emptied, and commit."""
    dump = bytearray()
    with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
        for chunk in copy:
            dump += chunk
    conn.execute(f"TRUNCATE {table} CASCADE")
    conn.execute(f"VACUUM ANALYZE {table}")
    started = time.perf_counter()
    with conn.transaction(), conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
        copy.write(bytes(dump))
    seconds = time.perf_counter() - started
    copied = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if copied != expected:
        raise BenchError(f"COPY wrote {copied} rows into {table}, expected {expected}")
    return seconds
