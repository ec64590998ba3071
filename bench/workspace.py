"""The review workspace at 1 000 000 claims: a claim's review page, "review next", and text searches.

The database is the changelist benchmark's (`generate_claims --count 1000000 --seed 1`, kept
between runs). gunicorn serves the site (2 workers, DEBUG off) on 127.0.0.1; a user logs in
through the admin's form and `wrk` with one thread and one connection requests each page for
10 seconds, three times over. The figure is the median of wrk's median latencies, beside
`/healthz` (one `SELECT 1`) measured in the same runs.

- the review page of a claim that has answers: the sentence in its context (a window of the
  document read with SUBSTR), answers, related claims (event-date index, text-search index),
  evidence, verdicts, history;
- "review next": the reservation transaction (`FOR UPDATE SKIP LOCKED` on the first unreviewed
  claim nobody else holds, the lease written with one `INSERT ... ON CONFLICT`), answered by a
  redirect; the same user asking again keeps the claim, as an analyst reloading does;
- searches through the one FilterSet's `q` (PostgreSQL full-text search on the GIN index): the
  workspace queue, and the admin claims changelist.
"""

import secrets
import statistics
import time
import urllib.error
import urllib.request

from bench import changelist, stack
from bench.harness import BenchError, Row, Target, log, number

RUNS = 3
SECONDS = 10
USERNAME = "bench"
WORD = "Stepanakert"


def run(*, smoke: bool, runs: int | None = None) -> list[Row]:
    count = changelist.SMOKE_CLAIMS if smoke else changelist.CLAIMS
    runs = runs or (1 if smoke else RUNS)
    wrk = stack.require_wrk()
    name, _generation = changelist.prepared_database(count)
    claim_id = _claim_with_answers(name)
    pages = {
        "review page of a claim with answers": (f"/review/claims/{claim_id}/", 'id="quote"'),
        '"review next" (reserve, redirect)': ("/review/next/", None),
        f"workspace queue, search q={WORD}": (f"/review/queue/?q={WORD}", 'id="queue-list"'),
        f"admin claims changelist, search q={WORD}": (f"/admin/claims/claim/?q={WORD}", 'id="result_list"'),
    }
    latencies = _measure(name, pages, wrk=wrk, runs=runs, seconds=1 if smoke else SECONDS)
    return [
        Row(
            name=f"Workspace: {label}, {number(count)} claims",
            unit="ms",
            samples=latencies[path],
            baseline_name="/healthz",
            baseline_samples=latencies["/healthz"],
            target=Target("<", 150),
        )
        for label, (path, _) in pages.items()
    ]


def _claim_with_answers(name: str) -> int:
    with stack.connect(name) as conn:
        found = conn.execute(
            "SELECT responds_to_id FROM claims_claim WHERE responds_to_id IS NOT NULL ORDER BY id LIMIT 1"
        ).fetchone()
        found = found or conn.execute("SELECT id FROM claims_claim ORDER BY id LIMIT 1").fetchone()
    if not found:
        raise BenchError("the benchmark database has no claims")
    return found[0]


def _measure(name: str, pages: dict, *, wrk: str, runs: int, seconds: int) -> dict[str, list[float]]:
    url = stack.database_url(name)
    env = changelist._server_env(url)
    stack.manage(["collectstatic", "--noinput", "-v0"], env=env, timeout=300, log_name="collectstatic")
    password = secrets.token_urlsafe(16)
    stack.job("superuser", env=stack.django_env(url), timeout=120, username=USERNAME, password=password)
    port = stack.free_port()
    base = f"http://127.0.0.1:{port}"
    paths = ["/healthz", *(path for path, _ in pages.values())]
    latencies: dict[str, list[float]] = {path: [] for path in paths}
    with stack.services(stack.start_gunicorn(env=env, port=port)):
        cookie = changelist.login(base, USERNAME, password)
        for path, marker in pages.values():
            check(base + path, cookie, marker)
        for attempt in range(1, runs + 1):
            for path in paths:
                latencies[path].append(_median_ms(wrk, base + path, cookie, seconds))
            log(
                f"workspace run {attempt}/{runs}: "
                + ", ".join(f"{path} {values[-1]:.1f} ms" for path, values in latencies.items())
            )
    return latencies


def _median_ms(wrk: str, url: str, cookie: str, seconds: int) -> float:
    """wrk's median; a page slower than the run (wrk completes no request, median 0) is timed alone."""
    median = changelist.wrk_median_ms(wrk, url, cookie, seconds)
    if median > 0:
        return median
    log(f"workspace: wrk completed no request to {url} in {seconds}s; timing three requests one by one")
    opener = urllib.request.build_opener(_NoRedirect)
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        try:
            with opener.open(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=120) as response:
                response.read()
        except urllib.error.HTTPError as exc:  # the redirect of "review next"
            if exc.code != 302:
                raise BenchError(f"{url} answered {exc.code}") from exc
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(url: str, cookie: str, marker: str | None) -> None:
    """The page answers 200 with `marker` in it; without a marker, a redirect to a claim's review page."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with opener.open(request, timeout=60) as response:
            status, body, location = response.status, response.read().decode(), ""
    except urllib.error.HTTPError as exc:
        status, body, location = exc.code, "", exc.headers.get("Location", "")
    if marker is None:
        if status != 302 or not location.startswith("/review/claims/"):
            raise BenchError(f"{url} did not redirect to a claim (status {status}, Location {location!r})")
    elif status != 200 or marker not in body:
        raise BenchError(f"{url} did not show its page (status {status})")
