"""The review page of one claim and the writes made from it."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims.enums import THIRD_PARTY, ClaimType, Stance
from claims.models import Actor, ActorMembership, Claim
from claims.selectors import claims_visible_to
from review import selectors, services, workspace
from review.models import Evidence, Verdict
from review.views import (
    EDITOR_PERMISSION,
    editor_required,
    error_text,
    label_sides,
    next_url,
    reviewer_required,
    visible_claim,
)
from review.views.documents import claim_place_url

# Related claims and answers shown on the page, at most.
ANSWERS_LIMIT = 20
HISTORY_LIMIT = 50
SUGGESTIONS_LIMIT = 20

_PAGE_RELATED = ("document", "conflict", "claimant", "responds_to__claimant")


@require_GET
@reviewer_required
def review(request, pk: int):
    claim = get_object_or_404(
        workspace.with_page_facts(
            claims_visible_to(request.user)
            .select_related(*_PAGE_RELATED)
            .defer("document__text", "responds_to__sentence")
        ),
        pk=pk,
    )
    visible = claims_visible_to(request.user)
    verdicts = list(claim.verdicts.select_related("proposed_by", "decided_by").order_by("-id"))
    pending = next((v for v in verdicts if v.state == Verdict.State.PROPOSED), None)
    history = list(selectors.claim_history(claim.pk).order_by("-seq")[:HISTORY_LIMIT])
    context = {
        "claim": claim,
        "text": workspace.claim_context(claim),
        "registered": claim.registered,
        "answers": list(claim.responses.select_related("claimant").order_by("start", "id")[:ANSWERS_LIMIT]),
        "related": workspace.related_claims(claim, visible=visible),
        "evidence": list(selectors.active_evidence(claim).select_related("added_by", "outlet_actor")),
        "suggestions": list(selectors.suggested_evidence(claim)[:SUGGESTIONS_LIMIT]),
        "verdicts": verdicts,
        "pending": pending,
        "may_decide": pending is not None
        and request.user.has_perm(EDITOR_PERMISSION)
        and pending.proposed_by_id != request.user.pk,
        "history": [(event, services.describe_event(event)) for event in history],
        "reservation": workspace.reservation_of(claim.pk),
        "today": workspace.counts_today(request.user),
        "next_url": next_url(request),
        "fields": _editable_fields(claim),
        "actor_names": _actor_names(claim),
        "relations": Evidence.Relation.choices,
        "decisions": Verdict.Decision.choices,
        "today_date": datetime.date.today(),
        "document_url": claim_place_url(claim),
    }
    sides = {slug: claim.conflict.side_label(slug) for slug in (*claim.conflict.parties, THIRD_PARTY)}
    label_sides([claim.responds_to, *context["answers"], *context["related"]], sides)
    return TemplateResponse(request, "review/claim.html", context)


def _editable_fields(claim: Claim) -> list[dict]:
    """Each correctable field: its label, name, current value as shown, and input."""
    sides = [(slug, claim.conflict.side_label(slug)) for slug in (*claim.conflict.parties, THIRD_PARTY)]
    return [
        {"name": "claimant", "label": "Claimant", "value": claim.claimant.name if claim.claimant else "",
         "input": "actor"},
        {"name": "claimant_mention", "label": "Mention", "value": claim.claimant_mention, "input": "text"},
        {"name": "side", "label": "Side", "value": claim.side, "shown": claim.conflict.side_label(claim.side)
         if claim.side else "", "input": "select", "choices": sides},
        {"name": "event_date", "label": "Event date", "value": claim.event_date.isoformat()
         if claim.event_date else "", "input": "date"},
        {"name": "time", "label": "Time", "value": claim.time.strftime("%H:%M") if claim.time else "",
         "input": "time"},
        {"name": "locations", "label": "Places", "value": ", ".join(claim.locations), "input": "text"},
        {"name": "claim_type", "label": "Type", "value": claim.claim_type, "shown": claim.get_claim_type_display(),
         "input": "select", "choices": ClaimType.choices},
        {"name": "stance", "label": "Stance", "value": claim.stance, "shown": claim.get_stance_display(),
         "input": "select", "choices": Stance.choices},
    ]  # fmt: skip


def _actor_names(claim: Claim) -> list[str]:
    """Names offered when correcting the claimant: the conflict's registry."""
    return list(
        ActorMembership.objects.filter(conflict_id=claim.conflict_id, is_proposed=False)
        .order_by("actor__name")
        .values_list("actor__name", flat=True)
    )


def _back(claim_pk: int):
    return redirect("review:claim", pk=claim_pk)


@require_POST
@reviewer_required
def correct(request, pk: int):
    claim = visible_claim(request, pk)
    field = request.POST.get("field", "")
    if field not in services.CORRECTABLE:
        messages.error(request, "Choose a field to correct.")
        return _back(pk)
    value = request.POST.get("value", "")
    if field == "claimant":
        value = _actor_by_name(value)
    try:
        services.claim_correct(claim=claim, user=request.user, expected_version=_version(request), **{field: value})
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Saved {field.replace('_', ' ')}.")
    return _back(pk)


def _actor_by_name(name: str):
    name = name.strip()
    if not name:
        return None
    return Actor.objects.filter(name=name).first() or name  # the service names an unknown one


def _version(request) -> int | None:
    try:
        return int(request.POST.get("expected_version", ""))
    except ValueError:
        return None


def _date_or_none(value: str, label: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"The {label} date must be written YYYY-MM-DD, not {value!r}.") from None


@require_POST
@reviewer_required
def add_evidence(request, pk: int):
    claim = visible_claim(request, pk, "conflict", "claimant")
    data = request.POST
    try:
        services.evidence_add(
            claim=claim,
            user=request.user,
            url=data.get("url", ""),
            outlet=data.get("outlet", ""),
            relation=data.get("relation", ""),
            title=data.get("title", ""),
            excerpt=data.get("excerpt", ""),
            published=_date_or_none(data.get("published", ""), "published"),
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Evidence added.")
    return redirect(f"{_claim_url(pk)}#evidence")


def _claim_url(pk: int) -> str:
    return reverse("review:claim", args=[pk])


@require_POST
@reviewer_required
def handle_suggestion(request, pk: int, source_pk: int):
    claim = visible_claim(request, pk, "conflict", "claimant")
    source = visible_claim(request, source_pk)
    accept = request.POST.get("action") == "accept"
    try:
        if accept:
            services.suggestion_accept(claim=claim, source_claim=source, user=request.user)
        else:
            services.suggestion_dismiss(claim=claim, source_claim=source, user=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Suggestion accepted as evidence." if accept else "Suggestion dismissed.")
    return redirect(f"{_claim_url(pk)}#evidence")


@require_POST
@reviewer_required
def propose(request, pk: int):
    claim = visible_claim(request, pk)
    held = workspace.reservation_of(pk)
    try:
        services.verdict_propose(
            claim=claim,
            user=request.user,
            decision=request.POST.get("decision", ""),
            rationale=request.POST.get("rationale", ""),
            expected_version=_version(request),
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return _back(pk)
    messages.success(request, f"Proposed {request.POST['decision']} for claim {pk}; an editor will review it.")
    if held is not None and held.user_id == request.user.pk:
        return redirect(next_url(request))  # from the queue: straight on to the next claim
    return _back(pk)


@require_POST
@reviewer_required
def skip(request, pk: int):
    """Give the claim back to the queue and take the next one (this analyst passes over it for a while)."""
    visible_claim(request, pk)
    workspace.reservation_release(user=request.user, claim_id=pk)
    skipped = [pk, *[done for done in request.session.get("review_skipped", []) if done != pk]]
    request.session["review_skipped"] = skipped[: workspace.SKIP_MEMORY]
    return redirect(next_url(request))


def _decided_verdict(request, pk: int) -> Verdict:
    verdict = get_object_or_404(Verdict.objects.select_related("claim"), pk=pk)
    visible_claim(request, verdict.claim_id)
    return verdict


def _after_decision(request, verdict: Verdict):
    if request.POST.get("from") == "approvals":
        return redirect("review:approvals")
    return _back(verdict.claim_id)


@require_POST
@editor_required
def approve(request, pk: int):
    verdict = _decided_verdict(request, pk)
    try:
        services.verdict_approve(verdict=verdict, user=request.user, expected_version=_version(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Approved: claim {verdict.claim_id} is {verdict.decision}.")
    return _after_decision(request, verdict)


@require_POST
@editor_required
def reject(request, pk: int):
    verdict = _decided_verdict(request, pk)
    try:
        services.verdict_reject(
            verdict=verdict,
            user=request.user,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Rejected the proposal for claim {verdict.claim_id}.")
    return _after_decision(request, verdict)
