"""Large exports run as a task: through a real worker, once, and not at all for a dataset that is gone."""

import pytest
from django.test import Client

from review.exports import services as exports
from review.models import Dataset
from review.tasks import build_dataset
from tests.conftest import wait_until
from tests.factories import ClaimFactory, DocumentFactory
from tests.review.test_exports import verify

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "http://testserver.example"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLAIMDESK_SITE_URL = SITE
    return settings.MEDIA_ROOT


@pytest.fixture
def claims(conflict, analyst, editor):
    document = DocumentFactory(conflict=conflict, url="https://north-news.example/r")
    made = [
        ClaimFactory(document=document, quote=f"claim {n}", sentence=f"The ministry said claim {n}.") for n in range(5)
    ]
    for claim in made[:4]:
        verify(claim, analyst, editor)
    return made


def test_build_dataset_row_missing(db):
    build_dataset(dataset_id=999_999)  # logs and returns
    assert Dataset.objects.count() == 0


def test_build_dataset_runs_twice_writes_once(media, claims, editor):
    dataset = exports.dataset_export(user=editor, format="csv", background=True)
    build_dataset(dataset_id=dataset.pk)
    dataset.refresh_from_db()
    first = (dataset.status, dataset.sha256, dataset.finished_at)
    build_dataset(dataset_id=dataset.pk)  # already ready: left alone
    dataset.refresh_from_db()
    assert (dataset.status, dataset.sha256, dataset.finished_at) == first
    assert first[0] == "ready"


@pytest.mark.postgres
@pytest.mark.redis
def test_a_large_export_runs_on_a_worker_and_matches_a_direct_one(
    media, claims, editor, settings, use_broker, broker_url, start_worker
):
    settings.CLAIMDESK_EXPORT_ASYNC_ROWS = 2
    use_broker(broker_url)
    start_worker(MEDIA_ROOT=str(media), CLAIMDESK_SITE_URL=SITE, CLAIMDESK_EXPORT_CHUNK_SIZE="3")
    client = Client()
    client.force_login(editor)
    response = client.post("/review/exports/new?stance=assert", {"format": "jsonl"})
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert dataset.expected_rows == 4

    def ready():
        dataset.refresh_from_db()
        return dataset.status == Dataset.Status.READY

    wait_until(ready, timeout=60)
    assert (dataset.row_count, dataset.rows_done) == (4, 4)
    downloaded = b"".join(client.get(f"/review/exports/{dataset.pk}/download").streaming_content)
    direct = exports.dataset_build(
        dataset=exports.dataset_export(user=editor, format="jsonl", params={"stance": "assert"}, background=False)
    )
    assert downloaded == direct.file.open("rb").read()
    assert dataset.sha256 == direct.sha256
    admin_page = client.get(f"/admin/review/dataset/{dataset.pk}/change/")
    assert f"/admin/review/dataset/{dataset.pk}/download/".encode() in admin_page.content
