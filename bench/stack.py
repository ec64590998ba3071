"""The real stack the benchmarks run on: PostgreSQL databases, Redis, workers, gunicorn.

Everything is found through the environment, with local defaults:

- BENCH_POSTGRES_URL: the PostgreSQL server (default postgres://postgres@127.0.0.1:5432);
  the benchmarks create, use and drop their own databases there, named BENCH_DB_PREFIX_*
  (default claimdesk_bench_*), and never touch any other database.
- BENCH_REDIS_URL: the broker for worker benchmarks (default redis://127.0.0.1:6379/14);
  that Redis database is flushed before use.
- BENCH_CACHE_URL: the cache every claimdesk process of a benchmark shares, as in production
  (CACHE_URL; the API throttle's counters), default redis://127.0.0.1:6379/11.

Every process started here has a timeout and is stopped when its block ends.
"""

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import redis
from psycopg import sql

from bench.harness import ROOT, BenchError, log

LOGS = ROOT / "bench" / "results"


def postgres_server() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def cache_url() -> str:
    return os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/11")


def prefix() -> str:
    return os.environ.get("BENCH_DB_PREFIX", "claimdesk_bench")


def database_url(name: str) -> str:
    return f"{postgres_server()}/{name}"


def connect(name: str = "postgres") -> psycopg.Connection:
    try:
        return psycopg.connect(database_url(name), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise BenchError(f"PostgreSQL does not answer at {postgres_server()} (BENCH_POSTGRES_URL): {exc}") from exc


def postgres_version() -> str:
    try:
        with connect() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except BenchError:
        return "not reachable"


def redis_version() -> str:
    try:
        return redis.Redis.from_url(redis_url(), socket_connect_timeout=3).info("server")["redis_version"]
    except redis.RedisError:
        return "not reachable"


def flush_redis() -> None:
    try:
        redis.Redis.from_url(redis_url(), socket_connect_timeout=3).flushdb()
    except redis.RedisError as exc:
        raise BenchError(f"Redis does not answer at {redis_url()} (BENCH_REDIS_URL): {exc}") from exc


# Databases ------------------------------------------------------------------------------------------------------


def schema_fingerprint() -> str:
    """Changes whenever a migration or the actor registry changes: a template built before is then stale."""
    digest = hashlib.sha256()
    files = [*sorted(ROOT.glob("*/migrations/*.py")), ROOT / "claims" / "fixtures" / "actors.json"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def database_comment(name: str) -> dict | None:
    """The JSON the harness left as the database's comment; None when the database does not exist."""
    with connect() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0] or "{}")
    except json.JSONDecodeError:
        return {}


def set_database_comment(name: str, value: dict) -> None:
    with connect() as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(json.dumps(value)))
        )


def drop_database(name: str) -> None:
    _own(name)
    with connect() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _own(name: str) -> None:
    if not name.startswith(prefix() + "_"):
        raise BenchError(f"refusing to touch database {name!r}: benchmark databases start with {prefix()}_")


def template() -> str:
    """A migrated database with the actor registry loaded, rebuilt when the schema changed."""
    name = f"{prefix()}_template"
    fingerprint = schema_fingerprint()
    if (database_comment(name) or {}).get("schema") == fingerprint:
        return name
    log(f"building {name} (migrate, load_actors)")
    drop_database(name)
    with connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = django_env(database_url(name))
    manage(["migrate", "--noinput", "-v0"], env=env, timeout=300)
    manage(["load_actors"], env=env, timeout=120)
    set_database_comment(name, {"schema": fingerprint})
    return name


def create_database(name: str) -> str:
    """A fresh copy of the template under `name` (dropped first if it exists); returns its URL."""
    source = template()
    drop_database(name)
    with connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(source)))
    return database_url(name)


@contextlib.contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """A fresh database for one benchmark, dropped afterwards."""
    url = create_database(name)
    try:
        yield url
    finally:
        drop_database(name)


# Processes ------------------------------------------------------------------------------------------------------


# One secret key per benchmark run: processes of the run share sessions, nothing is kept.
_SECRET_KEY = secrets.token_urlsafe(50)


def django_env(database: str, broker: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a claimdesk process: production settings (DEBUG off), plain HTTP on loopback."""
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": _SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CACHE_URL": cache_url(),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("CELERY_BROKER_URL", None)
    if broker:
        env["CELERY_BROKER_URL"] = broker
    return env


def log_path(name: str) -> Path:
    LOGS.mkdir(parents=True, exist_ok=True)
    return LOGS / f"{name}.log"


def run(command: list[str], *, env: dict[str, str], timeout: float, log_name: str | None = None) -> str:
    """Run a command to completion; its stdout, or BenchError with the end of its output."""
    log_file = log_path(log_name) if log_name else None
    stderr = log_file.open("ab") if log_file else subprocess.PIPE
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{' '.join(command[1:4])} did not finish within {timeout:.0f}s") from exc
    finally:
        if log_file:
            stderr.close()
    out = done.stdout.decode(errors="replace")
    if done.returncode != 0:
        err = log_file.read_text(errors="replace") if log_file else done.stderr.decode(errors="replace")
        raise BenchError(f"{' '.join(command[1:4])} exited {done.returncode}:\n{(out + err)[-3000:]}")
    return out


def manage(args: list[str], *, env: dict[str, str], timeout: float, log_name: str | None = None) -> str:
    return run([sys.executable, "manage.py", *args], env=env, timeout=timeout, log_name=log_name)


def job(name: str, *, env: dict[str, str], timeout: float, **arguments) -> dict:
    """Run one of bench.jobs inside Django; its JSON result."""
    out = run(
        [sys.executable, "-m", "bench.jobs", name, json.dumps(arguments)],
        env=env,
        timeout=timeout,
        log_name=f"job-{name}",
    )
    return json.loads(out.strip().splitlines()[-1])


class Service:
    """A long-running process in its own session, so that stopping it stops its children too."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        self.name = name
        self.log = log_path(name)
        self.log.write_text("")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_for(self, ready, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited early:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        raise BenchError(f"{self.name} not ready after {timeout:.0f}s:\n{self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@contextlib.contextmanager
def services(*started: Service) -> Iterator[tuple[Service, ...]]:
    try:
        yield started
    finally:
        for service in started:
            service.stop()


def worker_command(name: str | None = None) -> list[str]:
    """`celery -A config worker` with one pool process and no cluster chatter,
    as the benchmarks and the test suite start it."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        "--concurrency=1",
        "--pool=prefork",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return [*command, "-n", f"{name}@%h"] if name else command


def start_worker(name: str, *, env: dict[str, str]) -> Service:
    """A real `celery -A config worker` process with one pool process."""
    command = worker_command(name)
    worker = Service(name, command, env)
    try:
        worker.wait_for(lambda: "ready." in worker.log.read_text(errors="replace"), timeout=60)
    except BaseException:
        worker.stop()
        raise
    return worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(*, env: dict[str, str], port: int, workers: int = 2) -> Service:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--access-logfile",
        "-",
    ]
    server = Service("gunicorn", command, env)
    try:
        server.wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), timeout=60)
    except BaseException:
        server.stop()
        raise
    return server


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def require_wrk() -> str:
    """wrk, installing Debian's package when running as root."""
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed: run `sudo apt-get install -y wrk` (Debian package wrk)")
    log("installing wrk (apt-get install -y wrk)")
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        subprocess.run(command, check=False, timeout=600, capture_output=True)
    path = shutil.which("wrk")
    if not path:
        raise BenchError("wrk is missing and `apt-get install -y wrk` did not install it")
    return path
