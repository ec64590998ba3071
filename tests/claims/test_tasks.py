"""Tasks on their own, and on the real stack: Redis broker and worker processes."""

import os
import signal
import subprocess
import sys

import pytest

from claims import selectors, services, tagging, tasks
from claims.extraction import extract
from claims.models import Claim, ClaimTombstone, Document
from claims.selectors import actor_registry
from tests.conftest import CORPUS, CORPUS_CLAIMS, CORPUS_FILE_CLAIMS, ROOT, service_env, wait_until
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)

CLAIM_ROW = (
    "document_id",
    "start",
    "end",
    "quote",
    "claimant_id",
    "side",
    "stance",
    "claim_type",
    "event_date",
    "tagger_version",
)


def corpus_text(name="001_f97f991389789e1e.txt"):
    return (CORPUS / name).read_text(encoding="utf-8")


def claim_rows():
    return sorted(Claim.objects.values_list(*CLAIM_ROW))


def extracted_and_tagged(document_id):
    def check():
        document = Document.objects.get(pk=document_id)
        done = document.status in (Document.Status.EXTRACTED, Document.Status.FAILED)
        return done and not document.claims.filter(tagger_version="").exists() and document

    return check


def test_extract_document_row_missing(db):
    assert tasks.extract_document(document_id=123456) == "skipped"


def test_extract_document_runs_twice(actors):
    document = DocumentFactory(text=corpus_text(), status=Document.Status.PENDING, conflict=actors)
    assert tasks.extract_document(document_id=document.pk) == Document.Status.EXTRACTED
    rows = claim_rows()
    assert tasks.extract_document(document_id=document.pk) == "skipped"
    assert claim_rows() == rows


def test_pretag_claims_row_missing(db):
    assert tasks.pretag_claims(claim_ids=[424242]) == 0


def test_pretag_claims_runs_twice(actors):
    document = services.document_ingest(raw=corpus_text()).document
    document.claims.update(stance="", claim_type="", confidence=None, tagger_version="")
    ids = list(document.claims.values_list("pk", flat=True))
    assert tasks.pretag_claims(claim_ids=ids) == len(ids)
    once = claim_rows()
    assert tasks.pretag_claims(claim_ids=ids) == len(ids)
    assert claim_rows() == once
    assert Claim.objects.filter(tagger_version="").count() == 0


def test_requeue_stuck_documents_with_nothing_stuck(db):
    assert tasks.requeue_stuck_documents() == {"documents": 0, "pretag_batches": 0}


@pytest.mark.postgres
@pytest.mark.redis
def test_ingest_with_broker_down_stays_pending_then_a_worker_sweeps_it_in(actors, use_broker, broker_url, start_worker):
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    result = services.document_ingest(raw=corpus_text())
    assert result.queued is False
    stored = Document.objects.get(pk=result.document.pk)
    assert (stored.status, stored.queued_at) == (Document.Status.PENDING, None)

    # No beat and no sweep called here: the worker sweeps at start-up by itself.
    use_broker(broker_url)
    start_worker()
    document = wait_until(extracted_and_tagged(result.document.pk), timeout=30)
    assert (document.status, document.attempts) == (Document.Status.EXTRACTED, 1)
    assert document.claim_count == document.claims.count() == CORPUS_FILE_CLAIMS["001_f97f991389789e1e.txt"]


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_extracts_and_pretags_queued_document(actors, use_broker, broker_url, start_worker):
    use_broker(broker_url)
    start_worker()
    result = services.document_ingest(raw=corpus_text(), source_name="timeline.txt")
    assert result.queued is True

    document = wait_until(extracted_and_tagged(result.document.pk), timeout=60)
    expected = extract(document.text, actor_registry(document.conflict))
    assert document.status == Document.Status.EXTRACTED
    assert document.claim_count == len(expected) == CORPUS_FILE_CLAIMS["001_f97f991389789e1e.txt"]
    stored = list(document.claims.order_by("start", "end").values_list("start", "end", "quote"))
    assert stored == sorted((c.start, c.end, c.quote) for c in expected)


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_pretags_claims_stored_untagged(actors, use_broker, broker_url, start_worker):
    document = services.document_ingest(raw=corpus_text()).document
    untag = {"stance": "", "claim_type": "", "confidence": None, "tagger_version": ""}
    document.claims.update(**untag)
    ids = list(document.claims.values_list("pk", flat=True))
    assert services.claims_pretag(claim_ids=ids) == len(ids)  # in-process: the reference
    reference = sorted(Claim.objects.values_list("pk", "stance", "claim_type", "confidence", "tagger_version"))
    document.claims.update(**untag)

    use_broker(broker_url)
    start_worker()
    assert services.claims_queue_pretag(claim_ids=ids) == 1  # one batch: fewer claims than CLAIMDESK_PRETAG_BATCH_SIZE
    wait_until(lambda: not Claim.objects.filter(tagger_version="").exists(), timeout=60)

    assert sorted(Claim.objects.values_list("pk", "stance", "claim_type", "confidence", "tagger_version")) == reference
    assert {row[4] for row in reference} == {tagging.TAGGER_VERSION}
    assert len(reference) == CORPUS_FILE_CLAIMS["001_f97f991389789e1e.txt"]


@pytest.mark.postgres
@pytest.mark.redis
def test_two_workers_running_the_same_tasks_store_rows_once(actors, use_broker, broker_url, start_worker):
    from review.models import AuditEvent

    # Eager, each task once: the single-run reference.
    reference = services.document_ingest(raw=corpus_text()).document
    services.claims_pretag(claim_ids=list(reference.claims.values_list("pk", flat=True)))
    single = [row[1:] for row in claim_rows()]
    Document.objects.all().delete()
    retagged = AuditEvent.objects.filter(action="claims.retagged")
    before = retagged.count()

    use_broker(broker_url)
    start_worker()
    start_worker()
    document = DocumentFactory(text=reference.text, status=Document.Status.PENDING, conflict=actors)
    for _ in range(4):
        tasks.extract_document.delay(document_id=document.pk)
    document = wait_until(extracted_and_tagged(document.pk), timeout=60)
    assert (document.attempts, document.claims.count()) == (1, len(single))
    ids = list(Claim.objects.values_list("pk", flat=True))
    Claim.objects.update(tagger_version="")
    for _ in range(3):
        tasks.pretag_claims.delay(claim_ids=ids)
    # Each run writes the batch and records it, in one transaction: three events, three runs done.
    wait_until(lambda: retagged.count() == before + 3, timeout=60)
    assert [row[1:] for row in claim_rows()] == single


LOST = "the worker stopped before finishing (killed, or cut off from the database) and its lease ran out"
# Recovery must take no longer than this after a worker is available (issue 12).
RECOVERY_SECONDS = 60


def big_text():
    return "\n\n".join([corpus_text()] * 20)  # about 1 MB: seconds of extraction


def extracting(document_id):
    return wait_until(
        lambda: Document.objects.get(pk=document_id).status == Document.Status.EXTRACTING, timeout=30, interval=0.05
    )


def assert_extracted_once(document, *, attempts, last_error):
    """Extracted, with the engine's claims stored exactly once, and the interruption on record."""
    expected = extract(document.text, actor_registry(document.conflict))
    assert document.status == Document.Status.EXTRACTED, document.error
    assert (document.attempts, document.last_error, document.error) == (attempts, last_error, "")
    assert document.claim_count == document.claims.count() == len(expected)
    assert ClaimTombstone.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.redis
def test_whole_worker_sigkilled_mid_extraction_is_extracted_again_within_a_minute(
    actors, use_broker, broker_url, start_worker
):
    use_broker(broker_url)
    first = start_worker()
    document = services.document_ingest(raw=big_text()).document
    extracting(document.pk)
    first.kill()
    assert Document.objects.get(pk=document.pk).status == Document.Status.EXTRACTING

    start_worker()
    document = wait_until(extracted_and_tagged(document.pk), timeout=RECOVERY_SECONDS)
    assert_extracted_once(document, attempts=2, last_error=f"Attempt 1: {LOST}.")


@pytest.mark.postgres
@pytest.mark.redis
def test_pool_process_sigkilled_mid_extraction_is_extracted_again_within_a_minute(
    actors, use_broker, broker_url, start_worker
):
    use_broker(broker_url)
    worker = start_worker()
    document = services.document_ingest(raw=big_text()).document
    extracting(document.pk)
    [child] = worker.children()
    os.kill(child, signal.SIGKILL)  # the worker's main process lives on and starts another

    document = wait_until(extracted_and_tagged(document.pk), timeout=RECOVERY_SECONDS)
    assert_extracted_once(document, attempts=2, last_error=f"Attempt 1: {LOST}.")
    assert worker.process.poll() is None


@pytest.mark.postgres
@pytest.mark.redis
def test_database_connection_cut_while_storing_is_retried_within_a_minute(actors, use_broker, broker_url, start_worker):
    from django.db import connection

    # The first claim row written ends its own session, as a database restart or a
    # network cut would; a sequence, unlike a table, is not rolled back with it.
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE cut_once")
        cursor.execute(
            "CREATE FUNCTION cut_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF nextval('cut_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; "
            "RETURN NEW; END $$"
        )
        cursor.execute("CREATE TRIGGER cut_once BEFORE INSERT ON claims_claim FOR EACH ROW EXECUTE FUNCTION cut_once()")
    try:
        use_broker(broker_url)
        start_worker()
        document = services.document_ingest(raw=corpus_text()).document
        document = wait_until(extracted_and_tagged(document.pk), timeout=RECOVERY_SECONDS)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER cut_once ON claims_claim; DROP FUNCTION cut_once(); DROP SEQUENCE cut_once")
    prefix = "Attempt 1: Storing the claims failed: OperationalError: "
    # What the driver says depends on where the write was when the session ended.
    said = document.last_error.removeprefix(prefix)
    assert said in {
        "terminating connection due to administrator command",
        "sending copy data failed: server closed the connection unexpectedly",
        "sending copy end failed: server closed the connection unexpectedly",
    }
    assert_extracted_once(document, attempts=2, last_error=prefix + said)


@pytest.mark.postgres
@pytest.mark.redis
def test_ingest_wait_returns_once_workers_are_done(actors, broker_url, start_worker):
    start_worker()
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest", "--wait", str(CORPUS)],
        cwd=ROOT,
        env=service_env(broker_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.splitlines()[-1]
        == f"Documents: 2 new, 0 already known, 0 failed. Claims created: {CORPUS_CLAIMS}."
    )
    assert Claim.objects.count() == CORPUS_CLAIMS
    assert set(Document.objects.values_list("status", flat=True)) == {Document.Status.EXTRACTED}
    assert Claim.objects.filter(tagger_version="").count() == 0
    assert "Extracting: 100%" in result.stderr


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_keeps_one_database_connection_across_tasks(actors, use_broker, broker_url, start_worker):
    from django.db import connection

    def worker_backends():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_start > %s",
                [started],
            )
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        [started] = cursor.fetchone()
    use_broker(broker_url)
    start_worker()
    texts = [f"Report {n}\n\n" + corpus_text("000_d8d09dd0182ca9c2.txt") for n in range(4)]
    ids = [services.document_ingest(raw=text).document.pk for text in texts]
    for document_id in ids:
        wait_until(extracted_and_tagged(document_id), timeout=60)

    # Celery's Django fix-up would close it after every task; it serves all four.
    assert worker_backends() == 1


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_reconnects_when_its_kept_connection_was_cut(actors, use_broker, broker_url, start_worker):
    from django.db import connection

    use_broker(broker_url)
    start_worker()
    first = services.document_ingest(raw="Report 1\n\n" + corpus_text("000_d8d09dd0182ca9c2.txt")).document
    wait_until(extracted_and_tagged(first.pk), timeout=60)
    with connection.cursor() as cursor:  # as a database restart would
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        assert cursor.fetchone()[0] == 1

    second = services.document_ingest(raw="Report 2\n\n" + corpus_text("000_d8d09dd0182ca9c2.txt")).document
    document = wait_until(extracted_and_tagged(second.pk), timeout=60)
    assert document.status == Document.Status.EXTRACTED
    assert document.attempts == 1
    assert document.claims.count() == first.claims.count()


@pytest.mark.redis
def test_sweep_sends_only_as_the_queue_has_room(db, use_broker, broker_url, settings):
    settings.CLAIMDESK_SWEEP_QUEUE_LIMIT = 3
    waiting = [DocumentFactory(status=Document.Status.PENDING).pk for _ in range(5)]
    Document.objects.update(queued_at=None)  # never sent: the broker was down
    use_broker(broker_url)

    assert services.documents_requeue_stuck() == 3
    assert selectors.broker_queue_length() == 3
    assert services.documents_requeue_stuck() == 0  # the queue is full
    assert sorted(Document.objects.exclude(queued_at=None).values_list("pk", flat=True)) == waiting[:3]

    use_broker("redis://127.0.0.1:1/0")  # the queue's length cannot be read: nothing is sent
    assert services.documents_requeue_stuck() == 0
    assert Document.objects.filter(queued_at=None).count() == 2


@pytest.mark.postgres
@pytest.mark.redis
def test_extraction_over_the_soft_time_limit_fails_saying_so(actors, broker_url, start_worker, tmp_path):
    # The limits travel in the message, from the configuration of the process that queues it.
    limit = {"CLAIMDESK_TASK_SOFT_TIME_LIMIT": "1"}
    start_worker(**limit)
    report = tmp_path / "long.txt"
    report.write_text("\n\n".join([corpus_text()] * 40))  # about 2 MB: several seconds in the engine
    subprocess.run(
        [sys.executable, "manage.py", "ingest", str(report)],
        cwd=ROOT,
        env=service_env(broker_url, **limit),
        capture_output=True,
        timeout=120,
        check=True,
    )

    def failed():
        found = Document.objects.filter(status=Document.Status.FAILED).first()
        return found

    found = wait_until(failed, timeout=60)
    reason = "The engine failed: stopped at the soft time limit (CLAIMDESK_TASK_SOFT_TIME_LIMIT)"
    assert (found.error, found.last_error, found.attempts, found.claims.count()) == (reason, reason, 1, 0)
