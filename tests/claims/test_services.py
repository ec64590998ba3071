import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from claims import extracting, services, tagging
from claims.extraction import extract, normalize_text
from claims.models import Actor, ActorMembership, Claim, Conflict, Document
from claims.selectors import actor_registry
from tests.conftest import CORPUS
from tests.factories import ActorFactory, ClaimFactory, ConflictFactory, DocumentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = (
    "date 2021-03-02\n"
    "The Ministry of Defence of Ruritania said that its forces shelled positions near Zenda.\n"
    "Borduria issued a denial.\n"
)


@pytest.fixture
def two_sides(db):
    services.actors_load(
        records=[
            {"name": "Ruritanian MoD", "side": "ruritania", "aliases": ["Ministry of Defence of Ruritania"]},
            {"name": "Bordurian authorities", "side": "borduria", "aliases": ["Borduria"]},
        ]
    )


def test_document_ingest_stores_text_and_extracts(two_sides):
    result = services.document_ingest(raw=SAMPLE.encode(), source_name="r.txt")
    document = Document.objects.get(pk=result.document.pk)
    expected = extract(document.text, actor_registry(document.conflict))
    assert result.created is True
    assert result.queued is True
    assert document.status == Document.Status.EXTRACTED
    assert document.claim_count == len(expected)
    stored = list(document.claims.order_by("index").values_list("start", "end", "quote"))
    assert stored == [(c.start, c.end, c.quote) for c in expected]


def test_document_ingest_same_text_twice_is_one_document(two_sides):
    first = services.document_ingest(raw=SAMPLE)
    second = services.document_ingest(raw=SAMPLE.encode())
    assert second.created is False
    assert second.document.pk == first.document.pk
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "the document is empty"),
        (b"  \n\t \r\n", "the document is empty"),
        (bytes(range(256)) * 40, "the input looks like binary data, not text"),
    ],
)
def test_document_ingest_bad_input_is_refused(db, raw, message):
    with pytest.raises(services.IngestError) as error:
        services.document_ingest(raw=raw)
    assert str(error.value) == message
    assert Document.objects.count() == 0


def test_document_ingest_invalid_utf8_is_kept_and_flagged(two_sides):
    # UTF-8 (the curly apostrophe) with one byte that is not: only that byte is replaced.
    raw = SAMPLE.encode() + "Zenda\u2019s mayor: \xff.\n".encode().replace(b"\xc3\xbf", b"\xff")
    result = services.document_ingest(raw=raw)
    assert result.document.input_flags == ["invalid_utf8"]
    assert result.document.text == SAMPLE + "Zenda\u2019s mayor: \ufffd.\n"


def test_document_ingest_cp1252_is_decoded_and_flagged(two_sides):
    result = services.document_ingest(raw=SAMPLE.replace("Zenda", "Zénda").encode("cp1252"))
    assert result.document.input_flags == ["decoded_cp1252"]
    assert result.document.text == SAMPLE.replace("Zenda", "Zénda")


def test_document_ingest_lone_surrogates_are_replaced_and_flagged(two_sides):
    """A str from JSON may hold "\\ud800": stored with U+FFFD, not a UnicodeEncodeError."""
    result = services.document_ingest(
        raw=SAMPLE + "Borduria said \ud800 nothing.\n", source_name="caf\udce9.txt", title="T\ud83d"
    )
    document = Document.objects.get(pk=result.document.pk)
    assert document.text == SAMPLE + "Borduria said \ufffd nothing.\n"
    assert document.input_flags == ["surrogates_replaced"]
    assert (document.source_name, document.title) == ("caf\ufffd.txt", "T\ufffd")


@override_settings(CLAIMDESK_MAX_DOCUMENT_BYTES=1000)
def test_document_ingest_oversized_is_refused(db):
    with pytest.raises(services.IngestError) as error:
        services.document_ingest(raw=b"word " * 300)
    assert str(error.value) == "the document is 1500 bytes, over the limit of 1000 bytes (CLAIMDESK_MAX_DOCUMENT_BYTES)"


@override_settings(CLAIMDESK_MAX_DOCUMENT_BYTES=20 * 1024 * 1024)
def test_document_ingest_oversized_is_reported_in_mib(db):
    with pytest.raises(services.IngestError) as error:
        services.document_ingest(raw=b"w" * (21 * 1024 * 1024))
    assert str(error.value) == "the document is 21 MiB, over the limit of 20 MiB (CLAIMDESK_MAX_DOCUMENT_BYTES)"


def test_document_extract_engine_failure_marks_failed_without_claims(two_sides, monkeypatch):
    document = DocumentFactory(text=SAMPLE, status=Document.Status.PENDING)

    def broken(*args, **kwargs):
        raise ValueError("engine exploded")

    # The engine is pure Python; replacing it is the only way to make it raise on purpose.
    monkeypatch.setattr(extracting, "extract", broken)
    outcome = services.document_extract(document_id=document.pk)
    document.refresh_from_db()
    assert outcome.status == Document.Status.FAILED
    assert document.status == Document.Status.FAILED
    assert document.error == document.last_error == "The engine failed: ValueError: engine exploded"
    assert (document.attempts, document.lease_expires_at) == (1, None)
    assert document.claims.count() == 0


def test_document_extract_missing_row_is_skipped(db):
    assert services.document_extract(document_id=987654).status == "skipped"


def test_document_extract_twice_stores_claims_once(two_sides):
    document = DocumentFactory(text=SAMPLE, status=Document.Status.PENDING)
    first = services.document_extract(document_id=document.pk)
    rows = sorted(Claim.objects.values_list("document_id", "start", "end", "quote", "side"))
    second = services.document_extract(document_id=document.pk)
    assert first.status == Document.Status.EXTRACTED
    assert second.status == "skipped"
    assert sorted(Claim.objects.values_list("document_id", "start", "end", "quote", "side")) == rows


def test_document_reextract_keeps_reviewed_claims_and_flags_vanished(two_sides):
    document = services.document_ingest(raw=SAMPLE).document
    reviewed = document.claims.order_by("index").first()
    Claim.objects.filter(pk=reviewed.pk).update(version=1)
    vanished = ClaimFactory(document=document, start=0, end=4, quote="date", version=2)
    before = document.claims.count()

    assert services.documents_reextract(document_ids=[document.pk]) == 1

    document.refresh_from_db()
    reviewed.refresh_from_db()
    vanished.refresh_from_db()
    assert document.status == Document.Status.EXTRACTED
    assert reviewed.version == 1
    assert reviewed.is_stale is False
    assert vanished.is_stale is True
    assert document.claims.count() == before
    assert document.claims.filter(start=reviewed.start, end=reviewed.end).count() == 1


def test_document_extract_links_answers(two_sides):
    document = services.document_ingest(raw=SAMPLE).document
    denial = document.claims.get(claimant__name="Bordurian authorities")
    assert denial.responds_to.claimant.name == "Ruritanian MoD"
    assert denial.stance == Claim.Stance.DENY
    assert denial.claim_type == denial.responds_to.claim_type


def test_claims_pretag_skips_corrected_and_reviewed(two_sides):
    document = services.document_ingest(raw=SAMPLE).document
    corrected, reviewed = document.claims.order_by("index")[:2]
    Claim.objects.filter(pk=corrected.pk).update(claim_type=Claim.Type.OTHER, tags_corrected=True, tagger_version="")
    Claim.objects.filter(pk=reviewed.pk).update(version=1, tagger_version="")

    tagged = services.claims_pretag(claim_ids=[corrected.pk, reviewed.pk])

    corrected.refresh_from_db()
    reviewed.refresh_from_db()
    assert tagged == 0
    assert (corrected.claim_type, corrected.tagger_version) == (Claim.Type.OTHER, "")
    assert reviewed.tagger_version == ""


def test_claims_pretag_twice_gives_same_rows(two_sides):
    document = services.document_ingest(raw=SAMPLE).document
    document.claims.update(stance="", claim_type="", confidence=None, tagger_version="")
    ids = list(document.claims.values_list("pk", flat=True))
    fields = ("pk", "stance", "claim_type", "confidence", "tagger_version")
    assert services.claims_pretag(claim_ids=ids) == 2
    once = sorted(Claim.objects.values_list(*fields))
    assert services.claims_pretag(claim_ids=ids) == 2
    assert sorted(Claim.objects.values_list(*fields)) == once
    assert [row[1] for row in once] == [Claim.Stance.ASSERT, Claim.Stance.DENY]


def engine_tags(text, conflict):
    registry = actor_registry(conflict)
    return {(c.start, c.end): (c.stance, c.claim_type, c.confidence) for c in extract(text, registry)}


def test_document_extract_stores_claims_with_the_engines_tags(two_sides):
    document = services.document_ingest(raw=SAMPLE).document
    engine = engine_tags(document.text, document.conflict)

    stored = {(c.start, c.end): (c.stance, c.claim_type, c.confidence) for c in document.claims.all()}

    assert [stance for stance, _, _ in engine.values()] == [Claim.Stance.ASSERT, Claim.Stance.DENY]
    assert stored == engine
    assert set(document.claims.values_list("tagger_version", flat=True)) == {tagging.TAGGER_VERSION}


def test_claims_pretag_of_untagged_claims_agrees_with_the_engine(two_sides):
    document = services.document_ingest(raw=SAMPLE).document
    engine = engine_tags(document.text, document.conflict)
    document.claims.update(stance="", claim_type="", confidence=None, tagger_version="")

    assert services.claims_pretag(claim_ids=list(document.claims.values_list("pk", flat=True))) == 2

    stored = {(c.start, c.end): (c.stance, c.claim_type, c.confidence) for c in document.claims.all()}
    assert stored == engine
    assert set(document.claims.values_list("tagger_version", flat=True)) == {tagging.TAGGER_VERSION}


def test_actors_load_is_idempotent_and_updates_aliases(db, registry_records):
    first = services.actors_load(records=registry_records, conflict="nk")
    assert (first.conflict.slug, first.created, first.updated, first.unchanged) == ("nk", 26, 0, 0)
    again = services.actors_load(records=registry_records, conflict="nk")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 26)
    changed = [dict(registry_records[0], aliases=["A new alias"])]
    assert services.actors_load(records=changed, conflict="nk").updated == 1
    membership = ActorMembership.objects.get(conflict__slug="nk", actor__name=registry_records[0]["name"])
    assert membership.aliases == ["A new alias"]


def test_actors_load_turns_a_proposal_into_registry_actor(db):
    conflict = ConflictFactory(slug="zenda")
    MembershipFactory(actor=ActorFactory(name="Zenda Herald"), conflict=conflict, is_proposed=True, aliases=[])
    services.actors_load(records=[{"name": "Zenda Herald", "side": "third_party", "aliases": ["the Herald"]}])
    membership = ActorMembership.objects.get(actor__name="Zenda Herald", conflict=conflict)
    assert (membership.is_proposed, membership.aliases) == (False, ["the Herald"])


def test_actors_load_gives_one_actor_a_side_in_each_conflict(db):
    services.actors_load(records=[{"name": "Russia", "side": "party_b", "aliases": ["Moscow"]}], conflict="ukraine")
    services.actors_load(records=[{"name": "Russia", "side": "third_party", "aliases": ["Russia"]}], conflict="syria")
    russia = Actor.objects.get(name="Russia")
    sides = dict(russia.memberships.values_list("conflict__slug", "side"))
    assert sides == {"ukraine": "party_b", "syria": "third_party"}
    assert actor_registry(Conflict.objects.get(slug="ukraine")).lookup("Moscow").side == "party_b"
    assert actor_registry(Conflict.objects.get(slug="syria")).lookup("Moscow") is None


def test_actors_load_takes_the_conflict_fields_of_the_registry(db):
    loaded = services.actors_load(
        records={
            "name": "Example war",
            "slug": "example-war",
            "sides": {"party_a": "Northland", "party_b": "Southland"},
            "start": "2031-01-02",
            "actors": [{"name": "Northland MoD", "side": "party_a"}],
        }
    )
    conflict = Conflict.objects.get(slug="example-war")
    assert loaded.conflict == conflict
    assert (conflict.name, conflict.sides, conflict.start_date) == (
        "Example war",
        {"party_a": "Northland", "party_b": "Southland"},
        datetime.date(2031, 1, 2),
    )


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ("x", "the registry must be a JSON list of actors, or an object with an 'actors' list"),
        ({"name": "x"}, "the registry object has no 'actors' list"),
        (
            {"actors": [], "colour": "red"},
            "unknown top-level field 'colour' (expected actors, description, end, name, sides, slug, start)",
        ),
        (
            {"actors": [{"name": "X", "side": "c"}], "sides": {"a": "A"}},
            "actor #1 (X): side 'c' is not one of a, third_party",
        ),
        (["x"], "actor #1 is not an object"),
        ([{"side": "a"}], "actor #1 has no name (a non-empty string)"),
        ([{"name": 5, "side": "a"}], "actor #1 has no name (a non-empty string)"),
        ([{"name": "X"}], "actor #1 (X) has no side"),
        ([{"name": "X", "side": "Side A"}], "actor #1 (X): side must be a lower-case slug such as 'third_party'"),
        ([{"name": "X", "side": "a", "aliases": "X"}], "actor #1 (X): aliases must be a list of strings"),
        ([{"name": "X", "side": "a"}, {"name": "X", "side": "a"}], "actor #2: 'X' appears twice"),
    ],
)
def test_actors_load_rejects_malformed_registry(db, records, message):
    with pytest.raises(services.RegistryError) as error:
        services.actors_load(records=records)
    assert str(error.value) == message
    assert Actor.objects.count() == 0


def test_document_ingest_goes_into_the_named_conflict(db):
    first, second = ConflictFactory(slug="first"), ConflictFactory(slug="second")
    document = services.document_ingest(raw=SAMPLE, conflict=second).document
    assert document.conflict == second
    assert set(document.claims.values_list("conflict", flat=True)) == {second.pk}
    with pytest.raises(services.ConflictError) as error:
        services.document_ingest(raw=SAMPLE + "More.\n")
    assert str(error.value) == "there are several conflicts; name one with --conflict (first, second)"
    assert first.documents.count() == 0


def test_extraction_uses_the_documents_conflict_registry_only(db):
    records = [
        {"name": "Ruritanian MoD", "side": "ruritania", "aliases": ["Ministry of Defence of Ruritania"]},
        {"name": "Bordurian authorities", "side": "borduria", "aliases": ["Borduria"]},
    ]
    services.actors_load(records=records, conflict="zenda-war")
    services.actors_load(
        records=[{"name": "Borduria", "side": "third_party", "aliases": ["Borduria"]}], conflict="other"
    )
    document = services.document_ingest(raw=SAMPLE, conflict=Conflict.objects.get(slug="other")).document
    claims = list(document.claims.order_by("index").values_list("claimant__name", "side"))
    assert claims == [("Ministry of Defence of Ruritania", "third_party"), ("Borduria", "third_party")]


LOST = "the worker stopped before finishing (killed, or cut off from the database) and its lease ran out"


def lease_ran_out(document, attempts=1):
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.EXTRACTING,
        attempts=attempts,
        extraction_started_at=timezone.now() - datetime.timedelta(seconds=20),
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=5),
    )


def test_documents_requeue_stuck_sends_pending_never_sent_and_takes_back_lost_ones(two_sides):
    lost = DocumentFactory(text=SAMPLE, status=Document.Status.PENDING)
    fresh = DocumentFactory(status=Document.Status.PENDING)
    Document.objects.filter(pk=lost.pk).update(queued_at=None)
    Document.objects.filter(pk=fresh.pk).update(queued_at=timezone.now())
    interrupted = DocumentFactory(text=SAMPLE + "More.\n")
    lease_ran_out(interrupted)
    held = DocumentFactory(status=Document.Status.EXTRACTING, attempts=1)
    Document.objects.filter(pk=held.pk).update(lease_expires_at=timezone.now() + datetime.timedelta(seconds=10))

    assert services.documents_requeue_stuck() == 2

    rows = {
        pk: (status, attempts, last)
        for pk, status, attempts, last in Document.objects.values_list("pk", "status", "attempts", "last_error")
    }
    assert rows == {
        lost.pk: ("extracted", 1, ""),
        fresh.pk: ("pending", 0, ""),
        interrupted.pk: ("extracted", 2, f"Attempt 1: {LOST}."),
        held.pk: ("extracting", 1, ""),
    }


def test_documents_requeue_stuck_fails_a_document_lost_at_its_last_attempt(db):
    document = DocumentFactory()
    lease_ran_out(document, attempts=services.MAX_EXTRACTION_ATTEMPTS)
    assert services.documents_requeue_stuck() == 0
    document.refresh_from_db()
    assert (document.status, document.lease_expires_at) == (Document.Status.FAILED, None)
    assert document.error == f"Extraction failed 3 times; the last time: Attempt 3: {LOST}."
    assert document.last_error == f"Attempt 3: {LOST}."


def test_document_extract_takes_over_a_document_whose_lease_ran_out(two_sides):
    document = DocumentFactory(text=SAMPLE)
    lease_ran_out(document)
    assert services.document_extract(document_id=document.pk).status == Document.Status.EXTRACTED
    document.refresh_from_db()
    assert (document.attempts, document.last_error, document.lease_expires_at) == (2, f"Attempt 1: {LOST}.", None)
    assert document.claim_count == 2 == document.claims.count()


def test_document_extract_leaves_a_document_whose_lease_runs(two_sides):
    document = DocumentFactory(text=SAMPLE, status=Document.Status.EXTRACTING, attempts=1)
    Document.objects.filter(pk=document.pk).update(lease_expires_at=timezone.now() + datetime.timedelta(seconds=10))
    assert services.document_extract(document_id=document.pk).status == "skipped"
    document.refresh_from_db()
    assert (document.status, document.attempts) == (Document.Status.EXTRACTING, 1)


def test_interrupted_document_fails_after_max_attempts(db):
    document = DocumentFactory()
    lease_ran_out(document, attempts=services.MAX_EXTRACTION_ATTEMPTS)
    assert services.document_extract(document_id=document.pk).status == "skipped"
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert document.error == f"Extraction failed 3 times; the last time: Attempt 3: {LOST}."


def test_claim_offsets_must_be_ordered(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(start=10, end=5)


def test_claim_confidence_must_be_a_probability(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(confidence=1.5)


def test_corpus_fixture_normalizes_without_repairs():
    for path in sorted(CORPUS.glob("*.txt")):
        assert normalize_text(path.read_bytes()).flags == ()


@pytest.fixture
def other_client():
    """A second database session, as another program would hold one."""
    import psycopg

    from tests.conftest import database_url

    with psycopg.connect(database_url()) as session:
        yield session


def extract_with_the_registry_locked(document, other_client) -> None:
    """Extract while another session holds the registry: reading it times out (OperationalError)."""
    from django.db import OperationalError, connection

    other_client.execute("LOCK TABLE claims_actormembership IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout TO '200ms'")
    try:
        with pytest.raises(OperationalError):
            services.document_extract(document_id=document.pk)
    finally:
        other_client.rollback()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


@pytest.mark.postgres
def test_database_error_reading_the_registry_is_retried_not_failed(two_sides, other_client):
    """The registry is read outside the engine's try: an outage there is not the document's fault."""
    document = DocumentFactory(text=SAMPLE, status=Document.Status.PENDING)
    extract_with_the_registry_locked(document, other_client)
    document.refresh_from_db()
    assert (document.status, document.attempts, document.error, document.lease_expires_at) == (
        Document.Status.PENDING,
        1,
        "",
        None,
    )
    assert document.last_error == (
        "Attempt 1: Reading the registry failed: OperationalError: canceling statement due to lock timeout"
    )

    assert services.document_extract(document_id=document.pk).status == Document.Status.EXTRACTED
    document.refresh_from_db()
    assert (document.attempts, document.claim_count) == (2, 2)


@pytest.mark.postgres
def test_error_while_storing_claims_is_recorded_as_it_is(two_sides):
    """Not "interrupted 3 times" later: the error the database gave, at once."""
    from django.db import connection

    document = DocumentFactory(text=SAMPLE, status=Document.Status.PENDING)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_claims() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'no claims today'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_claims BEFORE INSERT ON claims_claim FOR EACH ROW EXECUTE FUNCTION refuse_claims()"
        )
    try:
        outcome = services.document_extract(document_id=document.pk)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_claims ON claims_claim; DROP FUNCTION refuse_claims()")
    document.refresh_from_db()
    assert outcome.status == Document.Status.FAILED
    assert (document.status, document.attempts, document.claims.count()) == (Document.Status.FAILED, 1, 0)
    assert document.error == document.last_error == "Storing the claims failed: ProgrammingError: no claims today"


@pytest.mark.postgres
def test_transient_error_at_the_last_attempt_fails_the_document_with_it(two_sides, other_client):
    document = DocumentFactory(text=SAMPLE, status=Document.Status.PENDING, attempts=2)
    extract_with_the_registry_locked(document, other_client)
    document.refresh_from_db()
    assert (document.status, document.attempts) == (Document.Status.FAILED, 3)
    assert document.error == (
        "Extraction failed 3 times; the last time: Attempt 3: Reading the registry failed: "
        "OperationalError: canceling statement due to lock timeout"
    )


def test_document_admin_shows_attempts_and_last_error(admin_client):
    document = DocumentFactory(status=Document.Status.EXTRACTED, attempts=2, last_error=f"Attempt 1: {LOST}.")
    page = admin_client.get(f"/admin/claims/document/{document.pk}/change/").content.decode()
    assert f"Attempt 1: {LOST}." in page
    assert '<div class="readonly">2</div>' in page


@pytest.mark.postgres
def test_two_concurrent_ingests_of_the_same_text_store_one_document(two_sides, other_client):
    """Both pass the "already known?" check before either has stored it; the database decides."""
    import threading

    from django.db import connection

    other_client.execute("LOCK TABLE claims_document IN SHARE ROW EXCLUSIVE MODE")  # reads go on, inserts wait
    results, started = [], threading.Barrier(3)

    def ingest():
        try:
            started.wait()
            results.append(services.document_ingest(raw=SAMPLE))
        finally:
            connection.close()

    threads = [threading.Thread(target=ingest) for _ in range(2)]
    for thread in threads:
        thread.start()
    started.wait()
    wait_for_lock_waiters(other_client, 2)
    other_client.rollback()
    for thread in threads:
        thread.join(30)

    assert sorted(result.created for result in results) == [False, True]
    assert results[0].document.pk == results[1].document.pk == Document.objects.get().pk
    document = Document.objects.get()
    assert (document.status, document.claim_count, document.claims.count()) == (Document.Status.EXTRACTED, 2, 2)


def wait_for_lock_waiters(session, count, timeout=10.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = session.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'claims_document'::regclass"
        ).fetchone()[0]
        if waiting >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"{count} sessions were not waiting for the lock within {timeout}s")


@pytest.mark.redis
def test_reextract_with_broker_down_leaves_documents_pending_for_the_sweep(two_sides, use_broker):
    document = services.document_ingest(raw=SAMPLE).document
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    assert services.documents_reextract(document_ids=[document.pk]) == 1
    document.refresh_from_db()
    assert (document.status, document.claim_count) == (Document.Status.PENDING, 2)
    assert document.claims.count() == 2  # nothing is lost while it waits


@pytest.mark.redis
def test_queue_pretag_and_retag_with_broker_down_say_so(two_sides, use_broker):
    services.document_ingest(raw=SAMPLE)
    ids = list(Claim.objects.values_list("pk", flat=True))
    use_broker("redis://127.0.0.1:1/0")
    assert services.claims_queue_pretag(claim_ids=ids) == 0
    with pytest.raises(services.RetagError) as error:
        services.claims_retag(claims=Claim.objects.all())
    assert str(error.value) == "the broker is unreachable; 0 claims were queued before it failed"
    # The queue's length is unknown: the sweep sends nothing and queues no pre-tagging.
    assert services.claims_requeue_untagged() == 0
    assert services.documents_requeue_stuck() == 0
