"""The review workspace's pages: thin views over review.services, review.selectors and review.workspace.

Every view needs a signed-in analyst, editor or admin (a staff user with no
role gets 403); every write is a POST with its CSRF token, and the services
check the role again.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse

from claims.selectors import claims_visible_to

# The permission that makes someone a reviewer: analysts, editors and admins hold it.
REVIEWER_PERMISSION = "review.propose_verdict"
EDITOR_PERMISSION = "review.decide_verdict"
# The queue's filters ("review next", "skip") are kept in the session between claims.
QUEUE_SESSION_KEY = "review_queue_filters"
QUEUE_FIELDS = (
    "event_date_after",
    "event_date_before",
    "claim_type",
    "side",
    "claimant",
    "document",
    "place",
    "q",
    "conflict",
    "order",
)


def reviewer_required(view):
    """Signed in (else the login page), and a reviewer's role (else 403)."""

    @login_required(login_url="admin:login")
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(REVIEWER_PERMISSION):
            raise PermissionDenied("The review workspace is for analysts and editors.")
        return view(request, *args, **kwargs)

    return wrapped


def editor_required(view):
    @reviewer_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(EDITOR_PERMISSION):
            raise PermissionDenied("Only editors approve or reject verdicts.")
        return view(request, *args, **kwargs)

    return wrapped


def visible_claim(request, pk: int, *related: str):
    """The claim if the user may see it (404 otherwise: its existence is not disclosed)."""
    claims = claims_visible_to(request.user)
    return get_object_or_404(claims.select_related(*related) if related else claims, pk=pk)


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def queue_filters(data) -> dict[str, str]:
    """The queue's filters in `data` (a QueryDict), blanks left out."""
    return {name: data.get(name, "").strip() for name in QUEUE_FIELDS if data.get(name, "").strip()}


def next_url(request) -> str:
    """/review/next/ with the filters the analyst last asked the queue for."""
    filters = request.session.get(QUEUE_SESSION_KEY) or {}
    return reverse("review:next") + (f"?{urlencode(filters)}" if filters else "")


def label_sides(claims, labels: dict[str, str]):
    """Give each claim `side_shown`: its side's name for people ("Northland", "third party")."""
    for claim in claims:
        if claim is not None:
            claim.side_shown = labels.get(claim.side) or claim.side.replace("_", " ")
    return claims
