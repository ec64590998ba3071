"""/api/v1/exports/: editors export through the same service and FilterSet as the command line."""

import hashlib
import io
import json

import pytest
from django.core.management import call_command

from claims.models import Claim
from review import services
from review.models import Dataset
from tests.factories import ClaimFactory, ConflictFactory, DocumentFactory

pytestmark = pytest.mark.django_db

URL = "https://harbour-gazette.example/bridge"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLAIMDESK_SITE_URL = "http://testserver.example"


@pytest.fixture
def approved(claim, users):
    """The fixture claim confirmed by the analyst and approved by the editor."""
    analyst, editor = users["analyst"], users["editor"]
    services.evidence_add(claim=claim, user=analyst, url=URL, outlet="Harbour Gazette", relation="supports")
    claim.refresh_from_db()
    proposal = services.verdict_propose(
        claim=claim, user=analyst, decision="confirmed", rationale="Photographs.", expected_version=claim.version
    )
    services.verdict_approve(verdict=proposal, user=editor)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def unverified_south(claim):
    """A second claim of the same document, on the other side and without a verdict."""
    return ClaimFactory(
        document=claim.document, conflict=claim.conflict, side="south", quote="Northland shelled a mill"
    )


def test_an_editor_exports_the_filter_and_downloads_the_same_bytes(api, approved, unverified_south):
    response = api["editor"].post("/api/v1/exports/", {"format": "jsonl", "filters": {"side": "north"}}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "ready"
    assert body["row_count"] == 1
    assert body["filters"] == {"side": ["north"]}
    assert response["Location"] == body["url"] == f"http://testserver/api/v1/exports/{body['id']}/"
    download = api["editor"].get(body["download"])
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == body["sha256"] == download["X-Dataset-SHA256"]
    rows = [json.loads(line) for line in data.decode().splitlines()]
    assert [row["id"] for row in rows] == [approved.pk]


def test_the_same_export_through_the_api_and_the_command_is_byte_identical(api, approved, tmp_path):
    body = api["editor"].post("/api/v1/exports/", {"format": "csv"}, format="json").json()
    from_api = b"".join(api["editor"].get(body["download"]).streaming_content)
    out = tmp_path / "claims.csv"
    call_command("export", "--format", "csv", "-o", str(out), "--user", "editor-user", stdout=io.StringIO())
    assert out.read_bytes() == from_api


def test_unverified_claims_only_when_asked(api, approved, unverified_south):
    plain = api["editor"].post("/api/v1/exports/", {"format": "jsonl"}, format="json").json()
    everything = (
        api["editor"].post("/api/v1/exports/", {"format": "jsonl", "include_unverified": True}, format="json").json()
    )
    assert (plain["row_count"], everything["row_count"]) == (1, 2)
    assert (plain["include_unverified"], everything["include_unverified"]) == (False, True)


def test_a_selection_within_the_filter(api, approved, unverified_south):
    body = (
        api["editor"]
        .post(
            "/api/v1/exports/",
            {"format": "jsonl", "include_unverified": True, "ids": [unverified_south.pk]},
            format="json",
        )
        .json()
    )
    assert body["claim_ids"] == [unverified_south.pk]
    assert body["row_count"] == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"format": "xlsx"}, "format"),
        ({}, "format"),
        ({"format": "csv", "ids": []}, "ids"),
        ({"format": "csv", "ids": ["one"]}, "ids"),
    ],
)
def test_bad_requests_name_the_field(api, approved, payload, field):
    response = api["editor"].post("/api/v1/exports/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not Dataset.objects.exists()


def test_an_unknown_filter_is_refused_not_ignored(api, approved):
    response = api["editor"].post("/api/v1/exports/", {"format": "csv", "filters": {"sid": "north"}}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Unknown filter 'sid'; the filters are: ")
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(("role", "code"), [("anonymous", 401), ("api_client", 403), ("analyst", 403)])
def test_only_editors_and_admins_export(api, approved, role, code):
    assert api[role].post("/api/v1/exports/", {"format": "csv"}, format="json").status_code == code
    assert api[role].get("/api/v1/exports/").status_code == code
    assert not Dataset.objects.exists()


def test_an_editor_limited_to_a_conflict_sees_only_their_own_datasets_and_an_admin_all(api, approved, users):
    approved.conflict.members.add(users["editor"])
    mine = api["editor"].post("/api/v1/exports/", {"format": "csv"}, format="json").json()
    theirs = api["other_editor"].post("/api/v1/exports/", {"format": "csv"}, format="json").json()
    listed = api["editor"].get("/api/v1/exports/").json()
    assert [row["id"] for row in listed["results"]] == [mine["id"]]
    assert api["editor"].get(f"/api/v1/exports/{theirs['id']}/").status_code == 404
    assert api["editor"].get(f"/api/v1/exports/{theirs['id']}/download/").status_code == 404
    everything = api["admin"].get("/api/v1/exports/").json()
    assert [row["id"] for row in everything["results"]] == [theirs["id"], mine["id"]]


def test_a_large_export_is_queued_and_its_download_waits(api, approved, settings):
    settings.CLAIMDESK_EXPORT_ASYNC_ROWS = 0
    settings.CELERY_TASK_ALWAYS_EAGER = False  # recorded and queued; no worker takes it in this test
    response = api["editor"].post("/api/v1/exports/", {"format": "csv"}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["download"], body["expected_rows"]) == ("queued", None, 1)
    waiting = api["editor"].get(f"/api/v1/exports/{body['id']}/download/")
    assert waiting.status_code == 409
    assert waiting.json()["detail"] == f"Dataset {body['id']} is queued; poll its URL."


def test_claims_of_a_conflict_the_editor_may_not_see_are_not_exported(api, approved, users):
    elsewhere = ConflictFactory(slug="elsewhere")
    hidden = ClaimFactory(document=DocumentFactory(conflict=elsewhere), conflict=elsewhere)
    approved.conflict.members.add(users["editor"])  # a member of one conflict sees only that one
    body = api["editor"].post("/api/v1/exports/", {"format": "jsonl", "include_unverified": True}, format="json")
    data = b"".join(api["editor"].get(body.json()["download"]).streaming_content)
    assert [json.loads(line)["id"] for line in data.decode().splitlines()] == [approved.pk]
    assert Claim.objects.filter(pk=hidden.pk).exists()
