"""Exports: the three formats field by field, reproducibility, the Dataset record, verify_dataset, permissions."""

import csv
import datetime
import hashlib
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from claims.models import Claim
from review import audit, services
from review.exports import formats
from review.exports import services as exports
from review.models import Dataset, Verdict
from tests.factories import ClaimFactory, ConflictFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "https://harbour-gazette.example/bridge"
RATIONALE = "The gazette's photographs show the damaged bridge."
PERMALINK = "http://testserver.example/review/claims/{}/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLAIMDESK_SITE_URL = "http://testserver.example"
    settings.CLAIMDESK_PUBLISHER_NAME = "Harbour Fact Desk"
    settings.CLAIMDESK_PUBLISHER_URL = "https://factdesk.example/"


def verify(claim, analyst, editor, decision="confirmed", relation="supports", rationale=RATIONALE):
    """Evidence, a proposal by the analyst and the editor's approval."""
    claim.refresh_from_db()
    services.evidence_add(claim=claim, user=analyst, url=URL, outlet="Harbour Gazette", relation=relation)
    claim.refresh_from_db()
    proposal = services.verdict_propose(
        claim=claim, user=analyst, decision=decision, rationale=rationale, expected_version=claim.version
    )
    return services.verdict_approve(verdict=proposal, user=editor)


@pytest.fixture
def verified(claim, analyst, editor):
    claim.document.url = "https://north-news.example/report"
    claim.document.title = "Northland report"
    claim.document.published_date = datetime.date(2026, 3, 30)
    claim.document.save()
    claim.event_date, claim.time, claim.locations = datetime.date(2026, 4, 1), datetime.time(8, 3), ["Tarn", "Morrow"]
    claim.save()
    verdict = verify(claim, analyst, editor)
    claim.refresh_from_db()
    return claim, verdict


def export(user, fmt="csv", **kwargs) -> tuple[Dataset, bytes]:
    dataset = exports.dataset_export(user=user, format=fmt, background=False, **kwargs)
    dataset = exports.dataset_build(dataset=dataset)
    with dataset.file.open("rb") as stream:
        return dataset, stream.read()


def stamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- CSV -----------------------------------------------------------------------------


def test_csv_is_the_header_and_one_row_per_verified_claim_exactly(verified, editor):
    claim, verdict = verified
    ClaimFactory(document=claim.document, quote="an unreviewed claim")  # not verified: left out
    head = audit.head_hash(claim.pk)
    dataset, data = export(editor)
    expected = (
        "id,url,verified,document_id,document_title,document_url,sentence,quote,claimant,claimant_mention,side,"
        "stance,claim_type,event_date,time,locations,responds_to,review_state,verdict,approved_by,approved_at,"
        "rationale,evidence,audit_head\n"
        f"{claim.pk},{PERMALINK.format(claim.pk)},yes,{claim.document_id},Northland report,"
        "https://north-news.example/report,The Northland MoD said that Southland shelled the bridge.,"
        "Southland shelled the bridge,Northland MoD,The Northland MoD,north,assert,attack,2026-04-01,08:03,"
        f"Tarn; Morrow,,approved,confirmed,ed,{stamp(verdict.decided_at)},{RATIONALE},supports {URL},{head}\n"
    )
    assert data.decode("utf-8") == expected
    assert dataset.row_count == 1
    assert dataset.sha256 == hashlib.sha256(data).hexdigest()


def test_csv_escapes_cells_a_spreadsheet_would_run(conflict, analyst, editor):
    document = DocumentFactory(conflict=conflict, title="=cmd|' /C calc'!A0", url="")
    claim = ClaimFactory(
        document=document,
        sentence="-2+3 said the ministry",
        quote="@SUM(A1:A2)",
        claimant_mention="\tTabbed",
        locations=["+Tarn", "\rMorrow"],
    )
    verify(claim, analyst, editor, rationale="'=quoted already")
    _, data = export(editor)
    row = next(formats.read_rows("csv", data.decode().splitlines(keepends=True)))
    assert row[0] == claim.pk
    cells = list(csv.reader(io.StringIO(data.decode())))[1]
    by_name = dict(zip(formats.CSV_HEADER, cells, strict=True))
    assert by_name["document_title"] == "'=cmd|' /C calc'!A0"
    assert by_name["sentence"] == "'-2+3 said the ministry"
    assert by_name["quote"] == "'@SUM(A1:A2)"
    assert by_name["claimant_mention"] == "'\tTabbed"
    assert by_name["locations"] == "'+Tarn; \rMorrow"
    assert by_name["rationale"] == "''=quoted already"
    assert formats.unescape_cell(by_name["rationale"]) == "'=quoted already"
    assert formats.unescape_cell(by_name["quote"]) == "@SUM(A1:A2)"
    assert formats.unescape_cell("'plain") == "'plain"


def test_unverified_claims_only_with_include_unverified_and_marked(verified, editor):
    claim, _ = verified
    other = ClaimFactory(document=claim.document, quote="pending claim", sentence="pending claim.")
    _, only_verified = export(editor)
    dataset, everything = export(editor, include_unverified=True)
    ids = [row[0] for row in formats.read_rows("csv", only_verified.decode().splitlines(keepends=True))]
    assert ids == [claim.pk]
    rows = list(json.loads(line) for line in export(editor, "jsonl", include_unverified=True)[1].splitlines())
    assert [(row["id"], row["verified"], row["verdict"]) for row in rows] == [
        (claim.pk, True, "confirmed"),
        (other.pk, False, None),
    ]
    assert dataset.include_unverified is True
    assert f"\n{other.pk},{PERMALINK.format(other.pk)},no," in everything.decode()


def test_a_proposal_not_yet_approved_is_not_verified(claim, analyst, editor):
    services.evidence_add(claim=claim, user=analyst, url=URL, outlet="Harbour Gazette", relation="supports")
    claim.refresh_from_db()
    services.verdict_propose(
        claim=claim, user=analyst, decision="confirmed", rationale=RATIONALE, expected_version=claim.version
    )
    dataset, data = export(editor)
    assert dataset.row_count == 0
    assert data.decode() == ",".join(formats.CSV_HEADER) + "\n"


# --- JSON Lines ----------------------------------------------------------------------


def test_jsonl_nests_evidence_and_the_verdict_history(verified, analyst, other_analyst, editor, other_editor):
    claim, first = verified
    claim.refresh_from_db()
    rejected = services.verdict_propose(
        claim=claim, user=other_analyst, decision="unverified", rationale="Not so.", expected_version=claim.version
    )
    services.verdict_reject(verdict=rejected, user=other_editor, reason="No refuting evidence.")
    claim.refresh_from_db()
    _, data = export(editor, "jsonl")
    (line,) = data.decode().splitlines()
    first.refresh_from_db()
    rejected.refresh_from_db()
    assert json.loads(line) == {
        "id": claim.pk,
        "url": PERMALINK.format(claim.pk),
        "verified": True,
        "conflict": "north-south",
        "document": {
            "id": claim.document_id,
            "title": "Northland report",
            "url": "https://north-news.example/report",
            "publisher": "",
            "published_date": "2026-03-30",
        },
        "sentence": "The Northland MoD said that Southland shelled the bridge.",
        "quote": "Southland shelled the bridge",
        "claimant": "Northland MoD",
        "claimant_mention": "The Northland MoD",
        "side": "north",
        "stance": "assert",
        "claim_type": "attack",
        "event_date": "2026-04-01",
        "time": "08:03",
        "locations": ["Tarn", "Morrow"],
        "responds_to": None,
        "review_state": "approved",
        "verdict": "confirmed",
        "approved_by": "ed",
        "approved_at": stamp(first.decided_at),
        "rationale": RATIONALE,
        "verdicts": [
            {
                "id": first.pk,
                "decision": "confirmed",
                "state": "approved",
                "rationale": RATIONALE,
                "proposed_by": "ana",
                "proposed_at": stamp(first.proposed_at),
                "decided_by": "ed",
                "decided_at": stamp(first.decided_at),
                "decision_note": "",
            },
            {
                "id": rejected.pk,
                "decision": "unverified",
                "state": "rejected",
                "rationale": "Not so.",
                "proposed_by": "bo",
                "proposed_at": stamp(rejected.proposed_at),
                "decided_by": "eve",
                "decided_at": stamp(rejected.decided_at),
                "decision_note": "No refuting evidence.",
            },
        ],
        "evidence": [
            {
                "url": URL,
                "relation": "supports",
                "outlet": "Harbour Gazette",
                "title": "",
                "published": None,
                "accessed": datetime.date.today().isoformat(),
                "independent": True,
            }
        ],
        "extractor_version": claim.extractor_version,
        "tagger_version": "test",
        "audit_head": audit.head_hash(claim.pk),
    }


# --- ClaimReview ---------------------------------------------------------------------

# Google's fact-check (ClaimReview) structured data documentation and schema.org's
# ClaimReview, Rating and Claim types: the properties each lists as required or recommended.
GOOGLE_CLAIMREVIEW_REQUIRED = ["claimReviewed", "reviewRating", "url"]
GOOGLE_CLAIMREVIEW_RECOMMENDED = ["author", "datePublished", "itemReviewed"]
GOOGLE_RATING_REQUIRED = ["alternateName"]
GOOGLE_RATING_RECOMMENDED = ["bestRating", "name", "ratingValue", "worstRating"]
GOOGLE_CLAIM_RECOMMENDED = ["appearance", "author", "datePublished", "firstAppearance"]
GOOGLE_AUTHOR_RECOMMENDED = ["name"]  # author.name for the review's author and the claim's
SCHEMA_ORG_CLAIMREVIEW = ["@type", "claimReviewed", "itemReviewed", "reviewRating", "author", "datePublished", "url"]


def test_claimreview_has_every_required_and_recommended_field(verified, editor):
    claim, verdict = verified
    _, data = export(editor, "claimreview")
    feed = json.loads(data)  # the whole file is one JSON-LD document
    assert (feed["@context"], feed["@type"]) == ("https://schema.org", "DataFeed")
    (review,) = feed["dataFeedElement"]
    for name in GOOGLE_CLAIMREVIEW_REQUIRED + GOOGLE_CLAIMREVIEW_RECOMMENDED + SCHEMA_ORG_CLAIMREVIEW:
        assert review[name], name
    for name in GOOGLE_RATING_REQUIRED + GOOGLE_RATING_RECOMMENDED:
        assert review["reviewRating"][name], name
    for name in GOOGLE_CLAIM_RECOMMENDED:
        assert review["itemReviewed"][name], name
    for name in GOOGLE_AUTHOR_RECOMMENDED:
        assert review["author"][name] and review["itemReviewed"]["author"][name]
    document = {
        "@type": "CreativeWork",
        "url": "https://north-news.example/report",
        "name": "Northland report",
        "datePublished": "2026-03-30",
    }
    assert review == {
        "@type": "ClaimReview",
        "url": PERMALINK.format(claim.pk),
        "claimReviewed": "Southland shelled the bridge",
        "author": {"@type": "Organization", "name": "Harbour Fact Desk", "url": "https://factdesk.example/"},
        "datePublished": verdict.decided_at.astimezone(datetime.UTC).date().isoformat(),
        "reviewBody": RATIONALE,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 3,
            "bestRating": 3,
            "worstRating": 1,
            "alternateName": "Confirmed",
            "name": "Confirmed",
            "ratingExplanation": RATIONALE,
        },
        "itemReviewed": {
            "@type": "Claim",
            "text": "Southland shelled the bridge",
            "author": {"@type": "Organization", "name": "Northland MoD"},
            "datePublished": "2026-03-30",
            "appearance": [document],
            "firstAppearance": document,
        },
        "identifier": [
            {"@type": "PropertyValue", "propertyID": "claimdesk:claim", "value": str(claim.pk)},
            {"@type": "PropertyValue", "propertyID": "claimdesk:audit-head", "value": audit.head_hash(claim.pk)},
        ],
    }


@pytest.mark.parametrize(("decision", "relation", "value", "label"), [("denied", "refutes", 1, "Denied")])
def test_claimreview_rating_scale(claim, analyst, editor, decision, relation, value, label):
    verify(claim, analyst, editor, decision=decision, relation=relation)
    _, data = export(editor, "claimreview")
    rating = json.loads(data)["dataFeedElement"][0]["reviewRating"]
    assert (rating["ratingValue"], rating["alternateName"], rating["worstRating"], rating["bestRating"]) == (
        value,
        label,
        1,
        3,
    )
    assert formats.RATINGS == {"denied": (1, "Denied"), "unverified": (2, "Unverified"), "confirmed": (3, "Confirmed")}


def test_claimreview_of_an_unverified_claim_says_so_without_a_rating_value(claim, editor):
    _, data = export(editor, "claimreview", include_unverified=True)
    (review,) = json.loads(data)["dataFeedElement"]
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Not verified", "name": "Not verified"}
    assert "datePublished" not in review


def test_claimreview_author_is_a_person_or_an_organization():
    assert formats.author_type("Artsrun Hovhannisyan") == "Person"
    assert formats.author_type("Northland MoD") == "Organization"
    assert formats.author_type("President of Azerbaijan") == "Organization"
    assert formats.author_type("Azerbaijan") == "Organization"


# --- reproducible, recorded ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "claimreview"])
def test_same_filter_same_data_same_bytes(verified, analyst, editor, settings, fmt):
    claim, _ = verified
    for n in range(4):
        verify(ClaimFactory(document=claim.document, quote=f"claim {n}"), analyst, editor)
    first, data = export(editor, fmt, params={"side": "third_party"}, include_unverified=True)
    settings.CLAIMDESK_EXPORT_CHUNK_SIZE = 2  # read in other chunks: the same file
    second, again = export(editor, fmt, params={"side": "third_party"}, include_unverified=True)
    assert data == again
    assert first.pk != second.pk
    assert (first.sha256, first.audit_digest, first.row_count) == (second.sha256, second.audit_digest, 4)


def test_dataset_records_who_what_versions_and_the_audit_digest(verified, editor):
    claim, _ = verified
    dataset, data = export(editor, params={"stance": "assert"})
    digest = hashlib.sha256(f"{claim.pk}:{audit.head_hash(claim.pk)}\n".encode()).hexdigest()
    assert (dataset.created_by, dataset.format, dataset.filters, dataset.claim_ids) == (
        editor,
        "csv",
        {"stance": ["assert"]},
        None,
    )
    assert (dataset.status, dataset.row_count, dataset.size) == ("ready", 1, len(data))
    assert dataset.extractor_versions == [claim.extractor_version]
    assert dataset.tagger_versions == ["test"]
    assert dataset.audit_digest == digest
    assert dataset.conflict_ids == [claim.conflict_id]
    assert dataset.file.name == f"datasets/dataset-{dataset.pk}.csv"


def test_the_filterset_decides_and_a_selection_narrows(verified, analyst, editor):
    claim, _ = verified
    south = ClaimFactory(document=claim.document, side="south", quote="south")
    verify(south, analyst, editor)
    assert export(editor, params={"side": "south"})[0].row_count == 1
    assert export(editor, params={"side": ["north"]})[0].row_count == 1
    assert export(editor, params={"verdict": "confirmed"})[0].row_count == 2
    selected, data = export(editor, ids=[south.pk])
    assert (selected.row_count, selected.claim_ids) == (1, [south.pk])
    assert next(formats.read_rows("csv", data.decode().splitlines(keepends=True)))[0] == south.pk


def test_unknown_or_invalid_filters_are_refused(editor):
    with pytest.raises(ValidationError, match="Unknown filter 'colour'"):
        exports.dataset_export(user=editor, format="csv", params={"colour": "red"})
    with pytest.raises(ValidationError, match="stance"):
        exports.dataset_export(user=editor, format="csv", params={"stance": "shout"})
    with pytest.raises(ValidationError, match="format must be one of"):
        exports.dataset_export(user=editor, format="xlsx")
    assert Dataset.objects.count() == 0


def test_only_editors_export(claim, analyst):
    with pytest.raises(PermissionDenied, match="export datasets"):
        exports.dataset_export(user=analyst, format="csv")
    assert UserFactory(username="api", roles=["api_client"]).has_perm("review.export_dataset") is False
    assert UserFactory(username="ed2", roles=["editor"]).has_perm("review.export_dataset") is True


def test_an_editor_limited_to_another_conflict_exports_none_of_these_claims(verified):
    other = ConflictFactory(slug="east-west")
    limited = UserFactory(username="lim", roles=["editor"])
    other.members.add(limited)
    dataset, _ = export(limited)
    assert dataset.row_count == 0


def test_export_reads_a_fixed_number_of_queries_per_chunk(verified, analyst, editor, settings):
    claim, _ = verified
    for n in range(5):
        verify(ClaimFactory(document=claim.document, quote=f"claim {n}"), analyst, editor)
    settings.CLAIMDESK_EXPORT_CHUNK_SIZE = 2
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dataset = exports.dataset_export(user=editor, format="jsonl", background=False)
    with CaptureQueriesContext(connection) as queries:
        exports.dataset_build(dataset=dataset)
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    chunk_reads = [sql for sql in reads if "claims_claim" in sql and "LIMIT 2" in sql]
    assert len(chunk_reads) == 4  # 6 claims, 2 a chunk, then the empty page that ends it
    # claims, evidence, verdicts, audit heads per chunk, plus the user, permission and FilterSet lookups
    assert len(reads) <= 4 * 4 + 6


# --- verify_dataset ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "claimreview"])
def test_verify_dataset_passes_an_unchanged_export(verified, editor, tmp_path, capsys, fmt):
    dataset, data = export(editor, fmt)
    path = tmp_path / "export"
    path.write_bytes(data)
    call_command("verify_dataset", str(path))
    out = capsys.readouterr().out
    assert f"dataset {dataset.pk} (sha256 {dataset.sha256}), 1 claims, unchanged since the export." in out


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "claimreview"])
def test_verify_dataset_names_claims_that_changed_since(verified, analyst, editor, other_editor, tmp_path, fmt):
    claim, _ = verified
    quiet = ClaimFactory(document=claim.document, quote="quiet")
    verify(quiet, analyst, editor)
    _, data = export(editor, fmt)
    path = tmp_path / "export"
    path.write_bytes(data)
    claim.refresh_from_db()
    services.evidence_add(claim=claim, user=analyst, url=URL + "/2", outlet="Harbour Gazette", relation="refutes")
    claim.refresh_from_db()
    reopened = services.verdict_propose(
        claim=claim, user=analyst, decision="denied", rationale="Refuted.", expected_version=claim.version
    )
    services.verdict_approve(verdict=reopened, user=other_editor)
    with pytest.raises(CommandError, match="1 of 2 claims changed since the export") as raised:
        call_command("verify_dataset", str(path), stdout=(out := io.StringIO()))
    assert out.getvalue() == f"claim {claim.pk}: verdict confirmed in the file, denied now\n"
    assert raised.value.returncode == 1


def test_verify_dataset_names_a_claim_whose_history_moved_on(verified, analyst, editor, tmp_path):
    claim, _ = verified
    _, data = export(editor)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    claim.refresh_from_db()
    services.claim_correct(claim=claim, user=analyst, expected_version=claim.version, claim_type="casualties")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_dataset", str(path), stdout=out)
    assert out.getvalue() == f"claim {claim.pk}: its audit trail has changed since the export\n"


def test_verify_dataset_refuses_an_edited_file(verified, editor, tmp_path):
    _, data = export(editor)
    path = tmp_path / "export.csv"
    path.write_bytes(data.replace(b",confirmed,", b",denied,"))
    with pytest.raises(CommandError, match="Not verified"):
        call_command("verify_dataset", str(path))


def test_verify_dataset_names_a_deleted_claim(verified, editor, tmp_path):
    claim, _ = verified
    _, data = export(editor, "jsonl")
    path = tmp_path / "export.jsonl"
    path.write_bytes(data)
    Claim.objects.filter(pk=claim.pk).delete()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_dataset", str(path), stdout=out)
    assert out.getvalue() == f"claim {claim.pk}: no longer exists\n"


# --- the command ---------------------------------------------------------------------


def test_export_command_writes_the_file_and_records_the_dataset(verified, editor, tmp_path, capsys):
    out = tmp_path / "out.csv"
    call_command("export", "--format", "csv", "--user", "ed", "--side", "north", "-o", str(out))
    dataset = Dataset.objects.get()
    assert out.read_bytes() == dataset.file.open("rb").read()
    assert dataset.filters == {"side": ["north"]}
    assert f"Dataset {dataset.pk}: 1 claims, CSV, sha256 {dataset.sha256}" in capsys.readouterr().err


def test_export_command_date_range_and_include_unverified(verified, editor, tmp_path):
    claim, _ = verified
    ClaimFactory(document=claim.document, event_date=datetime.date(2026, 5, 1))
    out = tmp_path / "out.jsonl"
    call_command(
        "export", "--format", "jsonl", "--user", "ed", "--include-unverified", "--event-date-after", "2026-04-15",
        "-o", str(out),
    )  # fmt: skip
    dataset = Dataset.objects.get()
    assert (dataset.row_count, dataset.filters) == (1, {"event_date_after": ["2026-04-15"]})
    assert json.loads(out.read_text())["verified"] is False


def test_export_command_refuses_an_analyst_and_an_unknown_user(claim, analyst):
    with pytest.raises(CommandError, match="Your role does not allow you to export datasets"):
        call_command("export", "--format", "csv", "--user", "ana")
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("export", "--format", "csv", "--user", "nobody")


def test_verdict_state_names_are_the_ones_exports_read():
    assert Verdict.State.APPROVED == "approved"
