import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims import tagging
from claims.extraction import Registry, extract, normalize_text
from claims.models import Actor, Claim, Conflict, Document
from tests.conftest import CORPUS, REGISTRY

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_load_actors_reports_created_then_unchanged(db):
    slug = "nagorno-karabakh-2020"
    assert run("load_actors", str(REGISTRY)) == f"Conflict {slug}: actors 26 created, 0 updated, 0 unchanged.\n"
    assert run("load_actors", str(REGISTRY)) == f"Conflict {slug}: actors 0 created, 0 updated, 26 unchanged.\n"
    assert Actor.objects.count() == 26
    conflict = Conflict.objects.get(slug=slug)
    assert (conflict.name, conflict.sides) == (
        "Nagorno-Karabakh war (2020)",
        {"azerbaijan": "Azerbaijan", "armenia": "Armenia and Artsakh"},
    )


def test_load_actors_malformed_file_is_a_clear_error(db, tmp_path):
    bad = tmp_path / "actors.json"
    bad.write_text('[{"name": "X"', encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("load_actors", str(bad))
    assert str(error.value).startswith(f"{bad}: not valid JSON: ")


def test_ingest_corpus_reports_and_stores_claims(actors):
    output = run("ingest", str(CORPUS))
    documents = Document.objects.all()
    assert documents.count() == 2
    assert set(documents.values_list("status", flat=True)) == {Document.Status.EXTRACTED}
    claims = Claim.objects.count()
    assert output == f"Documents: 2 new, 0 already known, 0 failed. Claims created: {claims}.\n"
    assert run("ingest", str(CORPUS)) == "Documents: 0 new, 2 already known, 0 failed. Claims created: 0.\n"


def test_ingest_mixed_directory_keeps_good_files_and_fails(actors, tmp_path):
    shutil.copy(CORPUS / "000_d8d09dd0182ca9c2.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "latin1.txt").write_bytes("Le ministère a déclaré que le pont était détruit.".encode("latin-1"))
    err = StringIO()
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("ingest", str(tmp_path), stdout=out, stderr=err)
    assert str(error.value) == "2 of 4 inputs failed"
    assert f"{tmp_path / 'empty.txt'}: the document is empty" in err.getvalue()
    assert f"{tmp_path / 'image.png'}: the input looks like binary data, not text" in err.getvalue()
    assert out.getvalue().startswith("Documents: 2 new, 0 already known, 2 failed.")
    latin = Document.objects.get(source_name=str(tmp_path / "latin1.txt"))
    assert latin.input_flags == ["invalid_utf8"]


def test_ingest_missing_file_is_reported(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("ingest", str(tmp_path / "nope.txt"), stdout=StringIO(), stderr=StringIO())
    assert str(error.value) == "1 of 1 inputs failed"


def test_extract_prints_engine_claims_as_json_lines(db, capsys):
    path = CORPUS / "000_d8d09dd0182ca9c2.txt"
    call_command("extract", str(path), "--registry", str(REGISTRY))
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = extract(normalize_text(path.read_bytes()).text, Registry.from_file(REGISTRY))
    assert [(r["start"], r["end"], r["quote"]) for r in rows] == [(c.start, c.end, c.quote) for c in expected]
    assert {r["doc"] for r in rows} == {path.name}
    assert Document.objects.count() == 0
    required = {
        "doc",
        "id",
        "sentence",
        "quote",
        "claimant_mention",
        "claimant",
        "side",
        "stance",
        "claim_type",
        "event_date",
        "time",
        "locations",
        "responds_to",
        "start",
        "end",
        "confidence",
    }
    assert all(required <= row.keys() for row in rows)


def test_demo_user_prints_working_credentials(db, settings):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    settings.DEBUG = True
    line = run("demo_user").strip()
    username, password = line.removeprefix("Demo admin user: ").split(" / password: ")
    request = RequestFactory().post("/admin/login/")
    assert authenticate(request, username=username, password=password).is_superuser is True


def test_demo_user_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run("demo_user")


def test_retag_all_skips_corrected_and_reviewed(actors):
    run("ingest", str(CORPUS / "000_d8d09dd0182ca9c2.txt"))
    corrected, reviewed, *rest = Claim.objects.order_by("pk")
    Claim.objects.filter(pk=corrected.pk).update(claim_type="other", tags_corrected=True, tagger_version="old")
    Claim.objects.filter(pk=reviewed.pk).update(version=2, tagger_version="old")
    Claim.objects.filter(pk__in=[c.pk for c in rest]).update(tagger_version="old", claim_type="")

    assert run("retag", "--all", "--sync") == f"{len(rest)} claims re-tagged (tagger {tagging.TAGGER_VERSION}).\n"

    versions = dict(Claim.objects.values_list("pk", "tagger_version"))
    assert versions.pop(corrected.pk) == "old"
    assert versions.pop(reviewed.pk) == "old"
    assert set(versions.values()) == {tagging.TAGGER_VERSION}
    assert Claim.objects.filter(claim_type="").count() == 0


def test_retag_default_only_touches_other_tagger_versions(actors):
    run("ingest", str(CORPUS / "000_d8d09dd0182ca9c2.txt"))
    old = Claim.objects.order_by("pk").first()
    Claim.objects.filter(pk=old.pk).update(tagger_version="rules-0.9")
    assert run("retag") == f"1 claims queued for pre-tagging (tagger {tagging.TAGGER_VERSION}).\n"
    assert Claim.objects.get(pk=old.pk).tagger_version == tagging.TAGGER_VERSION


def generated_snapshot():
    """Generated rows with ids replaced by positions, so two runs compare."""
    rows = list(
        Claim.objects.order_by("pk").values_list(
            "pk",
            "document_id",
            "quote",
            "claimant_id",
            "side",
            "stance",
            "claim_type",
            "event_date",
            "verdict",
            "responds_to_id",
        )
    )
    position = {row[0]: n for n, row in enumerate(rows)}
    documents = {d: n for n, d in enumerate(dict.fromkeys(row[1] for row in rows))}
    return [(documents[row[1]], *row[2:-1], position.get(row[-1])) for row in rows]


@pytest.mark.postgres
def test_generate_claims_is_deterministic_for_a_seed(actors):
    output = run("generate_claims", "--count", "130", "--seed", "7")
    assert output.startswith("Generated 130 claims in 7 documents in ")
    first = generated_snapshot()
    Claim.objects.all().delete()
    Document.objects.all().delete()
    run("generate_claims", "--count", "130", "--seed", "7")
    assert generated_snapshot() == first
    Claim.objects.all().delete()
    run("generate_claims", "--count", "130", "--seed", "8")
    assert generated_snapshot() != first


@pytest.mark.postgres
def test_generated_claims_point_inside_their_documents(actors):
    run("generate_claims", "--count", "250", "--seed", "3")
    for claim in Claim.objects.select_related("document"):
        assert claim.document.text[claim.start : claim.end] == claim.quote
        assert claim.responds_to_id is None or claim.responds_to.document_id == claim.document_id
