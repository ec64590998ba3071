"""The admin claims changelist at 1 000 000 claims, unfiltered and filtered by side and stance.

A database of 1 000 000 generated claims (`manage.py generate_claims --count 1000000 --seed 1`)
is kept between benchmark runs and built again when the migrations, the actor registry or the
generator change. The first row is the wall time of that generation; when the database was
reused, it is the figure measured when it was built (the note says when).

After `VACUUM ANALYZE`, gunicorn serves the site (2 workers, DEBUG off) on 127.0.0.1, a superuser
logs in through the real login form, and `wrk` with one thread and one connection requests each
page for 10 seconds, three times over. The figure is the median of wrk's median latencies;
the baseline is `/healthz` (one `SELECT 1`), measured in the same runs, and the ratio is page
time / health check time. Under 300 ms needs the changelist to avoid a full `COUNT(*)` of the
claims table and to filter on indexes.
"""

import datetime
import hashlib
import http.cookiejar
import os
import re
import secrets
import time
import urllib.parse
import urllib.request

from bench import stack
from bench.harness import ROOT, BenchError, Row, Target, log, number

CLAIMS = 1_000_000
SMOKE_CLAIMS = 2_000
RUNS = 3
SECONDS = 10
PAGE = "/admin/claims/claim/"
USERNAME = "bench"


def run(*, smoke: bool, runs: int | None = None) -> list[Row]:
    count = SMOKE_CLAIMS if smoke else CLAIMS
    runs = runs or (1 if smoke else RUNS)
    wrk = stack.require_wrk()
    name, generation = prepared_database(count)
    side = _side(name)
    pages = {"unfiltered": PAGE, f"side={side}, stance=deny": f"{PAGE}?side={side}&stance=deny"}
    latencies = _measure(name, pages, wrk=wrk, runs=runs, seconds=1 if smoke else SECONDS)
    rows = [generation]
    for label, path in pages.items():
        rows.append(
            Row(
                name=f"Admin claims changelist, {number(count)} claims, {label}",
                unit="ms",
                samples=latencies[path],
                baseline_name="/healthz",
                baseline_samples=latencies["/healthz"],
                target=Target("<", 300),
            )
        )
    return rows


def prepared_database(count: int) -> tuple[str, Row]:
    """The database of `count` generated claims, built unless a current one exists; and its generation row."""
    name = f"{stack.prefix()}_changelist"
    wanted = {"schema": stack.schema_fingerprint(), "generator": _generator_fingerprint(), "claims": count}
    found = stack.database_comment(name) or {}
    if {key: found.get(key) for key in wanted} == wanted:
        log(f"changelist: reusing {name} ({count} claims, generated {found['generated_at']})")
        note = f"database reused, generated {found['generated_at']}"
    else:
        found = _generate(name, count, wanted)
        note = ""
    row = Row(
        name=f"Generating {number(count)} claims (generate_claims)",
        unit="s",
        samples=[found["generated_seconds"]],
        target=Target("<", 300),
        note=note,
    )
    return name, row


def _generator_fingerprint() -> str:
    files = [
        ROOT / "claims" / "generate.py",
        ROOT / "review" / "generate.py",
        ROOT / "review" / "management" / "commands" / "generate_claims.py",
    ]
    return hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()[:16]


def _generate(name: str, count: int, wanted: dict) -> dict:
    log(f"changelist: generating {count} claims into {name}")
    url = stack.create_database(name)
    try:
        started = time.perf_counter()
        stack.manage(
            ["generate_claims", "--count", str(count), "--seed", "1", "-v0"],
            env=stack.django_env(url),
            timeout=3600,
            log_name="generate-changelist",
        )
        seconds = time.perf_counter() - started
        log(f"changelist: generated in {seconds:.1f}s; VACUUM ANALYZE")
        with stack.connect(name) as conn:
            conn.execute("VACUUM ANALYZE")
        today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
        found = {**wanted, "generated_seconds": seconds, "generated_at": today}
        stack.set_database_comment(name, found)
    except BaseException:
        stack.drop_database(name)
        raise
    return found


def _side(name: str) -> str:
    """A side that denies things in this data: azerbaijan when the registry has it."""
    with stack.connect(name) as conn:
        sides = [row[0] for row in conn.execute("SELECT DISTINCT side FROM claims_actormembership ORDER BY side")]
        if not sides:
            raise BenchError("the benchmark database has no actors")
        side = "azerbaijan" if "azerbaijan" in sides else sides[0]
        conn.execute("ANALYZE claims_claim")
    return side


def _measure(name: str, pages: dict[str, str], *, wrk: str, runs: int, seconds: int) -> dict[str, list[float]]:
    url = stack.database_url(name)
    env = _server_env(url)
    stack.manage(["collectstatic", "--noinput", "-v0"], env=env, timeout=300, log_name="collectstatic")
    password = secrets.token_urlsafe(16)
    stack.job("superuser", env=stack.django_env(url), timeout=120, username=USERNAME, password=password)
    port = stack.free_port()
    base = f"http://127.0.0.1:{port}"
    paths = ["/healthz", *pages.values()]
    latencies: dict[str, list[float]] = {path: [] for path in paths}
    with stack.services(stack.start_gunicorn(env=env, port=port)):
        cookie = login(base, USERNAME, password)
        for path in pages.values():
            check_page(base + path, cookie)
        for attempt in range(1, runs + 1):
            for path in paths:
                latencies[path].append(wrk_median_ms(wrk, base + path, cookie, seconds))
            log(
                f"changelist run {attempt}/{runs}: "
                + ", ".join(f"{path} {values[-1]:.1f} ms" for path, values in latencies.items())
            )
    return latencies


def _server_env(url: str) -> dict[str, str]:
    """The stack's production settings, without a log line per request."""
    return stack.django_env(url, LOG_LEVEL="WARNING")


def login(base: str, username: str, password: str) -> str:
    """Log in through the admin's form; the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form_url = f"{base}/admin/login/?next=/admin/"
    with opener.open(form_url, timeout=30) as response:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    if not found:
        raise BenchError("the admin login page has no CSRF token")
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": found.group(1), "username": username, "password": password, "next": "/admin/"}
    ).encode()
    with opener.open(urllib.request.Request(form_url, data=data, headers={"Referer": form_url}), timeout=30):
        pass
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise BenchError("logging in to the admin failed: no session cookie")
    return "; ".join(f"{key}={value}" for key, value in cookies.items())


def check_page(url: str, cookie: str) -> None:
    """The page answers 200 with a list of claims (not the login form, not an empty list)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode()
        landed = response.geturl()
    if landed != url or 'id="result_list"' not in body:
        raise BenchError(f"{url} did not show a list of claims (landed on {landed})")


def wrk_median_ms(wrk: str, url: str, cookie: str, seconds: int) -> float:
    """wrk's median latency for one connection requesting `url` for `seconds`."""
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"load is only ever generated against 127.0.0.1, not {url}")
    out = stack.run(
        [wrk, "-t1", "-c1", f"-d{seconds}s", "--timeout", "30s", "--latency", "-H", f"Cookie: {cookie}", url],
        env=dict(os.environ),
        timeout=seconds + 60,
    )
    return median_ms(out, url)


def median_ms(out: str, url: str = "") -> float:
    """The median latency in wrk's --latency output, in milliseconds; BenchError if any request failed."""
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out)
    if errors:
        raise BenchError(f"wrk: failed requests to {url}: {errors.group(0)}")
    median = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    if not median:
        raise BenchError(f"wrk printed no median latency:\n{out}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[median.group(2)]
    return float(median.group(1)) * scale
