"""The review workspace's pages: what they show, who may use them, what they write, how many queries."""

import datetime
import logging
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from review import services
from review.models import AuditEvent, Evidence, Verdict
from tests.factories import ActorFactory, ClaimFactory, DocumentFactory, UserFactory

SITE = "http://testserver"


def _login(client, user):
    client.force_login(user)
    return client


def _evidence(claim, user, relation="supports"):
    return services.evidence_add(
        claim=claim, user=user, url="https://harbour.example/report", outlet="Harbour Gazette", relation=relation
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- access ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, args",
    [
        ("review:home", []),
        ("review:queue", []),
        ("review:next", []),
        ("review:claim", ["pk"]),
        ("review:document", ["doc"]),
    ],
)
def test_workspace_pages_need_login_and_a_reviewer_role(client, claim, analyst, name, args):
    values = {"pk": claim.pk, "doc": claim.document_id}
    url = reverse(name, args=[values[a] for a in args])
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/admin/login/?next={url}"
    _login(client, UserFactory(username="staff-no-role"))
    assert client.get(url).status_code == 403
    _login(client, UserFactory(username="api", roles=["api_client"]))
    assert client.get(url).status_code == 403
    _login(client, analyst)
    assert client.get(url).status_code in (200, 302)


@pytest.mark.django_db
def test_workspace_approvals_are_for_editors_only(client, claim, analyst, other_analyst, editor):
    _evidence(claim, analyst)
    verdict = services.verdict_propose(
        claim=claim, user=analyst, decision="confirmed", rationale="Harbour Gazette saw it.", expected_version=1
    )
    _login(client, other_analyst)
    assert client.get(reverse("review:approvals")).status_code == 403
    assert client.post(reverse("review:verdict-approve", args=[verdict.pk])).status_code == 403
    verdict.refresh_from_db()
    assert verdict.state == Verdict.State.PROPOSED
    _login(client, editor)
    page = client.get(reverse("review:approvals"))
    assert [row.pk for row in page.context["proposals"]] == [verdict.pk]
    done = client.post(reverse("review:verdict-approve", args=[verdict.pk]), {"from": "approvals"})
    assert done["Location"] == reverse("review:approvals")
    verdict.refresh_from_db()
    claim.refresh_from_db()
    assert (verdict.state, verdict.decided_by, claim.verdict) == (Verdict.State.APPROVED, editor, "confirmed")


@pytest.mark.django_db
def test_workspace_editor_does_not_see_own_proposal_to_approve(client, claim, editor):
    _evidence(claim, editor)
    services.verdict_propose(claim=claim, user=editor, decision="confirmed", rationale="Seen.", expected_version=1)
    _login(client, editor)
    assert list(client.get(reverse("review:approvals")).context["proposals"]) == []
    page = client.get(reverse("review:claim", args=[claim.pk]))
    assert page.context["may_decide"] is False
    assert b'id="approve-form"' not in page.content


@pytest.mark.django_db
def test_workspace_writes_need_post_and_csrf(claim, analyst):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    url = reverse("review:verdict-propose", args=[claim.pk])
    assert client.get(url).status_code == 405
    refused = client.post(url, {"decision": "unverified", "rationale": "x", "expected_version": 0})
    assert refused.status_code == 403
    claim.refresh_from_db()
    assert claim.review_state == "unreviewed"


@pytest.mark.django_db
def test_workspace_claim_of_a_hidden_conflict_is_not_found(client, claim, analyst):
    from tests.factories import ConflictFactory

    other = ConflictFactory(slug="elsewhere")
    other.members.add(analyst)
    _login(client, analyst)
    assert client.get(reverse("review:claim", args=[claim.pk])).status_code == 404
    assert client.get(reverse("review:document", args=[claim.document_id])).status_code == 404


# --- the review page ---------------------------------------------------------------


@pytest.fixture
def story(conflict, analyst):
    """A document of five sentences; the middle one holds Northland's claim, later denied by Southland."""
    sentences = [
        "Fighting began at dawn.",
        "Roads were closed.",
        "The Northland MoD said that Southland shelled the bridge at Ostrava.",
        "Southland MoD denied the claim.",
        "Residents fled.",
        "Night fell.",
    ]
    text = " ".join(sentences)
    document = DocumentFactory(conflict=conflict, text=text, title="Morning report")
    northland, southland = ActorFactory(name="Northland MoD"), ActorFactory(name="Southland MoD")
    quote = "Southland shelled the bridge at Ostrava"
    claim = ClaimFactory(
        document=document,
        claimant=northland,
        claimant_mention="The Northland MoD",
        side="north",
        claim_type=Claim.Type.ATTACK,
        sentence=sentences[2],
        quote=quote,
        start=text.index(quote),
        end=text.index(quote) + len(quote),
        event_date=datetime.date(2020, 10, 4),
        locations=["Ostrava"],
        confidence=0.8,
    )
    denial = ClaimFactory(
        document=document,
        claimant=southland,
        claimant_mention="Southland MoD",
        side="south",
        stance=Claim.Stance.DENY,
        claim_type=Claim.Type.ATTACK,
        sentence=sentences[3],
        quote="Southland MoD denied the claim",
        start=text.index(sentences[3]),
        end=text.index(sentences[3]) + len(sentences[3]) - 1,
        event_date=datetime.date(2020, 10, 4),
        responds_to=claim,
    )
    return claim, denial


@pytest.mark.django_db
def test_workspace_review_page_shows_quote_in_context_and_answers(client, story, analyst):
    claim, denial = story
    page = _login(client, analyst).get(reverse("review:claim", args=[claim.pk]))
    assert page.status_code == 200
    text = page.context["text"]
    assert text.before == ["Fighting began at dawn.", "Roads were closed."]
    assert (text.lead, text.quote, text.tail) == ("The Northland MoD said that ", claim.quote, ".")
    assert text.after == ["Southland MoD denied the claim.", "Residents fled."]
    html = page.content.decode()
    assert f'<mark id="quote">{claim.quote}</mark>' in html
    assert [answer.pk for answer in page.context["answers"]] == [denial.pk]
    assert page.context["registered"] is True
    assert page.context["document_url"] == f"/review/documents/{claim.document_id}/?page=1#claim-{claim.pk}"
    denial_page = client.get(reverse("review:claim", args=[denial.pk]))
    assert denial_page.context["claim"].responds_to == claim
    assert f'href="/review/claims/{claim.pk}/"' in denial_page.content.decode()


@pytest.mark.django_db
def test_workspace_related_claims_share_a_day_and_a_place_or_the_wording(story, analyst, conflict):
    claim, _denial = story
    other_doc = DocumentFactory(conflict=conflict)
    same_place = ClaimFactory(document=other_doc, event_date=datetime.date(2020, 10, 5), locations=["Ostrava"])
    same_words = ClaimFactory(
        document=other_doc,
        event_date=datetime.date(2020, 10, 3),
        sentence="Radio Harbour reported that Southland shelled the bridge at Ostrava overnight.",
        quote="Southland shelled the bridge at Ostrava overnight",
    )
    ClaimFactory(document=other_doc, event_date=datetime.date(2020, 10, 7), locations=["Ostrava"])  # too late
    ClaimFactory(document=other_doc, event_date=datetime.date(2020, 10, 4), locations=["Elsewhere"])  # no overlap
    from review.workspace import related_claims

    found = related_claims(claim, visible=Claim.objects.all())
    assert [c.pk for c in found] == [same_words.pk, same_place.pk]  # the denial shares neither


@pytest.mark.django_db
def test_workspace_review_page_escapes_markup_in_claims(client, conflict, analyst):
    evil = '<script>alert("x")</script><b>bold</b>'
    claim = ClaimFactory(
        document=DocumentFactory(conflict=conflict, text=f"The ministry said that {evil}.", title="<i>t</i>"),
        sentence=f"The ministry said that {evil}.",
        quote=evil,
        start=23,
        end=23 + len(evil),
        claimant_mention='<img src=x onerror="alert(1)">',
        locations=["<u>Town</u>"],
    )
    html = _login(client, analyst).get(reverse("review:claim", args=[claim.pk])).content.decode()
    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;u&gt;Town&lt;/u&gt;" in html


@pytest.mark.django_db
def test_workspace_correcting_a_field_in_place_and_a_stale_version(client, story, analyst, other_analyst):
    claim, _ = story
    _login(client, analyst)
    url = reverse("review:claim-correct", args=[claim.pk])
    saved = client.post(url, {"field": "locations", "value": "Ostrava, Lenka", "expected_version": 0}, follow=True)
    claim.refresh_from_db()
    assert claim.locations == ["Ostrava", "Lenka"]
    assert claim.version == 1
    assert _messages(saved) == ["Saved locations."]
    # Someone else's correction meanwhile: the stale form is refused and says what changed.
    services.claim_correct(claim=claim, user=other_analyst, expected_version=1, claim_type="casualties")
    stale = client.post(url, {"field": "time", "value": "08:30", "expected_version": 1}, follow=True)
    claim.refresh_from_db()
    assert claim.time is None
    (message,) = _messages(stale)
    assert message.startswith(
        "This claim changed since you loaded it (version 1, now 2): bo corrected claim_type attack"
    )
    assert "→ casualties" in message
    assert "Nothing was saved" in message


@pytest.mark.django_db
def test_workspace_claimant_correction_by_name(client, story, analyst):
    claim, _ = story
    _login(client, analyst).post(
        reverse("review:claim-correct", args=[claim.pk]),
        {"field": "claimant", "value": "Harbour Gazette", "expected_version": 0},
    )
    claim.refresh_from_db()
    assert (claim.claimant.name, claim.side) == ("Harbour Gazette", "third_party")


@pytest.mark.django_db
def test_workspace_evidence_suggestions_and_verdict(client, story, analyst, conflict):
    claim, _ = story
    monitor = ClaimFactory(
        document=claim.document,
        claimant=ActorFactory(name="Harbour Gazette"),
        side="third_party",
        stance=Claim.Stance.CONFIRM,
        responds_to=claim,
        sentence="Harbour Gazette confirmed the shelling.",
    )
    _login(client, analyst)
    page = client.get(reverse("review:claim", args=[claim.pk]))
    assert [s.pk for s in page.context["suggestions"]] == [monitor.pk]
    client.post(reverse("review:suggestion", args=[claim.pk, monitor.pk]), {"action": "accept"})
    added = client.post(
        reverse("review:evidence-add", args=[claim.pk]),
        {"url": "https://north.example/tv", "outlet": "Northland State TV", "relation": "supports", "published": ""},
    )
    assert added["Location"] == reverse("review:claim", args=[claim.pk]) + "#evidence"
    evidence = list(Evidence.objects.filter(claim=claim).order_by("id").values_list("outlet", "independent"))
    assert evidence == [("Harbour Gazette", True), ("Northland State TV", False)]
    bad = client.post(
        reverse("review:evidence-add", args=[claim.pk]),
        {"url": "javascript:alert(1)", "outlet": "X", "relation": "supports"},
        follow=True,
    )
    assert _messages(bad)[-1:] == [
        "The evidence URL must be an http:// or https:// address, not 'javascript:alert(1)'."
    ]
    claim.refresh_from_db()
    client.post(
        reverse("review:verdict-propose", args=[claim.pk]),
        {"decision": "confirmed", "rationale": "An independent paper saw it.", "expected_version": claim.version},
    )
    claim.refresh_from_db()
    assert claim.review_state == "proposed"
    page = client.get(reverse("review:claim", args=[claim.pk]))
    actions = [event.action for event, _ in page.context["history"]]
    assert actions == ["verdict.proposed", "evidence.added", "suggestion.accepted"]
    assert page.context["pending"].decision == "confirmed"


@pytest.mark.django_db
def test_workspace_verdict_refused_without_evidence_says_why(client, story, analyst):
    claim, _ = story
    response = _login(client, analyst).post(
        reverse("review:verdict-propose", args=[claim.pk]),
        {"decision": "denied", "rationale": "No.", "expected_version": 0},
        follow=True,
    )
    assert _messages(response)[0].startswith("A claim can be denied only with at least one independent evidence item")
    claim.refresh_from_db()
    assert claim.review_state == "unreviewed"


@pytest.mark.django_db
def test_workspace_editor_rejects_with_a_reason(client, story, analyst, editor):
    claim, _ = story
    verdict = services.verdict_propose(
        claim=claim, user=analyst, decision="unverified", rationale="Nothing found.", expected_version=0
    )
    _login(client, editor)
    page = client.get(reverse("review:claim", args=[claim.pk]))
    assert page.context["may_decide"] is True
    client.post(reverse("review:verdict-reject", args=[verdict.pk]), {"reason": "Look at the TV footage."})
    verdict.refresh_from_db()
    assert (verdict.state, verdict.decision_note) == (Verdict.State.REJECTED, "Look at the TV footage.")


def test_workspace_claim_permalink_is_the_review_page(settings):
    settings.CLAIMDESK_SITE_URL = "https://claimdesk.example.org/"
    assert services.claim_permalink(42) == "https://claimdesk.example.org/review/claims/42/"


# --- documents and dashboard -----------------------------------------------------


@pytest.mark.django_db
def test_workspace_document_page_lists_claims_in_text_order_paginated(client, conflict, analyst):
    document = DocumentFactory(conflict=conflict)
    claims = [ClaimFactory(document=document, start=1000 - i, end=1001 - i) for i in range(55)]
    _login(client, analyst)
    first = client.get(reverse("review:document", args=[document.pk]))
    listed = [c.pk for c in first.context["page"]]
    assert listed == [c.pk for c in reversed(claims)][:50]
    second = client.get(reverse("review:document", args=[document.pk]), {"page": 2})
    assert [c.pk for c in second.context["page"]] == [c.pk for c in reversed(claims)][50:]
    assert f'id="claim-{claims[0].pk}"' in second.content.decode()


@pytest.mark.django_db
def test_workspace_dashboard_answers_while_the_shared_cache_is_down(client, conflict, analyst, settings, caplog):
    from bench.stack import free_port

    ClaimFactory(document=DocumentFactory(conflict=conflict))
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with caplog.at_level(logging.WARNING, logger="review.workspace"):
        page = _login(client, analyst).get(reverse("review:home"))

    assert page.status_code == 200
    assert page.context["figures"]["by_state"]["unreviewed"] == 1
    assert any(record.getMessage().startswith("The cache does not answer") for record in caplog.records)


@pytest.mark.django_db
def test_workspace_dashboard_figures_and_escaped_charts(client, conflict, analyst, editor):
    evil = ActorFactory(name="<script>x</script> Agency")
    doc = DocumentFactory(conflict=conflict)
    for day in (1, 1, 2):
        ClaimFactory(document=doc, claimant=evil, side="north", event_date=datetime.date(2020, 10, day))
    target = ClaimFactory(document=doc, claimant=evil, side="south", event_date=datetime.date(2020, 10, 2))
    services.evidence_add(
        claim=target, user=analyst, url="https://h.example/", outlet="Harbour Gazette", relation="refutes"
    )
    verdict = services.verdict_propose(
        claim=target, user=analyst, decision="denied", rationale="Refuted.", expected_version=1
    )
    services.verdict_approve(verdict=verdict, user=editor)
    from django.core.cache import cache

    cache.clear()
    page = _login(client, analyst).get(reverse("review:home"))
    figures = page.context["figures"]
    assert figures["by_state"] == {"unreviewed": 3, "proposed": 0, "approved": 1, "rejected": 0}
    assert figures["per_side"] == [("2020-10-01", "north", 2), ("2020-10-02", "north", 1), ("2020-10-02", "south", 1)]
    assert figures["busiest"] == [("<script>x</script> Agency", 4, 1)]
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    assert figures["decided"] == [(today, "denied", 1)]
    html = page.content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; Agency</text>" in html
    assert "4 · 25% denied</text>" in html
    assert len(re.findall(r'<svg class="chart"', html)) == 4


# --- a fixed number of queries -------------------------------------------------------


def _busy_claim(story, analyst, conflict, extra: int):
    """The story's claim with `extra` more of everything the page lists."""
    claim, _ = story
    for i in range(extra):
        ClaimFactory(document=claim.document, responds_to=claim, stance="deny", event_date=claim.event_date)
        ClaimFactory(document=claim.document, event_date=claim.event_date, locations=["Ostrava"])
        services.evidence_add(
            claim=claim, user=analyst, url=f"https://h.example/{i}", outlet="Harbour Gazette", relation="supports"
        )
    return claim


REVIEW_PAGE_QUERIES = 17


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 6])
def test_workspace_review_page_query_count_is_fixed(client, story, analyst, conflict, extra, django_assert_num_queries):
    claim = _busy_claim(story, analyst, conflict, extra)
    _login(client, analyst)
    with django_assert_num_queries(REVIEW_PAGE_QUERIES):
        assert client.get(reverse("review:claim", args=[claim.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 6])
def test_workspace_queue_page_and_next_query_counts_are_fixed(
    client, story, analyst, conflict, extra, django_assert_num_queries
):
    _busy_claim(story, analyst, conflict, extra)
    _login(client, analyst)
    with django_assert_num_queries(12):
        assert client.get(reverse("review:queue"), {"side": "north"}).status_code == 200
    with django_assert_num_queries(11):  # the same filters as the queue's: the session is not written again
        assert client.get(reverse("review:next"), {"side": "north"}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 6])
def test_workspace_dashboard_query_count_is_fixed(client, story, analyst, conflict, extra, django_assert_num_queries):
    from django.core.cache import cache

    _busy_claim(story, analyst, conflict, extra)
    cache.clear()
    _login(client, analyst)
    with django_assert_num_queries(13):  # no snapshot yet: the page computes the figures
        client.get(reverse("review:home"))
    with django_assert_num_queries(8):  # then the process keeps them for two minutes
        client.get(reverse("review:home"))


@pytest.mark.django_db
def test_workspace_today_counts_are_the_users_own(client, story, analyst, other_analyst):
    claim, _ = story
    services.claim_correct(claim=claim, user=analyst, expected_version=0, time="09:00")
    _evidence(claim, analyst)
    _evidence(claim, other_analyst)
    services.verdict_propose(claim=claim, user=analyst, decision="confirmed", rationale="Seen.", expected_version=3)
    page = _login(client, analyst).get(reverse("review:queue"))
    assert page.context["today"] == {"proposed": 1, "decided": 0, "evidence": 1, "corrected": 1}
    assert AuditEvent.objects.filter(username="bo").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("proposals", [1, 5])
def test_workspace_approvals_and_document_query_counts_are_fixed(
    client, conflict, analyst, editor, proposals, django_assert_num_queries
):
    document = DocumentFactory(conflict=conflict)
    for _ in range(proposals):
        claim = ClaimFactory(document=document, responds_to=ClaimFactory(document=document))
        services.verdict_propose(claim=claim, user=analyst, decision="unverified", rationale="-", expected_version=0)
    _login(client, editor)
    with django_assert_num_queries(7):
        assert len(client.get(reverse("review:approvals")).context["proposals"]) == proposals
    with django_assert_num_queries(8):
        assert len(client.get(reverse("review:document", args=[document.pk])).context["page"]) == 2 * proposals


@pytest.mark.django_db
def test_workspace_review_page_links_to_the_documents_page_of_the_claim_and_flags_proposed_claimants(
    client, conflict, analyst
):
    from tests.factories import MembershipFactory

    document = DocumentFactory(conflict=conflict)
    guessed = ActorFactory(name="Unknown Brigade")
    MembershipFactory(actor=guessed, conflict=conflict, side="third_party", is_proposed=True)
    claims = [ClaimFactory(document=document, start=10 * i, end=10 * i + 5) for i in range(52)]
    claims[51].claimant = guessed
    claims[51].save()
    page = _login(client, analyst).get(reverse("review:claim", args=[claims[51].pk]))
    assert page.context["document_url"] == f"/review/documents/{document.pk}/?page=2#claim-{claims[51].pk}"
    assert page.context["registered"] is False
    assert "not in the registry (proposed)" in page.content.decode()
    assert (
        client.get(reverse("review:claim", args=[claims[0].pk]))
        .context["document_url"]
        .startswith(f"/review/documents/{document.pk}/?page=1#")
    )


@pytest.mark.django_db
def test_workspace_dashboard_reads_the_snapshot_the_task_keeps(
    client, story, analyst, conflict, django_assert_num_queries
):
    from django.core.cache import cache

    from review.models import DashboardSnapshot
    from review.tasks import refresh_dashboard

    refresh_dashboard()
    refresh_dashboard()  # runs twice: one snapshot per scope, recomputed
    assert sorted(DashboardSnapshot.objects.values_list("scope", flat=True)) == sorted(["all", str(conflict.pk)])
    ClaimFactory(document=story[0].document)  # after the snapshot: shown at the next refresh
    cache.clear()
    _login(client, analyst)
    with django_assert_num_queries(8):  # one row, no aggregate over the claims
        page = client.get(reverse("review:home"))
    assert page.context["figures"]["by_state"]["unreviewed"] == 2
    refresh_dashboard()
    assert client.get(reverse("review:home")).context["figures"]["by_state"]["unreviewed"] == 3


@pytest.mark.django_db
def test_workspace_dashboard_computes_its_own_figures_when_the_snapshot_is_old(client, story, analyst):
    from django.core.cache import cache

    from review.models import DashboardSnapshot
    from review.tasks import refresh_dashboard

    refresh_dashboard()
    ClaimFactory(document=story[0].document)
    DashboardSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(minutes=11))
    cache.clear()
    page = _login(client, analyst).get(reverse("review:home"))
    assert page.context["figures"]["by_state"]["unreviewed"] == 3


@pytest.mark.django_db
def test_workspace_dashboard_refresh_without_claims(db):
    from review.models import DashboardSnapshot
    from review.tasks import refresh_dashboard

    refresh_dashboard()
    (snapshot,) = DashboardSnapshot.objects.all()
    assert snapshot.scope == "all"
    assert snapshot.figures["by_state"] == {"unreviewed": 0, "proposed": 0, "approved": 0, "rejected": 0}
    assert (snapshot.figures["per_side"], snapshot.figures["busiest"]) == ([], [])


@pytest.mark.redis
@pytest.mark.django_db
def test_workspace_dashboard_with_an_old_snapshot_queues_its_refresh_once(
    client, story, analyst, broker_url, use_broker
):
    import json

    import redis
    from django.core.cache import cache

    from review.models import DashboardSnapshot
    from review.tasks import refresh_dashboard
    from tests.conftest import TEST_QUEUE

    refresh_dashboard()
    DashboardSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(minutes=3))
    cache.clear()
    use_broker(broker_url)
    _login(client, analyst)
    shown = client.get(reverse("review:home")).context["figures"]
    assert shown["by_state"]["unreviewed"] == 2  # the snapshot it has, while a worker makes a new one
    client.get(reverse("review:home"))  # asked once per two minutes, not per view
    messages = redis.Redis.from_url(broker_url).lrange(TEST_QUEUE, 0, -1)
    assert [json.loads(m)["headers"]["task"] for m in messages] == ["review.refresh_dashboard"]
