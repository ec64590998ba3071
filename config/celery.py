"""Celery application: `celery -A config worker` and `celery -A config beat`."""

import functools
import logging
import os

from celery import Celery
from celery.signals import beat_init, celeryd_init, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("claimdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
_IN_PROCESS_NOTICE = "CELERY_BROKER_URL is not set: tasks run in-process (eager mode)."


@task_prerun.connect
@task_postrun.connect
def _recycle_database_connections(task=None, **kwargs) -> None:
    """Close a worker's connection when it is too old or unusable, as Django does
    around each request; the connection otherwise serves the next task
    (CELERY_DB_REUSE_MAX). Tasks run eagerly share their caller's connection."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@task_prerun.connect
def _note_in_process(task=None, **kwargs) -> None:
    """Say that tasks run in-process when the first one does, once per process.

    Not at start-up: every manage.py command (and runserver's reloader, twice)
    sets Django up, and most of them never run a task.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        _log_in_process_once()


@functools.cache
def _log_in_process_once() -> None:
    logger.info(_IN_PROCESS_NOTICE)


@celeryd_init.connect
@beat_init.connect
def _refuse_without_broker(**kwargs) -> None:
    """A worker or beat without CELERY_BROKER_URL would sit on the in-memory transport, receiving nothing."""
    if app.conf.task_always_eager:
        raise SystemExit(f"{_IN_PROCESS_NOTICE} A worker or beat needs a broker: set CELERY_BROKER_URL.")
