"""Exports from the workspace and the admin: permissions, direct downloads, re-downloads, the changelist's filter."""

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from review.models import Dataset
from tests.factories import ClaimFactory, ConflictFactory, UserFactory
from tests.review.test_exports import verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLAIMDESK_SITE_URL = "http://testserver.example"


@pytest.fixture
def verified(claim, analyst, editor):
    verify(claim, analyst, editor)
    south = ClaimFactory(document=claim.document, side="south", quote="south claim")
    verify(south, analyst, editor)
    return claim, south


def content(response) -> bytes:
    if isinstance(response, StreamingHttpResponse) or response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def kept(dataset: Dataset) -> bytes:
    dataset.refresh_from_db()
    with dataset.file.open("rb") as stream:
        return stream.read()


# --- workspace -----------------------------------------------------------------------


def test_workspace_exports_need_sign_in_and_the_export_permission(client, analyst):
    response = client.get("/review/exports/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(analyst)
    for url in ("/review/exports/", "/review/exports/new"):
        assert client.get(url).status_code == 403
    assert client.post("/review/exports/new", {"format": "csv"}).status_code == 403
    assert Dataset.objects.count() == 0


def test_workspace_export_of_the_current_filter_downloads_directly(client, editor, verified):
    claim, _ = verified
    client.force_login(editor)
    page = client.get("/review/exports/new?side=north")
    assert page.status_code == 200
    assert b"side = north" in page.content
    response = client.post("/review/exports/new?side=north", {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    dataset = Dataset.objects.get()
    assert response["Content-Disposition"] == f'attachment; filename="claimdesk-dataset-{dataset.pk}.csv"'
    data = content(response)
    assert data == kept(dataset)
    assert (dataset.status, dataset.row_count, dataset.filters) == ("ready", 1, {"side": ["north"]})
    assert data.decode().splitlines()[1].startswith(f"{claim.pk},")


def test_workspace_export_of_a_selection(client, editor, verified):
    _, south = verified
    client.force_login(editor)
    response = client.post("/review/exports/new", {"format": "jsonl", "ids": str(south.pk)})
    assert content(response).decode().count("\n") == 1
    assert Dataset.objects.get().claim_ids == [south.pk]


def test_workspace_refuses_a_bad_filter_and_escapes_it(client, editor):
    client.force_login(editor)
    response = client.post("/review/exports/new?colour=<script>x</script>", {"format": "csv"})
    assert response.status_code == 400
    assert b"Unknown filter" in response.content
    assert b"<script>x</script>" not in response.content
    assert b"&lt;script&gt;" in response.content
    assert Dataset.objects.count() == 0


def test_large_export_is_queued_and_shows_progress_then_the_download(
    client, editor, verified, settings, django_capture_on_commit_callbacks
):
    settings.CLAIMDESK_EXPORT_ASYNC_ROWS = 1  # two claims: more than that
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/review/exports/new", {"format": "claimreview"})
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/review/exports/{dataset.pk}/"
    assert (dataset.status, dataset.expected_rows) == ("queued", 2)
    waiting = client.get(response["Location"])
    assert b"Queued" in waiting.content and b'http-equiv="refresh"' in waiting.content
    assert client.get(f"/review/exports/{dataset.pk}/status").json()["download"] is None
    assert client.get(f"/review/exports/{dataset.pk}/download").status_code == 409
    for callback in callbacks:  # the task, run in-process here (a real worker: test_exports_tasks)
        callback()
    status = client.get(f"/review/exports/{dataset.pk}/status").json()
    assert status["status"] == "ready"
    assert (status["rows_done"], status["row_count"], status["percent"]) == (2, 2, 100)
    assert status["download"] == f"/review/exports/{dataset.pk}/download"
    done = client.get(f"/review/exports/{dataset.pk}/")
    assert b'id="download"' in done.content
    assert content(client.get(status["download"])) == kept(dataset)


def test_datasets_are_downloaded_again_only_by_those_who_may_see_them(client, editor, other_editor, verified):
    client.force_login(editor)
    content(client.post("/review/exports/new", {"format": "csv"}))
    dataset = Dataset.objects.get()
    again = client.get(f"/review/exports/{dataset.pk}/download")
    assert again["X-Dataset-SHA256"] == dataset.sha256
    assert content(again) == kept(dataset)
    client.force_login(other_editor)  # sees every conflict: may download
    assert client.get(f"/review/exports/{dataset.pk}/download").status_code == 200
    limited = UserFactory(username="lim", roles=["editor"])
    ConflictFactory(slug="east-west").members.add(limited)
    client.force_login(limited)
    assert client.get(f"/review/exports/{dataset.pk}/download").status_code == 403
    assert client.get(f"/review/exports/{dataset.pk}/").status_code == 403
    assert b"claimdesk-dataset" not in client.get("/review/exports/").content


# --- admin ---------------------------------------------------------------------------


def test_admin_dataset_list_shows_progress_and_download(client, editor, verified, django_assert_max_num_queries):
    client.force_login(editor)
    for _ in range(3):
        content(client.post("/review/exports/new", {"format": "csv"}))
    with django_assert_max_num_queries(12):
        page = client.get("/admin/review/dataset/")
    assert page.status_code == 200
    for dataset in Dataset.objects.all():
        assert f'href="/admin/review/dataset/{dataset.pk}/download/"'.encode() in page.content
    assert b"Export claims" in page.content
    first = Dataset.objects.order_by("pk").first()
    assert content(client.get(f"/admin/review/dataset/{first.pk}/download/")) == kept(first)
    assert client.get(f"/admin/review/dataset/{first.pk}/change/").status_code == 200
    assert client.get("/admin/review/dataset/add/").status_code == 403


def test_admin_exports_the_changelist_querystring(client, editor, verified):
    client.force_login(editor)
    page = client.get("/admin/review/dataset/export/?side=north&stance__exact=assert&o=2")
    assert page.status_code == 200
    response = client.post("/admin/review/dataset/export/?side=north&stance__exact=assert&o=2", {"format": "csv"})
    data = content(response)
    dataset = Dataset.objects.get()
    assert dataset.filters == {"side": ["north"], "stance": ["assert"]}
    assert data == kept(dataset)
    assert dataset.row_count == 1


def test_claims_changelist_action_exports_the_selection_or_the_whole_filter(client, editor, verified):
    _, south = verified
    client.force_login(editor)
    selection = client.post(
        "/admin/claims/claim/?side=south",
        {"action": "export_claims", "_selected_action": [str(south.pk)], "index": "0"},
    )
    assert selection.status_code == 302
    assert selection["Location"] == f"/admin/review/dataset/export/?ids={south.pk}"
    everything = client.post(
        "/admin/claims/claim/?side=south&stance__exact=assert",
        {"action": "export_claims", "_selected_action": [str(south.pk)], "select_across": "1", "index": "0"},
    )
    assert everything["Location"] == "/admin/review/dataset/export/?side=south&stance=assert"
    response = client.post(selection["Location"], {"format": "jsonl"})
    assert content(response).decode().startswith(f'{{"id":{south.pk},')
    assert Dataset.objects.get().claim_ids == [south.pk]


def test_the_export_action_is_only_on_the_claims_changelist(client, editor, verified):
    client.force_login(editor)
    assert b'value="export_claims"' in client.get("/admin/claims/claim/").content
    assert b'value="export_claims"' not in client.get("/admin/review/verdict/").content


def test_an_analyst_cannot_export_from_the_admin(client, analyst, verified):
    client.force_login(analyst)
    assert b'value="export_claims"' not in client.get("/admin/claims/claim/").content
    refused = client.post("/admin/claims/claim/", {"action": "export_claims", "_selected_action": ["1"], "index": "0"})
    assert refused.status_code == 200  # the list again, not a redirect to the export form
    assert client.get("/admin/review/dataset/export/").status_code == 403
    assert client.post("/admin/review/dataset/export/", {"format": "csv"}).status_code == 403
    assert client.get("/admin/review/dataset/").status_code == 403
    assert Dataset.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # closing the response ends the request, and its connection, as in production
def test_a_download_cut_short_leaves_a_failed_dataset_and_no_file(client, editor, verified, settings):
    settings.CLAIMDESK_EXPORT_CHUNK_SIZE = settings.CLAIMDESK_EXPORT_COPY_CHUNK_SIZE = 1
    client.force_login(editor)
    response = client.post("/review/exports/new", {"format": "jsonl"})
    stream = iter(response.streaming_content)
    next(stream)  # the client reads a little, then goes away
    response.close()
    dataset = Dataset.objects.get()
    assert (dataset.status, dataset.file.name) == ("failed", "")
    assert "stopped before its end" in dataset.error
    assert list((settings.MEDIA_ROOT / "datasets").iterdir()) == []
    assert client.get(f"/review/exports/{dataset.pk}/download").status_code == 409
