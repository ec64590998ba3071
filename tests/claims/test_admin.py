import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.listing import CappedCountPaginator
from claims.models import Claim, Document
from review import services as review_services
from tests.factories import ClaimFactory, ConflictFactory, DocumentFactory, UserFactory


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


def shown(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def reviewed_claims(count: int, reviewer, editor) -> None:
    """Claims with the new columns filled: an answer, evidence, a verdict approved."""
    for _ in range(count):
        claim = ClaimFactory(locations=["Stepanakert"])
        ClaimFactory(document=claim.document, responds_to=claim, stance=Claim.Stance.DENY)
        review_services.evidence_add(
            claim=claim, user=reviewer, url="https://example.org/a", outlet="Monitor", relation="supports"
        )
        proposal = review_services.verdict_propose(
            claim=claim, user=reviewer, decision="confirmed", rationale="Seen.", expected_version=1
        )
        review_services.verdict_approve(verdict=proposal, user=editor)


CHANGELISTS = [
    "/admin/claims/claim/",
    "/admin/claims/claim/?side=third_party&stance=assert",
    "/admin/claims/claim/?review_state=approved&has_evidence=true",
    "/admin/claims/claim/?verdict=confirmed&claim_type=materiel&stance=assert",
    "/admin/claims/claim/?has_evidence=false",
    "/admin/claims/claim/?q=bridge&place=Stepanakert",
    "/admin/claims/claim/?event_date_after=2020-01-01&event_date_before=2030-01-01",
    "/admin/claims/document/",
]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, url):
    reviewer = UserFactory(username="rev", roles=["analyst"])
    editor = UserFactory(username="edi", roles=["editor"])
    reviewed_claims(2, reviewer, editor)
    few = queries_for(admin_client, url)
    reviewed_claims(20, reviewer, editor)
    ClaimFactory.create_batch(20)
    assert queries_for(admin_client, url) == few


def test_changelist_shows_quote_answer_and_document(admin_client):
    answered = ClaimFactory(quote="Southland shelled the bridge", claimant_mention="The Northland MoD")
    ClaimFactory(
        document=answered.document, responds_to=answered, stance=Claim.Stance.DENY, quote="Southland issued a denial"
    )
    body = admin_client.get("/admin/claims/claim/?stance=deny").content.decode()
    assert '<div class="cd-quote">Southland issued a denial</div>' in body
    assert (
        f'<a href="/admin/claims/claim/{answered.pk}/change/">#{answered.pk}</a> {answered.claimant.name}: '
        '<span class="cd-answered">Southland shelled the bridge</span>'
    ) in body
    assert f'<a href="/admin/claims/document/{answered.document_id}/change/">{answered.document.title}</a>' in body


def test_search_box_uses_the_full_text_search(admin_client):
    ClaimFactory(sentence="Officials said shelling hit Stepanakert overnight.", quote="shelling hit Stepanakert")
    ClaimFactory(sentence="Officials said the bridge was destroyed.", quote="the bridge was destroyed")
    response = admin_client.get("/admin/claims/claim/?q=Stepanakert")
    assert [claim.quote for claim in response.context["cl"].result_list] == ["shelling hit Stepanakert"]
    assert 'name="q" value="Stepanakert"' in response.content.decode()


def test_filters_come_from_the_filterset(admin_client):
    from review.filters import ReviewClaimFilter

    ClaimFactory()
    response = admin_client.get("/admin/claims/claim/")
    assert "_facets" not in response.content.decode()  # counts per choice would each count the table
    cl = response.context["cl"]
    parameters = [name for spec in cl.filter_specs for name in spec.expected_parameters()]
    assert parameters == [
        "review_state",
        "verdict",
        "has_evidence",
        "claim_type",
        "stance",
        "side",
        "conflict",
        "claimant",
        "place",
        "document",
        "event_date_after",
        "event_date_before",
    ]
    assert set(parameters) <= set(ReviewClaimFilter.base_filters) | {"event_date_after", "event_date_before"}


def test_a_filter_value_the_filterset_refuses_is_the_admins_error_page(admin_client):
    response = admin_client.get("/admin/claims/claim/?review_state=nonsense")
    assert (response.status_code, response["Location"]) == (302, "/admin/claims/claim/?e=1")


def test_capped_count_shows_the_cap_and_keeps_later_pages(admin_client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 60)
    ClaimFactory.create_batch(130)
    first = admin_client.get("/admin/claims/claim/?stance=assert")
    body = first.content.decode()
    assert "60+ claims" in body
    assert "61" not in first.context["cl"].paginator.count_display
    assert '<a role="button" href="?p=2&amp;stance=assert">2</a>' in body
    second = admin_client.get("/admin/claims/claim/?stance=assert&p=2")
    assert len(second.context["cl"].result_list) == 50
    assert '<a role="button" href="?p=3&amp;stance=assert">3</a>' in second.content.decode()
    # Past the cap (60 rows) and past the counted pages: still reachable, with its 30 rows.
    third = admin_client.get("/admin/claims/claim/?stance=assert&p=3")
    assert third.status_code == 200
    assert len(third.context["cl"].result_list) == 30
    assert "?p=4&amp;" not in third.content.decode()
    assert admin_client.get("/admin/claims/claim/?stance=assert&p=4")["Location"] == "/admin/claims/claim/?e=1"


def test_exact_counts_under_the_cap_are_shown_as_counted(admin_client):
    ClaimFactory.create_batch(3)
    assert "3 claims" in admin_client.get("/admin/claims/claim/").content.decode()


def test_no_add_claim(admin_client):
    assert admin_client.get("/admin/claims/claim/add/").status_code == 403
    assert "/admin/claims/claim/add/" not in admin_client.get("/admin/claims/claim/").content.decode()


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


def test_document_changelist_never_reads_the_text(admin_client):
    DocumentFactory.create_batch(3)
    with CaptureQueriesContext(connection) as captured:
        assert admin_client.get("/admin/claims/document/").status_code == 200
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "claims_document"' in q["sql"]]
    assert reads
    assert all('"claims_document"."text"' not in sql for sql in reads)


def test_document_page_lists_its_claims_paginated_with_review_state(admin_client):
    document = DocumentFactory()
    claims = [ClaimFactory(document=document, start=n, end=n + 5, quote=f"claim number {n}") for n in range(55)]
    Claim.objects.filter(pk=claims[0].pk).update(review_state="proposed")
    body = admin_client.get(f"/admin/claims/document/{document.pk}/change/").content.decode()
    assert "<h2>Claims (55)</h2>" in body
    assert '<td class="cd-quote">claim number 0</td>' in body
    assert '<span class="cd-badge cd-proposed">Proposed</span>' in body
    assert "claim number 50" not in body
    assert "page 1 of 2" in body
    second = admin_client.get(f"/admin/claims/document/{document.pk}/change/?claims_page=2").content.decode()
    assert '<td class="cd-quote">claim number 54</td>' in second
    assert "claim number 49<" not in second


def test_document_page_previews_text_escaped(admin_client):
    document = DocumentFactory(text="<b>Officials</b> said that the dam was hit. " * 300)
    body = admin_client.get(f"/admin/claims/document/{document.pk}/change/").content.decode()
    assert "&lt;b&gt;Officials&lt;/b&gt; said that the dam was hit." in body
    assert f"({len(document.text) - 5000:,} more characters)" in body


# --- adding documents: through the ingest service --------------------------------------

ADD = "/admin/claims/document/add/"
REPORT = "The Northland MoD said that Southland shelled the bridge at Harbour Town.\n"


def add_document(client, conflict, **data):
    return client.post(ADD, {"conflict": conflict.pk, "title": "", "url": "", "publisher": "", **data}, follow=True)


def test_add_document_from_pasted_text_goes_through_ingest(admin_client, django_capture_on_commit_callbacks):
    conflict = ConflictFactory(slug="north-south")
    with django_capture_on_commit_callbacks(execute=True):
        response = add_document(admin_client, conflict, pasted_text=REPORT, publisher="Wire")
    document = Document.objects.get()
    assert (document.conflict, document.text, document.title, document.publisher) == (
        conflict,
        REPORT,
        REPORT.strip(),
        "Wire",
    )
    assert len(document.sha256) == 64
    assert document.status == Document.Status.EXTRACTED  # the task ran in-process: no broker in tests
    assert shown(response) == [
        ("success", f"Document {document.pk} stored; its claims are extracted in the background.")
    ]


def test_add_document_from_an_uploaded_file_is_decoded_and_flagged(admin_client):
    conflict = ConflictFactory(slug="north-south")
    text = "The caf\u00e9\u2019s owner said that the bridge fell.\n"  # é and a curly apostrophe
    upload = SimpleUploadedFile("report.txt", text.encode("cp1252"))
    add_document(admin_client, conflict, upload=upload)
    document = Document.objects.get()
    assert (document.source_name, document.text) == ("report.txt", text)
    assert document.input_flags == ["decoded_cp1252"]


def test_add_document_twice_is_a_message_not_an_error(admin_client):
    conflict = ConflictFactory(slug="north-south")
    add_document(admin_client, conflict, pasted_text=REPORT)
    document = Document.objects.get()
    response = add_document(admin_client, conflict, pasted_text=REPORT)
    assert response.status_code == 200
    assert Document.objects.count() == 1
    assert shown(response) == [
        ("warning", f"This text is already stored as document {document.pk} (“{document}”); nothing new was added.")
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"pasted_text": "   "}, "Paste the text or upload a file (one of the two)."),
        (
            {"pasted_text": REPORT, "upload": SimpleUploadedFile("a.txt", b"More text.")},
            "Paste the text or upload a file (one of the two).",
        ),
        (
            {"upload": SimpleUploadedFile("a.bin", b"\x00\x01\x02\x03\xff\xfe\x00\x10" * 8)},
            "This cannot be a document: the input looks like binary data, not text.",
        ),
        (
            {"pasted_text": "x" * 150},
            "This cannot be a document: the document is 150 bytes, over the limit of 100 bytes",
        ),
        (
            {"upload": SimpleUploadedFile("big.txt", b"y" * 150)},
            "This cannot be a document: the document is 150 bytes, over the limit of 100 bytes",
        ),
    ],
    ids=["nothing", "both", "binary", "pasted-over-limit", "upload-over-limit"],
)
def test_add_document_refusals_are_form_errors(admin_client, settings, data, error):
    settings.CLAIMDESK_MAX_DOCUMENT_BYTES = 100
    response = add_document(admin_client, ConflictFactory(slug="north-south"), **data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Document.objects.count() == 0


def test_add_document_needs_the_role(db):
    conflict = ConflictFactory(slug="north-south")
    for role, status in (("analyst", 403), ("editor", 302)):
        client = Client()
        client.force_login(UserFactory(username=f"add-{role}", roles=[role]))
        response = client.post(ADD, {"conflict": conflict.pk, "pasted_text": f"{role}: {REPORT}"})
        assert response.status_code == status, role
    assert list(Document.objects.values_list("title", flat=True)) == [f"editor: {REPORT.strip()}"]


def test_add_document_offers_only_the_users_conflicts(db):
    mine, other = ConflictFactory(slug="mine"), ConflictFactory(slug="other")
    editor = UserFactory(username="scoped-editor", roles=["editor"])
    mine.members.add(editor)
    client = Client()
    client.force_login(editor)
    response = client.post(ADD, {"conflict": other.pk, "pasted_text": REPORT})
    assert "Select a valid choice." in response.content.decode()
    assert Document.objects.count() == 0


# --- who sees and does what ---------------------------------------------------------------


def test_lists_are_limited_to_the_users_conflicts(db):
    mine, other = ConflictFactory(slug="mine"), ConflictFactory(slug="other")
    kept = ClaimFactory(document=DocumentFactory(conflict=mine))
    ClaimFactory(document=DocumentFactory(conflict=other))
    analyst = UserFactory(username="scoped", roles=["analyst"])
    mine.members.add(analyst)
    client = Client()
    client.force_login(analyst)
    assert list(client.get("/admin/claims/claim/").context["cl"].result_list) == [kept]
    assert list(client.get("/admin/claims/document/").context["cl"].result_list) == [kept.document]
    assert [c.slug for c in client.get("/admin/claims/conflict/").context["cl"].result_list] == ["mine"]


def post_action(client, url, action, ids):
    data = {"action": action, "index": "0", "_selected_action": [str(pk) for pk in ids]}
    return client.post(url, data, follow=True)


def offered_actions(client, url) -> set[str]:
    form = client.get(url).context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices if name}


def test_reextract_action_needs_the_role(db):
    document = DocumentFactory()
    for role, offered in (("analyst", False), ("editor", True)):
        client = Client()
        client.force_login(UserFactory(username=f"re-{role}", roles=[role]))
        assert ("reextract" in offered_actions(client, "/admin/claims/document/")) is offered, role
    analyst = Client()
    analyst.force_login(UserFactory(username="re-analyst"))
    response = post_action(analyst, "/admin/claims/document/", "reextract", [document.pk])
    assert shown(response) == []
    document.refresh_from_db()
    assert (document.status, document.attempts) == (Document.Status.EXTRACTED, 0)


def test_reextract_action_queues_the_documents(db, django_capture_on_commit_callbacks):
    document = DocumentFactory(text=REPORT)
    client = Client()
    client.force_login(UserFactory(username="re-ed", roles=["editor"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, "/admin/claims/document/", "reextract", [document.pk])
    assert shown(response) == [("success", "1 documents queued for extraction.")]
    document.refresh_from_db()
    assert (document.status, document.attempts) == (Document.Status.EXTRACTED, 1)  # extracted in-process


def test_retag_action_skips_reviewed_claims_and_needs_the_admin_role(admin_client, db):
    untouched = ClaimFactory(tagger_version="old")
    corrected = ClaimFactory(tagger_version="old")
    analyst = UserFactory(username="tagger-analyst", roles=["analyst"])
    review_services.claim_correct(claim=corrected, user=analyst, expected_version=0, stance="deny")
    for role in ("analyst", "editor"):
        client = Client()
        client.force_login(UserFactory(username=f"rt-{role}", roles=[role]))
        assert "retag" not in offered_actions(client, "/admin/claims/claim/"), role
        post_action(client, "/admin/claims/claim/", "retag", [untouched.pk])
        untouched.refresh_from_db()
        assert untouched.tagger_version == "old", role
    response = post_action(admin_client, "/admin/claims/claim/", "retag", [untouched.pk, corrected.pk])
    assert shown(response) == [
        ("success", "1 claims queued for pre-tagging (corrected and reviewed ones left as they are).")
    ]
    untouched.refresh_from_db()
    corrected.refresh_from_db()
    assert untouched.tagger_version != "old"
    assert (corrected.tagger_version, corrected.stance) == ("old", "deny")


def test_retag_action_with_only_reviewed_claims_says_so(admin_client):
    corrected = ClaimFactory()
    analyst = UserFactory(username="tagger-analyst", roles=["analyst"])
    review_services.claim_correct(claim=corrected, user=analyst, expected_version=0, stance="deny")
    response = post_action(admin_client, "/admin/claims/claim/", "retag", [corrected.pk])
    assert shown(response) == [
        ("warning", "None of the selected claims may be re-tagged: a person corrected or reviewed them.")
    ]


def test_retag_action_reports_a_broker_that_is_down(admin_client, use_broker):
    claim = ClaimFactory(tagger_version="old")
    use_broker("redis://127.0.0.1:9/0")  # nothing listens on the discard port
    response = post_action(admin_client, "/admin/claims/claim/", "retag", [claim.pk])
    assert shown(response) == [
        ("error", "Pre-tagging was not queued: the broker is unreachable; 0 claims were queued before it failed.")
    ]


def test_reextract_action_reports_a_broker_that_is_down(admin_client, use_broker):
    document = DocumentFactory(text=REPORT)
    use_broker("redis://127.0.0.1:9/0")
    response = post_action(admin_client, "/admin/claims/document/", "reextract", [document.pk])
    assert shown(response) == [
        (
            "error",
            "1 documents are pending extraction, but the broker is unreachable: they are queued once it is back.",
        )
    ]
    document.refresh_from_db()
    assert document.status == Document.Status.PENDING


# --- signing in ---------------------------------------------------------------------------------


def test_failed_admin_logins_are_limited_and_logged(db, caplog, settings):
    get_user_model().objects.create_user("target", password="the-right-password-1", is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.7")
    form = {"username": "target", "next": "/admin/"}
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = client.post("/admin/login/", {**form, "password": "wrong"})
            assert response.status_code == 200
            assert "Please enter the correct username and password" in response.content.decode()
        locked = client.post("/admin/login/", {**form, "password": "wrong"})
        after = client.post("/admin/login/", {**form, "password": "the-right-password-1"})
    assert (locked.status_code, after.status_code) == (429, 429)
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "target",
        "203.0.113.7",
        settings.AXES_FAILURE_LIMIT + 1,  # the right password, tried while locked out, counts too
    )
    failures = [r for r in caplog.records if r.name.startswith("axes") and "login failure by" in r.getMessage()]
    assert len(failures) == settings.AXES_FAILURE_LIMIT + 1
