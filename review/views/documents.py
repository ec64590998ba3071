"""A document as the workspace shows it: what it is, and its claims in text order with their review state."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from claims.enums import THIRD_PARTY
from claims.models import Claim
from claims.selectors import claims_visible_to, documents_visible_to
from review.views import label_sides, reviewer_required

PER_PAGE = 50


@require_GET
@reviewer_required
def document(request, pk: int):
    doc = get_object_or_404(documents_visible_to(request.user).select_related("conflict").defer("text"), pk=pk)
    claims = (
        claims_visible_to(request.user)
        .filter(document=doc)
        .select_related("claimant", "responds_to")
        .only(
            "pk", "index", "start", "sentence", "quote", "claimant_mention", "side", "stance", "claim_type",
            "event_date", "review_state", "verdict", "claimant__name", "responds_to__quote", "document_id",
            "conflict_id",
        )
        .order_by("start", "id")
    )  # fmt: skip
    page = Paginator(claims, PER_PAGE).get_page(request.GET.get("page"))
    sides = {slug: doc.conflict.side_label(slug) for slug in (*doc.conflict.parties, THIRD_PARTY)}
    label_sides(page.object_list, sides)
    return TemplateResponse(request, "review/document.html", {"document": doc, "page": page})


def claim_place_url(claim: Claim) -> str:
    """The document page that lists `claim`, at its anchor (`claim.position`: claims before it)."""
    page = claim.position // PER_PAGE + 1
    return reverse("review:document", args=[claim.document_id]) + f"?page={page}#claim-{claim.pk}"
