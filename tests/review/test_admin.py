"""Verification from the claim's admin page: every action through review.services, refusals as messages."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from claims.models import Claim
from review import services
from review.models import AuditEvent, Evidence, Verdict
from tests.factories import ClaimFactory, UserFactory

PAGE = "/admin/claims/claim/{}/change/"
VERIFY = "/admin/claims/claim/{}/verify/{}/"


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_version(client, claim) -> int:
    body = client.get(PAGE.format(claim.pk)).content.decode()
    return int(re.search(r'<input type="hidden" name="version" value="(\d+)"', body).group(1))


def correction(claim, version, **changes) -> dict:
    """The change form as the page posts it: every field, with `changes` applied."""
    data = {
        "claimant": claim.claimant_id or "",
        "side": claim.side,
        "claimant_mention": claim.claimant_mention,
        "stance": claim.stance,
        "claim_type": claim.claim_type,
        "event_date": claim.event_date.isoformat() if claim.event_date else "",
        "time": "",
        "locations": ", ".join(claim.locations),
        "version": version,
        "_save": "Save",
    }
    data.update(changes)
    return data


def shown(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sessions_saving_one_claim_give_one_success_and_one_refusal(claim, analyst, other_analyst):
    first, second = session(analyst), session(other_analyst)
    assert (page_version(first, claim), page_version(second, claim)) == (0, 0)

    saved = first.post(PAGE.format(claim.pk), correction(claim, 0, stance="deny"), follow=True)
    refused = second.post(PAGE.format(claim.pk), correction(claim, 0, claim_type="casualties"), follow=True)

    claim.refresh_from_db()
    assert (claim.stance, claim.claim_type, claim.version) == ("deny", "attack", 1)
    assert shown(saved)[0][0] == "success"
    assert shown(saved)[0][1].startswith(f"Claim {claim.pk}: ana corrected stance assert → deny at ")
    level, message = shown(refused)[0]
    assert level == "error"
    assert message.startswith(
        "This claim changed since you loaded it (version 0, now 1): ana corrected stance assert → deny"
    )
    assert message.endswith("Nothing was saved; reload the claim and apply your change again.")
    assert list(claim.audit_events.values_list("seq", "username")) == [(1, "ana")]
    # The refusal's page is the claim as it is now, at its new version.
    assert page_version(second, claim) == 1


def test_correction_records_before_and_after_in_the_history(claim, analyst):
    client = session(analyst)
    client.post(PAGE.format(claim.pk), correction(claim, 0, locations="Stepanakert, Shusha", side="south"))
    claim.refresh_from_db()
    assert (claim.locations, claim.side, claim.version) == (["Stepanakert", "Shusha"], "south", 1)
    body = client.get(PAGE.format(claim.pk)).content.decode()
    history = body[body.index('id="history"') :]
    assert "side: <del>north</del> → <ins>south</ins>" in history
    assert "locations: <del>(blank)</del> → <ins>Stepanakert, Shusha</ins>" in history


def test_an_unchanged_form_writes_nothing(claim, analyst):
    response = session(analyst).post(PAGE.format(claim.pk), correction(claim, 0), follow=True)
    claim.refresh_from_db()
    assert claim.version == 0
    assert shown(response) == [("info", "Nothing to correct: those are the claim's values already.")]


def test_a_bad_value_is_refused_with_the_rule(claim, analyst):
    response = session(analyst).post(PAGE.format(claim.pk), correction(claim, 0, event_date="2020-13-40"), follow=True)
    claim.refresh_from_db()
    assert claim.version == 0
    # The form refuses it before the service is asked: the admin shows the field's error.
    assert "Enter a valid date." in response.content.decode()


def add_evidence(client, claim, version, outlet="Harbour Gazette", relation="supports"):
    return client.post(
        VERIFY.format(claim.pk, "evidence-add"),
        {"version": version, "url": "https://harbour.example/shelling", "outlet": outlet, "relation": relation},
        follow=True,
    )


def test_verification_from_the_page_end_to_end(claim, analyst, editor):
    ana, ed = session(analyst), session(editor)
    assert shown(add_evidence(ana, claim, 0)) == [("success", "Evidence from Harbour Gazette added (independent).")]
    assert shown(add_evidence(ana, claim, 1, outlet="Northland State TV")) == [
        ("success", "Evidence from Northland State TV added (not independent).")
    ]
    body = ana.get(PAGE.format(claim.pk)).content.decode()
    evidence = body[body.index('id="evidence"') : body.index('id="verdicts"')]
    assert '<span class="cd-independent">independent</span>' in evidence
    assert '<span class="cd-not-independent">not independent</span> (Northland State TV)' in evidence

    proposed = ana.post(
        VERIFY.format(claim.pk, "verdict-propose"),
        {"version": 2, "decision": "confirmed", "rationale": "The Gazette's correspondent saw it."},
        follow=True,
    )
    assert shown(proposed)[0][0] == "success"
    verdict = Verdict.objects.get(claim=claim)
    approved = ed.post(VERIFY.format(claim.pk, "verdict-approve"), {"version": 3, "verdict": verdict.pk}, follow=True)
    assert shown(approved) == [("success", "Verdict “Confirmed” approved: it is now the claim's verdict.")]

    claim.refresh_from_db()
    assert (claim.review_state, claim.verdict, claim.version) == ("approved", "confirmed", 4)
    assert list(claim.audit_events.values_list("action", "username")) == [
        ("evidence.added", "ana"),
        ("evidence.added", "ana"),
        ("verdict.proposed", "ana"),
        ("verdict.approved", "ed"),
    ]
    history = ed.get(PAGE.format(claim.pk)).content.decode()
    assert "review_state: <del>proposed</del> → <ins>approved</ins>" in history


def test_rejecting_and_removing_evidence_from_the_page(claim, analyst, editor):
    ana, ed = session(analyst), session(editor)
    add_evidence(ana, claim, 0, relation="context")
    ana.post(
        VERIFY.format(claim.pk, "verdict-propose"), {"version": 1, "decision": "unverified", "rationale": "No access."}
    )
    verdict = Verdict.objects.get(claim=claim)
    rejected = ed.post(
        VERIFY.format(claim.pk, "verdict-reject"), {"version": 2, "verdict": verdict.pk, "reason": "Ask the monitors."}
    )
    assert rejected.status_code == 302
    evidence = Evidence.objects.get(claim=claim)
    ed.post(VERIFY.format(claim.pk, "evidence-remove"), {"version": 3, "evidence": evidence.pk, "reason": "Duplicate."})
    claim.refresh_from_db()
    evidence.refresh_from_db()
    verdict.refresh_from_db()
    assert (claim.review_state, claim.version) == ("rejected", 4)
    assert (verdict.state, verdict.decision_note) == ("rejected", "Ask the monitors.")
    assert (evidence.is_removed, evidence.removal_reason) == (True, "Duplicate.")


def test_suggestions_are_accepted_and_dismissed_from_the_page(claim, analyst, conflict):
    monitor = ClaimFactory(
        document=claim.document,
        responds_to=claim,
        side="third_party",
        stance=Claim.Stance.CONFIRM,
        quote="monitors confirmed",
    )
    other = ClaimFactory(
        document=claim.document,
        responds_to=claim,
        side="third_party",
        stance=Claim.Stance.DENY,
        quote="a monitor denied",
    )
    ana = session(analyst)
    body = ana.get(PAGE.format(claim.pk)).content.decode()
    assert body.count('name="source_claim"') == 4  # accept and dismiss, for each suggestion
    accepted = ana.post(
        VERIFY.format(claim.pk, "suggestion-accept"), {"version": 0, "source_claim": monitor.pk}, follow=True
    )
    dismissed = ana.post(
        VERIFY.format(claim.pk, "suggestion-dismiss"), {"version": 1, "source_claim": other.pk}, follow=True
    )
    assert shown(accepted) == [("success", f"Claim {monitor.pk} accepted as evidence.")]
    assert shown(dismissed) == [("success", f"Claim {other.pk} dismissed as evidence.")]
    assert list(claim.audit_events.values_list("action", flat=True)) == ["suggestion.accepted", "suggestion.dismissed"]
    assert 'name="source_claim"' not in ana.get(PAGE.format(claim.pk)).content.decode()


@pytest.mark.parametrize(
    ("who", "action", "data", "message"),
    [
        ("analyst", "verdict-approve", {}, "Your role does not allow you to approve verdicts."),
        ("analyst", "verdict-reject", {"reason": "no"}, "Your role does not allow you to reject verdicts."),
        (
            "author",
            "verdict-approve",
            {},
            "You proposed this verdict; another editor must approve or reject it (four-eyes rule).",
        ),
    ],
)
def test_refusals_are_error_messages(claim, analyst, editor, who, action, data, message):
    author = editor
    verdict = services.verdict_propose(
        claim=claim, user=author, decision="unverified", rationale="No access.", expected_version=0
    )
    client = session(analyst if who == "analyst" else author)
    response = client.post(VERIFY.format(claim.pk, action), {"version": 1, "verdict": verdict.pk, **data}, follow=True)
    assert shown(response) == [("error", message)]
    verdict.refresh_from_db()
    assert verdict.state == "proposed"


def test_a_proposal_breaking_the_evidence_rule_says_which_rule(claim, analyst):
    response = session(analyst).post(
        VERIFY.format(claim.pk, "verdict-propose"),
        {"version": 0, "decision": "denied", "rationale": "Southland says so."},
        follow=True,
    )
    [(level, message)] = shown(response)
    assert level == "error"
    assert message.startswith("A claim can be denied only with at least one independent evidence item that refutes it")
    assert Verdict.objects.count() == 0


def test_an_action_from_a_stale_page_is_refused(claim, analyst, other_analyst):
    add_evidence(session(other_analyst), claim, 0)
    response = add_evidence(session(analyst), claim, 0, outlet="Southland MoD")
    [(level, message)] = shown(response)
    assert level == "error"
    assert message.startswith("This claim changed since you loaded it (version 0, now 1): bo evidence added at ")
    assert Evidence.objects.filter(claim=claim).count() == 1


def test_actions_need_post_and_a_known_action(claim, analyst):
    client = session(analyst)
    assert client.get(VERIFY.format(claim.pk, "verdict-propose")).status_code == 405
    assert client.post(VERIFY.format(claim.pk, "verdict-delete"), {"version": 0}).status_code == 404


def test_analyst_limited_to_another_conflict_cannot_open_or_act(claim, db):
    from tests.factories import ConflictFactory

    elsewhere = ConflictFactory(slug="elsewhere")
    limited = UserFactory(username="limited", roles=["analyst"])
    elsewhere.members.add(limited)
    client = session(limited)
    assert client.get(PAGE.format(claim.pk)).status_code == 302  # the admin's "does not exist" redirect
    assert client.post(VERIFY.format(claim.pk, "evidence-add"), {"version": 0}).status_code == 404
    assert client.get("/admin/claims/claim/").context["cl"].result_count == 0


def test_staff_without_a_role_sees_no_claims(claim, db):
    client = session(UserFactory(username="norole", roles=[]))
    assert client.get("/admin/claims/claim/").status_code == 403
    assert client.get(PAGE.format(claim.pk)).status_code == 403


def test_audit_events_are_never_editable_in_the_admin(claim, analyst, db):
    services.claim_correct(claim=claim, user=analyst, expected_version=0, stance="deny")
    event = AuditEvent.objects.get()
    boss = UserFactory(username="boss", is_superuser=True)
    client = session(boss)
    change = f"/admin/review/auditevent/{event.pk}/change/"
    body = client.get(change).content.decode()
    assert 'name="_save"' not in body
    assert client.post(change, {"username": "mallory"}).status_code == 403
    assert client.post(f"/admin/review/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/review/auditevent/add/").status_code == 403
    event.refresh_from_db()
    assert event.username == "ana"


def test_only_admins_delete_claims(claim, analyst, editor):
    for user in (analyst, editor):
        assert session(user).post(f"/admin/claims/claim/{claim.pk}/delete/", {"post": "yes"}).status_code == 403
    boss = UserFactory(username="boss", roles=["admin"])
    assert session(boss).post(f"/admin/claims/claim/{claim.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_a_claim_with_a_side_its_conflict_does_not_list_saves_its_other_fields(claim, analyst):
    Claim.objects.filter(pk=claim.pk).update(side="east")
    claim.refresh_from_db()
    response = session(analyst).post(PAGE.format(claim.pk), correction(claim, 0, stance="deny"), follow=True)
    claim.refresh_from_db()
    assert (claim.side, claim.stance, claim.version) == ("east", "deny", 1)
    assert shown(response)[0][0] == "success"


def test_history_lines_show_what_changed(claim, analyst, editor):
    from review.admin import history_rows

    evidence = services.evidence_add(
        claim=claim, user=analyst, url="https://harbour.example/a", outlet="Harbour Gazette", relation="context"
    )
    services.verdict_propose(
        claim=claim, user=analyst, decision="unverified", rationale="No access.", expected_version=1
    )
    services.evidence_remove(evidence=evidence, user=editor, reason="Duplicate.")
    rows = dict(history_rows(claim.audit_events.order_by("seq")))
    added, proposed, removed = (lines for _, lines in sorted(rows.items(), key=lambda item: item[0].seq))
    assert ("outlet", None, "Harbour Gazette") in added
    assert proposed == [
        ("decision", None, "unverified"),
        ("rationale", None, "No access."),
        ("review_state", "unreviewed", "proposed"),
        ("verdict_id", None, str(Verdict.objects.get().pk)),
    ]
    assert ("reason", None, "Duplicate.") in removed
    assert ("outlet", "Harbour Gazette", None) in removed
