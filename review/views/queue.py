"""The queue: "review next" with its filters, and the editors' approval queue."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from claims.enums import THIRD_PARTY, ClaimType
from claims.models import Actor, Conflict
from claims.selectors import visible_conflict_ids
from review import selectors, workspace
from review.views import QUEUE_SESSION_KEY, editor_required, label_sides, queue_filters, reviewer_required

PAGE_SIZE = 25


def _filterset(request, data):
    return selectors.claims_for(user=request.user, data=data)


@require_GET
@reviewer_required
def take_next(request):
    """Reserve the next unreviewed claim matching the filters and open its review page."""
    filters = _remember(request, queue_filters(request.GET))
    filterset = _filterset(request, filters)
    if not filterset.is_valid():
        messages.error(request, "Check the queue's filters: " + _errors(filterset))
        return redirect("review:queue")
    skipped = tuple(request.session.get("review_skipped", []))
    order = filters.get("order")
    taken = workspace.reservation_take_next(user=request.user, queryset=filterset.qs, skipped=skipped, order=order)
    if taken is None and skipped:
        request.session["review_skipped"] = []  # only skipped claims are left: offer them again
        taken = workspace.reservation_take_next(user=request.user, queryset=filterset.qs, order=order)
    if taken is None:
        messages.info(request, "No unreviewed claim is waiting with these filters.")
        return redirect("review:queue")
    return redirect("review:claim", pk=taken)


def _remember(request, filters: dict[str, str]) -> dict[str, str]:
    """Keep the filters for "next" and "skip" (the session is written only when they change)."""
    if request.session.get(QUEUE_SESSION_KEY) != filters:
        request.session[QUEUE_SESSION_KEY] = filters
    return filters


def _errors(filterset) -> str:
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())


@require_GET
@reviewer_required
def queue(request):
    """The filters, the first unreviewed claims they match (no count: the list may be huge)."""
    if request.GET:
        filters = _remember(request, queue_filters(request.GET))
    else:
        filters = request.session.get(QUEUE_SESSION_KEY, {})
    filterset = _filterset(request, filters)
    order = workspace.queue_order(filters.get("order"))
    page = _page_number(request)
    claims, has_more = [], False
    if filterset.is_valid():
        waiting = (
            filterset.qs.filter(review_state="unreviewed")
            .exclude(workspace.held_by_others(request.user, timezone.now()))
            .select_related("claimant", "document")
            .only(
                "pk", "quote", "claimant_mention", "side", "claim_type", "stance", "event_date", "locations",
                "confidence", "claimant__name", "document__title", "document__source_name", "conflict_id",
                "document_id",
            )
            .order_by(*order.fields)
        )  # fmt: skip
        offset = (page - 1) * PAGE_SIZE
        claims = list(waiting[offset : offset + PAGE_SIZE + 1])
        has_more, claims = len(claims) > PAGE_SIZE, claims[:PAGE_SIZE]
    sides = _sides(request.user)
    label_sides(claims, dict(sides))
    context = {
        "filters": filters,
        "filter_query": urlencode(filters),
        "errors": filterset.errors if not filterset.is_valid() else {},
        "claims": claims,
        "page": page,
        "has_more": has_more,
        "types": ClaimType.choices,
        "orders": workspace.QUEUE_ORDERS,
        "order": order,
        "sides": sides,
        "actor_options": _options(Actor.objects.order_by("name").values_list("pk", "name"), filters.get("claimant")),
        "today": workspace.counts_today(request.user),
    }
    return TemplateResponse(request, "review/queue.html", context)


def _options(choices, selected: str | None):
    """<option>s of a long select, built here: a template loop over hundreds of actors costs more."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if str(pk) == selected else "", name) for pk, name in choices),
    )


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 400))
    except ValueError:
        return 1


def _sides(user) -> list[tuple[str, str]]:
    allowed = visible_conflict_ids(user)
    conflicts = Conflict.objects.all() if allowed is None else Conflict.objects.filter(pk__in=allowed)
    sides: dict[str, str] = {}
    for conflict in conflicts.only("sides"):
        for slug in conflict.parties:
            sides.setdefault(slug, conflict.side_label(slug))
    sides[THIRD_PARTY] = "third party"
    return list(sides.items())


@require_GET
@editor_required
def approvals(request):
    """Proposals by others waiting for an editor, oldest first."""
    pending = selectors.pending_proposals(exclude_author=request.user).select_related("claim__claimant")
    allowed = visible_conflict_ids(request.user)
    if allowed is not None:
        pending = pending.filter(claim__conflict_id__in=allowed)
    page = _page_number(request)
    offset = (page - 1) * PAGE_SIZE
    rows = list(pending[offset : offset + PAGE_SIZE + 1])
    context = {
        "proposals": rows[:PAGE_SIZE],
        "has_more": len(rows) > PAGE_SIZE,
        "page": page,
        "today": workspace.counts_today(request.user),
    }
    return TemplateResponse(request, "review/approvals.html", context)
