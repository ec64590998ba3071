"""Storing a document's extracted claims: each claim keeps its id for as long as it is found.

A claim's identity is its document and what it is: its span, stance and
claimant (`identity`, e.g. "120-184:deny:Azerbaijani MoD", with "#2" for a
second claim alike). Storing an extraction compares the engine's claims with
the document's stored ones by identity:

- found again: the stored claim keeps its id. One no person touched takes the
  engine's values (written only where they differ, so an unchanged engine
  writes nothing); one with human work keeps every value it has, person's
  and machine's alike, and only its position, its stale flag and a link to a
  claim that is gone follow the engine;
- new: inserted, with ids reserved beforehand so answers point at the claims
  they answer in the same write;
- no longer found: deleted, with a tombstone ("reextracted"), unless a person
  worked on it or another record refers to it (evidence citing it, say):
  then it is kept and flagged stale, until an extraction finds it again.

Called with the document's row locked; the document's claims are locked too,
in id order, so a person's write waits for the store or the store for it.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import DO_NOTHING
from django.utils import timezone

from claims import bulk, tagging
from claims.extraction import ExtractedClaim
from claims.models import Claim, ClaimTombstone

# The engine's fields, as _claim_row writes them; compared to decide what to update.
ENGINE_FIELDS = (
    "index",
    "sentence",
    "quote",
    "start",
    "end",
    "claimant_id",
    "claimant_mention",
    "side",
    "event_date",
    "time",
    "locations",
    "responds_to_id",
    "extractor_version",
    "stance",
    "claim_type",
    "confidence",
    "tagger_version",
)
# What re-extraction writes on a claim with human work that it finds again.
BOOKKEEPING_FIELDS = ("index", "is_stale", "responds_to_id")
DELETION_REASON = "reextracted"


def identities(found: list[ExtractedClaim]) -> list[str]:
    """Each claim's identity, in the engine's order; the nth claim alike gets "#n"."""
    seen: Counter[str] = Counter()
    keys = []
    for item in found:
        key = f"{item.start}-{item.end}:{item.stance}:{(item.claimant or item.claimant_mention or '')[:200]}"
        seen[key] += 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


@dataclass(frozen=True)
class Stored:
    """A stored claim as the store compares it."""

    pk: int
    touched: bool
    is_stale: bool
    values: dict


@dataclass
class StoreResult:
    created: list[int]
    updated: int
    deleted: int
    stale: int
    claim_count: int


def stored_claims(document_id: int) -> dict[str, Stored]:
    """The document's claims by identity, row-locked in id order."""
    columns = ("pk", "identity", "version", "tags_corrected", "is_stale", *ENGINE_FIELDS)
    rows = Claim.objects.filter(document_id=document_id).order_by("pk").select_for_update().values_list(*columns)
    stored = {}
    for pk, identity, version, corrected, stale, *values in rows:
        values = dict(zip(ENGINE_FIELDS, values, strict=True))
        stored[identity or f"unnamed:{pk}"] = Stored(
            pk=pk, touched=bool(version or corrected), is_stale=stale, values=values
        )
    return stored


def store(
    *, document_id: int, conflict_id: int, found: list[ExtractedClaim], actors: dict[str, int], version: str
) -> StoreResult:
    """Make the document's stored claims match `found` (see the module's docstring).

    `actors` are the claimants' actor ids by name, `version` the engine's.
    """
    keys = identities(found)
    stored = stored_claims(document_id)
    matched = {item.index: stored.pop(key) for item, key in zip(found, keys, strict=True) if key in stored}
    fresh = [item for item in found if item.index not in matched]
    by_index = {index: claim.pk for index, claim in matched.items()}
    created = bulk.reserve_ids(Claim, len(fresh))
    by_index.update(zip((item.index for item in fresh), created, strict=True))

    vanished = list(stored.values())
    held = _referenced_elsewhere([claim.pk for claim in vanished if not claim.touched])
    doomed = {claim.pk for claim in vanished if not claim.touched and claim.pk not in held}
    new_rows, changed, bookkeeping = [], [], []
    for item, key in zip(found, keys, strict=True):
        row = claim_row(document_id, conflict_id, item, key, actors, version, by_index)
        claim = matched.get(item.index)
        if claim is None:
            new_rows.append(row)
        elif not claim.touched:
            if claim.is_stale or any(claim.values[name] != row[name] for name in ENGINE_FIELDS):
                changed.append(row)
        else:
            link = claim.values["responds_to_id"]
            if link in doomed:
                link = row["responds_to_id"]
            if (claim.values["index"], claim.is_stale, claim.values["responds_to_id"]) != (row["index"], False, link):
                bookkeeping.append((claim.pk, row["index"], False, link))

    now = timezone.now()
    bulk.insert_rows(Claim, new_rows, now=now)
    _update_engine_fields(changed, now)
    stale = [claim for claim in vanished if claim.pk not in doomed]
    for claim in stale:
        link = claim.values["responds_to_id"]
        if not claim.is_stale or link in doomed:
            bookkeeping.append((claim.pk, claim.values["index"], True, None if link in doomed else link))
    bulk.update_rows(Claim, bookkeeping, fields=BOOKKEEPING_FIELDS, constants={"updated_at": now})
    _delete(sorted(doomed), document_id=document_id, conflict_id=conflict_id, now=now)
    return StoreResult(
        created=created,
        updated=len(changed),
        deleted=len(doomed),
        stale=len(stale),
        claim_count=Claim.objects.filter(document_id=document_id).count(),
    )


def claim_row(
    document_id: int,
    conflict_id: int,
    item: ExtractedClaim,
    identity: str,
    actors: dict[str, int],
    version: str,
    by_index: dict[int, int],
) -> dict:
    """A claim's row as the engine found it, born pre-tagged; an answer points at the claim it answers.

    The tagger is the engine's own type and stance stages (claims.tagging), and
    the extraction pass has just run them with the whole document in view: the
    row is written once, tags included, instead of being written untagged and
    updated by a second pass over every sentence.
    """
    return {
        "id": by_index[item.index],
        "document_id": document_id,
        "conflict_id": conflict_id,
        "index": item.index,
        "identity": identity,
        "sentence": item.sentence,
        "quote": item.quote,
        "start": item.start,
        "end": item.end,
        "claimant_id": actors.get(item.claimant[:200]) if item.claimant else None,
        "claimant_mention": (item.claimant_mention or "")[:500],
        "side": item.side or "",
        "event_date": item.event_date,
        "time": _clock_time(item.time),
        "locations": list(item.locations),
        "responds_to_id": by_index.get(item.responds_to) if item.responds_to is not None else None,
        "extractor_version": version,
        "stance": item.stance,
        "claim_type": item.claim_type,
        "confidence": item.confidence,
        "tagger_version": tagging.TAGGER_VERSION,
    }


def _clock_time(value: str | None) -> datetime.time | None:
    """The claim's clock time; None for one the source wrote impossibly (17:80)."""
    try:
        return datetime.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _update_engine_fields(rows: list[dict], now) -> None:
    """Write the engine's values on untouched claims, while they are still untouched."""
    fields = [name for name in ENGINE_FIELDS if name not in ("quote", "start", "end")]
    bulk.update_rows(
        Claim,
        [(row["id"], *(row[name] for name in fields), False, False, 0) for row in rows],
        fields=[*fields, "is_stale"],
        expected=["tags_corrected", "version"],
        constants={"updated_at": now},
    )


def _referenced_elsewhere(ids: list[int]) -> set[int]:
    """The claims among `ids` that a record of another model refers to (evidence citing them...).

    Found through the model's relations, so claims needs no knowledge of
    who refers to its claims. Answers between claims are not counted: links to
    a deleted claim are cleared.
    """
    if not ids:
        return set()
    held: set[int] = set()
    for relation in Claim._meta.related_objects:
        field = relation.field
        if relation.related_model is Claim or relation.on_delete is DO_NOTHING or not field.concrete:
            continue
        referring = relation.related_model._base_manager.filter(**{f"{field.attname}__in": ids})
        held.update(referring.values_list(field.attname, flat=True))
    return held


def _delete(ids: list[int], *, document_id: int, conflict_id: int, now) -> None:
    """Delete untouched claims in bulk, with one tombstone each (the ORM's receiver is bypassed)."""
    if not ids:
        return
    Claim.objects.filter(responds_to_id__in=ids).update(responds_to=None, updated_at=now)
    table, column = connection.ops.quote_name(Claim._meta.db_table), connection.ops.quote_name("id")
    with connection.cursor() as cursor:
        for offset in range(0, len(ids), bulk.UPDATE_CHUNK):
            chunk = ids[offset : offset + bulk.UPDATE_CHUNK]
            cursor.execute(
                f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                chunk,
            )
    ClaimTombstone.objects.bulk_create(
        ClaimTombstone(claim_id=pk, document_id=document_id, conflict_id=conflict_id, reason=DELETION_REASON)
        for pk in ids
    )
