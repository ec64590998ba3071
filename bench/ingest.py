"""Ingest, end to end, on PostgreSQL, beside PostgreSQL's own `COPY` of the same rows.

The sample corpus (claims/fixtures/corpus) is repeated until the engine finds 100 000 claims in
it, each copy under its own header line so that no two documents are identical (an identical
text is stored once). Each run starts from a fresh database.

Through Redis (the target row): two `celery -A config worker --concurrency=1` processes are
started on the fresh database, then `manage.py ingest DIR --wait` stores the documents and
queues them; the workers extract them (claims are stored with their tags), and the command
returns once every document is extracted and every claim tagged. Every process runs with
production settings (DEBUG off). In one process (for comparison): the same command without a
broker, so extraction runs eagerly in the ingesting process. Both figures are claims stored per
second of the command's wall time, start-up included; a run fails unless every document is
extracted and every claim tagged.

The baseline, in the same database right after each ingest through Redis: the claim rows are
dumped with `COPY claims_claim TO STDOUT`, the table is emptied, and `COPY claims_claim FROM
STDIN` writes them back (same indexes, constraints and foreign keys) in one committed transaction.
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
WORKERS = 2


def run(*, smoke: bool, runs: int | None = None) -> list[Row]:
    wanted = SMOKE_CLAIMS if smoke else CLAIMS
    runs = runs or (1 if smoke else RUNS)
    queued, inline, copy_rates, stored = [], [], [], 0
    with tempfile.TemporaryDirectory(prefix="claimdesk-bench-ingest-") as folder:
        files, expected = write_corpus(Path(folder), wanted)
        log(f"ingest: {files} documents, {expected} claims expected")
        for attempt in range(1, runs + 1):
            log(f"ingest run {attempt}/{runs}: {WORKERS} workers through Redis, then in one process")
            stored, seconds, copy_seconds = _measure(Path(folder), workers=WORKERS, smoke=smoke)
            queued.append(stored / seconds)
            copy_rates.append(stored / copy_seconds)
            inline_stored, inline_seconds, _ = _measure(Path(folder), workers=0, smoke=smoke)
            inline.append(inline_stored / inline_seconds)
            log(
                f"ingest run {attempt}/{runs}: {stored} claims; {WORKERS} workers {seconds:.1f}s "
                f"({queued[-1]:,.0f}/s), one process {inline_seconds:.1f}s ({inline[-1]:,.0f}/s); "
                f"COPY {copy_seconds:.2f}s ({copy_rates[-1]:,.0f}/s)"
            )
    name = f"Ingest on PostgreSQL, end to end, {number(stored)} claims"
    return [
        Row(
            name=f"{name}, {WORKERS} workers through Redis",
            unit="claims/s",
            samples=queued,
            baseline_name="PostgreSQL COPY",
            baseline_samples=copy_rates,
            target=Target(">=", 0.20, of="ratio"),
        ),
        Row(
            name=f"{name}, in one process (no broker)",
            unit="claims/s",
            samples=inline,
            baseline_name="PostgreSQL COPY",
            baseline_samples=copy_rates,
            note="for comparison",
        ),
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


def _measure(folder: Path, *, workers: int, smoke: bool) -> tuple[int, float, float]:
    """(claims, ingest seconds, COPY seconds) on a fresh database; no broker when `workers` is 0."""
    name = f"{stack.prefix()}_ingest"
    timeout = 300 if smoke else 3600
    with stack.scratch_database(name) as url:
        if workers:
            stack.flush_redis()
            env = stack.django_env(url, stack.redis_url())
            started = [stack.start_worker(f"ingest-worker-{n}", env=env) for n in range(1, workers + 1)]
            command = ["ingest", str(folder), "--wait", "--timeout", str(timeout)]
        else:
            env, started, command = stack.django_env(url), [], ["ingest", str(folder)]
        with stack.services(*started):
            clock = time.perf_counter()
            stack.manage(command, env=env, timeout=timeout + 60, log_name="ingest")
            seconds = time.perf_counter() - clock
        with stack.connect(name) as conn:
            claims = _check_complete(conn)
            copy_seconds = copy_rows(conn, "claims_claim", claims) if workers else 0.0
    return claims, seconds, copy_seconds


def _check_complete(conn) -> int:
    """The claims stored; BenchError unless every document is extracted and every claim pre-tagged."""
    claims, untagged = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE tagger_version = '') FROM claims_claim"
    ).fetchone()
    unfinished = conn.execute("SELECT count(*) FROM claims_document WHERE status <> 'extracted'").fetchone()[0]
    if not claims or untagged or unfinished:
        raise BenchError(f"ingest left {untagged} of {claims} claims untagged and {unfinished} documents not extracted")
    return claims


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
