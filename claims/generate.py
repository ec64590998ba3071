"""Synthetic documents and claims at scale, built from the sample corpus.

The engine's claims on the sample corpus are the templates: their sentences
are shuffled into new documents, and each copy gets another claimant, date,
stance, type and verdict, drawn from a seeded random generator so the same
seed always gives the same rows. Rows are written with claims.bulk (COPY on PostgreSQL).
"""

import datetime
import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims import bulk
from claims.enums import ClaimType, Stance
from claims.extraction import EXTRACTOR_VERSION, extract, normalize_text
from claims.models import THIRD_PARTY, Actor, ActorMembership, Claim, Conflict, Document
from claims.selectors import actor_registry

CORPUS_DIR = Path(settings.BASE_DIR) / "claims" / "fixtures" / "corpus"
CLAIMS_PER_DOCUMENT = 20
FIRST_DAY = datetime.date(2019, 1, 1)
DAYS = 6 * 365
# Stances and verdicts in roughly the proportions seen in conflict reporting.
STANCES = ([Stance.ASSERT] * 16) + ([Stance.DENY] * 3) + [Stance.CONFIRM]
SYNTHETIC_ACTORS = 200


@dataclass(frozen=True)
class Template:
    sentence: str
    quote_offset: int
    quote: str
    mention: str
    locations: tuple[str, ...]


def templates(conflict: Conflict) -> list[Template]:
    """Each claim the engine finds in the sample corpus, once per sentence."""
    found, seen = [], set()
    registry = actor_registry(conflict)
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        text = normalize_text(path.read_bytes()).text
        for claim in extract(text, registry):
            if claim.sentence in seen or "\n" in claim.sentence:
                continue
            seen.add(claim.sentence)
            found.append(
                Template(
                    claim.sentence,
                    claim.start - claim.sentence_start,
                    claim.quote,
                    claim.claimant_mention or "",
                    claim.locations,
                )
            )
    return found


def ensure_actors(rng: random.Random, conflict: Conflict) -> list[tuple[int, str]]:
    """(id, side) of every actor of the conflict: its registry's plus synthetic outlets and officials."""
    members = conflict.memberships.all()
    sides = sorted(set(members.values_list("side", flat=True))) or [THIRD_PARTY]
    names = [f"Synthetic source {n:03d}" for n in range(SYNTHETIC_ACTORS)]
    Actor.objects.bulk_create([Actor(name=name) for name in names], ignore_conflicts=True)
    ActorMembership.objects.bulk_create(
        [
            ActorMembership(actor_id=pk, conflict=conflict, side=rng.choice(sides), aliases=[name])
            for name, pk in Actor.objects.filter(name__in=names).order_by("name").values_list("name", "pk")
        ],
        ignore_conflicts=True,
    )
    return list(members.order_by("actor_id").values_list("actor_id", "side"))


def generate(
    *,
    count: int,
    seed: int,
    conflict: Conflict,
    progress: Callable[[int], None] = lambda n: None,
    on_batch: Callable[[list[dict]], Callable[[], None]] | None = None,
) -> tuple[int, int]:
    """Add `count` claims (and their documents) to `conflict`; returns (documents, claims).

    `on_batch`, given each batch's claim rows before they are written, may
    change them and returns a function that writes rows of its own after
    them, in the same transaction (review.generate adds the review work).
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    pool = templates(conflict)
    if not pool:
        raise RuntimeError("the sample corpus gave no claims to build from")
    actors = ensure_actors(rng, conflict)
    now = timezone.now()
    written_documents = written_claims = 0
    with transaction.atomic():
        for sizes in _batches(count):
            document_ids = bulk.reserve_ids(Document, len(sizes))
            claim_ids = iter(bulk.reserve_ids(Claim, sum(sizes)))
            documents, claims = [], []
            for document_id, size in zip(document_ids, sizes, strict=True):
                ids = [next(claim_ids) for _ in range(size)]
                document, rows = _document(rng, pool, actors, document_id, ids, seed, now)
                document["conflict_id"] = conflict.pk
                for row in rows:
                    row["conflict_id"] = conflict.pk
                documents.append(document)
                claims.extend(rows)
            write_more = on_batch(claims) if on_batch is not None else None
            bulk.insert_rows(Document, documents, now=now)
            bulk.insert_rows(Claim, claims, now=now)
            if write_more is not None:
                write_more()
            written_documents += len(documents)
            written_claims += len(claims)
            progress(len(claims))
    return written_documents, written_claims


def _batches(count: int) -> Iterator[list[int]]:
    """Claims per document, about 20 000 claims a batch."""
    made = 0
    while made < count:
        sizes: list[int] = []
        while made < count and sum(sizes) < 20_000:
            sizes.append(min(CLAIMS_PER_DOCUMENT, count - made))
            made += sizes[-1]
        yield sizes


def _document(rng, pool, actors, document_id, claim_ids, seed, now):
    chosen = [rng.choice(pool) for _ in claim_ids]
    header = f"Generated report {document_id} (seed {seed})\n\n"
    text, offsets = header, []
    for template in chosen:
        offsets.append(len(text))
        text += template.sentence + "\n\n"
    day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
    document = {
        "id": document_id,
        "title": f"Generated report {document_id}",
        "publisher": "generator",
        "published_date": day,
        "text": text,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "status": Document.Status.EXTRACTED,
        "extractor_version": EXTRACTOR_VERSION,
        "claim_count": len(claim_ids),
        "attempts": 1,
        "queued_at": now,
        "extraction_started_at": now,
        "extraction_finished_at": now,
    }
    rows = [
        _claim(rng, template, actors, document_id, claim_ids, index, offsets[index], day)
        for index, template in enumerate(chosen)
    ]
    return document, rows


def _claim(rng, template, actors, document_id, claim_ids, index, sentence_start, day):
    actor_id, side = rng.choice(actors)
    stance = rng.choice(STANCES) if index else Stance.ASSERT
    start = sentence_start + template.quote_offset
    responds_to = claim_ids[index - rng.randint(1, index)] if stance != Stance.ASSERT else None
    return {
        "id": claim_ids[index],
        "document_id": document_id,
        "index": index,
        "sentence": template.sentence,
        "quote": template.quote,
        "start": start,
        "end": start + len(template.quote),
        "claimant_id": actor_id,
        "claimant_mention": template.mention,
        "side": side,
        "stance": stance,
        "claim_type": rng.choice(ClaimType.values),
        "event_date": day + datetime.timedelta(days=rng.randrange(3)),
        "locations": list(template.locations),
        "responds_to_id": responds_to,
        "extractor_version": EXTRACTOR_VERSION,
        "tagger_version": "generator",
        "confidence": round(rng.uniform(0.5, 1.0), 3),
    }
