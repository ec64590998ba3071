"""The audit trail: append-only events in one hash chain per claim.

An event's hash is the SHA-256 of its canonical content (chain, number,
claim, action, who, when, before, after) together with the previous event's
hash, so editing, removing or reordering an event breaks every later link.
Events are written by the services in the transaction of the change they
record; `verify_chains` recomputes them (`manage.py verify_audit`).
"""

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from review.models import AuditEvent

GENESIS = "0" * 64
PIPELINE_CHAIN = "pipeline"
MACHINE_USERNAME = "claimdesk pipeline"


def claim_chain(claim_id: int) -> str:
    return f"claim:{claim_id}"


def canonical(content: dict[str, Any]) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _timestamp(value: datetime.datetime) -> str:
    # Microseconds in UTC: what both SQLite and PostgreSQL give back unchanged.
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def event_content(event: AuditEvent) -> dict[str, Any]:
    return {
        "chain": event.chain,
        "seq": event.seq,
        "claim": event.claim_id,
        "action": event.action,
        "username": event.username,
        "at": _timestamp(event.created_at),
        "before": event.before,
        "after": event.after,
        "prev": event.prev_hash,
    }


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event_content(event))).hexdigest()


def jsonable(value: Any) -> Any:
    """A value as the audit trail keeps it: dates and times as ISO text."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    return value


def record_claim_event(*, claim, user, action: str, before: dict, after: dict) -> AuditEvent:
    """Append the event for a human write that has just set `claim.version`.

    The caller holds the claim's row lock, so the chain has one writer; the
    event's number is the claim's new version.
    """
    chain = claim_chain(claim.pk)
    previous = AuditEvent.objects.filter(chain=chain, seq=claim.version - 1).values_list("hash", flat=True).first()
    event = _append(
        chain=chain,
        seq=claim.version,
        claim_id=claim.pk,
        action=action,
        user=user,
        before=before,
        after=after,
        prev_hash=previous or GENESIS,
    )
    from review.api.webhooks import on_claim_event  # webhooks go out once this transaction commits

    on_claim_event(event, claim)
    return event


def record_pipeline_event(*, action: str, details: dict) -> AuditEvent:
    """Append one event for a batch of machine writes to the pipeline's chain."""
    if connection.vendor == "postgresql":
        # Workers write batches concurrently: one appends to the chain at a time.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [PIPELINE_CHAIN])
    last = AuditEvent.objects.filter(chain=PIPELINE_CHAIN).order_by("-seq").values_list("seq", "hash").first()
    seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    return _append(
        chain=PIPELINE_CHAIN,
        seq=seq,
        claim_id=None,
        action=action,
        user=None,
        before={},
        after=jsonable(details),
        prev_hash=previous,
    )


def _append(*, chain, seq, claim_id, action, user, before, after, prev_hash) -> AuditEvent:
    event = AuditEvent(
        chain=chain,
        seq=seq,
        claim_id=claim_id,
        action=action,
        user=user,
        username=user.get_username() if user is not None else MACHINE_USERNAME,
        created_at=timezone.now(),
        before=jsonable(before),
        after=jsonable(after),
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    return event


def head_hash(claim_id: int) -> str:
    """The hash of the claim's latest event (GENESIS for a claim nobody touched)."""
    found = AuditEvent.objects.filter(chain=claim_chain(claim_id)).order_by("-seq").values_list("hash", flat=True)
    return found.first() or GENESIS


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    seq: int
    event_id: int | None
    problem: str

    def __str__(self):
        where = f"event {self.event_id}" if self.event_id is not None else "a missing event"
        return f"{self.chain} #{self.seq} ({where}): {self.problem}"


def verify_chain(chain: str, events: Iterable[AuditEvent], version: int | None = None) -> BrokenLink | None:
    """The first broken link of one chain, given its events in stored order.

    `version` is the claim's current version, when the claim still exists:
    its chain must end there, so a removed last event is found too.
    """
    previous, expected_seq = GENESIS, 1
    last = None
    for event in events:
        if event.seq != expected_seq:
            problem = (
                f"expected event #{expected_seq} here, found #{event.seq} (an event was removed or reordered)"
                if event.seq > expected_seq
                else f"event #{event.seq} is out of order (expected #{expected_seq})"
            )
            return BrokenLink(chain, expected_seq, event.pk, problem)
        if event.prev_hash != previous:
            return BrokenLink(chain, event.seq, event.pk, "does not point at the previous event's hash")
        if event_hash(event) != event.hash:
            return BrokenLink(chain, event.seq, event.pk, "its content does not match its hash (edited)")
        previous, expected_seq, last = event.hash, expected_seq + 1, event
    if version is not None and (last.seq if last else 0) != version:
        return BrokenLink(
            chain,
            (last.seq if last else 0) + 1,
            None,
            f"the chain ends at #{last.seq if last else 0} but the claim is at version {version} (events were removed)",
        )
    return None


def verify_chains(chunk_size: int = 5000) -> Iterator[BrokenLink | int]:
    """Every chain's first broken link; yields the number of events checked as it goes.

    Events are read once in (chain, seq) order, and claims' versions are
    fetched for a thousand chains at a time, so memory and queries stay
    bounded at any table size.
    """
    finished: list[tuple[str, list[AuditEvent]]] = []
    current_chain, events = None, []
    for event in AuditEvent.objects.order_by("chain", "seq").iterator(chunk_size=chunk_size):
        if event.chain != current_chain:
            if current_chain is not None:
                finished.append((current_chain, events))
            if len(finished) >= 1000:
                yield from _verify_finished(finished)
                finished = []
            current_chain, events = event.chain, []
        events.append(event)
    if current_chain is not None:
        finished.append((current_chain, events))
    yield from _verify_finished(finished)
    yield from _claims_missing_their_chain()


def _verify_finished(finished: list[tuple[str, list[AuditEvent]]]) -> Iterator[BrokenLink | int]:
    from claims.models import Claim

    ids = [int(chain.split(":", 1)[1]) for chain, _ in finished if chain.startswith("claim:")]
    versions = dict(Claim.objects.filter(pk__in=ids).values_list("pk", "version"))
    for chain, events in finished:
        version = versions.get(int(chain.split(":", 1)[1])) if chain.startswith("claim:") else None
        broken = verify_chain(chain, events, version)
        if broken is not None:
            yield broken
        yield len(events)


def _claims_missing_their_chain() -> Iterator[BrokenLink]:
    """Claims with human versions whose every event is gone."""
    from claims.models import Claim

    first = AuditEvent.objects.filter(claim=OuterRef("pk"), seq=1)
    orphans = Claim.objects.filter(version__gt=0).exclude(Exists(first)).order_by("pk").values_list("pk", "version")
    for pk, version in orphans.iterator(chunk_size=5000):
        yield BrokenLink(
            claim_chain(pk), 1, None, f"the claim is at version {version} but its chain has no first event"
        )
