"""Leases on documents being extracted: recovery in seconds, whatever stopped the worker.

A worker that claims a document for extraction holds a lease on it
(`Document.lease_expires_at`, CLAIMDESK_LEASE_SECONDS ahead, in the database's
clock). While the task runs, a thread of the worker's process renews the
lease every third of that; when the process dies (the whole worker or one
pool process SIGKILLed, the hard time limit) or loses the database, renewals
stop and the lease runs out. A document whose lease ran out is free: the
sweep, which every worker queues at start-up and every
CLAIMDESK_SWEEP_INTERVAL seconds (config/celery.py), puts it back in the
queue, and a task that meets it takes it over.

The renewing thread connects to the database only for a task that runs
longer than one renewal period, and closes its connection once no task of
its process holds a lease.
"""

import contextlib
import datetime
import logging
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models.functions import Now

logger = logging.getLogger(__name__)


def lease_length() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.CLAIMDESK_LEASE_SECONDS)


def expires() -> Now:
    """When a lease taken or renewed now runs out, in the database's clock (workers' clocks may differ)."""
    return Now() + lease_length()


class Keeper:
    """Renews, from a thread of this process, the leases of the documents this process extracts."""

    def __init__(self):
        self._held: dict[int, tuple[int, float]] = {}  # document id -> (attempt, last renewed, monotonic)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def holding(self, document_id: int, attempt: int) -> Iterator[None]:
        with self._lock:
            self._held[document_id] = (attempt, time.monotonic())
            self._changed.notify()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="claimdesk-lease-keeper", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                self._held.pop(document_id, None)
                self._changed.notify()

    def _run(self) -> None:
        period = settings.CLAIMDESK_LEASE_SECONDS / 3
        while True:
            with self._lock:
                due = [(pk, attempt) for pk, (attempt, at) in self._held.items() if time.monotonic() - at >= period]
                if not due:
                    if not self._held:
                        connection.close()  # nothing to renew: no idle connection kept
                    soonest = min((at + period for _, at in self._held.values()), default=None)
                    self._changed.wait(None if soonest is None else max(soonest - time.monotonic(), 0.05))
                    continue
            self._renew(due)

    def _renew(self, due: list[tuple[int, int]]) -> None:
        from claims.models import Document

        now = time.monotonic()
        for document_id, attempt in due:
            try:
                connection.close_if_unusable_or_obsolete()
                Document.objects.filter(pk=document_id, status=Document.Status.EXTRACTING, attempts=attempt).update(
                    lease_expires_at=expires()
                )
            except Exception:  # the database is down: the lease runs out, the sweep recovers the document
                logger.warning("Cannot renew the lease on document %s", document_id, exc_info=True)
                connection.close()
            with self._lock:
                if document_id in self._held:
                    self._held[document_id] = (attempt, now)


keeper = Keeper()
