import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.extraction import Registry, extract, normalize_text
from claims.models import Actor, Claim, Document
from tests.conftest import CORPUS, REGISTRY

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_load_actors_reports_created_then_unchanged(db, registry_records):
    assert run("load_actors", str(REGISTRY)) == f"Actors: {len(registry_records)} created, 0 updated, 0 unchanged.\n"
    assert run("load_actors", str(REGISTRY)) == f"Actors: 0 created, 0 updated, {len(registry_records)} unchanged.\n"
    assert Actor.objects.count() == len(registry_records)


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
    required = {"doc", "id", "sentence", "quote", "claimant_mention", "claimant", "side", "stance", "claim_type",
                "event_date", "time", "locations", "responds_to", "start", "end", "confidence"}
    assert all(required <= row.keys() for row in rows)


def test_demo_user_prints_working_credentials(db, settings):
    from django.contrib.auth import authenticate

    settings.DEBUG = True
    line = run("demo_user").strip()
    username, password = line.removeprefix("Demo admin user: ").split(" / password: ")
    assert authenticate(username=username, password=password).is_superuser is True


def test_demo_user_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run("demo_user")
