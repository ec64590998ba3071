"""Writes: ingesting documents, storing extracted claims, pre-tagging them."""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from claims import selectors, tagging
from claims.extraction import EXTRACTOR_VERSION, ExtractedClaim, extract, normalize_text
from claims.models import Actor, Claim, Document, side_validator

logger = logging.getLogger(__name__)

# A document whose extraction was interrupted this many times is marked failed
# instead of being handed to yet another worker.
MAX_EXTRACTION_ATTEMPTS = 3


class IngestError(ValueError):
    """The input cannot become a document; the message says why, for a person."""


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
) -> IngestResult:
    """Store a document (once per distinct text) and queue its extraction."""
    size = len(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    limit = settings.CLAIMDESK_MAX_DOCUMENT_BYTES
    if size > limit:
        raise IngestError(
            f"the document is {_human_size(size)}, over the {_human_size(limit)} limit (CLAIMDESK_MAX_DOCUMENT_BYTES)"
        )
    normalized = normalize_text(raw)
    if normalized.binary:
        raise IngestError("the input looks like binary data, not text")
    if not normalized.text.strip():
        raise IngestError("the document is empty")
    text = normalized.text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    defaults = {
        "text": text,
        "source_name": source_name[:500],
        "title": (title or _first_line(text))[:500],
        "url": url,
        "publisher": publisher[:200],
        "published_date": published_date,
        "input_flags": list(normalized.flags),
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                document, created = Document.objects.get_or_create(sha256=digest, defaults=defaults)
        except IntegrityError:  # the same text arrived concurrently
            document, created = Document.objects.get(sha256=digest), False
        result = IngestResult(document=document, created=created)
        if created:
            transaction.on_commit(lambda: _record_queued(result))
    return result


def _human_size(size: int) -> str:
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def _record_queued(result: IngestResult) -> None:
    result.queued = document_queue_extraction(document_id=result.document.pk)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def document_queue_extraction(*, document_id: int) -> bool:
    """Send the extraction task; False (and logged) when the broker is unreachable."""
    from claims.tasks import extract_document

    try:
        extract_document.delay(document_id=document_id)
    except OperationalError as exc:
        logger.warning("Broker unreachable, document %s stays pending: %s", document_id, exc)
        return False
    Document.objects.filter(pk=document_id).update(queued_at=timezone.now())
    return True


@dataclass
class ExtractOutcome:
    status: str
    claim_ids: list[int] = field(default_factory=list)
    stale: int = 0


def document_extract(*, document_id: int) -> ExtractOutcome:
    """Claim the document, run the engine and store its claims exactly once."""
    attempt = _document_claim(document_id)
    if attempt is None:
        return ExtractOutcome(status="skipped")
    document = Document.objects.only("text", "published_date").get(pk=document_id)
    try:
        found = extract(document.text, selectors.actor_registry(), document_date=document.published_date)
    except Exception as exc:
        logger.exception("Extraction of document %s failed", document_id)
        _document_fail(document_id, attempt, f"{type(exc).__name__}: {exc}")
        return ExtractOutcome(status=Document.Status.FAILED)
    return _document_store(document_id, attempt, found)


def _document_claim(document_id: int) -> int | None:
    """Mark the document extracting; the attempt number identifies this run."""
    stuck_before = timezone.now() - datetime.timedelta(seconds=settings.CLAIMDESK_STUCK_AFTER_SECONDS)
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            logger.info("Document %s is gone; nothing to extract", document_id)
            return None
        interrupted = document.status == Document.Status.EXTRACTING and document.extraction_started_at < stuck_before
        if document.status != Document.Status.PENDING and not interrupted:
            return None
        if interrupted and document.attempts >= MAX_EXTRACTION_ATTEMPTS:
            document.status = Document.Status.FAILED
            document.error = f"Extraction was interrupted {document.attempts} times (worker lost or timed out)."
            document.save(update_fields=["status", "error", "updated_at"])
            return None
        document.status = Document.Status.EXTRACTING
        document.attempts = F("attempts") + 1
        document.extraction_started_at = timezone.now()
        document.extraction_finished_at = None
        document.error = ""
        document.save(
            update_fields=[
                "status",
                "attempts",
                "extraction_started_at",
                "extraction_finished_at",
                "error",
                "updated_at",
            ]
        )
        document.refresh_from_db(fields=["attempts"])
        return document.attempts


def _locked_if_current(document_id: int, attempt: int) -> Document | None:
    """The document, row-locked, if this run still owns its extraction."""
    return (
        Document.objects.select_for_update()
        .filter(pk=document_id, status=Document.Status.EXTRACTING, attempts=attempt)
        .first()
    )


def _document_fail(document_id: int, attempt: int, error: str) -> None:
    with transaction.atomic():
        document = _locked_if_current(document_id, attempt)
        if document is None:
            return
        document.status = Document.Status.FAILED
        document.error = error[:10_000]
        document.extraction_finished_at = timezone.now()
        document.save(update_fields=["status", "error", "extraction_finished_at", "updated_at"])


@transaction.atomic
def _document_store(document_id: int, attempt: int, found: list[ExtractedClaim]) -> ExtractOutcome:
    document = _locked_if_current(document_id, attempt)
    if document is None:  # another run took over; its result stands
        return ExtractOutcome(status="skipped")
    version = found[0].version if found else EXTRACTOR_VERSION
    document.claims.filter(verdict=Claim.Verdict.UNVERIFIED, tags_corrected=False).delete()
    kept = {(c.start, c.end, c.quote): c for c in document.claims.all()}
    actors = _actors_for(found)
    by_index: dict[int, Claim] = {}
    new: list[Claim] = []
    for item in found:
        claim = kept.pop((item.start, item.end, item.quote), None)
        if claim is None:
            claim = _claim_from(document, item, actors, version)
            new.append(claim)
        else:
            claim.is_stale = False
        by_index[item.index] = claim
    Claim.objects.bulk_create(new, batch_size=1000)
    _link_responses(found, by_index, new)
    stale = [c.pk for c in kept.values()]
    Claim.objects.filter(document=document).exclude(pk__in=stale).filter(is_stale=True).update(is_stale=False)
    Claim.objects.filter(pk__in=stale).update(is_stale=True)
    document.status = Document.Status.EXTRACTED
    document.extractor_version = version
    document.claim_count = len(found) + len(stale)
    document.extraction_finished_at = timezone.now()
    document.save(update_fields=["status", "extractor_version", "claim_count", "extraction_finished_at", "updated_at"])
    claim_ids = [c.pk for c in new]
    transaction.on_commit(lambda: claims_queue_pretag(claim_ids=claim_ids))
    return ExtractOutcome(status=Document.Status.EXTRACTED, claim_ids=claim_ids, stale=len(stale))


def _claim_from(document: Document, item: ExtractedClaim, actors: dict[str, Actor], version: str) -> Claim:
    return Claim(
        document=document,
        index=item.index,
        sentence=item.sentence,
        quote=item.quote,
        start=item.start,
        end=item.end,
        claimant=actors.get(item.claimant) if item.claimant else None,
        claimant_mention=(item.claimant_mention or "")[:500],
        side=item.side or "",
        event_date=item.event_date,
        time=_clock_time(item.time),
        locations=list(item.locations),
        extractor_version=version,
    )


def _clock_time(value: str | None) -> datetime.time | None:
    """The claim's clock time; None for one the source wrote impossibly (17:80)."""
    try:
        return datetime.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _link_responses(found: list[ExtractedClaim], by_index: dict[int, Claim], new: list[Claim]) -> None:
    """Point denials and confirmations at the claims they answer (new rows only)."""
    fresh = {id(c) for c in new}
    linked = []
    for item in found:
        claim = by_index[item.index]
        if item.responds_to is not None and id(claim) in fresh and item.responds_to in by_index:
            claim.responds_to = by_index[item.responds_to]
            linked.append(claim)
    Claim.objects.bulk_update(linked, ["responds_to"], batch_size=1000)


def _actors_for(found: list[ExtractedClaim]) -> dict[str, Actor]:
    """Actors by name for every claimant, proposing the ones the registry lacks."""
    sides = {c.claimant: c.side for c in found if c.claimant}
    actors = {a.name: a for a in Actor.objects.filter(name__in=sides)}
    missing = [
        Actor(name=name[:200], side=sides[name] or "third_party", is_proposed=True, aliases=[name])
        for name in sides
        if name not in actors
    ]
    if missing:
        Actor.objects.bulk_create(missing, ignore_conflicts=True)
        actors = {a.name: a for a in Actor.objects.filter(name__in=sides)}
    return actors


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
    """Set type, stance and confidence; never on claims a person touched."""
    with transaction.atomic():
        claims = list(
            Claim.objects.select_for_update(of=("self",))
            .filter(pk__in=claim_ids, tags_corrected=False, verdict=Claim.Verdict.UNVERIFIED)
            .select_related("responds_to")
            .only(
                "pk",
                "sentence",
                "quote",
                "stance",
                "responds_to__sentence",
                "responds_to__quote",
                "responds_to__stance",
            )
            .order_by("pk")
        )
        tags = tagging.tag_claims(claims, selectors.actor_registry())
        _write_tags([(claim.pk, tags[claim.pk]) for claim in claims])
    return len(claims)


def _write_tags(rows: list[tuple[int, tagging.Tags]]) -> None:
    """One UPDATE ... FROM (VALUES ...) per chunk.

    QuerySet.bulk_update writes a CASE expression per field that the database
    evaluates for every row: quadratic in the batch size, and most of the
    pre-tagging time in measurements.
    """
    table = Claim._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for offset in range(0, len(rows), 500):
        chunk = rows[offset : offset + 500]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [value for pk, tags in chunk for value in (pk, tags.stance, tags.claim_type, tags.confidence)]
        sql = (
            f"WITH v(id, stance, claim_type, confidence) AS (VALUES {values}) "  # noqa: S608 - no user input
            f"UPDATE {table} SET stance = v.stance, claim_type = v.claim_type, "
            "confidence = CAST(v.confidence AS double precision), tagger_version = %s, updated_at = %s "
            f"FROM v WHERE {table}.id = CAST(v.id AS bigint)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, tagging.TAGGER_VERSION, now])


def documents_requeue_stuck() -> int:
    """Queue again documents left pending or extracting (lost message, dead worker)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.CLAIMDESK_STUCK_AFTER_SECONDS)
    never_sent = Q(status=Document.Status.PENDING) & (Q(queued_at__isnull=True) | Q(queued_at__lt=cutoff))
    interrupted = Q(status=Document.Status.EXTRACTING, extraction_started_at__lt=cutoff)
    stuck = Document.objects.filter(never_sent | interrupted).order_by("pk").values_list("pk", flat=True)
    queued = 0
    for document_id in stuck.iterator(chunk_size=500):
        if not document_queue_extraction(document_id=document_id):
            break  # the broker is down: the next sweep tries again
        queued += 1
    return queued


def claims_requeue_untagged() -> int:
    """Queue pre-tagging for claims whose pre-tag message was lost.

    Only when the broker's queue is empty: while messages wait, untagged
    claims are most likely in one of them.
    """
    if selectors.broker_queue_length() != 0:
        return 0
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.CLAIMDESK_STUCK_AFTER_SECONDS)
    ids = list(
        Claim.objects.filter(
            tagger_version="", tags_corrected=False, verdict=Claim.Verdict.UNVERIFIED, created_at__lt=cutoff
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:100_000]
    )
    return claims_queue_pretag(claim_ids=ids)


class RegistryError(ValueError):
    """The actor registry file is not in the expected format."""


def actors_load(*, records: object) -> tuple[int, int]:
    """Create or update actors from registry records; returns (created, updated).

    Idempotent: loading the same registry twice changes nothing. A proposed
    actor of the same name becomes a registry actor.
    """
    rows = _validated_records(records)
    created = updated = 0
    with transaction.atomic():
        existing = {a.name: a for a in Actor.objects.filter(name__in=[r["name"] for r in rows])}
        for row in rows:
            actor = existing.get(row["name"])
            if actor is None:
                Actor.objects.create(**row)
                created += 1
            elif (actor.side, actor.aliases, actor.is_proposed) != (row["side"], row["aliases"], False):
                actor.side, actor.aliases, actor.is_proposed = row["side"], row["aliases"], False
                actor.save(update_fields=["side", "aliases", "is_proposed", "updated_at"])
                updated += 1
    return created, updated


def _validated_records(records: object) -> list[dict]:
    if not isinstance(records, list):
        raise RegistryError("the registry must be a JSON list of actors")
    rows, seen = [], set()
    for number, record in enumerate(records, 1):
        where = f"actor #{number}"
        if not isinstance(record, dict):
            raise RegistryError(f"{where} is not an object")
        name, side, aliases = record.get("name"), record.get("side"), record.get("aliases", [])
        if not isinstance(name, str) or not name.strip():
            raise RegistryError(f"{where} has no name")
        if not isinstance(side, str) or not side.strip():
            raise RegistryError(f"{where} ({name}) has no side")
        if not side_validator.regex.fullmatch(side.strip()):
            raise RegistryError(f"{where} ({name}): side must be a lower-case slug such as 'third_party'")
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise RegistryError(f"{where} ({name}): aliases must be a list of strings")
        if name.strip() in seen:
            raise RegistryError(f"{where}: {name!r} appears twice")
        seen.add(name.strip())
        rows.append({"name": name.strip(), "side": side.strip(), "aliases": [a.strip() for a in aliases]})
    return rows


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
    untouched = claims.filter(tags_corrected=False, verdict=Claim.Verdict.UNVERIFIED).order_by("pk")
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
