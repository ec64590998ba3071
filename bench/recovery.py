"""Recovery after a worker SIGKILL: seconds until a document being extracted is extracted again.

Each run ingests a 1 MB document (the war timeline twenty times over, under a header of its
own) through Redis to one `celery -A config worker --concurrency=1`, waits until the worker is
extracting it, SIGKILLs the whole worker (main and pool process) and starts another at once.
The clock runs from the kill until the document is `extracted`: the lease running out
(CLAIMDESK_LEASE_SECONDS), the next sweep (CLAIMDESK_SWEEP_INTERVAL), the new worker's start-up
and the extraction itself. The baseline is that last extraction alone (the document's own
`extraction_finished_at - extraction_started_at`). Default settings throughout; no beat runs.
"""

import os
import signal
import time

from bench import stack
from bench.harness import ROOT, BenchError, Row, Target, log

RUNS = 5
COPIES, SMOKE_COPIES = 20, 8
TIMEOUT = 180


def run(*, smoke: bool, runs: int | None = None) -> list[Row]:
    runs = runs or (1 if smoke else RUNS)
    copies = SMOKE_COPIES if smoke else COPIES
    timeline = (ROOT / "claims" / "fixtures" / "corpus" / "001_f97f991389789e1e.txt").read_text(encoding="utf-8")
    name = f"{stack.prefix()}_recovery"
    recovery, extraction = [], []
    with stack.scratch_database(name) as url:
        stack.flush_redis()
        env = stack.django_env(url, stack.redis_url())
        for attempt in range(1, runs + 1):
            document = stack.log_path(f"recovery-document-{attempt}").with_suffix(".txt")
            document.write_text(f"Run {attempt} {time.time()}\n\n" + "\n\n".join([timeline] * copies))
            seconds, extracted = _recover(name, env, document, attempt)
            document.unlink()
            recovery.append(seconds)
            extraction.append(extracted)
            log(f"recovery run {attempt}/{runs}: extracted again {seconds:.1f} s after the kill ({extracted:.1f} s)")
    return [
        Row(
            name=f"Recovery after a worker SIGKILL mid-extraction, {len(timeline) * copies / 1e6:.1f} MB document",
            unit="s",
            samples=recovery,
            baseline_name="its extraction alone",
            baseline_samples=extraction,
            target=Target("<", 60),
        )
    ]


def _recover(name: str, env: dict[str, str], document, attempt: int) -> tuple[float, float]:
    """(seconds from the kill until extracted, seconds the last extraction took)."""
    first = stack.start_worker(f"recovery-worker-{attempt}a", env=env)
    with stack.services(first):
        stack.manage(["ingest", str(document), "-v0"], env=env, timeout=120, log_name="recovery-ingest")
        pk = _wait(name, "extracting", timeout=60)
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait(10)
        killed = time.monotonic()
    second = stack.start_worker(f"recovery-worker-{attempt}b", env=env)
    with stack.services(second):
        _wait(name, "extracted", timeout=TIMEOUT, pk=pk)
        seconds = time.monotonic() - killed
    with stack.connect(name) as conn:
        attempts, extracted = conn.execute(
            "SELECT attempts, EXTRACT(EPOCH FROM extraction_finished_at - extraction_started_at) "
            "FROM claims_document WHERE id = %s",
            [pk],
        ).fetchone()
    if attempts != 2:
        raise BenchError(f"document {pk} took {attempts} attempts, not 2 (was it killed mid-extraction?)")
    return seconds, float(extracted)


def _wait(name: str, status: str, *, timeout: float, pk: int | None = None) -> int:
    """The id of the newest document (or `pk`) once it has `status`."""
    deadline = time.monotonic() + timeout
    with stack.connect(name) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT id, status FROM claims_document WHERE id = COALESCE(%s, (SELECT max(id) FROM claims_document))",
                [pk],
            ).fetchone()
            if row and row[1] == status:
                return row[0]
            if row and row[1] == "failed":
                raise BenchError(f"document {row[0]} failed")
            time.sleep(0.05)
    raise BenchError(f"no document {status} within {timeout:.0f} s")
