import io
import json
import os
import shutil
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims import tagging
from claims.extraction import Registry, extract, normalize_text
from claims.models import Actor, Claim, Conflict, Document
from claims.reading import MIB
from tests.claims.test_reading import feed_zeros, sparse_file
from tests.conftest import CORPUS, CORPUS_CLAIMS, CORPUS_FILE_CLAIMS, REGISTRY, ROOT, service_env

# The corpus report with Azerbaijani letters that cp1252 lacks, and the short one.
REPORT = "001_f97f991389789e1e.txt"
SHORT = "000_d8d09dd0182ca9c2.txt"
SHORT_CLAIMS = CORPUS_FILE_CLAIMS[SHORT]

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
    assert str(error.value) == f"{bad}: not valid JSON: Expecting ',' delimiter at line 1, column 14"


def test_ingest_corpus_reports_and_stores_claims(actors):
    output = run("ingest", str(CORPUS))
    documents = Document.objects.all()
    assert documents.count() == 2
    assert set(documents.values_list("status", flat=True)) == {Document.Status.EXTRACTED}
    assert output == f"Documents: 2 new, 0 already known, 0 failed. Claims created: {CORPUS_CLAIMS}.\n"
    assert Claim.objects.count() == CORPUS_CLAIMS
    assert run("ingest", str(CORPUS)) == "Documents: 0 new, 2 already known, 0 failed. Claims created: 0.\n"


def test_ingest_mixed_directory_keeps_good_files_and_fails(actors, tmp_path):
    shutil.copy(CORPUS / SHORT, tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "latin1.txt").write_bytes("Le ministère a déclaré que le pont était détruit.".encode("latin-1"))
    err = StringIO()
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("ingest", str(tmp_path), stdout=out, stderr=err)
    assert str(error.value) == "2 of 4 inputs failed"
    assert err.getvalue().splitlines() == [
        f"{tmp_path / 'empty.txt'}: the document is empty",
        f"{tmp_path / 'image.png'}: the input looks like binary data, not text",
    ]
    assert out.getvalue() == f"Documents: 2 new, 0 already known, 2 failed. Claims created: {SHORT_CLAIMS}.\n"
    latin = Document.objects.get(source_name=str(tmp_path / "latin1.txt"))
    assert latin.input_flags == ["decoded_cp1252"]
    assert latin.text == "Le ministère a déclaré que le pont était détruit."


def test_ingest_missing_file_is_reported(db, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("ingest", str(tmp_path / "nope.txt"), stdout=StringIO(), stderr=err)
    assert str(error.value) == "1 of 1 inputs failed"
    assert err.getvalue() == f"{tmp_path / 'nope.txt'}: cannot read: No such file or directory\n"


def test_extract_prints_engine_claims_as_json_lines(db, capsys):
    path = CORPUS / SHORT
    call_command("extract", str(path), "--registry", str(REGISTRY))
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = extract(normalize_text(path.read_bytes()).text, Registry.from_file(REGISTRY))
    assert len(rows) == CORPUS_FILE_CLAIMS[path.name]
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
    run("ingest", str(CORPUS / SHORT))
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
    run("ingest", str(CORPUS / SHORT))
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


# --- bounded, forgiving input: ingest and extract read alike -----------------------


def outcome(command, *args):
    """(stderr lines, CommandError message or None) of a command run in-process."""
    err = StringIO()
    try:
        call_command(command, *args, stdout=StringIO(), stderr=err)
    except CommandError as exc:
        return err.getvalue().splitlines(), str(exc)
    return err.getvalue().splitlines(), None


def ingest_and_extract(*args):
    """Both commands on the same inputs; extract's summary line is left out (ingest prints its own on stdout)."""
    ingested = outcome("ingest", *args)
    lines, error = outcome("extract", *args, "--registry", str(REGISTRY))
    assert lines[-1].startswith("Documents: ")
    return ingested, (lines[:-1], error)


def fake_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


LIMIT = "over the limit of 20 MiB (CLAIMDESK_MAX_DOCUMENT_BYTES)"
NOT_REGULAR = "not a regular file; to read it, redirect it to standard input and give -"


def case_empty(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    return [str(tmp_path / "empty.txt")], [f"{tmp_path}/empty.txt: the document is empty"]


def case_binary(tmp_path):
    (tmp_path / "image.png").write_bytes(bytes(range(256)) * 20)
    return [str(tmp_path / "image.png")], [f"{tmp_path}/image.png: the input looks like binary data, not text"]


def case_sparse_4gb(tmp_path):
    sparse_file(tmp_path / "big.txt", 4 * 1024 * MIB)
    return [str(tmp_path / "big.txt")], [f"{tmp_path}/big.txt: the document is 4096 MiB, {LIMIT}"]


def case_fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    return [str(tmp_path / "pipe")], [f"{tmp_path}/pipe: a named pipe (FIFO), {NOT_REGULAR}"]


def case_device(tmp_path):
    return ["/dev/zero"], [f"/dev/zero: a character device, {NOT_REGULAR}"]


def case_missing_then_good(tmp_path):
    shutil.copy(CORPUS / SHORT, tmp_path / "good.txt")
    return (
        [str(tmp_path / "missing.txt"), str(tmp_path / "good.txt")],
        [f"{tmp_path}/missing.txt: cannot read: No such file or directory"],
    )


@pytest.mark.parametrize(
    "case",
    [case_empty, case_binary, case_sparse_4gb, case_fifo, case_device, case_missing_then_good],
    ids=lambda case: case.__name__.removeprefix("case_"),
)
def test_extract_says_what_ingest_says_about_a_bad_input(actors, tmp_path, case):
    args, lines = case(tmp_path)
    started = time.monotonic()
    ingested, extracted = ingest_and_extract(*args)
    assert time.monotonic() - started < 5.0  # never waits on a FIFO, never reads 4 GB
    assert ingested == (lines, f"1 of {len(args)} inputs failed")
    assert extracted == ingested


def test_extract_and_ingest_skip_odd_directory_entries_with_a_line_each(actors, tmp_path):
    shutil.copy(CORPUS / SHORT, tmp_path / "good.txt")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone.txt")
    expected = [
        f"{tmp_path}/dangling: skipped: a dangling symbolic link (to {tmp_path}/gone.txt)",
        f"{tmp_path}/fifo: skipped: a named pipe (FIFO)",
        f"{tmp_path}/loop: skipped: a symbolic link loop",
    ]
    out = StringIO()
    err = StringIO()
    call_command("ingest", str(tmp_path), stdout=out, stderr=err)  # skipped entries are not failures
    assert err.getvalue().splitlines() == expected
    assert (
        out.getvalue() == f"Documents: 1 new, 0 already known, 0 failed, 3 skipped. Claims created: {SHORT_CLAIMS}.\n"
    )
    err = StringIO()
    call_command("extract", str(tmp_path), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [*expected, "Documents: 1 read, 0 failed, 3 skipped. Claims found: 23."]


def test_ingest_name_not_utf8_is_reported_and_the_batch_goes_on(actors, tmp_path):
    with open(os.fsencode(tmp_path) + b"/a-caf\xe9.txt", "wb") as handle:
        handle.write(b"The Ministry of Defence of Armenia said that the town was shelled.\n")
    (tmp_path / "b-after.txt").write_text("Azerbaijan's defence ministry denied that its forces shelled the town.\n")
    out, err = StringIO(), StringIO()
    call_command("ingest", str(tmp_path), stdout=out, stderr=err)
    assert err.getvalue() == f"{tmp_path}/a-caf\ufffd.txt: the file name is not valid UTF-8 (shown with \ufffd)\n"
    assert out.getvalue() == "Documents: 2 new, 0 already known, 0 failed. Claims created: 2.\n"
    assert sorted(Document.objects.values_list("source_name", flat=True)) == [
        f"{tmp_path}/a-caf\ufffd.txt",
        f"{tmp_path}/b-after.txt",
    ]
    lines, error = outcome("extract", str(tmp_path))
    assert (lines, error) == (
        [
            f"{tmp_path}/a-caf\ufffd.txt: the file name is not valid UTF-8 (shown with \ufffd)",
            "Documents: 2 read, 0 failed. Claims found: 2.",
        ],
        None,
    )


def test_ingest_stdin_reads_dash(actors, monkeypatch):
    fake_stdin(monkeypatch, (CORPUS / SHORT).read_bytes())
    assert run("ingest", "-") == f"Documents: 1 new, 0 already known, 0 failed. Claims created: {SHORT_CLAIMS}.\n"
    assert Document.objects.get().source_name == "<stdin>"


def test_extract_stdin_reads_dash(db, monkeypatch):
    fake_stdin(monkeypatch, (CORPUS / SHORT).read_bytes())
    out, err = StringIO(), StringIO()
    call_command("extract", "-", stdout=out, stderr=err)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (len(rows), {row["doc"] for row in rows}) == (23, {"<stdin>"})
    assert err.getvalue() == "Documents: 1 read, 0 failed. Claims found: 23.\n"


@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_stdin_binary_is_refused_alike(db, monkeypatch, command):
    fake_stdin(monkeypatch, bytes(range(256)) * 20)
    lines, error = outcome(command, "-")
    assert lines[0] == "<stdin>: the input looks like binary data, not text"
    assert error == "1 of 1 inputs failed"


@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_stdin_endless_zeros_are_refused_in_under_a_second(db, monkeypatch, command):
    read_end, write_end = os.pipe()
    feeder = feed_zeros(write_end)
    with os.fdopen(read_end, "rb") as stream:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))
        started = time.monotonic()
        lines, error = outcome(command, "-")
        elapsed = time.monotonic() - started
    feeder.join(5)
    assert lines[0] == f"<stdin>: the document is {LIMIT}"
    assert error == "1 of 1 inputs failed"
    assert elapsed < 1.0


def run_reaped(command: list[str], stdin, tmp_path) -> tuple[int, str, float, int]:
    """(exit code, stderr, seconds, max RSS in KiB) of one process, measured by wait4 on it alone."""
    err = tmp_path / "stderr"
    started = time.monotonic()
    with err.open("wb") as err_file:
        process = subprocess.Popen(
            command, cwd=ROOT, env=service_env(), stdin=stdin, stdout=subprocess.DEVNULL, stderr=err_file
        )
    if hasattr(stdin, "close"):
        stdin.close()  # the child holds its own end
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, err.read_text(), time.monotonic() - started, usage.ru_maxrss


def test_ingest_dash_endless_dev_zero_pipe_is_refused_fast_with_bounded_memory(db, tmp_path):
    ingest = [sys.executable, "manage.py", "ingest", "-"]
    tiny = tmp_path / "tiny.bin"
    tiny.write_bytes(bytes(range(32)) * 4)
    with tiny.open("rb") as stdin:
        _, _, baseline_seconds, baseline_rss = run_reaped(ingest, stdin, tmp_path)
    zeros = subprocess.Popen(["cat", "/dev/zero"], stdout=subprocess.PIPE)
    code, stderr, seconds, rss = run_reaped(ingest, zeros.stdout, tmp_path)
    zeros.wait(10)  # ended by the closed pipe
    assert code == 1
    assert stderr == f"<stdin>: the document is {LIMIT}\nCommandError: 1 of 1 inputs failed\n"
    # Start-up aside, refusing takes well under a second and at most the limit plus a chunk of memory.
    assert seconds - baseline_seconds < 1.0
    assert (rss - baseline_rss) * 1024 < 20 * MIB + 8 * MIB


def test_ingest_and_extract_decode_cp1252_like_utf8(actors, tmp_path):
    """A cp1252 file gives the same document and claims as its UTF-8 twin (one claim in two was lost)."""
    text = (CORPUS / REPORT).read_text(encoding="utf-8")
    text = text.encode("cp1252", "replace").decode("cp1252")  # the Azerbaijani letters cp1252 lacks
    (tmp_path / "utf8").mkdir()
    (tmp_path / "cp1252").mkdir()
    (tmp_path / "utf8" / "report.txt").write_text(text, encoding="utf-8")
    (tmp_path / "cp1252" / "report.txt").write_bytes(text.encode("cp1252"))
    assert run("ingest", str(tmp_path / "cp1252")) == (
        f"Documents: 1 new, 0 already known, 0 failed. Claims created: {CORPUS_FILE_CLAIMS[REPORT]}.\n"
    )
    assert Document.objects.get().input_flags == ["decoded_cp1252"]
    assert run("ingest", str(tmp_path / "utf8")) == "Documents: 0 new, 1 already known, 0 failed. Claims created: 0.\n"
    claims = {}
    for name in ("utf8", "cp1252"):
        out = StringIO()
        call_command("extract", str(tmp_path / name), stdout=out, stderr=StringIO())
        claims[name] = out.getvalue()
    assert claims["cp1252"] == claims["utf8"]
    assert len(claims["utf8"].splitlines()) == CORPUS_FILE_CLAIMS[REPORT]


def test_ingest_and_extract_read_utf16_without_bom(actors, tmp_path):
    """Refused as binary by ingest, extracted by extract, before: now both read it."""
    path = tmp_path / "report.txt"
    path.write_bytes((CORPUS / SHORT).read_text(encoding="utf-8").encode("utf-16-le"))
    assert run("ingest", str(path)) == f"Documents: 1 new, 0 already known, 0 failed. Claims created: {SHORT_CLAIMS}.\n"
    assert Document.objects.get().input_flags == ["decoded_utf_16_le"]
    out = StringIO()
    call_command("extract", str(path), stdout=out, stderr=StringIO())
    assert len(out.getvalue().splitlines()) == 23


REGISTRY_FAULTS = [
    (b'[{"name": "X"', "not valid JSON: Expecting ',' delimiter at line 1, column 14"),
    (b'[{"name": 5}]', "actor #1 has no name (a non-empty string)"),
    (b'"actors"', "the registry must be a JSON list of actors, or an object with an 'actors' list"),
    (b'{"actors": "x"}', "'actors' must be a JSON list of actors"),
    (b'["Armenia"]', "actor #1 is not an object"),
    (b"\xff[]", "not UTF-8 text (byte 0)"),
]


@pytest.mark.parametrize(("content", "fault"), REGISTRY_FAULTS)
def test_malformed_registry_is_one_line_from_extract_and_load_actors(db, tmp_path, content, fault):
    registry = tmp_path / "actors.json"
    registry.write_bytes(content)
    document = CORPUS / SHORT
    for command in (["extract", str(document), "--registry", str(registry)], ["load_actors", str(registry)]):
        with pytest.raises(CommandError) as error:
            run(*command)
        assert str(error.value) == f"{registry}: {fault}"


def test_missing_registry_is_one_line_from_extract_and_load_actors(db, tmp_path):
    registry = tmp_path / "none.json"
    for command in (["extract", str(CORPUS), "--registry", str(registry)], ["load_actors", str(registry)]):
        with pytest.raises(CommandError) as error:
            run(*command)
        assert str(error.value) == f"{registry}: cannot read: No such file or directory"


def test_ingest_dash_empty_stdin_is_refused(db, monkeypatch):
    fake_stdin(monkeypatch, b"")
    assert outcome("ingest", "-") == (["<stdin>: the document is empty"], "1 of 1 inputs failed")
    assert Document.objects.count() == 0


def test_ingest_and_extract_of_the_corpus_give_the_pinned_claim_count(actors, capsys):
    call_command("extract", str(CORPUS), "--registry", str(REGISTRY))
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == CORPUS_CLAIMS
    assert captured.err == f"Documents: 2 read, 0 failed. Claims found: {CORPUS_CLAIMS}.\n"


@pytest.mark.redis
def test_retag_with_broker_down_is_a_clear_error(actors, use_broker):
    call_command("ingest", str(CORPUS / SHORT), stdout=StringIO(), stderr=StringIO())
    use_broker("redis://127.0.0.1:1/0")
    with pytest.raises(CommandError) as error:
        call_command("retag", "--all", "-v0", stdout=StringIO(), stderr=StringIO())
    assert str(error.value) == "the broker is unreachable; 0 claims were queued before it failed"


def test_load_actors_without_a_conflict_among_several_is_a_clear_error(db, tmp_path):
    Conflict.objects.create(name="North war", slug="north")
    Conflict.objects.create(name="South war", slug="south")
    registry = tmp_path / "actors.json"
    registry.write_text('[{"name": "Northland MoD", "side": "north"}]')
    with pytest.raises(CommandError) as error:
        run("load_actors", str(registry))
    assert str(error.value) == "there are several conflicts; name one with --conflict (north, south)"
    assert Actor.objects.count() == 0
