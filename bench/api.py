"""The API's claims list at 1 000 000 claims, beside a trivial authenticated endpoint, and a 304 poll.

The database is the changelist benchmark's (`generate_claims --count 1000000 --seed 1`, kept
between runs). gunicorn serves the site (2 workers, DEBUG off, throttling out of the way) on
127.0.0.1; the client is an API token of a read-only client (role api_client). `wrk` with one
thread and two connections requests each URL for 10 seconds, three times over:

- `GET /api/v1/claims/?verdict=confirmed&side=…` (50 a page, the sync order updated_at, id):
  p50, p95 and p99 latency and throughput;
- `GET /api/v1/me/`, the trivial authenticated DRF endpoint (token check, one small answer),
  measured in the same runs: the baseline of the throughput ratio;
- the same claims page with `If-None-Match` set to its ETag: answered 304 without serializing,
  beside `/healthz` (one `SELECT 1`, no sign-in) as a measure of what the machine gives any request.

Each figure is the median over the runs.
"""

import json
import os
import re
import tempfile
import urllib.request

from bench import changelist, stack
from bench.harness import BenchError, Row, Target, log, number

RUNS = 3
SECONDS = 10
CONNECTIONS = 2
CLIENT = "bench-api-client"

LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('WRK {"p50": %f, "p95": %f, "p99": %f, "requests": %d, "seconds": %f, '
    .. '"errors": %d, "status_errors": %d}\\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.duration / 1e6, errors, summary.errors.status))
end
"""

TOKEN_CODE = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from knox.models import AuthToken
user, _ = get_user_model().objects.get_or_create(username={name!r})
user.groups.add(Group.objects.get(name="api_client"))
AuthToken.objects.filter(user=user).delete()
print("TOKEN", AuthToken.objects.create(user=user, expiry=None)[1])
"""


def run(*, smoke: bool, runs: int | None = None) -> list[Row]:
    count = changelist.SMOKE_CLAIMS if smoke else changelist.CLAIMS
    runs = runs or (1 if smoke else RUNS)
    wrk = stack.require_wrk()
    name, _generation = changelist.prepared_database(count)
    side = _side(name)
    page = f"/api/v1/claims/?verdict=confirmed&side={side}"
    figures = _measure(name, page, wrk=wrk, runs=runs, seconds=1 if smoke else SECONDS, full_page=not smoke)
    label = f"API claims page, verdict=confirmed&side={side}, 50 a page, {number(count)} claims"
    claims, trivial, poll, health = figures["claims"], figures["trivial"], figures["poll"], figures["health"]
    return [
        Row(name=f"{label}: p50", unit="ms", samples=[f["p50"] for f in claims]),
        Row(name=f"{label}: p95", unit="ms", samples=[f["p95"] for f in claims], target=Target("<", 30)),
        Row(name=f"{label}: p99", unit="ms", samples=[f["p99"] for f in claims]),
        Row(
            name=f"{label}: throughput ({CONNECTIONS} connections)",
            unit="req/s",
            samples=[f["rate"] for f in claims],
            baseline_name="GET /api/v1/me/",
            baseline_samples=[f["rate"] for f in trivial],
            target=Target(">=", 0.4, of="ratio"),
        ),
        Row(
            name=f"API claims page polled with If-None-Match (304): p50, p95 {number(_median(poll, 'p95'))} ms",
            unit="ms",
            samples=[f["p50"] for f in poll],
            baseline_name="/healthz (SELECT 1), p50",
            baseline_samples=[f["p50"] for f in health],
            target=Target("<", 5),
        ),
    ]


def _median(figures: list[dict], key: str) -> float:
    values = sorted(f[key] for f in figures)
    return values[len(values) // 2]


def _side(name: str) -> str:
    """The side with the most confirmed claims in this data."""
    with stack.connect(name) as conn:
        row = conn.execute(
            "SELECT side FROM claims_claim WHERE verdict = 'confirmed' GROUP BY side ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    if row is None:
        raise BenchError("the benchmark database has no confirmed claims")
    return row[0]


def _token(url: str) -> str:
    out = stack.manage(["shell", "-c", TOKEN_CODE.format(name=CLIENT)], env=stack.django_env(url), timeout=120)
    found = re.search(r"^TOKEN (\S+)$", out, re.MULTILINE)
    if not found:
        raise BenchError(f"no API token was made:\n{out[-2000:]}")
    return found.group(1)


def _measure(name: str, page: str, *, wrk: str, runs: int, seconds: int, full_page: bool) -> dict[str, list[dict]]:
    url = stack.database_url(name)
    env = stack.django_env(url, LOG_LEVEL="WARNING", CLAIMDESK_API_RATE="100000000/minute")
    token = _token(url)
    port = stack.free_port()
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, list[dict]] = {"claims": [], "trivial": [], "poll": [], "health": []}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    try:
        with stack.services(stack.start_gunicorn(env=env, port=port)):
            etag = _check(base + page, token, full_page=full_page)
            _check(base + "/api/v1/me/", token, full_page=False)
            headers = {"claims": [], "trivial": [], "poll": [f"If-None-Match: {etag}"], "health": []}
            urls = {
                "claims": base + page,
                "trivial": base + "/api/v1/me/",
                "poll": base + page,
                "health": base + "/healthz",
            }
            for attempt in range(1, runs + 1):
                for key in figures:
                    figures[key].append(_wrk(wrk, urls[key], token, headers[key], script.name, seconds))
                log(
                    f"api run {attempt}/{runs}: claims p95 {figures['claims'][-1]['p95']:.1f} ms "
                    f"{figures['claims'][-1]['rate']:.0f} req/s, /me {figures['trivial'][-1]['rate']:.0f} req/s, "
                    f"304 poll p50 {figures['poll'][-1]['p50']:.2f} ms"
                )
    finally:
        os.unlink(script.name)
    return figures


def _check(url: str, token: str, *, full_page: bool) -> str:
    """The URL answers 200 with JSON (a full page of claims for the list at scale); its ETag."""
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}", "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
        etag = response.headers.get("ETag", "")
    if ("results" in body and not body["results"]) or (full_page and len(body["results"]) != 50):
        raise BenchError(f"{url} gave {len(body['results'])} claims, not a page of 50")
    return etag


def _wrk(wrk: str, url: str, token: str, headers: list[str], script: str, seconds: int) -> dict:
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"load is only ever generated against 127.0.0.1, not {url}")
    command = [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "-s", script]
    for header in [f"Authorization: Token {token}", "Accept: application/json", *headers]:
        command += ["-H", header]
    out = stack.run([*command, url], env=dict(os.environ), timeout=seconds + 60)
    found = re.search(r"^WRK (\{.*\})$", out, re.MULTILINE)
    if not found:
        raise BenchError(f"wrk printed no figures:\n{out}")
    figures = json.loads(found.group(1))
    if figures["errors"] or figures["status_errors"]:
        raise BenchError(f"wrk: failed requests to {url}: {figures}")
    figures["rate"] = figures["requests"] / figures["seconds"]
    return figures
