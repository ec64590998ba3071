"""The Celery app without a broker: tasks in-process, said once, and no broker warnings."""

import logging
import os
import subprocess
import sys

import pytest

from config import celery
from tests.conftest import CORPUS, CORPUS_CLAIMS, ROOT, service_env

NOTICE = "CELERY_BROKER_URL is not set: tasks run in-process (eager mode)."


def manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=service_env(), capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db(transaction=True)
def test_demo_steps_without_broker_say_in_process_once_and_warn_of_nothing(actors):
    """`make demo`'s steps, each its own process as there: the notice comes with the first task only."""
    outputs = [manage("load_actors"), manage("ingest", str(CORPUS)), manage("demo_user"), manage("check")]
    assert [result.returncode for result in outputs] == [0, 0, 0, 0]
    log = "".join(result.stderr for result in outputs)
    assert log.count(NOTICE) == 1
    assert [line for line in log.splitlines() if "WARNING" in line] == []
    assert outputs[1].stdout == f"Documents: 2 new, 0 already known, 0 failed. Claims created: {CORPUS_CLAIMS}.\n"


@pytest.mark.django_db(transaction=True)
def test_in_process_notice_is_logged_once_per_process(actors, caplog):
    from claims.services import document_ingest

    celery._log_in_process_once.cache_clear()
    with caplog.at_level(logging.INFO):
        for path in sorted(CORPUS.iterdir()):
            document_ingest(raw=path.read_bytes())
    assert [r.getMessage() for r in caplog.records if r.name == "config.celery"] == [NOTICE]
    assert [r.getMessage() for r in caplog.records if r.name.startswith("kombu")] == []


@pytest.mark.parametrize("program", ["worker", "beat"])
def test_worker_and_beat_refuse_to_start_without_a_broker(tmp_path, program):
    env = {**service_env(), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    extra = ["--schedule", str(tmp_path / "beat-schedule")] if program == "beat" else ["--pool", "solo"]
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "celery"), "-A", "config", program, *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].endswith(f"{NOTICE} A worker or beat needs a broker: set CELERY_BROKER_URL.")


@pytest.mark.redis
def test_worker_refuses_a_visibility_timeout_shorter_than_the_hard_limit(tmp_path, broker_url):
    env = {
        **service_env(broker_url),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "CELERY_VISIBILITY_TIMEOUT": "100",
    }
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "celery"), "-A", "config", "worker", "--pool", "solo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].endswith(
        "CELERY_VISIBILITY_TIMEOUT (100 s) must be longer than the hard "
        "time limit plus the longest retry delay (392 s), or running tasks would be delivered twice."
    )
