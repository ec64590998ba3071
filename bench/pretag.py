"""Pre-tagging 100 000 claims through Redis with two workers, beside the same work in-process.

`manage.py generate_claims --count 100000 --seed 1` fills a fresh database; before each run
every claim is made untagged and unreviewed, so that pre-tagging takes all of them. In-process:
`manage.py retag --sync` tags them batch by batch (CLAIMDESK_PRETAG_BATCH_SIZE) in one process.
Through Redis: two `celery -A config worker --concurrency=1` processes, started beforehand, and
`manage.py retag` queues the batches; the clock runs until no claim is left untagged. Both
figures are claims per second of wall time, the command's start-up included; the ratio is
workers / in-process.
"""

import re
import time

from bench import stack
from bench.harness import BenchError, Row, Target, log, number

CLAIMS = 100_000
SMOKE_CLAIMS = 500
RUNS = 3
WORKERS = 2


def run(*, smoke: bool, runs: int | None = None) -> list[Row]:
    count = SMOKE_CLAIMS if smoke else CLAIMS
    runs = runs or (1 if smoke else RUNS)
    timeout = 300 if smoke else 3600
    name = f"{stack.prefix()}_pretag"
    inline, queued = [], []
    with stack.scratch_database(name) as url:
        log(f"pretag: generating {count} claims")
        stack.manage(
            ["generate_claims", "--count", str(count), "--seed", "1", "-v0"],
            env=stack.django_env(url),
            timeout=timeout,
            log_name="generate-pretag",
        )
        stack.flush_redis()
        # The workers' own sweep would queue the claims the runs make untagged (generated
        # claims are dated in the past, so they look like lost messages); it is not measured here.
        broker_env = stack.django_env(url, stack.redis_url(), CLAIMDESK_STUCK_AFTER_SECONDS=str(10**8))
        workers = [stack.start_worker(f"pretag-worker-{n}", env=broker_env) for n in range(1, WORKERS + 1)]
        with stack.services(*workers):
            for attempt in range(1, runs + 1):
                log(f"pretag run {attempt}/{runs}: in-process, then {WORKERS} workers")
                _reset(name)
                inline.append(count / _retag(name, ["--sync"], env=stack.django_env(url), count=count, timeout=timeout))
                _reset(name)
                queued.append(count / _retag(name, [], env=broker_env, count=count, timeout=timeout))
                log(
                    f"pretag run {attempt}/{runs}: in-process {inline[-1]:,.0f}/s, "
                    f"{WORKERS} workers {queued[-1]:,.0f}/s"
                )
    return [
        Row(
            name=f"Pre-tagging {number(count)} claims, {WORKERS} workers through Redis",
            unit="claims/s",
            samples=queued,
            baseline_name="in-process",
            baseline_samples=inline,
            target=Target(">=", 0.70, of="ratio"),
        )
    ]


def _reset(name: str) -> None:
    """Every claim untagged and open to pre-tagging, the table vacuumed: each run starts alike."""
    with stack.connect(name) as conn:
        conn.execute(
            "UPDATE claims_claim SET tagger_version = '', stance = '', claim_type = '', confidence = NULL, "
            "verdict = '', review_state = 'unreviewed', version = 0, tags_corrected = false"
        )
        conn.execute("VACUUM ANALYZE claims_claim")


def _retag(name: str, options: list[str], *, env: dict[str, str], count: int, timeout: float) -> float:
    """Seconds from starting `manage.py retag` until every claim is tagged."""
    started = time.perf_counter()
    out = stack.manage(["retag", *options, "-v0"], env=env, timeout=timeout, log_name="retag")
    done = re.search(r"(\d+) claims", out)
    if not done or int(done.group(1)) != count:
        raise BenchError(f"retag took {done.group(1) if done else 'no'} of {count} claims: {out.strip()}")
    with stack.connect(name) as conn:
        while conn.execute("SELECT EXISTS (SELECT 1 FROM claims_claim WHERE tagger_version = '')").fetchone()[0]:
            if time.perf_counter() - started > timeout:
                raise BenchError(f"claims still untagged after {timeout:.0f}s")
            time.sleep(0.1)
    return time.perf_counter() - started
