import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Document
from tests.factories import ClaimFactory, DocumentFactory


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("boss", password="not-a-real-password-1")
    client.force_login(user)
    return client


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/admin/claims/claim/", "/admin/claims/claim/?side=third_party&stance=assert", "/admin/claims/document/"]
)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, url):
    ClaimFactory.create_batch(3)
    few = queries_for(admin_client, url)
    ClaimFactory.create_batch(40)
    assert queries_for(admin_client, url) == few


def test_claim_changelist_shows_claims_escaped(admin_client):
    ClaimFactory(quote="<script>alert(1)</script> shelled the bridge")
    body = admin_client.get("/admin/claims/claim/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; shelled the bridge" in body
    assert "<script>alert(1)</script>" not in body


def test_admin_index_shows_pipeline_status(admin_client):
    DocumentFactory.create_batch(2, status=Document.Status.PENDING)
    DocumentFactory(status=Document.Status.FAILED)
    body = admin_client.get("/admin/").content.decode()
    assert "pending: <strong>2</strong>" in body
    assert "failed: <strong>1</strong>" in body
    assert "queue: <strong>0</strong>" in body


def test_admin_requires_login(client, db):
    response = client.get("/admin/claims/claim/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_document_page_previews_text_escaped(admin_client):
    document = DocumentFactory(text="<b>Officials</b> said that the dam was hit. " * 300)
    body = admin_client.get(f"/admin/claims/document/{document.pk}/change/").content.decode()
    assert "&lt;b&gt;Officials&lt;/b&gt; said that the dam was hit." in body
    assert f"({len(document.text) - 5000:,} more characters)" in body
