"""The verification contract, rule by rule, refusals included."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from claims.models import Actor, Claim
from review import audit, services
from review.models import AuditEvent, DismissedSuggestion, Evidence, Verdict
from tests.factories import ClaimFactory, ConflictFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "https://harbour-gazette.example/bridge"


def add_evidence(claim, user, relation="supports", outlet="Harbour Gazette", **extra):
    claim.refresh_from_db()
    return services.evidence_add(claim=claim, user=user, url=URL, outlet=outlet, relation=relation, **extra)


def propose(claim, user, decision="confirmed", rationale="The gazette's photographs show the damaged bridge."):
    claim.refresh_from_db()
    return services.verdict_propose(
        claim=claim, user=user, decision=decision, rationale=rationale, expected_version=claim.version
    )


def history(claim):
    return list(AuditEvent.objects.filter(claim=claim).order_by("seq").values_list("seq", "action", "username"))


# --- corrections ---------------------------------------------------------------


def test_claim_correct_writes_fields_version_and_one_event(claim, analyst):
    corrected = services.claim_correct(
        claim=claim,
        user=analyst,
        expected_version=0,
        claim_type="casualties",
        event_date="2026-04-02",
        locations=["Tarn", " Morrow bridge "],
    )
    claim.refresh_from_db()
    assert corrected.version == claim.version == 1
    assert (claim.claim_type, claim.event_date, claim.locations) == (
        "casualties",
        datetime.date(2026, 4, 2),
        ["Tarn", "Morrow bridge"],
    )
    assert claim.corrected_fields == ["claim_type", "event_date", "locations"]
    assert claim.tags_corrected is True
    event = AuditEvent.objects.get(claim=claim)
    assert (event.seq, event.action, event.username, event.chain) == (1, "claim.corrected", "ana", f"claim:{claim.pk}")
    assert event.before == {"claim_type": "attack", "event_date": None, "locations": []}
    assert event.after == {
        "claim_type": "casualties",
        "event_date": "2026-04-02",
        "locations": ["Tarn", "Morrow bridge"],
    }


def test_claim_correct_claimant_brings_its_side_in_the_conflict(claim, analyst):
    services.claim_correct(claim=claim, user=analyst, expected_version=0, claimant="Southland MoD")
    claim.refresh_from_db()
    assert (claim.claimant.name, claim.side) == ("Southland MoD", "south")
    event = AuditEvent.objects.get(claim=claim)
    assert event.before == {"claimant": "Northland MoD", "side": "north"}
    assert event.after == {"claimant": "Southland MoD", "side": "south"}


def test_claim_correct_unchanged_values_write_nothing(claim, analyst):
    services.claim_correct(claim=claim, user=analyst, expected_version=0, claim_type="attack", side="north")
    claim.refresh_from_db()
    assert claim.version == 0
    assert AuditEvent.objects.count() == 0


def test_claim_correct_stale_version_is_refused_and_says_what_changed(claim, analyst, other_analyst):
    services.claim_correct(claim=claim, user=other_analyst, expected_version=0, stance="deny")
    with pytest.raises(services.StaleVersion) as error:
        services.claim_correct(claim=claim, user=analyst, expected_version=0, claim_type="other")
    message = error.value.messages[0]
    assert message.startswith(
        "This claim changed since you loaded it (version 0, now 1): bo corrected stance assert → deny at "
    )
    assert message.endswith("Nothing was saved; reload the claim and apply your change again.")
    assert error.value.code == "stale_version"
    claim.refresh_from_db()
    assert (claim.stance, claim.claim_type, claim.version) == ("deny", "attack", 1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"verdict": "confirmed"},
            "verdict cannot be corrected (correctable: claimant, claimant_mention, side, "
            "stance, claim_type, event_date, time, locations).",
        ),
        ({"side": "east"}, "side 'east' is not a side of Conflict {n}: one of north, south, third_party."),
        ({"stance": "maybe"}, "stance must be one of assert, deny, confirm."),
        (
            {"claim_type": "rumour"},
            "claim_type must be one of casualties, materiel, territorial, attack, ceasefire, diplomatic, other.",
        ),
        ({"event_date": "2 April"}, "event_date must be a date written YYYY-MM-DD, not '2 April'."),
        ({"time": "25:99"}, "time must be a clock time written HH:MM, not '25:99'."),
        ({"locations": [3]}, "locations must be a list of place names."),
        ({"claimant": "Nobody Known"}, "No actor 'Nobody Known' in the registry; add it there first."),
    ],
)
def test_claim_correct_refuses_bad_values_naming_the_rule(claim, analyst, fields, message):
    with pytest.raises(ValidationError) as error:
        services.claim_correct(claim=claim, user=analyst, expected_version=0, **fields)
    assert error.value.messages == [message.format(n=claim.conflict.name.split()[-1])]
    claim.refresh_from_db()
    assert claim.version == 0


def test_claim_correct_requires_a_version(claim, analyst):
    with pytest.raises(ValidationError) as error:
        services.claim_correct(claim=claim, user=analyst, expected_version=None, stance="deny")
    assert error.value.messages == ["expected_version is required: the claim's version when you loaded it."]


# --- evidence ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outlet", "independent", "actor"),
    [
        ("Harbour Gazette", True, "Harbour Gazette"),
        ("an unlisted local blog", True, None),
        ("Northland State TV", False, "Northland State TV"),
        ("Southland MoD", False, "Southland MoD"),
        ("Northland MoD", False, "Northland MoD"),
    ],
)
def test_evidence_independence_is_derived_from_the_registry(claim, analyst, outlet, independent, actor):
    evidence = add_evidence(claim, analyst, outlet=outlet)
    assert evidence.independent is independent
    assert (evidence.outlet_actor.name if evidence.outlet_actor else None) == actor


def test_evidence_add_records_everything_and_an_event(claim, analyst):
    evidence = add_evidence(
        claim, analyst, title="Bridge hit", excerpt="Photographs show…", published=datetime.date(2026, 4, 2)
    )
    claim.refresh_from_db()
    assert (evidence.added_by, evidence.accessed, evidence.relation) == (analyst, timezone.now().date(), "supports")
    assert claim.version == 1
    event = AuditEvent.objects.get(claim=claim)
    assert event.action == "evidence.added"
    assert event.after == {
        "evidence_id": evidence.pk,
        "url": URL,
        "outlet": "Harbour Gazette",
        "relation": "supports",
        "independent": True,
        "title": "Bridge hit",
        "published": "2026-04-02",
        "source_claim": None,
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"url": "javascript:alert(1)"},
            "The evidence URL must be an http:// or https:// address, not 'javascript:alert(1)'.",
        ),
        (
            {"url": "ftp://files.example/a"},
            "The evidence URL must be an http:// or https:// address, not 'ftp://files.example/a'.",
        ),
        ({"outlet": "  "}, "Name the outlet that published the evidence."),
        ({"relation": "maybe"}, "relation must be one of supports, refutes, context."),
        ({"published": datetime.date(2999, 1, 1)}, "The published date 2999-01-01 is in the future."),
    ],
)
def test_evidence_add_refuses_bad_input(claim, analyst, values, message):
    arguments = {"url": URL, "outlet": "Harbour Gazette", "relation": "supports", **values}
    with pytest.raises(ValidationError) as error:
        services.evidence_add(claim=claim, user=analyst, **arguments)
    assert error.value.messages == [message]
    assert Evidence.objects.count() == 0


def test_evidence_remove_keeps_the_record_and_needs_an_editor(claim, analyst, editor):
    evidence = add_evidence(claim, analyst)
    with pytest.raises(PermissionDenied):
        services.evidence_remove(evidence=evidence, user=analyst, reason="wrong link")
    services.evidence_remove(evidence=evidence, user=editor, reason="wrong link")
    evidence.refresh_from_db()
    assert (evidence.removed_by, evidence.removal_reason) == (editor, "wrong link")
    assert [action for _, action, _ in history(claim)] == ["evidence.added", "evidence.removed"]
    with pytest.raises(ValidationError):
        services.evidence_remove(evidence=evidence, user=editor, reason="again")


# --- suggested evidence --------------------------------------------------------


@pytest.fixture
def monitor_confirmation(claim):
    """A third party in another document confirming the claim."""
    return ClaimFactory(
        document__conflict=claim.conflict,
        document__url="https://monitors.example/report-7",
        document__title="Mission report 7",
        claimant=Actor.objects.get(name="Harbour Gazette"),
        side="third_party",
        stance=Claim.Stance.CONFIRM,
        responds_to=claim,
        sentence="The gazette's correspondent confirmed that the bridge was shelled.",
        quote="the bridge was shelled",
    )


def test_suggested_evidence_lists_third_party_answers_only(claim, monitor_confirmation):
    from review.selectors import suggested_evidence

    ClaimFactory(document=claim.document, side="south", stance=Claim.Stance.DENY, responds_to=claim)
    assert list(suggested_evidence(claim)) == [monitor_confirmation]


def test_suggestion_accept_records_evidence_once(claim, analyst, monitor_confirmation):
    evidence = services.suggestion_accept(claim=claim, source_claim=monitor_confirmation, user=analyst)
    assert (evidence.url, evidence.outlet, evidence.relation, evidence.independent, evidence.title) == (
        "https://monitors.example/report-7",
        "Harbour Gazette",
        "supports",
        True,
        "Mission report 7",
    )
    assert evidence.source_claim == monitor_confirmation
    assert evidence.excerpt == monitor_confirmation.sentence
    assert history(claim)[0][1] == "suggestion.accepted"
    with pytest.raises(ValidationError) as error:
        services.suggestion_accept(claim=claim, source_claim=monitor_confirmation, user=analyst)
    assert error.value.messages == ["That claim is not a suggested evidence for this claim (or was already handled)."]


def test_suggestion_dismiss_is_recorded_and_hides_it(claim, analyst, monitor_confirmation):
    from review.selectors import suggested_evidence

    services.suggestion_dismiss(claim=claim, source_claim=monitor_confirmation, user=analyst)
    assert list(suggested_evidence(claim)) == []
    assert DismissedSuggestion.objects.get().dismissed_by == analyst
    assert history(claim) == [(1, "suggestion.dismissed", "ana")]


# --- verdicts ------------------------------------------------------------------


def test_confirmed_needs_independent_supporting_evidence(claim, analyst):
    add_evidence(claim, analyst, outlet="Northland State TV")  # a party's outlet: does not count
    add_evidence(claim, analyst, relation="context")
    with pytest.raises(ValidationError) as error:
        propose(claim, analyst, "confirmed")
    assert error.value.code == "evidence_required"
    assert error.value.messages == [
        "A claim can be confirmed only with at least one independent evidence item that supports it; add one "
        "first (evidence from an outlet of either side, or from the claimant, does not count)."
    ]
    add_evidence(claim, analyst)
    verdict = propose(claim, analyst, "confirmed")
    claim.refresh_from_db()
    assert (verdict.state, claim.review_state, claim.verdict) == ("proposed", "proposed", "")


def test_denied_needs_independent_refuting_evidence(claim, analyst):
    add_evidence(claim, analyst, relation="supports")
    with pytest.raises(ValidationError) as error:
        propose(claim, analyst, "denied")
    assert "at least one independent evidence item that refutes it" in error.value.messages[0]
    add_evidence(claim, analyst, relation="refutes")
    assert propose(claim, analyst, "denied").decision == "denied"


def test_unverified_needs_no_evidence_but_a_rationale(claim, analyst):
    with pytest.raises(ValidationError) as error:
        propose(claim, analyst, "unverified", rationale="  ")
    assert error.value.messages == ["A verdict needs a rationale: say what the evidence shows."]
    assert propose(claim, analyst, "unverified", rationale="No source reached the area.").decision == "unverified"


def test_one_pending_proposal_at_a_time(claim, analyst, other_analyst):
    propose(claim, analyst, "unverified")
    with pytest.raises(ValidationError) as error:
        propose(claim, other_analyst, "unverified")
    assert error.value.messages == [
        "A verdict proposed by ana (unverified) is already waiting for approval; "
        "an editor approves or rejects it first."
    ]


def test_four_eyes_author_cannot_approve_or_reject(claim, editor):
    add_evidence(claim, editor)
    verdict = propose(claim, editor)
    for action in (
        lambda: services.verdict_approve(verdict=verdict, user=editor),
        lambda: services.verdict_reject(verdict=verdict, user=editor, reason="no"),
    ):
        with pytest.raises(ValidationError) as error:
            action()
        assert error.value.messages == [
            "You proposed this verdict; another editor must approve or reject it (four-eyes rule)."
        ]
    claim.refresh_from_db()
    assert claim.review_state == "proposed"


def test_approval_makes_the_verdict_the_claims(claim, analyst, editor):
    add_evidence(claim, analyst)
    verdict = propose(claim, analyst)
    services.verdict_approve(verdict=verdict, user=editor)
    claim.refresh_from_db()
    verdict.refresh_from_db()
    assert (claim.review_state, claim.verdict, claim.is_verified, claim.version) == ("approved", "confirmed", True, 3)
    assert (verdict.state, verdict.decided_by) == ("approved", editor)
    assert [action for _, action, _ in history(claim)] == ["evidence.added", "verdict.proposed", "verdict.approved"]
    with pytest.raises(ValidationError) as error:
        services.verdict_approve(verdict=verdict, user=editor)
    assert error.value.messages == ["This verdict is no longer waiting for approval: it was approved."]


def test_approval_rechecks_the_evidence_rule(claim, analyst, editor, other_editor):
    evidence = add_evidence(claim, analyst)
    verdict = propose(claim, analyst)
    services.evidence_remove(evidence=evidence, user=other_editor, reason="the page was about another bridge")
    with pytest.raises(ValidationError) as error:
        services.verdict_approve(verdict=verdict, user=editor)
    assert error.value.code == "evidence_required"


def test_rejection_needs_a_reason_and_leaves_no_verdict(claim, analyst, editor):
    verdict = propose(claim, analyst, "unverified")
    with pytest.raises(ValidationError):
        services.verdict_reject(verdict=verdict, user=editor, reason="")
    services.verdict_reject(verdict=verdict, user=editor, reason="The monitors' report settles it; cite it.")
    claim.refresh_from_db()
    verdict.refresh_from_db()
    assert (claim.review_state, claim.verdict) == ("rejected", "")
    assert (verdict.state, verdict.decision_note) == ("rejected", "The monitors' report settles it; cite it.")


def test_reopening_keeps_the_approved_verdict_until_the_new_one_is_approved(claim, analyst, editor):
    add_evidence(claim, analyst)
    add_evidence(claim, analyst, relation="refutes")
    first = propose(claim, analyst, "confirmed")
    services.verdict_approve(verdict=first, user=editor)

    second = propose(claim, analyst, "denied", rationale="Later satellite images show the bridge intact.")
    claim.refresh_from_db()
    assert (claim.review_state, claim.verdict) == ("proposed", "confirmed")
    assert history(claim)[-1][1] == "verdict.reopened"

    services.verdict_reject(verdict=second, user=editor, reason="The images predate the attack.")
    claim.refresh_from_db()
    assert (claim.review_state, claim.verdict) == ("approved", "confirmed")

    third = propose(claim, analyst, "denied", rationale="Newer images, dated, show it intact.")
    services.verdict_approve(verdict=third, user=editor)
    claim.refresh_from_db()
    assert (claim.review_state, claim.verdict) == ("approved", "denied")
    states = list(claim.verdicts.order_by("id").values_list("decision", "state"))
    assert states == [("confirmed", "superseded"), ("denied", "rejected"), ("denied", "approved")]


def test_every_action_extends_one_valid_chain(claim, analyst, editor):
    add_evidence(claim, analyst)
    services.claim_correct(claim=claim, user=analyst, expected_version=1, time="08:30")
    verdict = propose(claim, analyst)
    services.verdict_approve(verdict=verdict, user=editor)
    events = list(AuditEvent.objects.filter(chain=f"claim:{claim.pk}").order_by("seq"))
    claim.refresh_from_db()
    assert [event.seq for event in events] == [1, 2, 3, 4] == list(range(1, claim.version + 1))
    assert events[0].prev_hash == audit.GENESIS
    assert [event.prev_hash for event in events[1:]] == [event.hash for event in events[:-1]]
    assert audit.verify_chain(f"claim:{claim.pk}", events, claim.version) is None


# --- who may act ---------------------------------------------------------------


def test_a_user_limited_to_other_conflicts_cannot_act(claim, db):
    other = ConflictFactory(slug="elsewhere")
    outsider = UserFactory(username="limited", roles=["analyst"])
    other.members.add(outsider)
    with pytest.raises(PermissionDenied) as error:
        services.claim_correct(claim=claim, user=outsider, expected_version=0, stance="deny")
    assert str(error.value) == "You may not work on claims of this conflict."
    claim.conflict.members.add(outsider)
    outsider = type(outsider).objects.get(pk=outsider.pk)  # permissions and conflicts are cached per instance
    services.claim_correct(claim=claim, user=outsider, expected_version=0, stance="deny")


def test_proposal_records_the_version_it_was_made_against(claim, analyst):
    verdict = propose(claim, analyst, "unverified")
    assert verdict.claim_version == 1
    assert Verdict.objects.get().proposed_by == analyst
