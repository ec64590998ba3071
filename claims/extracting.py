"""The extraction run: a document claimed under a lease, the engine, the store, and what is recorded when it fails.

What can go wrong, and what the document then records (docs/reliability.md):

- the engine raises: permanent, the document `failed` with the engine's error;
- the database or the broker fails, reading the registry or storing the
  claims (TRANSIENT_ERRORS): the document goes back to pending with the error
  in `last_error`, and the task retries with backoff (claims.tasks);
- any other error while reading the registry or storing: `failed` with it;
- the soft time limit: `failed`, saying so;
- the worker dies or loses the database: its lease on the document runs out
  (claims.leases) and the sweep, or the next task to meet the document, takes
  it over, recording the interruption in `last_error`;
- MAX_EXTRACTION_ATTEMPTS attempts without success: `failed` with the last error.

Every attempt is counted in `attempts`; a run stores its claims only while
the document still carries its attempt number, so a run that was taken over
writes nothing.
"""

import contextlib
import datetime
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import django.db
import kombu.exceptions
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, CharField, ExpressionWrapper, Q, Value
from django.db.models.functions import Cast, Concat, Now
from django.utils import timezone

from claims import bulk, leases, selectors, signals, storing
from claims.extraction import EXTRACTOR_VERSION, ExtractedClaim, extract
from claims.models import THIRD_PARTY, Actor, ActorMembership, Document

logger = logging.getLogger(__name__)

# A document whose extraction failed or was interrupted this many times is
# marked failed instead of being handed to yet another worker.
MAX_EXTRACTION_ATTEMPTS = 3
# Errors that say nothing about the document: the database or the broker was
# unreachable, or the connection to it was cut. The task retries.
TRANSIENT_ERRORS = (django.db.OperationalError, django.db.InterfaceError, kombu.exceptions.OperationalError)
WORKER_LOST = "the worker stopped before finishing (killed, or cut off from the database) and its lease ran out"

Lease = Callable[[int, int], AbstractContextManager]


def send_extraction(document_id: int) -> bool:
    """Send the extraction task; False (and logged) when the broker is unreachable."""
    from claims.tasks import extract_document

    try:
        extract_document.delay(document_id=document_id)
    except kombu.exceptions.OperationalError as exc:
        logger.warning("Broker unreachable, document %s stays pending: %s", document_id, exc)
        return False
    return True


def document_queue_extraction(*, document_id: int) -> bool:
    """Send the extraction task and note when; False (and logged) when the broker is unreachable."""
    if not send_extraction(document_id):
        return False
    Document.objects.filter(pk=document_id).update(queued_at=timezone.now())
    return True


@dataclass
class ExtractOutcome:
    status: str
    claim_ids: list[int] = field(default_factory=list)
    stale: int = 0


def document_extract(*, document_id: int, lease: Lease | None = None) -> ExtractOutcome:
    """Claim the document, run the engine and store its claims exactly once.

    `lease(document_id, attempt)` keeps the lease renewed while the run goes
    on (claims.leases.keeper.holding, in workers). A TRANSIENT_ERRORS error is
    raised, after the document was put back to pending, for the task to retry.
    """
    claimed = _document_claim(document_id)
    if claimed is None:
        return ExtractOutcome(status="skipped")
    attempt, document = claimed
    with lease(document_id, attempt) if lease else contextlib.nullcontext():
        return _run(document, attempt)


def _run(document: Document, attempt: int) -> ExtractOutcome:
    step = "Reading the registry"
    try:
        registry = selectors.actor_registry(document.conflict_id)
        step = "The engine"
        found = extract(document.text, registry, document_date=document.published_date)
        step = "Storing the claims"
        return _document_store(document.pk, attempt, found)
    except TRANSIENT_ERRORS as exc:  # the engine is pure Python: these come from the database or the broker
        logger.warning("%s for document %s failed, to be retried: %s", step, document.pk, exc)
        _document_release(document.pk, attempt, f"{step} failed: {_described(exc)}")
        raise
    except Exception as exc:
        logger.exception("%s for document %s failed", step, document.pk)
        return _document_fail(document.pk, attempt, step, exc)


def _described(exc: BaseException) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):  # its length came with the message, from whoever queued it
        return "stopped at the soft time limit (CLAIMDESK_TASK_SOFT_TIME_LIMIT)"
    message = str(exc).strip().splitlines()  # the database's CONTEXT lines are for the log
    return f"{type(exc).__name__}: {message[0] if message else ''}".strip()


# The columns the extraction steps read and write; the text is read once.
_STATE_FIELDS = ("id", "status", "attempts", "extraction_started_at", "last_error")


def _document_claim(document_id: int) -> tuple[int, Document] | None:
    """Mark the document extracting under a fresh lease; (this run's attempt number, document with its text).

    A pending document is taken; so is one extracting whose lease ran out
    (its worker is gone), unless that was its last allowed attempt.
    """
    with transaction.atomic():
        bulk.commit_without_waiting_for_disk()  # lost in a crash, the document is pending again: the sweep sends it
        document = (
            Document.objects.select_for_update()
            .only(*_STATE_FIELDS, "text", "published_date", "conflict_id")
            .annotate(lease_ran_out=ExpressionWrapper(_lease_ran_out(), output_field=BooleanField()))
            .filter(pk=document_id)
            .first()
        )
        if document is None:
            logger.info("Document %s is gone; nothing to extract", document_id)
            return None
        interrupted = document.status == Document.Status.EXTRACTING and document.lease_ran_out
        if document.status != Document.Status.PENDING and not interrupted:
            return None
        if interrupted:
            document.last_error = f"Attempt {document.attempts}: {WORKER_LOST}."
            if document.attempts >= MAX_EXTRACTION_ATTEMPTS:
                _give_up(document)
                return None
        document.status = Document.Status.EXTRACTING
        document.attempts += 1  # the row is locked: no other run counts at the same time
        document.lease_expires_at = leases.expires()
        document.extraction_started_at = timezone.now()
        document.extraction_finished_at = None
        document.error = ""
        document.save(
            update_fields=[
                "status",
                "attempts",
                "lease_expires_at",
                "extraction_started_at",
                "extraction_finished_at",
                "error",
                "last_error",
                "updated_at",
            ]
        )
        return document.attempts, document


def _lease_ran_out() -> Q:
    """Extracting documents whose worker is gone: the lease ran out (or, taken before there
    were leases, the extraction started over CLAIMDESK_STUCK_AFTER_SECONDS ago)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.CLAIMDESK_STUCK_AFTER_SECONDS)
    return Q(lease_expires_at__lt=Now()) | Q(lease_expires_at__isnull=True, extraction_started_at__lt=cutoff)


def _give_up(document: Document) -> None:
    document.status = Document.Status.FAILED
    document.error = f"Extraction failed {document.attempts} times; the last time: {document.last_error}"[:10_000]
    document.lease_expires_at = None
    document.extraction_finished_at = timezone.now()
    document.save(
        update_fields=["status", "error", "last_error", "lease_expires_at", "extraction_finished_at", "updated_at"]
    )


def _locked_if_current(document_id: int, attempt: int) -> Document | None:
    """The document's state, row-locked, if this run still owns its extraction."""
    return (
        Document.objects.select_for_update()
        .only(*_STATE_FIELDS)
        .filter(pk=document_id, status=Document.Status.EXTRACTING, attempts=attempt)
        .first()
    )


def _document_fail(document_id: int, attempt: int, step: str, exc: BaseException) -> ExtractOutcome:
    """A permanent failure: the document failed, with what went wrong."""
    error = f"{step} failed: {_described(exc)}"[:10_000]
    with transaction.atomic():
        document = _locked_if_current(document_id, attempt)
        if document is not None:
            document.status = Document.Status.FAILED
            document.error = document.last_error = error
            document.lease_expires_at = None
            document.extraction_finished_at = timezone.now()
            document.save(
                update_fields=[
                    "status",
                    "error",
                    "last_error",
                    "lease_expires_at",
                    "extraction_finished_at",
                    "updated_at",
                ]
            )
    return ExtractOutcome(status=Document.Status.FAILED)


def _document_release(document_id: int, attempt: int, error: str) -> None:
    """Give the document back after a transient error: pending again, or failed after the last attempt.

    The database may still be unreachable; then nothing is written and the
    lease runs out instead.
    """
    try:
        connection.close_if_unusable_or_obsolete()
        with transaction.atomic():
            document = _locked_if_current(document_id, attempt)
            if document is None:
                return
            document.last_error = f"Attempt {attempt}: {error}"[:10_000]
            if document.attempts >= MAX_EXTRACTION_ATTEMPTS:
                _give_up(document)
                return
            document.status = Document.Status.PENDING
            document.lease_expires_at = None
            document.queued_at = timezone.now()  # the retry is the message
            document.save(update_fields=["status", "last_error", "lease_expires_at", "queued_at", "updated_at"])
    except TRANSIENT_ERRORS as exc:
        logger.warning("Cannot record the error on document %s; its lease will run out: %s", document_id, exc)


@transaction.atomic
def _document_store(document_id: int, attempt: int, found: list[ExtractedClaim]) -> ExtractOutcome:
    document = _locked_if_current(document_id, attempt)
    if document is None:  # another run took over; its result stands
        return ExtractOutcome(status="skipped")
    bulk.commit_without_waiting_for_disk()
    version = found[0].version if found else EXTRACTOR_VERSION
    conflict_id = Document.objects.filter(pk=document_id).values_list("conflict_id", flat=True).get()
    stored = storing.store(
        document_id=document_id,
        conflict_id=conflict_id,
        found=found,
        actors=_actors_for(found, conflict_id),
        version=version,
    )
    document.status = Document.Status.EXTRACTED
    document.extractor_version = version
    document.claim_count = stored.claim_count
    document.lease_expires_at = None
    document.extraction_finished_at = timezone.now()
    document.save(
        update_fields=[
            "status",
            "extractor_version",
            "claim_count",
            "lease_expires_at",
            "extraction_finished_at",
            "updated_at",
        ]
    )
    transaction.on_commit(lambda: signals.document_extracted.send(sender=Document, document_id=document_id))
    return ExtractOutcome(status=Document.Status.EXTRACTED, claim_ids=stored.created, stale=stored.stale)


def _actors_for(found: list[ExtractedClaim], conflict_id: int) -> dict[str, int]:
    """Actor ids by name for every claimant, proposing in the conflict the ones its registry lacks."""
    sides = {c.claimant[:200]: c.side for c in found if c.claimant}
    if not sides:
        return {}
    actors = dict(Actor.objects.filter(name__in=sides).values_list("name", "pk"))
    missing = [Actor(name=name) for name in sides if name not in actors]
    if missing:
        Actor.objects.bulk_create(missing, ignore_conflicts=True)
        actors = dict(Actor.objects.filter(name__in=sides).values_list("name", "pk"))
    members = set(
        ActorMembership.objects.filter(conflict_id=conflict_id, actor_id__in=actors.values()).values_list(
            "actor_id", flat=True
        )
    )
    proposed = [
        ActorMembership(
            actor_id=pk, conflict_id=conflict_id, side=sides[name] or THIRD_PARTY, aliases=[name], is_proposed=True
        )
        for name, pk in actors.items()
        if pk not in members
    ]
    if proposed:
        ActorMembership.objects.bulk_create(proposed, ignore_conflicts=True)
    return actors


def documents_requeue_stuck() -> int:
    """The sweep: documents whose worker was lost go back to pending; pending ones are sent, as the queue has room.

    Bounded by the queue: while the broker's queue holds
    CLAIMDESK_SWEEP_QUEUE_LIMIT messages or more (or cannot be read), nothing
    is sent, so a backlog does not grow itself. A pending document is sent
    when it never was (the broker was down) or was sent longer than
    CLAIMDESK_STUCK_AFTER_SECONDS ago (its message was lost). Returns how many
    were sent.
    """
    _release_lost()
    length = selectors.broker_queue_length()
    room = 0 if length is None else settings.CLAIMDESK_SWEEP_QUEUE_LIMIT - length
    if room <= 0:
        return 0
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.CLAIMDESK_STUCK_AFTER_SECONDS)
    never_sent = Q(queued_at__isnull=True) | Q(queued_at__lt=cutoff)
    waiting = Document.objects.filter(never_sent, status=Document.Status.PENDING).order_by("pk")
    queued = 0
    for document_id in list(waiting.values_list("pk", flat=True)[:room]):
        if not document_queue_extraction(document_id=document_id):
            break  # the broker is down: the next sweep tries again
        queued += 1
    return queued


def _release_lost() -> None:
    """Documents extracting under a lease that ran out: pending again, or failed after the last attempt."""
    lost = Document.objects.filter(_lease_ran_out(), status=Document.Status.EXTRACTING)
    interrupted = Concat(Value("Attempt "), Cast("attempts", CharField()), Value(f": {WORKER_LOST}."))
    now = timezone.now()
    with transaction.atomic():
        lost.filter(attempts__gte=MAX_EXTRACTION_ATTEMPTS).update(
            status=Document.Status.FAILED,
            last_error=interrupted,
            error=Concat(
                Value("Extraction failed "),
                Cast("attempts", CharField()),
                Value(" times; the last time: "),
                interrupted,
            ),
            lease_expires_at=None,
            extraction_finished_at=now,
            updated_at=now,
        )
        released = lost.update(
            status=Document.Status.PENDING,
            last_error=interrupted,
            lease_expires_at=None,
            queued_at=None,
            updated_at=now,
        )
    if released:
        logger.warning("%d documents lost their worker while extracting; queued again", released)
