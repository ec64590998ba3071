"""Synthetic documents and claims at scale, built from the sample corpus.

The engine's claims on the sample corpus are the templates: their sentences
are shuffled into new documents, and each copy gets another claimant, date,
stance, type and verdict, drawn from a seeded random generator so the same
seed always gives the same rows. PostgreSQL is filled with COPY; other
databases with bulk inserts.
"""

import datetime
import hashlib
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from claims.enums import ClaimType, Stance, Verdict
from claims.extraction import EXTRACTOR_VERSION, extract, normalize_text
from claims.models import Actor, Claim, Document
from claims.selectors import actor_registry

CORPUS_DIR = Path(settings.BASE_DIR) / "claims" / "fixtures" / "corpus"
CLAIMS_PER_DOCUMENT = 20
FIRST_DAY = datetime.date(2019, 1, 1)
DAYS = 6 * 365
# Stances and verdicts in roughly the proportions seen in conflict reporting.
STANCES = ([Stance.ASSERT] * 16) + ([Stance.DENY] * 3) + [Stance.CONFIRM]
VERDICTS = ([Verdict.UNVERIFIED] * 17) + ([Verdict.CONFIRMED] * 2) + [Verdict.DENIED]
SYNTHETIC_ACTORS = 200

DOCUMENT_COLUMNS = (
    "id",
    "title",
    "url",
    "publisher",
    "published_date",
    "source_name",
    "text",
    "sha256",
    "input_flags",
    "status",
    "error",
    "extractor_version",
    "claim_count",
    "attempts",
    "queued_at",
    "extraction_started_at",
    "extraction_finished_at",
    "created_at",
    "updated_at",
)
CLAIM_COLUMNS = (
    "id",
    "document_id",
    "index",
    "sentence",
    "quote",
    "start",
    "end",
    "claimant_id",
    "claimant_mention",
    "side",
    "stance",
    "claim_type",
    "event_date",
    "time",
    "locations",
    "responds_to_id",
    "extractor_version",
    "tagger_version",
    "confidence",
    "tags_corrected",
    "verdict",
    "is_stale",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class Template:
    sentence: str
    quote_offset: int
    quote: str
    mention: str
    locations: tuple[str, ...]


def templates() -> list[Template]:
    """Each claim the engine finds in the sample corpus, once per sentence."""
    found, seen = [], set()
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        text = normalize_text(path.read_bytes()).text
        for claim in extract(text, actor_registry()):
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


def ensure_actors(rng: random.Random) -> list[tuple[int, str]]:
    """(id, side) of every actor: the registry's plus synthetic outlets and officials."""
    sides = sorted(set(Actor.objects.values_list("side", flat=True))) or ["third_party"]
    Actor.objects.bulk_create(
        [
            Actor(name=f"Synthetic source {n:03d}", side=rng.choice(sides), aliases=[f"Synthetic source {n:03d}"])
            for n in range(SYNTHETIC_ACTORS)
        ],
        ignore_conflicts=True,
    )
    return list(Actor.objects.order_by("pk").values_list("pk", "side"))


def generate(*, count: int, seed: int, progress: Callable[[int], None] = lambda n: None) -> tuple[int, int]:
    """Add `count` claims (and their documents); returns (documents, claims)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    pool = templates()
    if not pool:
        raise RuntimeError("the sample corpus gave no claims to build from")
    actors = ensure_actors(rng)
    first_document = (Document.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_claim = (Claim.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    written_documents = written_claims = 0
    with transaction.atomic():
        for documents, claims in _batches(count, seed, rng, pool, actors, first_document, first_claim):
            _write(Document, DOCUMENT_COLUMNS, documents)
            _write(Claim, CLAIM_COLUMNS, claims)
            written_documents += len(documents)
            written_claims += len(claims)
            progress(len(claims))
        _reset_sequences()
    return written_documents, written_claims


def _batches(count, seed, rng, pool, actors, document_id, claim_id) -> Iterator[tuple[list, list]]:
    now = timezone.now()
    made = 0
    while made < count:
        documents, claims = [], []
        while made < count and len(claims) < 20_000:
            size = min(CLAIMS_PER_DOCUMENT, count - made)
            document, rows = _document(rng, pool, actors, document_id, claim_id, size, seed, now)
            documents.append(document)
            claims.extend(rows)
            document_id, claim_id, made = document_id + 1, claim_id + size, made + size
        yield documents, claims


def _document(rng, pool, actors, document_id, claim_id, size, seed, now):
    chosen = [rng.choice(pool) for _ in range(size)]
    header = f"Generated report {document_id} (seed {seed})\n\n"
    text, offsets = header, []
    for template in chosen:
        offsets.append(len(text))
        text += template.sentence + "\n\n"
    day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
    document = (
        document_id,
        f"Generated report {document_id}",
        "",
        "generator",
        day,
        "",
        text,
        hashlib.sha256(text.encode()).hexdigest(),
        "[]",
        Document.Status.EXTRACTED,
        "",
        EXTRACTOR_VERSION,
        size,
        1,
        now,
        now,
        now,
        now,
        now,
    )
    rows = [
        _claim(rng, template, actors, document_id, claim_id, index, offsets[index], day, now)
        for index, template in enumerate(chosen)
    ]
    return document, rows


def _claim(rng, template, actors, document_id, claim_id, index, sentence_start, day, now):
    actor_id, side = rng.choice(actors)
    stance = rng.choice(STANCES) if index else Stance.ASSERT
    start = sentence_start + template.quote_offset
    responds_to = claim_id + index - rng.randint(1, index) if stance != Stance.ASSERT else None
    return (
        claim_id + index,
        document_id,
        index,
        template.sentence,
        template.quote,
        start,
        start + len(template.quote),
        actor_id,
        template.mention,
        side,
        stance,
        rng.choice(ClaimType.values),
        day + datetime.timedelta(days=rng.randrange(3)),
        None,
        json.dumps(list(template.locations)),
        responds_to,
        EXTRACTOR_VERSION,
        "generator",
        round(rng.uniform(0.5, 1.0), 3),
        False,
        rng.choice(VERDICTS),
        False,
        now,
        now,
    )


def _write(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        names = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    objects = [model(**_field_values(model, columns, row)) for row in rows]
    model.objects.bulk_create(objects, batch_size=2000)


def _field_values(model, columns, row) -> dict:
    values = dict(zip(columns, row, strict=True))
    for key in ("input_flags", "locations"):
        if key in values:
            values[key] = json.loads(values[key])
    return values


def _reset_sequences() -> None:
    """Move id sequences past the explicit ids COPY wrote."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Document, Claim):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"  # noqa: S608
            )
