"""The production-style stack of the Procfile: gunicorn and a worker (no beat needed), DEBUG off."""

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from claims.models import Document
from tests.conftest import CORPUS, ROOT, database_url, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get_without_redirect(url: str) -> tuple[int, str | None]:
    """Status and Location of the first response: a redirect is not followed."""
    try:
        with urllib.request.build_opener(_NoRedirect).open(url, timeout=5) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")


@pytest.fixture
def production_env(broker_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CELERY_BROKER_URL"}}
    env.update(
        DEBUG="0",
        SECRET_KEY="stack-test-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=broker_url,
        STATIC_ROOT=str(tmp_path / "static"),
        PORT=str(free_port()),
        WEB_CONCURRENCY="1",
        WORKER_CONCURRENCY="1",
        PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return env


def test_procfile_stack_serves_requests_and_runs_tasks(actors, production_env, tmp_path):
    log = (tmp_path / "honcho.log").open("wb")
    stack = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start", "-f", "Procfile"],
        cwd=ROOT,
        env=production_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{production_env['PORT']}"
    try:
        wait_until(lambda: get(f"{base}/healthz")[0] == 200, timeout=60)
        status, body = get(f"{base}/healthz")
        assert body == b'{"status": "ok", "database": "ok", "broker": "ok"}'
        status, body = get(f"{base}/admin/login/")
        assert status == 200
        assert b"claimdesk" in body
        assert get(f"{base}/static/admin/css/base.css")[0] == 200
        status, location = get_without_redirect(f"{base}/admin/claims/claim/")
        assert (status, location) == (302, "/admin/login/?next=/admin/claims/claim/")

        subprocess.run(
            [sys.executable, "manage.py", "ingest", str(CORPUS / "000_d8d09dd0182ca9c2.txt")],
            cwd=ROOT,
            env=production_env,
            check=True,
            timeout=60,
            capture_output=True,
        )
        document = wait_until(lambda: Document.objects.filter(status=Document.Status.EXTRACTED).first(), timeout=60)
        assert document.claim_count == document.claims.count()
        wait_until(lambda: not document.claims.filter(tagger_version="").exists(), timeout=30)
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
        log.close()
    output = (tmp_path / "honcho.log").read_text(errors="replace")
    assert "celery@" in output and "ready." in output
