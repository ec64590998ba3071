"""CSV on PostgreSQL: the database writes the rows itself, byte for byte what formats.CsvWriter writes.

Formatting a million rows in Python costs several times what PostgreSQL's
own `COPY … TO STDOUT (FORMAT csv)` does, so on PostgreSQL a CSV export is
a COPY of the same query the FilterSet builds, with every cell formatted in
SQL as CsvWriter formats it (formula escaping by `claimdesk_csv_cell`, made by
migration review 0003; empty cells as NULL, which COPY leaves unquoted).
tests/review/test_exports_copy.py holds the two writers to the same bytes.

Claims are read in chunks of `size` by keyset, each in one REPEATABLE READ
snapshot: a query for the chunk's last id, one for its tally (row count,
the "<id>:<audit head>" lines of the audit digest, versions, conflicts) and
the COPY itself.
"""

from collections.abc import Callable, Iterator

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, NullIf

from review.audit import GENESIS
from review.exports.reading import snapshot
from review.models import AuditEvent, Evidence

BLOCK = 1 << 20  # bytes handed on at a time
# A claim's places joined by "; ", as a cell: escaped when the first place starts
# like a formula (claimdesk_csv_cell's rule), NULL when there are none. Most claims
# name three places or fewer: those are read by position, which costs a fraction of
# unnesting the array for every row; and the joined text is referred to once, so
# the planner never computes it twice.
PLACES = """NULLIF(
    CASE WHEN left("claims_claim"."locations" ->> 0, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r', '''')
         THEN '''' ELSE '' END
    || CASE jsonb_array_length("claims_claim"."locations")
        WHEN 0 THEN ''
        WHEN 1 THEN "claims_claim"."locations" ->> 0
        WHEN 2 THEN concat_ws('; ', "claims_claim"."locations" ->> 0, "claims_claim"."locations" ->> 1)
        WHEN 3 THEN concat_ws('; ', "claims_claim"."locations" ->> 0, "claims_claim"."locations" ->> 1,
                              "claims_claim"."locations" ->> 2)
        ELSE array_to_string(ARRAY(SELECT jsonb_array_elements_text("claims_claim"."locations")), '; ')
    END,
    ''
)"""


class Cell(Func):
    """A text cell as CsvWriter writes it: a formula start escaped, an empty value NULL."""

    function = "claimdesk_csv_cell"
    output_field = TextField()


def _text(name: str):
    return NullIf(F(name), Value(""))


def _char(expression, pattern: str):
    return Func(expression, Value(pattern), function="to_char", output_field=CharField())


def head_expression():
    """The head of the claim's audit chain; the latest event's hash (review.audit.head_hash)."""
    latest = AuditEvent.objects.filter(claim_id=OuterRef("pk")).order_by("-seq").values("hash")[:1]
    return Case(When(version=0, then=Value(GENESIS)), default=Subquery(latest), output_field=CharField())


def _evidence():
    items = (
        Evidence.objects.filter(claim_id=OuterRef("pk"), removed_at__isnull=True)
        .order_by()
        .values("claim_id")
        .annotate(
            text=StringAgg(
                Concat("relation", Value(" "), "url", output_field=TextField()), delimiter=Value("\n"), order_by="id"
            )
        )
        .values("text")
    )
    return Subquery(items, output_field=TextField())


def _approved(expression):
    return Case(When(Q(verdict__gt=""), then=expression), default=None)


def csv_queryset(queryset: QuerySet, permalink_parts: tuple[str, str]) -> QuerySet:
    """The claims as CSV cells, in formats.CSV_HEADER's order."""
    before, after = permalink_parts
    verified = Q(verdict__gt="") & Q(approved__id__isnull=False)
    places = RawSQL(PLACES, [])  # noqa: S611 - a constant expression, no values
    cells = {
        "c_url": Concat(Value(before), Cast("pk", TextField()), Value(after), output_field=TextField()),
        "c_verified": Case(When(verified, then=Value("yes")), default=Value("no")),
        "c_title": Cell("document__title"),
        "c_document_url": Cell("document__url"),
        "c_sentence": Cell("sentence"),
        "c_quote": Cell("quote"),
        "c_claimant": Cell("claimant__name"),
        "c_mention": Cell("claimant_mention"),
        "c_side": _text("side"),
        "c_stance": _text("stance"),
        "c_type": _text("claim_type"),
        "c_date": _char(F("event_date"), "YYYY-MM-DD"),
        "c_time": _char(F("time"), "HH24:MI"),
        "c_places": places,
        "c_state": _text("review_state"),
        "c_verdict": _approved(_text("approved__decision")),
        "c_by": _approved(Cell("approved__decided_by__username")),
        "c_at": _approved(_char(F("approved__decided_at"), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
        "c_rationale": _approved(Cell("approved__rationale")),
        # Every item starts with its relation (supports, refutes, context): never a formula.
        "c_evidence": _evidence(),
        "c_head": head_expression(),
    }
    names = ["pk", "c_url", "c_verified", "document_id", "c_title", "c_document_url", "c_sentence", "c_quote"]
    names += ["c_claimant", "c_mention", "c_side", "c_stance", "c_type", "c_date", "c_time", "c_places"]
    names += ["responds_to_id", "c_state", "c_verdict", "c_by", "c_at", "c_rationale", "c_evidence", "c_head"]
    annotated = queryset.annotate(
        approved=FilteredRelation("verdicts", condition=Q(verdicts__state="approved"))
    ).annotate(**cells)
    return annotated.order_by("pk").values_list(*names)


def _digest_lines(queryset: QuerySet) -> QuerySet:
    """ "<id>:<audit head>" a claim, in id order: the lines the audit digest is made of."""
    line = Concat(Cast("pk", TextField()), Value(":"), head_expression(), output_field=TextField())
    return queryset.annotate(t_line=line).order_by("pk").values_list("t_line")


def _copy(queryset: QuerySet, options: str = "") -> Iterator[bytes]:
    """COPY of the queryset's rows, handed on in blocks of about BLOCK bytes."""
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    with connection.connection.cursor() as raw, raw.copy(f"COPY ({sql}) TO STDOUT {options}", params) as copy:
        pending, held = [], 0
        for block in copy:
            pending.append(bytes(block))
            held += len(block)
            if held >= BLOCK:
                yield b"".join(pending)
                pending, held = [], 0
        if pending:
            yield b"".join(pending)


def render_rows(
    queryset: QuerySet, tally, *, permalink_parts: tuple[str, str], size: int, progress: Callable[[int], None]
) -> Iterator[bytes]:
    """The CSV rows of `queryset` (no header), `size` claims a chunk; fills `tally` as it goes."""
    last = 0
    while True:
        with snapshot():
            ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[size - 1 : size])
            chunk = queryset.filter(pk__gt=last, **({"pk__lte": ids[0]} if ids else {}))
            count = yield from _chunk(chunk, tally, permalink_parts)
        if count == 0:
            return
        progress(tally.rows)
        if not ids:
            return
        last = ids[0]


def _chunk(chunk: QuerySet, tally, permalink_parts) -> Iterator[bytes]:
    with connection.cursor() as cursor:
        # The query's estimated cost puts it over jit_above_cost, and compiling
        # it takes longer than running it: seconds for a chunk that reads in a fraction of one.
        cursor.execute("SET LOCAL jit = off")
    count = 0
    for block in _copy(_digest_lines(chunk)):  # text format: the lines exactly, ids and hex need no escapes
        tally.audit.update(block)
        count += block.count(b"\n")
    if not count:
        return 0
    tally.rows += count
    seen = chunk.order_by().values_list("extractor_version", "tagger_version", "conflict_id").distinct()
    for extractor, tagger, conflict in seen:
        tally.extractors.add(extractor)
        tally.taggers.add(tagger)
        tally.conflicts.add(conflict)
    yield from _copy(csv_queryset(chunk, permalink_parts), "(FORMAT csv)")
    return count
