"""The verification contract: every human write on a claim goes through here.

The admin, the workspace, the API and the tests call these services, and
only these. Each one

- checks the user's role (PermissionDenied naming the action) and that the
  user may see the claim's conflict;
- locks the claim's row, refuses a stale `expected_version` (StaleVersion,
  a ValidationError whose message says what changed since) and enforces the
  rules (ValidationError saying which rule);
- raises the claim's version by one and appends one audit event, in the
  same transaction as the change.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from claims.enums import THIRD_PARTY, ClaimType, ReviewState, Stance
from claims.models import Actor, ActorMembership, Claim, side_validator
from claims.selectors import user_may_see_claim
from review import audit, selectors
from review.models import AuditEvent, DismissedSuggestion, Evidence, Verdict, http_url
from review.roles import require

Action = AuditEvent.Action


class StaleVersion(ValidationError):
    """The claim changed after the user loaded it; nothing was written."""

    def __init__(self, *, claim: Claim, expected: int, changes: list[AuditEvent]):
        self.claim = claim
        self.expected = expected
        self.changes = changes
        summary = "; ".join(describe_event(event) for event in changes) or "changes by someone else"
        super().__init__(
            f"This claim changed since you loaded it (version {expected}, now {claim.version}): {summary}. "
            "Nothing was saved; reload the claim and apply your change again.",
            code="stale_version",
        )


def describe_event(event: AuditEvent) -> str:
    """One line for a person: who did what, with before and after."""
    what = event.get_action_display().lower()
    if event.action == Action.CLAIM_CORRECTED:
        fields = ", ".join(
            f"{name} {_shown(event.before.get(name))} → {_shown(value)}" for name, value in event.after.items()
        )
        what = f"corrected {fields}"
    elif event.action in (Action.VERDICT_PROPOSED, Action.VERDICT_REOPENED):
        what = f"{what}: {event.after.get('decision')}"
    return f"{event.username} {what} at {event.created_at:%Y-%m-%d %H:%M} UTC"


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


# --- locking and versions ------------------------------------------------------


def _locked(claim: Claim | int, user, expected_version: int | None) -> Claim:
    """The claim, row-locked and fresh; refused if the user may not see it or it moved on."""
    pk = claim.pk if isinstance(claim, Claim) else claim
    locked = Claim.objects.select_for_update(of=("self",)).select_related("conflict", "claimant").filter(pk=pk).first()
    if locked is None:
        raise ValidationError("This claim no longer exists.", code="gone")
    if not user_may_see_claim(user, locked):
        raise PermissionDenied("You may not work on claims of this conflict.")
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            claim=locked, expected=expected_version, changes=selectors.changes_since(locked.pk, expected_version)
        )
    return locked


def _bump(claim: Claim, fields: Iterable[str] = ()) -> None:
    claim.version += 1
    claim.save(update_fields=[*fields, "version", "updated_at"])


def _check_version_given(expected_version: Any) -> int:
    if isinstance(expected_version, bool) or not isinstance(expected_version, int) or expected_version < 0:
        raise ValidationError(
            "expected_version is required: the claim's version when you loaded it.", code="version_required"
        )
    return expected_version


# --- corrections ---------------------------------------------------------------

CORRECTABLE = ("claimant", "claimant_mention", "side", "stance", "claim_type", "event_date", "time", "locations")


@transaction.atomic
def claim_correct(*, claim: Claim, user, expected_version: int, **fields: Any) -> Claim:
    """Correct a claim's claimant, mention, side, stance, type, event date, time or places.

    Corrected fields win over the engine's from then on (re-extraction,
    pre-tagging). A new claimant brings its side in the claim's conflict
    unless a side is given too. Returns the claim; unchanged values write nothing.
    """
    require(user, "claims.correct_claim", "correct claims")
    unknown = sorted(set(fields) - set(CORRECTABLE))
    if unknown:
        raise ValidationError(f"{unknown[0]} cannot be corrected (correctable: {', '.join(CORRECTABLE)}).")
    locked = _locked(claim, user, _check_version_given(expected_version))
    values = _cleaned_corrections(locked, fields)
    before = {name: _audit_value(locked, name) for name in values}
    changed = [name for name, value in values.items() if getattr(locked, _attname(name)) != _raw(value)]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, _attname(name), _raw(values[name]))
    corrected = [*locked.corrected_fields, *(name for name in changed if name not in locked.corrected_fields)]
    locked.corrected_fields = corrected
    locked.tags_corrected = locked.tags_corrected or bool({"stance", "claim_type"} & set(changed))
    _bump(locked, [*(_attname(name) for name in changed), "corrected_fields", "tags_corrected"])
    audit.record_claim_event(
        claim=locked,
        user=user,
        action=Action.CLAIM_CORRECTED,
        before={name: before[name] for name in changed},
        after={name: _audit_value(locked, name) for name in changed},
    )
    return locked


def _attname(name: str) -> str:
    return "claimant_id" if name == "claimant" else name


def _raw(value: Any) -> Any:
    return value.pk if isinstance(value, Actor) else value


def _audit_value(claim: Claim, name: str) -> Any:
    if name == "claimant":
        return Actor.objects.filter(pk=claim.claimant_id).values_list("name", flat=True).first()
    return audit.jsonable(getattr(claim, name))


def _cleaned_corrections(claim: Claim, fields: dict[str, Any]) -> dict[str, Any]:
    values = dict(fields)
    if "claimant" in values:
        values["claimant"] = _clean_claimant(values["claimant"])
        if "side" not in values and values["claimant"] is not None:
            side = _member_side(claim, values["claimant"])
            if side:
                values["side"] = side
    if "claimant_mention" in values:
        mention = values["claimant_mention"]
        if not isinstance(mention, str) or len(mention) > 500:
            raise ValidationError("claimant_mention must be text of at most 500 characters.")
        values["claimant_mention"] = mention.strip()
    if "side" in values:
        values["side"] = _clean_side(claim, values["side"])
    if "stance" in values and values["stance"] not in Stance.values:
        raise ValidationError(f"stance must be one of {', '.join(Stance.values)}.")
    if "claim_type" in values and values["claim_type"] not in ClaimType.values:
        raise ValidationError(f"claim_type must be one of {', '.join(ClaimType.values)}.")
    if "event_date" in values:
        values["event_date"] = _clean_date(values["event_date"])
    if "time" in values:
        values["time"] = _clean_time(values["time"])
    if "locations" in values:
        values["locations"] = _clean_locations(values["locations"])
    return values


def _clean_claimant(value: Any) -> Actor | None:
    if value is None or isinstance(value, Actor):
        return value
    found = Actor.objects.filter(pk=value).first() if isinstance(value, int) else None
    if found is None and isinstance(value, str):
        found = Actor.objects.filter(name=value.strip()).first()
    if found is None:
        raise ValidationError(f"No actor {value!r} in the registry; add it there first.")
    return found


def _member_side(claim: Claim, actor: Actor) -> str | None:
    return (
        ActorMembership.objects.filter(conflict_id=claim.conflict_id, actor=actor)
        .values_list("side", flat=True)
        .first()
    )


def _clean_side(claim: Claim, side: Any) -> str:
    allowed = [*claim.conflict.parties, THIRD_PARTY]
    if not isinstance(side, str) or not side_validator.regex.fullmatch(side):
        raise ValidationError(f"side must be one of {', '.join(allowed)}.")
    if claim.conflict.parties and side not in allowed:
        raise ValidationError(f"side {side!r} is not a side of {claim.conflict}: one of {', '.join(allowed)}.")
    return side


def _clean_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        raise ValidationError("event_date must be a date, not a date and time.")
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"event_date must be a date written YYYY-MM-DD, not {value!r}.") from None


def _clean_time(value: Any) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value
    try:
        return datetime.time.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"time must be a clock time written HH:MM, not {value!r}.") from None


def _clean_locations(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValidationError("locations must be a list of place names.")
    places = [item.strip() for item in value if item.strip()]
    if any(len(place) > 200 for place in places):
        raise ValidationError("A place name is at most 200 characters.")
    return list(dict.fromkeys(places))


# --- evidence ------------------------------------------------------------------


@transaction.atomic
def evidence_add(
    *,
    claim: Claim,
    user,
    url: str,
    outlet: str,
    relation: str,
    title: str = "",
    excerpt: str = "",
    published: datetime.date | None = None,
    accessed: datetime.date | None = None,
    expected_version: int | None = None,
) -> Evidence:
    """Record a third-party source for a claim; its independence is derived from the registry."""
    require(user, "review.add_evidence", "add evidence")
    url, outlet = (url or "").strip(), (outlet or "").strip()
    _validate_evidence(url=url, outlet=outlet, relation=relation, published=published, accessed=accessed)
    locked = _locked(claim, user, expected_version)
    return _evidence_create(
        locked,
        user,
        url=url,
        outlet=outlet,
        relation=relation,
        title=(title or "").strip(),
        excerpt=(excerpt or "").strip(),
        published=published,
        accessed=accessed or timezone.now().date(),
        action=Action.EVIDENCE_ADDED,
    )


def _validate_evidence(*, url, outlet, relation, published, accessed) -> None:
    try:
        http_url(url)
    except ValidationError:
        raise ValidationError(f"The evidence URL must be an http:// or https:// address, not {url!r}.") from None
    if len(url) > 2000:
        raise ValidationError("The evidence URL is longer than 2000 characters.")
    if not outlet:
        raise ValidationError("Name the outlet that published the evidence.")
    if len(outlet) > 200:
        raise ValidationError("The outlet's name is at most 200 characters.")
    if relation not in Evidence.Relation.values:
        raise ValidationError(f"relation must be one of {', '.join(Evidence.Relation.values)}.")
    today = timezone.now().date()
    for name, value in (("published", published), ("accessed", accessed)):
        if value is not None and not isinstance(value, datetime.date):
            raise ValidationError(f"{name} must be a date.")
        if value is not None and value > today:
            raise ValidationError(f"The {name} date {value} is in the future.")
    if published and accessed and accessed < published:
        raise ValidationError("The evidence cannot have been accessed before it was published.")


def _evidence_create(claim: Claim, user, *, action: str, source_claim: Claim | None = None, **values) -> Evidence:
    independence = selectors.outlet_independence(claim=claim, outlet=values["outlet"])
    evidence = Evidence.objects.create(
        claim=claim,
        added_by=user,
        outlet_actor=independence.actor,
        independent=independence.independent,
        source_claim=source_claim,
        **values,
    )
    _bump(claim)
    audit.record_claim_event(claim=claim, user=user, action=action, before={}, after=_evidence_summary(evidence))
    return evidence


def _evidence_summary(evidence: Evidence) -> dict:
    return {
        "evidence_id": evidence.pk,
        "url": evidence.url,
        "outlet": evidence.outlet,
        "relation": evidence.relation,
        "independent": evidence.independent,
        "title": evidence.title,
        "published": evidence.published,
        "source_claim": evidence.source_claim_id,
    }


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user, reason: str, expected_version: int | None = None) -> Evidence:
    """Take evidence off a claim; the record stays, marked removed, with the reason."""
    require(user, "review.remove_evidence", "remove evidence")
    if not (reason or "").strip():
        raise ValidationError("Say why the evidence is removed.")
    locked = _locked(evidence.claim_id, user, expected_version)
    current = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if current.is_removed:
        raise ValidationError("This evidence was already removed.")
    current.removed_at, current.removed_by, current.removal_reason = timezone.now(), user, reason.strip()
    current.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    _bump(locked)
    audit.record_claim_event(
        claim=locked,
        user=user,
        action=Action.EVIDENCE_REMOVED,
        before=_evidence_summary(current),
        after={"evidence_id": current.pk, "reason": current.removal_reason},
    )
    return current


@transaction.atomic
def suggestion_accept(*, claim: Claim, source_claim: Claim, user, expected_version: int | None = None) -> Evidence:
    """Accept a suggested corpus claim (a third party confirming or denying) as evidence."""
    require(user, "review.add_evidence", "add evidence")
    locked = _locked(claim, user, expected_version)
    if not selectors.is_suggestion(claim=locked, source_claim=source_claim):
        raise ValidationError("That claim is not a suggested evidence for this claim (or was already handled).")
    source = Claim.objects.select_related("document", "claimant").get(pk=source_claim.pk)
    document = source.document
    return _evidence_create(
        locked,
        user,
        action=Action.SUGGESTION_ACCEPTED,
        source_claim=source,
        url=document.url if document.url.startswith(("http://", "https://")) else claim_permalink(source.pk),
        outlet=(source.claimant.name if source.claimant else source.claimant_mention)[:200],
        relation=Evidence.Relation.SUPPORTS if source.stance == Stance.CONFIRM else Evidence.Relation.REFUTES,
        title=str(document)[:500],
        excerpt=source.sentence,
        published=document.published_date,
        accessed=timezone.now().date(),
    )


@transaction.atomic
def suggestion_dismiss(
    *, claim: Claim, source_claim: Claim, user, expected_version: int | None = None
) -> DismissedSuggestion:
    """Record that a suggested corpus claim is not evidence for this claim."""
    require(user, "review.add_evidence", "handle suggested evidence")
    locked = _locked(claim, user, expected_version)
    if not selectors.is_suggestion(claim=locked, source_claim=source_claim):
        raise ValidationError("That claim is not a suggested evidence for this claim (or was already handled).")
    dismissed = DismissedSuggestion.objects.create(claim=locked, source_claim=source_claim, dismissed_by=user)
    _bump(locked)
    audit.record_claim_event(
        claim=locked,
        user=user,
        action=Action.SUGGESTION_DISMISSED,
        before={},
        after={"source_claim": source_claim.pk, "quote": source_claim.quote},
    )
    return dismissed


def claim_permalink(claim_id: int) -> str:
    """The claim's review page in the workspace, an absolute URL (CLAIMDESK_SITE_URL)."""
    from django.conf import settings
    from django.urls import reverse

    return settings.CLAIMDESK_SITE_URL.rstrip("/") + reverse("review:claim", args=[claim_id])


# --- verdicts ------------------------------------------------------------------

# The evidence each decision needs: at least one independent item of this relation.
REQUIRED_EVIDENCE = {
    Verdict.Decision.CONFIRMED: Evidence.Relation.SUPPORTS,
    Verdict.Decision.DENIED: Evidence.Relation.REFUTES,
}


def _check_evidence_rule(claim: Claim, decision: str) -> None:
    relation = REQUIRED_EVIDENCE.get(decision)
    if relation is None:
        return
    found = selectors.active_evidence(claim).filter(relation=relation, independent=True).exists()
    if not found:
        word = "confirmed" if decision == Verdict.Decision.CONFIRMED else "denied"
        raise ValidationError(
            f"A claim can be {word} only with at least one independent evidence item that {relation} it; "
            "add one first (evidence from an outlet of either side, or from the claimant, does not count).",
            code="evidence_required",
        )


@transaction.atomic
def verdict_propose(*, claim: Claim, user, decision: str, rationale: str, expected_version: int) -> Verdict:
    """Propose a verdict; an editor other than the author approves or rejects it.

    Proposing on a claim with an approved verdict reopens it: the approved
    verdict stays in force until the new one is approved.
    """
    require(user, "review.propose_verdict", "propose verdicts")
    if decision not in Verdict.Decision.values:
        raise ValidationError(f"decision must be one of {', '.join(Verdict.Decision.values)}.")
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError("A verdict needs a rationale: say what the evidence shows.", code="rationale_required")
    locked = _locked(claim, user, _check_version_given(expected_version))
    pending = selectors.pending_verdict(locked)
    if pending is not None:
        raise ValidationError(
            f"A verdict proposed by {pending.proposed_by} ({pending.decision}) is already waiting for approval; "
            "an editor approves or rejects it first.",
            code="pending_exists",
        )
    _check_evidence_rule(locked, decision)
    before = {"review_state": locked.review_state, "verdict": locked.verdict}
    reopened = locked.review_state == ReviewState.APPROVED
    locked.review_state = ReviewState.PROPOSED
    _bump(locked, ["review_state"])
    verdict = Verdict.objects.create(
        claim=locked,
        decision=decision,
        rationale=rationale,
        proposed_by=user,
        proposed_at=timezone.now(),
        claim_version=locked.version,
    )
    audit.record_claim_event(
        claim=locked,
        user=user,
        action=Action.VERDICT_REOPENED if reopened else Action.VERDICT_PROPOSED,
        before=before,
        after={
            "review_state": locked.review_state,
            "verdict_id": verdict.pk,
            "decision": decision,
            "rationale": rationale,
        },
    )
    return verdict


def _locked_pending(verdict: Verdict, user, expected_version: int | None) -> tuple[Claim, Verdict]:
    claim = _locked(verdict.claim_id, user, expected_version)
    current = Verdict.objects.select_for_update(of=("self",)).select_related("proposed_by").get(pk=verdict.pk)
    if current.state != Verdict.State.PROPOSED:
        raise ValidationError(
            f"This verdict is no longer waiting for approval: it was {current.get_state_display().lower()}.",
            code="not_pending",
        )
    if current.proposed_by_id == user.pk:
        raise ValidationError(
            "You proposed this verdict; another editor must approve or reject it (four-eyes rule).",
            code="four_eyes",
        )
    return claim, current


@transaction.atomic
def verdict_approve(*, verdict: Verdict, user, expected_version: int | None = None) -> Verdict:
    """Approve someone else's proposal: it becomes the claim's verdict."""
    require(user, "review.decide_verdict", "approve verdicts")
    claim, current = _locked_pending(verdict, user, expected_version)
    _check_evidence_rule(claim, current.decision)  # evidence may have been removed since the proposal
    now = timezone.now()
    before = {"review_state": claim.review_state, "verdict": claim.verdict}
    replaced = Verdict.objects.filter(claim=claim, state=Verdict.State.APPROVED)
    replaced_ids = list(replaced.values_list("pk", flat=True))
    replaced.update(state=Verdict.State.SUPERSEDED)
    current.state, current.decided_by, current.decided_at = Verdict.State.APPROVED, user, now
    current.save(update_fields=["state", "decided_by", "decided_at"])
    claim.review_state, claim.verdict = ReviewState.APPROVED, current.decision
    _bump(claim, ["review_state", "verdict"])
    audit.record_claim_event(
        claim=claim,
        user=user,
        action=Action.VERDICT_APPROVED,
        before=before,
        after={
            "review_state": claim.review_state,
            "verdict": claim.verdict,
            "verdict_id": current.pk,
            "proposed_by": current.proposed_by.get_username() if current.proposed_by else None,
            "superseded": replaced_ids,
        },
    )
    return current


@transaction.atomic
def verdict_reject(*, verdict: Verdict, user, reason: str, expected_version: int | None = None) -> Verdict:
    """Reject someone else's proposal with a reason; an approved verdict in force stays."""
    require(user, "review.decide_verdict", "reject verdicts")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the verdict is rejected.", code="reason_required")
    claim, current = _locked_pending(verdict, user, expected_version)
    before = {"review_state": claim.review_state, "verdict": claim.verdict}
    current.state, current.decided_by, current.decided_at = Verdict.State.REJECTED, user, timezone.now()
    current.decision_note = reason
    current.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    claim.review_state = ReviewState.APPROVED if claim.verdict else ReviewState.REJECTED
    _bump(claim, ["review_state"])
    audit.record_claim_event(
        claim=claim,
        user=user,
        action=Action.VERDICT_REJECTED,
        before=before,
        after={"review_state": claim.review_state, "verdict_id": current.pk, "reason": reason},
    )
    return current
