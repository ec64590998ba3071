"""Tasks on their own, and on the real stack: Redis broker and worker processes."""

import subprocess
import sys

import pytest

from claims import selectors, services, tasks
from claims.extraction import extract
from claims.models import Claim, Document
from claims.selectors import actor_registry
from tests.conftest import CORPUS, ROOT, service_env, wait_until
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
def test_ingest_with_broker_down_stays_pending_then_sweep_queues(actors, use_broker, broker_url, start_worker):
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    result = services.document_ingest(raw=corpus_text())
    assert result.queued is False
    stored = Document.objects.get(pk=result.document.pk)
    assert (stored.status, stored.queued_at) == (Document.Status.PENDING, None)

    use_broker(broker_url)
    start_worker()
    assert services.documents_requeue_stuck() == 1
    document = wait_until(extracted_and_tagged(result.document.pk), timeout=60)
    assert document.status == Document.Status.EXTRACTED


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
    assert document.claim_count == len(expected)
    stored = list(document.claims.order_by("start", "end").values_list("start", "end", "quote"))
    assert stored == sorted((c.start, c.end, c.quote) for c in expected)
    assert set(document.claims.values_list("stance", flat=True)) <= set(Claim.Stance.values)


@pytest.mark.postgres
@pytest.mark.redis
def test_two_workers_running_the_same_tasks_store_rows_once(actors, use_broker, broker_url, start_worker):
    # Eager, each task once: the single-run reference.
    reference = services.document_ingest(raw=corpus_text()).document
    services.claims_pretag(claim_ids=list(reference.claims.values_list("pk", flat=True)))
    single = [row[1:] for row in claim_rows()]
    Document.objects.all().delete()

    use_broker(broker_url)
    start_worker()
    start_worker()
    document = DocumentFactory(text=reference.text, status=Document.Status.PENDING, conflict=actors)
    for _ in range(4):
        tasks.extract_document.delay(document_id=document.pk)
    wait_until(extracted_and_tagged(document.pk), timeout=60)
    ids = list(Claim.objects.values_list("pk", flat=True))
    for _ in range(3):
        tasks.pretag_claims.delay(claim_ids=ids)
    wait_until(lambda: selectors.broker_queue_length() == 0, timeout=30)
    assert [row[1:] for row in claim_rows()] == single


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_killed_mid_extraction_is_redelivered_and_completes_once(actors, use_broker, broker_url, start_worker):
    # Short timeouts so that redelivery happens within the test.
    timeouts = {
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "CLAIMDESK_STUCK_AFTER_SECONDS": "2",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    text = "\n\n".join([corpus_text()] * 20)  # about 1 MB: seconds of extraction
    use_broker(broker_url)
    first = start_worker(**timeouts)
    document = services.document_ingest(raw=text).document
    wait_until(
        lambda: Document.objects.get(pk=document.pk).status == Document.Status.EXTRACTING, timeout=30, interval=0.05
    )
    first.kill()
    assert Document.objects.get(pk=document.pk).status == Document.Status.EXTRACTING

    start_worker(**timeouts)
    document = wait_until(extracted_and_tagged(document.pk), timeout=120)
    expected = extract(document.text, actor_registry(document.conflict))
    assert document.status == Document.Status.EXTRACTED
    assert document.attempts == 2
    assert document.claims.count() == len(expected)


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
    claims = Claim.objects.count()
    assert result.stdout.splitlines()[-1] == f"Documents: 2 new, 0 already known, 0 failed. Claims created: {claims}."
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

    use_broker(broker_url)
    start_worker()
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        [started] = cursor.fetchone()
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
