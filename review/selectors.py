"""Reads for review: independence of outlets, suggested evidence, history, queues."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from claims.enums import THIRD_PARTY, Stance
from claims.models import Actor, Claim
from claims.selectors import actor_registry, claims_visible_to
from review.models import AuditEvent, DismissedSuggestion, Evidence, Verdict


@dataclass(frozen=True)
class Independence:
    """Whether an outlet is independent of a claim, and why not."""

    independent: bool
    actor: Actor | None
    reason: str

    def __str__(self):
        return self.reason


def outlet_independence(*, claim: Claim, outlet: str) -> Independence:
    """Derived from the claim's conflict registry, never typed by hand.

    An outlet the registry places on one of the conflict's sides, or the
    claim's own claimant, is not independent; any other outlet is.
    """
    registry = actor_registry(claim.conflict_id)
    found = registry.lookup(outlet) or registry.find_in(outlet)
    actor = Actor.objects.filter(name=found.name).first() if found is not None else None
    if actor is not None and claim.claimant_id is not None and actor.pk == claim.claimant_id:
        return Independence(False, actor, "the outlet is the claimant itself")
    if found is not None and found.side != THIRD_PARTY:
        side = claim.conflict.side_label(found.side)
        return Independence(False, actor, f"the registry places {found.name} on the side of {side}")
    if claim.claimant is not None and outlet.strip().lower() == claim.claimant.name.lower():
        return Independence(False, claim.claimant, "the outlet is the claimant itself")
    return Independence(True, actor, "independent of the conflict's parties and of the claimant")


def active_evidence(claim: Claim) -> QuerySet[Evidence]:
    return claim.evidence.filter(removed_at__isnull=True).order_by("id")


def suggested_evidence(claim: Claim) -> QuerySet[Claim]:
    """Third-party claims found in the corpus that confirm or deny this claim.

    Those already accepted as evidence or dismissed are left out.
    """
    accepted = Evidence.objects.filter(claim=claim, source_claim=OuterRef("pk"), removed_at__isnull=True)
    dismissed = DismissedSuggestion.objects.filter(claim=claim, source_claim=OuterRef("pk"))
    return (
        Claim.objects.filter(responds_to=claim, side=THIRD_PARTY, stance__in=[Stance.CONFIRM, Stance.DENY])
        .exclude(Exists(accepted))
        .exclude(Exists(dismissed))
        .select_related("claimant", "document")
        .order_by("id")
    )


def is_suggestion(*, claim: Claim, source_claim: Claim) -> bool:
    return suggested_evidence(claim).filter(pk=source_claim.pk).exists()


def current_verdict(claim: Claim) -> Verdict | None:
    """The approved verdict in force."""
    return claim.verdicts.filter(state=Verdict.State.APPROVED).first()


def pending_verdict(claim: Claim) -> Verdict | None:
    return claim.verdicts.filter(state=Verdict.State.PROPOSED).select_related("proposed_by").first()


def claim_history(claim_id: int) -> QuerySet[AuditEvent]:
    """The claim's audit trail, oldest first."""
    return AuditEvent.objects.filter(claim_id=claim_id).order_by("seq")


def changes_since(claim_id: int, version: int) -> list[AuditEvent]:
    """What people did to the claim after `version` (for a stale write's message)."""
    return list(AuditEvent.objects.filter(claim_id=claim_id, seq__gt=version).order_by("seq"))


def pending_proposals(*, exclude_author=None) -> QuerySet[Verdict]:
    """Proposals waiting for an editor, oldest first (an editor's own left out)."""
    pending = Verdict.objects.filter(state=Verdict.State.PROPOSED).select_related("claim", "proposed_by")
    if exclude_author is not None:
        pending = pending.exclude(proposed_by=exclude_author)
    return pending.order_by("proposed_at", "id")


def claims_for(*, user, data=None, queryset: QuerySet | None = None):
    """The claims `user` may see, filtered by the one FilterSet with `data` (a QueryDict or dict).

    Returns the FilterSet: `.qs` is the filtered queryset, `.is_valid()` and
    `.errors` say what was wrong with the filters. Admin, workspace, API and
    exports all read claims through here.
    """
    from review.filters import ReviewClaimFilter

    visible = claims_visible_to(user, queryset)
    return ReviewClaimFilter(data=data or {}, queryset=visible, request=None, user=user)
