"""Reading the claims of an export in chunks: bounded memory and a fixed number of queries per chunk.

Claims are read in primary-key order by keyset (`id > last`), so each chunk is
one short query however large the export, and the order is stable from one
export to the next. Each chunk is read in one REPEATABLE READ transaction on
PostgreSQL: a claim's row, its evidence, its verdicts and the head of its
audit chain come from the same snapshot, so the verdict written beside an
audit head is the one that head vouches for.
"""

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, F, Func, QuerySet, Value

from review.audit import GENESIS
from review.models import AuditEvent, Evidence, Verdict

# The claim's own columns, in this order (formats index into the tuples).
COLUMNS = (
    "id",
    "document_id",
    "document__title",
    "document__url",
    "document__publisher",
    "document__published_date",
    "sentence",
    "quote",
    "claimant__name",
    "claimant_mention",
    "side",
    "stance",
    "claim_type",
    "event_date",
    "time",
    "locations",
    "responds_to_id",
    "review_state",
    "verdict",
    "extractor_version",
    "tagger_version",
    "conflict_id",
    "version",
    "conflict__slug",
)
(
    ID,
    DOCUMENT_ID,
    DOCUMENT_TITLE,
    DOCUMENT_URL,
    DOCUMENT_PUBLISHER,
    DOCUMENT_PUBLISHED,
    SENTENCE,
    QUOTE,
    CLAIMANT,
    MENTION,
    SIDE,
    STANCE,
    CLAIM_TYPE,
    EVENT_DATE,
    TIME,
    LOCATIONS,
    RESPONDS_TO,
    REVIEW_STATE,
    VERDICT,
    EXTRACTOR_VERSION,
    TAGGER_VERSION,
    CONFLICT_ID,
    VERSION,
    CONFLICT_SLUG,
) = range(len(COLUMNS))

EVIDENCE_COLUMNS = ("claim_id", "url", "relation", "outlet", "title", "published", "accessed", "independent")
VERDICT_COLUMNS = (
    "claim_id",
    "id",
    "decision",
    "state",
    "rationale",
    "proposed_by__username",
    "proposed_at",
    "decided_by__username",
    "decided_at",
    "decision_note",
)


@dataclass
class Chunk:
    """Claims as tuples of COLUMNS, with what belongs to them, keyed by claim id."""

    rows: list[tuple]
    evidence: dict[int, list[tuple]] = field(default_factory=dict)
    # Every verdict (history) when asked for, else only the approved one in force.
    verdicts: dict[int, list[tuple]] = field(default_factory=dict)
    heads: dict[int, str] = field(default_factory=dict)

    def head(self, claim_id: int) -> str:
        return self.heads.get(claim_id, GENESIS)

    def approved(self, claim_id: int) -> tuple | None:
        for verdict in self.verdicts.get(claim_id, ()):
            if verdict[3] == Verdict.State.APPROVED:
                return verdict
        return None


def chunks(queryset: QuerySet, *, size: int, history: bool) -> Iterator[Chunk]:
    """The claims of `queryset` in id order, `size` at a time, with their evidence, verdicts and audit heads."""
    last = 0
    while True:
        with snapshot():
            rows = _page(queryset.filter(pk__gt=last).order_by("pk").values_list(*COLUMNS)[:size])
            if not rows:
                return
            chunk = Chunk(rows=rows)
            _attach(chunk, history=history)
        last = rows[-1][ID]
        yield chunk
        if len(rows) < size:
            return


@contextlib.contextmanager
def snapshot():
    """A read-only REPEATABLE READ transaction on PostgreSQL; inside a caller's transaction, that one."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _page(queryset: QuerySet) -> list[tuple]:
    """The rows as the database driver gives them: Django's per-value converters cost more than the export itself."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor != "postgresql":
        return [_converted(row) for row in rows]
    return [(*row[:LOCATIONS], _places(row[LOCATIONS]), *row[LOCATIONS + 1 :]) for row in rows]


_places_seen: dict[str, list[str]] = {}


def _places(text: str) -> list[str]:
    """A claim's places from their JSON; the same few lists recur, so each is parsed once (read-only)."""
    found = _places_seen.get(text)
    if found is None:
        found = json.loads(text)
        if len(_places_seen) < 50_000:
            _places_seen[text] = found
    return found


def _converted(row: tuple) -> tuple:
    """SQLite hands dates and times back as text: make them what PostgreSQL's driver gives."""
    import datetime

    values = list(row)
    for index, kind in ((DOCUMENT_PUBLISHED, datetime.date), (EVENT_DATE, datetime.date), (TIME, datetime.time)):
        if isinstance(values[index], str):
            values[index] = kind.fromisoformat(values[index])
    if isinstance(values[LOCATIONS], str):
        values[LOCATIONS] = json.loads(values[LOCATIONS])
    return tuple(values)


class _AnyOf(Func):
    """`claim_id = ANY(%s)`: one array parameter, where an IN list of thousands costs more to send than to run."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def of_claims(queryset: QuerySet, ids: list[int]) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset.filter(_AnyOf(F("claim_id"), Value(ids)))
    return queryset.filter(claim_id__in=ids)


def _attach(chunk: Chunk, *, history: bool) -> None:
    ids = [row[ID] for row in chunk.rows]
    evidence = of_claims(Evidence.objects.filter(removed_at__isnull=True), ids).order_by("claim_id", "id")
    for row in evidence.values_list(*EVIDENCE_COLUMNS):
        chunk.evidence.setdefault(row[0], []).append(row)
    verdicts = Verdict.objects.order_by("claim_id", "id")
    if history:
        verdicts = of_claims(verdicts, ids)
    else:
        with_verdict = [row[ID] for row in chunk.rows if row[VERDICT]]
        verdicts = of_claims(verdicts.filter(state=Verdict.State.APPROVED), with_verdict) if with_verdict else None
    if verdicts is not None:
        found = defaultdict(list)
        for row in verdicts.values_list(*VERDICT_COLUMNS):
            found[row[0]].append(row)
        chunk.verdicts = dict(found)
    touched = [row[ID] for row in chunk.rows if row[VERSION]]
    if touched:
        chunk.heads = audit_heads(touched)


def audit_heads(claim_ids: list[int]) -> dict[int, str]:
    """The latest event's hash of each claim's chain (review.audit.head_hash); claims nobody touched are left out."""
    heads = {}
    events = of_claims(AuditEvent.objects.all(), claim_ids).order_by("claim_id", "seq")
    for claim_id, digest in events.values_list("claim_id", "hash"):
        heads[claim_id] = digest
    return heads
