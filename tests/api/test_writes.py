"""Writes through the review services: corrections, evidence, verdicts; 400, 403 and 409 as the rules say."""

import pytest

from claims.models import Claim
from review.models import AuditEvent, Verdict

pytestmark = pytest.mark.django_db

EVIDENCE = {"url": "https://gazette.example/bridge", "outlet": "Harbour Gazette", "relation": "supports"}


def test_correction_raises_the_version_and_is_audited(api, claim):
    response = api["analyst"].patch(
        f"/api/v1/claims/{claim.pk}/", {"expected_version": 0, "stance": "deny", "locations": ["Tartar"]}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["stance"], body["locations"], body["version"]) == ("deny", ["Tartar"], 1)
    event = AuditEvent.objects.get(claim=claim)
    assert (event.action, event.username, event.before, event.after) == (
        "claim.corrected",
        "analyst-user",
        {"stance": "assert", "locations": []},
        {"stance": "deny", "locations": ["Tartar"]},
    )


def test_stale_version_is_409_with_the_claim_as_it_is_now(api, claim):
    api["analyst"].patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 0, "stance": "deny"})

    response = api["editor"].patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 0, "claim_type": "casualties"})

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["expected_version"], body["current_version"]) == ("stale_version", 0, 1)
    assert body["detail"].startswith("This claim changed since you loaded it (version 0, now 1): analyst-user ")
    assert (body["claim"]["id"], body["claim"]["stance"], body["claim"]["claim_type"]) == (claim.pk, "deny", "attack")
    assert [change["action"] for change in body["changes"]] == ["claim.corrected"]
    claim.refresh_from_db()
    assert (claim.claim_type, claim.version) == ("attack", 1)


def test_correction_needs_expected_version_and_a_field(api, claim):
    missing = api["analyst"].patch(f"/api/v1/claims/{claim.pk}/", {"stance": "deny"})
    nothing = api["analyst"].patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 0})
    bad_side = api["analyst"].patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 0, "side": "west"})

    assert missing.status_code == 400
    assert missing.json()["errors"] == {"expected_version": ["This field is required."]}
    assert nothing.json()["errors"] == {"non_field_errors": ["Name at least one field to correct."]}
    assert bad_side.status_code == 400
    assert bad_side.json()["detail"] == (
        f"side 'west' is not a side of {claim.conflict.name}: one of north, south, third_party."
    )


def test_evidence_is_added_with_derived_independence(api, claim):
    response = api["analyst"].post(f"/api/v1/claims/{claim.pk}/evidence/", EVIDENCE)
    partisan = api["analyst"].post(
        f"/api/v1/claims/{claim.pk}/evidence/", {**EVIDENCE, "outlet": "Southland MoD", "relation": "refutes"}
    )

    assert (response.status_code, partisan.status_code) == (201, 201)
    assert (response.json()["independent"], partisan.json()["independent"]) == (True, False)
    claim.refresh_from_db()
    assert claim.version == 2


def test_evidence_with_a_non_http_url_is_a_400_naming_the_rule(api, claim):
    response = api["analyst"].post(f"/api/v1/claims/{claim.pk}/evidence/", {**EVIDENCE, "url": "ftp://x.example/a"})

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The evidence URL must be an http:// or https:// address, not 'ftp://x.example/a'."
    )


def test_confirming_without_independent_evidence_is_refused(api, claim):
    response = api["analyst"].post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"decision": "confirmed", "rationale": "Seen on video.", "expected_version": 0},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "evidence_required"
    assert response.json()["detail"].startswith("A claim can be confirmed only with at least one independent evidence")
    assert Verdict.objects.count() == 0


def test_propose_then_approve_by_another_editor(api, claim):
    api["analyst"].post(f"/api/v1/claims/{claim.pk}/evidence/", EVIDENCE)
    proposed = api["analyst"].post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"decision": "confirmed", "rationale": "The Gazette's photographs.", "expected_version": 1},
    )
    assert proposed.status_code == 201, proposed.json()
    verdict_id = proposed.json()["id"]
    assert (proposed.json()["state"], proposed.json()["proposed_by"]) == ("proposed", "analyst-user")

    refused = api["analyst"].post(f"/api/v1/verdicts/{verdict_id}/approve/", {})
    approved = api["editor"].post(f"/api/v1/verdicts/{verdict_id}/approve/", {})

    assert refused.status_code == 403
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["decided_by"]) == ("approved", "editor-user")
    body = api["api_client"].get(f"/api/v1/claims/{claim.pk}/").json()
    assert (body["review_state"], body["verdict"], body["verified"], body["version"]) == (
        "approved",
        "confirmed",
        True,
        3,
    )
    assert [row["id"] for row in api["api_client"].get("/api/v1/claims/?verified=true").json()["results"]] == [claim.pk]


def test_an_editor_cannot_approve_their_own_proposal(api, claim):
    proposed = api["editor"].post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"decision": "unverified", "rationale": "No source either way.", "expected_version": 0},
    )

    response = api["editor"].post(f"/api/v1/verdicts/{proposed.json()['id']}/approve/", {})

    assert response.status_code == 400
    assert response.json()["code"] == "four_eyes"


def test_reject_needs_a_reason_and_leaves_the_claim_rejected(api, claim):
    proposed = api["analyst"].post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"decision": "unverified", "rationale": "Nothing found.", "expected_version": 0},
    )
    url = f"/api/v1/verdicts/{proposed.json()['id']}/reject/"

    without = api["editor"].post(url, {})
    rejected = api["editor"].post(url, {"reason": "Search the Gazette's archive first."})

    assert without.status_code == 400
    assert without.json()["errors"] == {"reason": ["This field is required."]}
    assert rejected.status_code == 200
    assert (rejected.json()["state"], rejected.json()["decision_note"]) == (
        "rejected",
        "Search the Gazette's archive first.",
    )
    assert Claim.objects.get(pk=claim.pk).review_state == "rejected"


def test_stale_verdict_proposal_is_409(api, claim):
    api["analyst"].patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 0, "stance": "deny"})

    response = api["analyst"].post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"decision": "unverified", "rationale": "Nothing found.", "expected_version": 0},
    )

    assert response.status_code == 409
    assert response.json()["claim"]["version"] == 1


def test_verdicts_of_a_claim_are_listed_for_analysts(api, claim):
    api["analyst"].post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"decision": "unverified", "rationale": "Nothing found.", "expected_version": 0},
    )

    listed = api["editor"].get(f"/api/v1/claims/{claim.pk}/verdicts/")

    assert [(row["decision"], row["state"]) for row in listed.json()] == [("unverified", "proposed")]
    assert api["api_client"].get(f"/api/v1/claims/{claim.pk}/verdicts/").status_code == 403


def test_history_shows_the_hash_chain(api, claim):
    api["analyst"].patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 0, "stance": "deny"})
    api["analyst"].post(f"/api/v1/claims/{claim.pk}/evidence/", EVIDENCE)

    body = api["editor"].get(f"/api/v1/claims/{claim.pk}/history/").json()

    events = body["events"]
    assert [(e["seq"], e["action"]) for e in events] == [(1, "claim.corrected"), (2, "evidence.added")]
    assert events[0]["prev_hash"] == "0" * 64
    assert events[1]["prev_hash"] == events[0]["hash"]
    assert (body["head"], body["intact"], body["broken"], body["version"]) == (events[1]["hash"], True, None, 2)
    assert api["api_client"].get(f"/api/v1/claims/{claim.pk}/history/").status_code == 403


def test_claimant_by_id_or_name_and_an_id_beyond_any_key(api, claim, conflict):
    from claims.models import Actor

    southland = Actor.objects.get(name="Southland MoD")

    by_id = api["analyst"].patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 0, "claimant": str(southland.pk)})
    huge = api["analyst"].patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 1, "claimant": "9" * 25})
    unknown = api["analyst"].patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 1, "claimant": "Nobody"})

    assert by_id.status_code == 200
    assert by_id.json()["claimant"] == {"id": southland.pk, "name": "Southland MoD", "side": "south"}
    assert (huge.status_code, huge.json()["errors"]) == (400, {"claimant": ["No such actor."]})
    assert (unknown.status_code, unknown.json()["detail"]) == (
        400,
        "No actor 'Nobody' in the registry; add it there first.",
    )
