import datetime
import sqlite3
import subprocess
import sys

from django.utils import timezone

from claims import bulk
from claims.models import Claim
from tests.conftest import ROOT
from tests.factories import ClaimFactory, DocumentFactory


def claim_row(document, pk, **values):
    return {
        "id": pk,
        "document_id": document.pk,
        "conflict_id": document.conflict_id,
        "index": 0,
        "sentence": "Officials said that a depot burned.",
        "quote": "a depot burned",
        "start": 20,
        "end": 34,
        "extractor_version": "test",
        **values,
    }


def test_reserve_ids_are_new_ascending_and_never_handed_out_again(db):
    existing = ClaimFactory().pk

    first = bulk.reserve_ids(Claim, 3)
    Claim.objects.filter(pk=existing).delete()
    second = bulk.reserve_ids(Claim, 2)

    assert first == sorted(first)
    assert len(set(first + second)) == 5
    assert min(first) > existing
    assert min(second) > max(first)


def test_reserve_ids_of_nothing_asks_nothing(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert bulk.reserve_ids(Claim, 0) == []


def test_insert_rows_fills_defaults_and_write_time(db):
    document = DocumentFactory()
    [pk] = bulk.reserve_ids(Claim, 1)
    written_at = timezone.now() - datetime.timedelta(days=1)

    assert bulk.insert_rows(Claim, [claim_row(document, pk, locations=["Kharkiv"])], now=written_at) == 1

    claim = Claim.objects.get(pk=pk)
    assert claim.locations == ["Kharkiv"]
    assert (claim.verdict, claim.review_state, claim.version) == ("", Claim.ReviewState.UNREVIEWED, 0)
    assert claim.tags_corrected is False
    assert claim.stance == ""
    assert claim.tagger_version == ""
    assert claim.responds_to is None
    assert claim.created_at == written_at
    assert claim.updated_at == written_at


def test_insert_rows_links_rows_written_together(db):
    document = DocumentFactory()
    claim_id, denial_id = bulk.reserve_ids(Claim, 2)

    bulk.insert_rows(
        Claim,
        [
            claim_row(document, denial_id, index=1, start=40, end=50, responds_to_id=claim_id),
            claim_row(document, claim_id),
        ],
    )

    assert Claim.objects.get(pk=denial_id).responds_to_id == claim_id
    assert Claim.objects.get(pk=claim_id).locations == []


def test_update_rows_writes_only_rows_still_as_read(db):
    kept, reviewed = ClaimFactory(stance="", claim_type=""), ClaimFactory(stance="", claim_type="")
    Claim.objects.filter(pk=reviewed.pk).update(version=1)  # after the tagger read it
    read = (False, 0)

    written = bulk.update_rows(
        Claim,
        [(kept.pk, "deny", "attack", 0.25, *read), (reviewed.pk, "deny", "attack", 0.25, *read)],
        fields=["stance", "claim_type", "confidence"],
        expected=["tags_corrected", "version"],
        constants={"tagger_version": "v2"},
    )

    assert written == 1
    kept.refresh_from_db()
    reviewed.refresh_from_db()
    assert (kept.stance, kept.claim_type, kept.confidence, kept.tagger_version) == ("deny", "attack", 0.25, "v2")
    assert (reviewed.stance, reviewed.claim_type, reviewed.tagger_version) == ("", "", "test")


def test_update_rows_in_chunks(db, monkeypatch):
    monkeypatch.setattr(bulk, "UPDATE_CHUNK", 2)
    claims = ClaimFactory.create_batch(5, confidence=None)

    written = bulk.update_rows(Claim, [(c.pk, 0.5) for c in claims], fields=["confidence"])

    assert written == 5
    assert set(Claim.objects.values_list("confidence", flat=True)) == {0.5}


def manage(database: str, *args: str) -> str:
    env = {"DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_embedded_sqlite_ingests_links_tags_and_generates(tmp_path):
    """The embedded default takes the same bulk paths: ids reserved in sqlite_sequence."""
    database = tmp_path / "claimdesk.sqlite3"
    manage(database, "migrate", "--noinput", "-v0")
    manage(database, "load_actors")
    manage(database, "ingest", str(ROOT / "claims" / "fixtures" / "corpus"))
    manage(database, "generate_claims", "--count", "50", "-v0")
    copy = tmp_path / "copy.txt"
    copy.write_text("Another edition\n\n" + next((ROOT / "claims" / "fixtures" / "corpus").glob("*.txt")).read_text())
    manage(database, "ingest", str(copy))

    with sqlite3.connect(database) as db:
        total, untagged, ids = db.execute(
            "SELECT count(*), sum(tagger_version = ''), count(DISTINCT id) FROM claims_claim"
        ).fetchone()
        stray_links = db.execute(
            "SELECT count(*) FROM claims_claim c JOIN claims_claim r ON c.responds_to_id = r.id "
            "WHERE r.document_id <> c.document_id"
        ).fetchone()[0]
        links = db.execute(
            "SELECT count(responds_to_id) FROM claims_claim WHERE tagger_version <> 'generator'"
        ).fetchone()[0]
        sequence = dict(db.execute("SELECT name, seq FROM sqlite_sequence WHERE name LIKE 'claims_%'").fetchall())
        highest = db.execute("SELECT max(id) FROM claims_claim").fetchone()[0]
    assert total > 50
    assert untagged == 0
    assert ids == total
    assert stray_links == 0
    assert links > 0
    assert sequence["claims_claim"] == highest
