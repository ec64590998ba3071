"""CSV on PostgreSQL: the database writes the rows itself, byte for byte what formats.CsvWriter writes.

Formatting a million rows in Python costs several times what PostgreSQL's
own `COPY … TO STDOUT (FORMAT csv)` does, so on PostgreSQL a CSV export is
a COPY of the same query the FilterSet builds, with every cell formatted in
SQL as CsvWriter formats it (formula escaping by `claimdesk_csv_cell`, made by
the datasets migration; empty cells as NULL, which COPY leaves unquoted).
tests/review/test_exports_copy.py holds the two writers to the same bytes.

Claims are read in chunks of `size` by keyset, each in one REPEATABLE READ
snapshot: a query for the chunk's last id; the COPY of the rows, where evidence
and audit heads are joined for the chunk's range of ids at once; and one for
the versions and conflicts it holds. The audit digest's "<id>:<audit head>"
lines are taken from the rows as they pass (a row starts with its id and ends
with its head), so the claims are read once.
"""

from collections.abc import Callable, Iterator

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    FilteredRelation,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, NullIf

from review.audit import GENESIS
from review.exports.reading import snapshot

BLOCK = 1 << 20  # bytes handed on at a time
LAST_ID = 2**63 - 1

# The head of each claim's audit chain (its latest event, review.audit.head_hash),
# and each claim's evidence as one cell (every item starts with its relation,
# never a formula), read for a chunk's range of ids at once: one pass over
# each table where a lookup per claim would cost most of the export. The
# evidence is joined in id order by a window over the (claim_id, id) index's
# order, where `string_agg(… ORDER BY id)` sorted every claim's items apart.
HEADS = """SELECT DISTINCT ON (claim_id) claim_id, hash FROM review_auditevent
    WHERE claim_id > %s AND claim_id <= %s ORDER BY claim_id, seq DESC"""
EVIDENCE = """SELECT DISTINCT ON (claim_id) claim_id, string_agg(relation || ' ' || url, E'\\n')
        OVER (PARTITION BY claim_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS text
    FROM review_evidence WHERE removed_at IS NULL AND claim_id > %s AND claim_id <= %s ORDER BY claim_id"""
HEAD = 'CASE WHEN b."version" = 0 THEN %s ELSE COALESCE(h.hash, %s) END'
HEAD_LINE_END = len(GENESIS) + 1  # a row ends with its audit head (hex, never quoted) and "\n"
# The rows: the claims' own cells (csv_queryset), then evidence and audit head.
_OWN = (
    "pk c_url c_verified document_id c_title c_document_url c_sentence c_quote c_claimant c_mention c_side "
    "c_stance c_type c_date c_time c_places responds_to_id c_state c_verdict c_by c_at c_rationale"
)
CSV_ROWS = (
    "SELECT "  # noqa: S608 - constants; values are parameters
    + ", ".join(f'b."{name}"' for name in _OWN.split())
    + f", e.text, {HEAD} FROM ({{cells}}) b "
    f'LEFT JOIN ({EVIDENCE}) e ON e.claim_id = b."pk" '
    f'LEFT JOIN ({HEADS}) h ON h.claim_id = b."pk" ORDER BY b."pk"'
)
# A claim's places joined by "; ", as a cell: escaped when the first place starts
# like a formula (claimdesk_csv_cell's rule), NULL when there are none. Claims
# seldom name more than PLACES_BY_POSITION places: those are read by position,
# which costs a fraction of unnesting the array for every row; and the joined
# text is referred to once, so the planner never computes it twice.
PLACES_BY_POSITION = 6
_LOCATIONS = '"claims_claim"."locations"'
_BY_POSITION = "".join(
    f"\n        WHEN {count} THEN concat_ws('; ', {', '.join(f'{_LOCATIONS} ->> {n}' for n in range(count))})"
    for count in range(2, PLACES_BY_POSITION + 1)
)
PLACES = f"""NULLIF(
    CASE WHEN ascii({_LOCATIONS} ->> 0) IN (61, 43, 45, 64, 9, 13, 39) THEN '''' ELSE '' END
    || CASE jsonb_array_length({_LOCATIONS})
        WHEN 0 THEN ''
        WHEN 1 THEN {_LOCATIONS} ->> 0{_BY_POSITION}
        ELSE array_to_string(ARRAY(SELECT jsonb_array_elements_text({_LOCATIONS})), '; ')
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


def _approved(expression):
    return Case(When(Q(verdict__gt=""), then=expression), default=None)


def csv_queryset(queryset: QuerySet, permalink_parts: tuple[str, str]) -> QuerySet:
    """The claims' own CSV cells, in formats.CSV_HEADER's order up to the rationale (evidence and head: CSV_ROWS)."""
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
    }
    names = ["pk", "c_url", "c_verified", "document_id", "c_title", "c_document_url", "c_sentence", "c_quote"]
    names += ["c_claimant", "c_mention", "c_side", "c_stance", "c_type", "c_date", "c_time", "c_places"]
    names += ["responds_to_id", "c_state", "c_verdict", "c_by", "c_at", "c_rationale", "version"]
    annotated = queryset.annotate(
        approved=FilteredRelation("verdicts", condition=Q(verdicts__state="approved"))
    ).annotate(**cells)
    return annotated.order_by().values_list(*names)


def _copy_rows(sql: str, params, tally) -> Iterator[bytes]:
    """COPY of the CSV rows, handed on in blocks of about BLOCK bytes, each counted and added to the audit digest.

    PostgreSQL sends a COPY one row a message, and psycopg reads it a message at
    a time, so each row's digest line is cut from it as it passes: the row is
    "<id>,…,<head>\n", and ids and hex hold no comma.
    """
    connection.ensure_connection()
    with (
        connection.connection.cursor() as raw,
        raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy,
    ):
        rows, lines, held = [], [], 0
        for message in copy:
            row = bytes(message)
            rows.append(row)
            lines += (row[: row.index(b",") + 1], row[-HEAD_LINE_END:])
            held += len(row)
            if held >= BLOCK:
                yield _block(rows, lines, tally)
                rows, lines, held = [], [], 0
        if rows:
            yield _block(rows, lines, tally)


def _block(rows: list[bytes], lines: list[bytes], tally) -> bytes:
    """The rows as one block; their "<id>,", "<head>\n" pieces become the digest's "<id>:<head>\n" lines."""
    tally.audit.update(b"".join(lines).replace(b",", b":"))
    tally.rows += len(rows)
    return b"".join(rows)


def render_rows(
    queryset: QuerySet, tally, *, permalink_parts: tuple[str, str], size: int, progress: Callable[[int], None]
) -> Iterator[bytes]:
    """The CSV rows of `queryset` (no header), `size` claims a chunk; fills `tally` as it goes."""
    last = 0
    while True:
        with snapshot():
            ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[size - 1 : size])
            upper = ids[0] if ids else LAST_ID
            chunk = queryset.filter(pk__gt=last, pk__lte=upper)
            count = yield from _chunk(chunk, (last, upper), tally, permalink_parts)
        if count == 0:
            return
        progress(tally.rows)
        if not ids:
            return
        last = upper


def _chunk(chunk: QuerySet, bounds: tuple[int, int], tally, permalink_parts) -> Iterator[bytes]:
    with connection.cursor() as cursor:
        # The query's estimated cost puts it over jit_above_cost, and compiling
        # it takes longer than running it: seconds for a chunk that reads in a fraction of one.
        cursor.execute("SET LOCAL jit = off")
    cells, params = csv_queryset(chunk, permalink_parts).query.sql_with_params()
    before = tally.rows
    yield from _copy_rows(CSV_ROWS.format(cells=cells), [GENESIS, GENESIS, *params, *bounds, *bounds], tally)
    count = tally.rows - before
    if not count:
        return 0
    seen = chunk.order_by().values_list("extractor_version", "tagger_version", "conflict_id").distinct()
    for extractor, tagger, conflict in seen:
        tally.extractors.add(extractor)
        tally.taggers.add(tagger)
        tally.conflicts.add(conflict)
    return count
