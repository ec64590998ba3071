"""On PostgreSQL the database writes CSV exports itself: the same bytes as the Python writer, cell for cell."""

import datetime

import pytest

from claims.models import Claim
from review import services
from review.exports import copy, formats, reading
from review.exports import services as exports
from tests.factories import ActorFactory, ClaimFactory, DocumentFactory, UserFactory
from tests.review.test_exports import verify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

AWKWARD = [
    "",
    "plain",
    "=1+1",
    "+sum",
    "-10 killed",
    "@cmd",
    "\tindented",
    "\rreturn",
    "'quoted",
    'say "yes", then',
    "two\nlines",
    "crlf\r\nline",
    "Ünïcödé — Ստեփանակերտ, Tərtər",
    "a,b",
    " leading space",
    "\\.",
]

# How many places a claim names: none, a few, as many as the COPY reads by position, and more.
PLACE_COUNTS = [0, 1, 2, 3, copy.PLACES_BY_POSITION, copy.PLACES_BY_POSITION + 1]


def places(text: str, n: int) -> list[str]:
    count = PLACE_COUNTS[n % len(PLACE_COUNTS)]
    return [text, *(f"Place {k}" for k in range(1, count))] if count else []


def python_csv(queryset) -> bytes:
    writer = formats.CsvWriter(exports.permalink_function())
    return b"".join(writer.chunk(chunk).encode() for chunk in reading.chunks(queryset, size=3, history=False))


def copy_csv(queryset, size=4) -> tuple[bytes, exports._Tally]:
    tally = exports._Tally()
    rows = copy.render_rows(
        queryset, tally, permalink_parts=exports.permalink_parts(), size=size, progress=lambda rows: None
    )
    return b"".join(rows), tally


@pytest.fixture
def awkward_claims(conflict, analyst, editor):
    made = []
    for n, text in enumerate(AWKWARD):
        document = DocumentFactory(conflict=conflict, title=text, url="https://x.example/" + str(n) if n % 2 else "")
        claim = ClaimFactory(
            document=document,
            sentence=text or "s",
            quote=text,
            claimant=ActorFactory(name=f"{text} actor {n}") if n % 3 else None,
            claimant_mention=text,
            side="" if n == 0 else "north",
            stance="" if n == 1 else "assert",
            claim_type="" if n == 2 else "attack",
            event_date=datetime.date(2026, 4, n % 28 + 1) if n % 4 else None,
            time=datetime.time(n % 24, 5) if n % 5 else None,
            locations=places(text, n),
            responds_to=made[-1] if made and n % 3 == 0 else None,
        )
        made.append(claim)
    tricky_editor = UserFactory(username="-editor+1", roles=["editor"])
    for n, claim in enumerate(made[:10]):
        verify(claim, analyst, tricky_editor if n % 2 else editor, rationale=AWKWARD[n + 2] or "because")
    # More items on a few claims, not added in their URLs' order, and one taken off: a cell lists the rest by id.
    for claim in made[:3]:
        for url in ("https://z.example/later", "https://a.example/earlier", "https://m.example/last"):
            services.evidence_add(claim=claim, user=analyst, url=url, outlet="Outlet", relation="refutes")
    services.evidence_remove(evidence=made[1].evidence.order_by("id")[1], user=editor, reason="a duplicate")
    return made


def test_copy_writes_exactly_what_the_python_writer_writes(awkward_claims):
    queryset = Claim.objects.all()
    data, tally = copy_csv(queryset)
    assert data == python_csv(queryset)
    assert tally.rows == len(AWKWARD)
    assert b"-editor+1" in data and b"'-editor+1" in data


def test_copy_tally_matches_the_python_one(awkward_claims):
    queryset = Claim.objects.exclude(verdict="")
    _, tally = copy_csv(queryset, size=3)
    expected = exports._Tally()
    for chunk in reading.chunks(queryset, size=5, history=False):
        expected.add(chunk)
    assert tally.rows == expected.rows == 10
    assert tally.audit.hexdigest() == expected.audit.hexdigest()
    assert (tally.extractors, tally.taggers, tally.conflicts) == (
        expected.extractors,
        expected.taggers,
        expected.conflicts,
    )


def test_copy_reads_chunk_by_chunk_with_filters(awkward_claims):
    queryset = Claim.objects.filter(side="north", stance="assert")
    for size in (1, 2, 7, 100):
        assert copy_csv(queryset, size=size)[0] == python_csv(queryset)


def test_csv_export_on_postgresql_goes_through_copy(awkward_claims, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dataset = exports.dataset_build(dataset=exports.dataset_export(user=editor, format="csv", background=False))
    with dataset.file.open("rb") as stream:
        data = stream.read()
    header = (",".join(formats.CSV_HEADER) + "\n").encode()
    assert data == header + python_csv(Claim.objects.exclude(verdict=""))
    assert dataset.row_count == 10
