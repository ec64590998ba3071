"""Celery application: `celery -A config worker`.

Each worker also keeps the pipeline going by itself (no celery beat needed):
at start-up and every CLAIMDESK_SWEEP_INTERVAL seconds it queues the sweep,
which gives back documents whose worker was lost and sends those never sent
(claims.extracting.documents_requeue_stuck).
"""

import functools
import logging
import os

from celery import Celery, bootsteps
from celery.signals import beat_init, celeryd_init, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("claimdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

SWEEP_TASK = "claims.requeue_stuck_documents"
# The longest a retried task waits (claims.tasks): the broker must not hand
# its message to another worker meanwhile.
LONGEST_RETRY_DELAY = 32

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


@celeryd_init.connect
def _refuse_short_visibility_timeout(**kwargs) -> None:
    """A message still being worked on must not be given to a second worker."""
    visibility = app.conf.broker_transport_options.get("visibility_timeout", 3600)
    needed = app.conf.task_time_limit + LONGEST_RETRY_DELAY
    if visibility <= needed:  # SystemExit: Celery logs and swallows the signal handlers' exceptions
        raise SystemExit(
            f"CELERY_VISIBILITY_TIMEOUT ({visibility} s) must be longer than the hard time limit plus the "
            f"longest retry delay ({needed} s), or running tasks would be delivered twice."
        )


class Sweeper(bootsteps.StartStopStep):
    """Queue the sweep when the worker's consumer starts, then every CLAIMDESK_SWEEP_INTERVAL seconds.

    Runs in the worker's main process, on its event loop: it only publishes a
    message (which expires after one interval, so a backlog does not fill
    with sweeps); the sweep itself runs in a pool process like any task.
    """

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.timer_entry = None

    def start(self, consumer):
        from django.conf import settings

        interval = settings.CLAIMDESK_SWEEP_INTERVAL
        self.send(interval)
        self.timer_entry = consumer.timer.call_repeatedly(interval, self.send, (interval,))

    def stop(self, consumer):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop

    def send(self, interval: float) -> None:
        try:
            app.send_task(SWEEP_TASK, expires=interval)
        except Exception as exc:  # noqa: BLE001 - the broker is down: the consumer reconnects, and starts again
            logger.warning("Cannot queue the sweep: %s", exc)


app.steps["consumer"].add(Sweeper)
