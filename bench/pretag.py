"""Pre-tagging 100 000 claims through Redis with two workers, beside the same work in-process.

`manage.py generate_claims --count 100000 --seed 1` fills a fresh database; every claim is
then made untagged and unreviewed (so pre-tagging may touch all of them). In-process: one
process runs `claims_pretag` over all of them, in batches of CLAIMDESK_PRETAG_BATCH_SIZE,
back to back. Through Redis: two `celery -A config worker --concurrency=1` processes, started
beforehand; the clock runs from queueing the batches (`claims_queue_pretag`) until no claim is
left untagged. Both figures are claims per second; the ratio is workers / in-process.
"""

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
        stack.manage(["generate_claims", "--count", str(count), "--seed", "1", "-v0"], env=stack.django_env(url),
                     timeout=timeout, log_name="generate-pretag")
        stack.flush_redis()
        broker_env = stack.django_env(url, stack.redis_url())
        workers = [stack.start_worker(f"pretag-worker-{n}", env=broker_env) for n in range(1, WORKERS + 1)]
        with stack.services(*workers):
            for attempt in range(1, runs + 1):
                _reset(name)
                inline.append(_rate(stack.job("pretag-inline", env=stack.django_env(url), timeout=timeout), count))
                _reset(name)
                queued.append(_rate(stack.job("pretag-queued", env=broker_env, timeout=timeout + 60,
                                              wait_seconds=timeout), count))
                log(f"pretag run {attempt}/{runs}: in-process {inline[-1]:,.0f}/s, "
                    f"{WORKERS} workers {queued[-1]:,.0f}/s")
    return [Row(name=f"Pre-tagging {number(count)} claims, {WORKERS} workers through Redis", unit="claims/s",
                samples=queued, baseline_name="in-process", baseline_samples=inline,
                target=Target(">=", 0.70, of="ratio"))]


def _reset(name: str) -> None:
    """Every claim untagged and open to pre-tagging, the table vacuumed: each run starts alike."""
    with stack.connect(name) as conn:
        conn.execute("UPDATE claims_claim SET tagger_version = '', stance = '', claim_type = '', confidence = NULL, "
                     "verdict = 'unverified', tags_corrected = false")
        conn.execute("VACUUM ANALYZE claims_claim")


def _rate(result: dict, count: int) -> float:
    if "error" in result:
        raise BenchError(f"pre-tagging: {result['error']}")
    if result["claims"] != count or result.get("untagged"):
        raise BenchError(f"pre-tagging tagged {result['claims']} of {count} claims")
    return result["claims"] / result["seconds"]
