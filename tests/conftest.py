import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from bench.stack import worker_command

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "claims" / "fixtures" / "corpus"
REGISTRY = ROOT / "claims" / "fixtures" / "actors.json"
IN_CI = bool(os.environ.get("CI"))
# Each run sends its tasks to a queue of its own (scripts/run-tests names it), so
# a worker started by anything else on the machine never takes them; the
# workers and commands the tests start inherit it.
TEST_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE") or f"claimdesk-test-{uuid.uuid4().hex[:12]}"
os.environ["CELERY_TASK_DEFAULT_QUEUE"] = TEST_QUEUE
# Claims each file of the sample corpus gives with the current engine
# (claims/extraction), in ingest, ingest --wait and extract alike: the one place
# to change when the engine changes.
CORPUS_FILE_CLAIMS = {"000_d8d09dd0182ca9c2.txt": 23, "001_f97f991389789e1e.txt": 386}
CORPUS_CLAIMS = sum(CORPUS_FILE_CLAIMS.values())


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("needs PostgreSQL (set TEST_DATABASE_URL or start it)")
    if item.get_closest_marker("redis") and not os.environ.get("CLAIMDESK_TEST_BROKER_URL"):
        _missing("needs Redis (set TEST_BROKER_URL or start it)")


@pytest.fixture
def registry_records():
    """The sample conflict's actors, as the registry file lists them."""
    import json

    return json.loads(REGISTRY.read_text(encoding="utf-8"))["actors"]


@pytest.fixture
def actors(db):
    """The sample conflict and its registry, loaded as `load_actors` does; returns the conflict."""
    from claims.extraction import read_registry_file
    from claims.services import actors_load

    return actors_load(records=read_registry_file(REGISTRY)).conflict


@pytest.fixture
def broker_url():
    url = os.environ.get("CLAIMDESK_TEST_BROKER_URL")
    if not url:
        _missing("needs Redis")
    import redis

    redis.Redis.from_url(url).delete(TEST_QUEUE)  # no messages left over from another test of this run
    return url


def database_url() -> str:
    """URL of the database this test runs on, for processes started by the test."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def service_env(broker: str | None = None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "1", "PYTHONUNBUFFERED": "1", **extra}
    env.pop("CELERY_BROKER_URL", None)
    if broker:
        env["CELERY_BROKER_URL"] = broker
    return env


class Worker:
    """A real `celery -A config worker` process."""

    def __init__(self, broker: str, log: Path, **env: str):
        command = worker_command()
        self.log = log
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=service_env(broker, **env),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log.read_text()}")
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready after {timeout}s:\n{self.log.read_text()}")

    def children(self) -> list[int]:
        """The pool processes' ids."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(broker_url, tmp_path):
    """Start real worker processes against the test database and Redis."""
    workers = []

    def start(**env: str) -> Worker:
        worker = Worker(broker_url, tmp_path / f"worker-{len(workers)}.log", **env)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_until(predicate, timeout: float = 30, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _missing("needs Debian's chromium")
    return path


@pytest.fixture
def chromium_browser(chromium_path, live_server):
    """Debian's Chromium driven by Playwright, headless, for the browser tests."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # made by the test itself between page actions are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
        # The ORM calls made while Playwright's loop ran opened a connection of
        # their own context; left open, it keeps the test database from being dropped.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _reset_celery_connections(app) -> None:
    """Forget pooled broker connections, so the next publish uses the new URL."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    for cached in ("queues", "default_queue", "router"):  # built from task_default_queue on first use
        app.amqp.__dict__.pop(cached, None)


@pytest.fixture
def use_broker():
    """Make this process publish to a real broker (instead of running tasks eagerly)."""
    from config.celery import app

    before = (app.conf.broker_url, app.conf.task_always_eager)

    def use(url: str) -> None:
        app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=TEST_QUEUE)
        _reset_celery_connections(app)

    yield use
    app.conf.update(broker_url=before[0], task_always_eager=before[1])
    _reset_celery_connections(app)


@pytest.fixture(autouse=True)
def _no_compiled_filters_carryover():
    """The claims list reuses compiled filters within a process: each test starts without any."""
    from review.api.pagination import forget_statements

    forget_statements()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users sign in often; the production hasher's cost is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
