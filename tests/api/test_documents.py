"""Documents through the API: ingest (202, 413, 415), status and claim count, the actor registry."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Actor, Document

pytestmark = pytest.mark.django_db

TEXT = "On 2 October the Northland MoD said that Southland shelled the bridge at Tartar.\n"


def test_post_text_answers_202_with_the_document_url(api, conflict, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # extraction is queued on commit, run in-process here
        response = api["editor"].post(
            "/api/v1/documents/",
            {"text": TEXT, "title": "Morning report", "url": "https://news.example/m", "conflict": "north-south"},
        )

    assert response.status_code == 202, response.json()
    document = Document.objects.get()
    assert response.headers["Location"] == f"http://testserver/api/v1/documents/{document.pk}/"
    body = response.json()
    assert (body["href"], body["title"], body["conflict"]) == (
        response.headers["Location"],
        "Morning report",
        "north-south",
    )
    status = api["editor"].get(body["href"]).json()
    assert (status["status"], status["claim_count"]) == ("extracted", document.claims.count())
    assert status["claim_count"] == 1


def test_the_same_text_again_answers_200_with_the_stored_document(api, conflict):
    first = api["editor"].post("/api/v1/documents/", {"text": TEXT})
    again = api["editor"].post("/api/v1/documents/", {"text": TEXT})

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]


def test_post_a_file(api, conflict):
    upload = SimpleUploadedFile("report.txt", TEXT.encode("cp1252"), content_type="text/plain")

    response = api["editor"].post("/api/v1/documents/", {"file": upload, "title": "From a file"}, format="multipart")

    assert response.status_code == 202, response.json()
    assert (response.json()["source_name"], response.json()["title"]) == ("report.txt", "From a file")


def test_over_the_size_limit_is_413_with_the_command_lines_message(api, conflict, settings):
    settings.CLAIMDESK_MAX_DOCUMENT_BYTES = 100
    upload = SimpleUploadedFile("big.txt", b"x" * 101, content_type="text/plain")

    as_text = api["editor"].post("/api/v1/documents/", {"text": "y" * 101})
    as_file = api["editor"].post("/api/v1/documents/", {"file": upload}, format="multipart")

    assert (as_text.status_code, as_file.status_code) == (413, 413)
    assert as_text.json()["detail"] == (
        "The document cannot be stored: the document is 101 bytes, over the limit of 100 bytes "
        "(CLAIMDESK_MAX_DOCUMENT_BYTES)."
    )
    assert as_file.json()["code"] == "too_large"
    assert Document.objects.count() == 0


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(api, conflict, settings):
    settings.CLAIMDESK_MAX_DOCUMENT_BYTES = 100

    response = api["editor"].generic(
        "POST", "/api/v1/documents/", b"{}", content_type="application/json", CONTENT_LENGTH=str(100 + 65 * 1024)
    )

    assert response.status_code == 413


def test_binary_data_is_415_and_unsupported_media_too(api, conflict):
    upload = SimpleUploadedFile("image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, content_type="image/png")

    binary = api["editor"].post("/api/v1/documents/", {"file": upload}, format="multipart")
    xml = api["editor"].generic("POST", "/api/v1/documents/", b"<doc/>", content_type="application/xml")

    assert (binary.status_code, xml.status_code) == (415, 415)
    assert binary.json()["detail"] == "The document cannot be stored: the input looks like binary data, not text."
    assert xml.json()["detail"] == 'Unsupported media type "application/xml" in request.'


def test_empty_text_or_neither_text_nor_file_is_400(api, conflict):
    empty = api["editor"].post("/api/v1/documents/", {"text": "   \n"})
    neither = api["editor"].post("/api/v1/documents/", {"title": "x"})

    assert empty.status_code == 400
    assert empty.json()["errors"] == {"text": ["The document cannot be stored: the document is empty."]}
    assert neither.json()["errors"] == {
        "non_field_errors": ["Send the document either as `text` or as `file`, not both or neither."]
    }


def test_a_conflict_must_be_named_when_there_are_several(api, conflict):
    from tests.factories import ConflictFactory

    ConflictFactory(slug="another")

    response = api["editor"].post("/api/v1/documents/", {"text": TEXT})

    assert response.status_code == 400
    assert response.json()["errors"]["conflict"][0].startswith("There are several conflicts; name one")


def test_documents_list_newest_first(api, conflict):
    from tests.factories import DocumentFactory

    older, newer = DocumentFactory(conflict=conflict), DocumentFactory(conflict=conflict)

    body = api["api_client"].get("/api/v1/documents/").json()

    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    assert body["next"] is None
    assert "text" not in body["results"][0]


def test_actors_are_read_by_every_client_and_written_by_admins(api, conflict):
    listed = api["api_client"].get("/api/v1/actors/").json()["results"]
    assert [row["name"] for row in listed] == ["Northland MoD", "Southland MoD", "Harbour Gazette"]
    assert listed[0]["memberships"] == [
        {"conflict": "north-south", "side": "north", "aliases": ["Northland MoD"], "is_proposed": False}
    ]
    new = {"conflict": "north-south", "name": "Eastern Monitor", "side": "third_party", "aliases": ["the Monitor"]}

    refused = api["editor"].post("/api/v1/actors/", new)
    created = api["admin"].post("/api/v1/actors/", new)

    assert refused.status_code == 403
    assert created.status_code == 201, created.json()
    assert created.json()["memberships"][0]["aliases"] == ["the Monitor"]
    assert Actor.objects.filter(name="Eastern Monitor").count() == 1


def test_actor_with_an_unknown_side_is_400(api, conflict):
    response = api["admin"].post("/api/v1/actors/", {"conflict": "north-south", "name": "X", "side": "west"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "side": [f"Side 'west' is not one of {conflict.name}'s: north, south, third_party."]
    }
