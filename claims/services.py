"""Writes: ingesting documents, storing extracted claims, pre-tagging them."""

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from claims import bulk, extracting, reading, selectors, signals, tagging, titles
from claims.extracting import (  # noqa: F401 - re-exported: the pipeline's entry points are services
    MAX_EXTRACTION_ATTEMPTS,
    TRANSIENT_ERRORS,
    ExtractOutcome,
    document_extract,
    document_queue_extraction,
    documents_requeue_stuck,
)
from claims.extraction import (
    RegistryError,  # noqa: F401 - re-exported for the commands
    parse_registry,
)
from claims.extraction.registry import RegistryData
from claims.models import Actor, ActorMembership, Claim, Conflict, Document
from claims.reading import IngestError  # noqa: F401 - re-exported: callers catch it from here

logger = logging.getLogger(__name__)


@dataclass
class IngestResult:
    document: Document
    created: bool
    # None until the transaction commits; False when the broker was unreachable
    # (the document stays pending and the sweep queues it later).
    queued: bool | None = None


def document_ingest(
    *,
    raw: bytes | str,
    source_name: str = "",
    title: str = "",
    url: str = "",
    publisher: str = "",
    published_date: datetime.date | None = None,
    conflict: Conflict | None = None,
) -> IngestResult:
    """Store a document in `conflict` (once per distinct text) and queue its extraction.

    Without a conflict the document goes into the only one there is
    (conflict_resolve); a text already stored is not stored again, whatever
    conflict it was stored in. `raw` bytes are decoded as claims.reading does
    for every input (UTF-8, else the encoding they confidently are; flagged);
    a string with lone surrogates has them replaced and flagged. IngestError
    says, for a person, why the input cannot be a document: over the size
    limit, binary, empty.
    """
    prepared = reading.document_text(raw)
    text = prepared.text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    title = reading.display_name(title)
    heading = titles.read_heading(text)  # a clean title and the dateline's date, when not given
    defaults = {
        "text": text,
        # Names come from file systems and forms: not always valid Unicode.
        "source_name": reading.display_name(source_name)[:500],
        "title": (title or heading.title)[:500],
        "url": reading.display_name(url),
        "publisher": reading.display_name(publisher)[:200],
        "published_date": published_date or heading.published,
        "input_flags": list(prepared.flags),
    }
    known = Document.objects.filter(sha256=digest).first()
    if known is not None:
        return IngestResult(document=known, created=False)
    defaults["conflict"] = conflict or conflict_resolve()
    try:
        with transaction.atomic():
            # Marked queued as it is stored: the message goes out right after
            # the commit, and the mark is taken back if it cannot be sent.
            document = Document.objects.create(sha256=digest, queued_at=timezone.now(), **defaults)
            result = IngestResult(document=document, created=True)
            transaction.on_commit(lambda: _record_queued(result))
    except IntegrityError:  # the same text arrived concurrently
        return IngestResult(document=Document.objects.get(sha256=digest), created=False)
    return result


def _record_queued(result: IngestResult) -> None:
    result.queued = extracting.send_extraction(result.document.pk)
    if not result.queued:  # the sweep sends it once the broker is back
        Document.objects.filter(pk=result.document.pk, status=Document.Status.PENDING).update(queued_at=None)


def claims_queue_pretag(*, claim_ids: list[int]) -> int:
    """Queue pre-tagging in batches; returns how many batches were sent."""
    from claims.tasks import pretag_claims

    size = settings.CLAIMDESK_PRETAG_BATCH_SIZE
    sent = 0
    for offset in range(0, len(claim_ids), size):
        batch = claim_ids[offset : offset + size]
        try:
            pretag_claims.delay(claim_ids=batch)
        except OperationalError as exc:
            logger.warning("Broker unreachable, %d claims wait for the sweep: %s", len(batch), exc)
            continue
        sent += 1
    return sent


def claims_pretag(*, claim_ids: list[int]) -> int:
    """Set type, stance and confidence; never on claims a person touched.

    No row locks are taken while the tagger runs: the UPDATE writes a claim
    only if it is still in the state the tagger read (uncorrected, unreviewed),
    so a correction or a verdict saved meanwhile wins. Claims are read and
    written by primary key alone, so the plans do not depend on how fresh the
    table's statistics are (an index on verdict looks selective to a planner
    that has not seen the table grow).
    """
    rows = (
        Claim.objects.filter(pk__in=claim_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "tags_corrected",
            "version",
            "sentence",
            "quote",
            "stance",
            "responds_to__sentence",
            "responds_to__quote",
            "responds_to__stance",
        )
    )
    claims = {}
    for pk, corrected, version, sentence, quote, stance, *answered in rows:
        if corrected or version:
            continue
        answered_text = tagging.ClaimText(*answered) if answered[0] is not None else None
        claims[pk] = (tagging.ClaimText(sentence, quote, stance), answered_text)
    tags = tagging.tag_claims(claims)
    untouched = (False, 0)  # written only while each claim is still so
    with transaction.atomic():
        bulk.commit_without_waiting_for_disk()
        written = bulk.update_rows(
            Claim,
            [(pk, *tag, *untouched) for pk, tag in tags.items()],
            fields=["stance", "claim_type", "confidence"],
            expected=["tags_corrected", "version"],
            constants={"tagger_version": tagging.TAGGER_VERSION, "updated_at": timezone.now()},
        )
        if written:
            # Recorded in the audit trail once per batch, in this transaction.
            signals.claims_machine_written.send(
                sender=Claim,
                action="claims.retagged",
                details={
                    "tagger_version": tagging.TAGGER_VERSION,
                    "count": written,
                    "first_id": min(tags),
                    "last_id": max(tags),
                },
            )
        return written


def claims_requeue_untagged() -> int:
    """Queue pre-tagging for claims whose pre-tag message was lost.

    Only when the broker's queue is empty: while messages wait, untagged
    claims are most likely in one of them.
    """
    if selectors.broker_queue_length() != 0:
        return 0
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.CLAIMDESK_STUCK_AFTER_SECONDS)
    ids = list(
        Claim.objects.untouched()
        .filter(tagger_version="", created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:100_000]
    )
    return claims_queue_pretag(claim_ids=ids)


class ConflictError(ValueError):
    """The conflict asked for does not exist, or none was named where several exist."""


DEFAULT_CONFLICT_SLUG = "default"


def conflict_resolve(*, slug: str | None = None) -> Conflict:
    """The conflict a document or registry goes into: the named one, else the only one.

    With no conflict at all, the default one is made, so a new installation
    ingests at once. ConflictError says what to do otherwise.
    """
    if slug:
        found = Conflict.objects.filter(slug=slug).first()
        if found is None:
            raise ConflictError(f"no conflict {slug!r} (known: {_known_conflicts() or 'none yet'})")
        return found
    conflicts = list(Conflict.objects.order_by("pk")[:2])
    if len(conflicts) == 1:
        return conflicts[0]
    if conflicts:
        raise ConflictError(f"there are several conflicts; name one with --conflict ({_known_conflicts()})")
    return Conflict.objects.get_or_create(slug=DEFAULT_CONFLICT_SLUG, defaults={"name": "Default conflict"})[0]


def _known_conflicts() -> str:
    return ", ".join(Conflict.objects.order_by("slug").values_list("slug", flat=True))


@dataclass
class RegistryLoad:
    conflict: Conflict
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def actors_load(*, records: object, conflict: str | Conflict | None = None) -> RegistryLoad:
    """Create or update a conflict's actors from a registry (parse_registry's format).

    The conflict is `conflict` (a Conflict or a slug), else the one the
    registry names by its slug (created when new), else the only one.
    Idempotent: loading the same registry twice changes nothing. A proposed
    actor of the same name becomes a registry actor. The registry's
    conflict-level fields (name, sides, dates) update the conflict.
    """
    data = records if isinstance(records, RegistryData) else parse_registry(records)
    with transaction.atomic():
        target = _registry_conflict(data, conflict)
        result = RegistryLoad(conflict=target)
        names = [row["name"] for row in data.actors]
        Actor.objects.bulk_create([Actor(name=name) for name in names], ignore_conflicts=True)
        actor_ids = dict(Actor.objects.filter(name__in=names).values_list("name", "pk"))
        existing = {
            m.actor_id: m for m in ActorMembership.objects.filter(conflict=target, actor_id__in=actor_ids.values())
        }
        for row in data.actors:
            membership = existing.get(actor_ids[row["name"]])
            if membership is None:
                ActorMembership.objects.create(
                    actor_id=actor_ids[row["name"]], conflict=target, side=row["side"], aliases=row["aliases"]
                )
                result.created += 1
            elif (membership.side, membership.aliases, membership.is_proposed) != (row["side"], row["aliases"], False):
                membership.side, membership.aliases, membership.is_proposed = row["side"], row["aliases"], False
                membership.save(update_fields=["side", "aliases", "is_proposed", "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
    return result


def _registry_conflict(data: RegistryData, conflict: str | Conflict | None) -> Conflict:
    """The conflict a registry loads into, made or updated from the registry's conflict fields."""
    slug = conflict.slug if isinstance(conflict, Conflict) else (conflict or data.slug)
    target = (Conflict.objects.filter(slug=slug).first() or Conflict(slug=slug)) if slug else conflict_resolve()
    changes = {
        "name": data.name or target.name or slug.replace("-", " ").capitalize(),
        "sides": data.sides or target.sides,
        "start_date": data.start or target.start_date,
        "end_date": data.end or target.end_date,
    }
    if target.pk is None or any(getattr(target, key) != value for key, value in changes.items()):
        for key, value in changes.items():
            setattr(target, key, value)
        target.save()
    return target


def documents_reextract(*, document_ids: list[int]) -> int:
    """Queue documents for extraction again; reviewed claims survive it."""
    ready = Document.objects.filter(pk__in=document_ids).exclude(status=Document.Status.EXTRACTING)
    with transaction.atomic():
        ids = list(ready.select_for_update().values_list("pk", flat=True))
        Document.objects.filter(pk__in=ids).update(
            status=Document.Status.PENDING, attempts=0, error="", updated_at=timezone.now()
        )
        transaction.on_commit(lambda: [document_queue_extraction(document_id=pk) for pk in ids])
    return len(ids)


def claims_retag(*, claims, sync: bool = False, progress=lambda n: None) -> int:
    """Run pre-tagging again over `claims` (a Claim queryset), batch by batch.

    Claims a person corrected or reviewed are left out. With `sync` the
    batches run in this process; otherwise they are queued for the workers.
    """
    untouched = claims.untouched().order_by("pk")
    size = settings.CLAIMDESK_PRETAG_BATCH_SIZE
    done, last = 0, 0
    while batch := list(untouched.filter(pk__gt=last).values_list("pk", flat=True)[:size]):
        if sync:
            claims_pretag(claim_ids=batch)
        elif not claims_queue_pretag(claim_ids=batch):
            raise RetagError(f"the broker is unreachable; {done} claims were queued before it failed")
        done, last = done + len(batch), batch[-1]
        progress(len(batch))
    return done


class RetagError(RuntimeError):
    """Re-tagging stopped part-way; the message says how far it got."""
