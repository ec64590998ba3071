"""Claims: list, detail, corrections, evidence, verdicts, history and the tombstone feed."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from claims.models import Claim, ClaimTombstone
from claims.selectors import claims_visible_to, visible_conflict_ids
from review import audit, selectors, services
from review.api import etags
from review.api.filters import ClaimFilterBackend, check_parameters
from review.api.pagination import KeysetPagination, orderings
from review.api.permissions import RolePermission
from review.api.schema import ERRORS, page_of
from review.api.serializers import (
    ChangeSerializer,
    ClaimCorrectionSerializer,
    ClaimSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    HistorySerializer,
    TombstoneSerializer,
    VerdictDecisionSerializer,
    VerdictInputSerializer,
    VerdictRejectSerializer,
    VerdictSerializer,
    claim_data,
    claim_queryset,
    page_claims,
    with_related,
)
from review.filters import ReviewClaimFilter
from review.models import Verdict

ID = r"\d{1,18}"
CLAIM_ORDERINGS = orderings(("updated_at", "datetime"), ("event_date", "date"), ("id", "int"))
ORDERING = OpenApiParameter(
    "ordering",
    str,
    enum=list(CLAIM_ORDERINGS),
    description="Sort key; default `updated_at` (the incremental-sync order, ties broken by id).",
)
CURSOR = OpenApiParameter("cursor", str, description="Opaque position: follow `next` as given.")
PAGE_SIZE = OpenApiParameter("page_size", int, description="Rows a page, 1 to 200 (default 50).")
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, description="An ETag from an earlier answer: 304 if unchanged."
)
NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag given in If-None-Match.")


def _not_modified(etag: str) -> Response:
    return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag, "Cache-Control": "private, no-cache"})


def _with_etag(data, etag: str, code: int = status.HTTP_200_OK) -> Response:
    return Response(data, status=code, headers={"ETag": etag, "Cache-Control": "private, no-cache"})


class ClaimViewSet(viewsets.GenericViewSet):
    """Claims as the caller may see them (role and conflicts), filtered by the one FilterSet."""

    serializer_class = ClaimSerializer
    permission_classes = [RolePermission]
    filter_backends = [ClaimFilterBackend]
    lookup_value_regex = ID
    required_permissions = {
        "list": ["claims.view_claim"],
        "retrieve": ["claims.view_claim"],
        "partial_update": ["claims.correct_claim"],
        "history": ["review.view_auditevent"],
        "evidence": ["review.add_evidence"],
        "verdicts": ["review.view_verdict"],
        "verdicts:POST": ["review.propose_verdict"],
        "deleted": ["claims.view_claim"],
    }
    pages = KeysetPagination(CLAIM_ORDERINGS, default="updated_at")

    def get_queryset(self):
        return claims_visible_to(self.request.user, claim_queryset())

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        parameters=[ORDERING, CURSOR, PAGE_SIZE, IF_NONE_MATCH],
        responses={200: page_of(ClaimSerializer), 304: NOT_MODIFIED, **ERRORS(400, 401, 403, 429)},
    )
    def list(self, request):
        """Claims, a page at a time (cursor pagination, no counts); ETag / If-None-Match for cheap polls."""
        # The page's keys first, from the bare claims table: they make the ETag (an
        # unchanged poll ends here) and the links; then its rows, read by id.
        keys = self.pages.keys(
            lambda: self.filter_queryset(claims_visible_to(request.user, Claim.objects.all())),
            request,
            reuse=self._keys_reuse(request),
        )
        etag = etags.page_etag(request, keys)
        if etags.not_modified(request, etag):
            return _not_modified(etag)
        ids, links = self.pages.links(keys, request)
        results = [claim_data(claim) for claim in page_claims(ids, request)]
        return _with_etag({**links, "results": results}, etag)

    def _keys_reuse(self, request):
        """What the list's keys query depends on besides the path: what the caller may see (None: not reusable)."""
        if not ReviewClaimFilter.reader_dependent.isdisjoint(request.query_params):
            return None
        return (etags.viewer_key(request), request.user.has_perm("claims.view_claim"))

    @extend_schema(
        parameters=[IF_NONE_MATCH], responses={200: ClaimSerializer, 304: NOT_MODIFIED, **ERRORS(401, 403, 404, 429)}
    )
    def retrieve(self, request, pk=None):
        claim = self.get_object()
        etag = etags.claim_etag(request, claim)
        if etags.not_modified(request, etag):
            return _not_modified(etag)
        with_related([claim], request)
        return _with_etag(claim_data(claim), etag)

    @extend_schema(
        request=ClaimCorrectionSerializer,
        responses={200: ClaimSerializer, **ERRORS(400, 401, 403, 404, 409, 429)},
        description="Correct claimant, mention, side, stance, type, event date, time or places "
        "(review.services.claim_correct). A stale `expected_version` answers 409 with the claim as it is now.",
    )
    def partial_update(self, request, pk=None):
        claim = self.get_object()
        serializer = ClaimCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        expected = fields.pop("expected_version")
        services.claim_correct(claim=claim, user=request.user, expected_version=expected, **fields)
        return self._current(claim.pk, request)

    def _current(self, pk: int, request, code: int = status.HTTP_200_OK) -> Response:
        claim = with_related([claim_queryset().get(pk=pk)], request)[0]
        return _with_etag(claim_data(claim), etags.claim_etag(request, claim), code)

    @extend_schema(responses={200: HistorySerializer, **ERRORS(401, 403, 404, 429)})
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The claim's audit trail, oldest first, with its hash chain and whether it recomputes."""
        claim = self.get_object()
        events = list(selectors.claim_history(claim.pk))
        broken = audit.verify_chain(audit.claim_chain(claim.pk), events, claim.version)
        data = {
            "claim": claim.pk,
            "version": claim.version,
            "head": events[-1].hash if events else audit.GENESIS,
            "intact": broken is None,
            "broken": str(broken) if broken else None,
            "events": ChangeSerializer(events, many=True).data,
        }
        return Response(data)

    @extend_schema(
        request=EvidenceInputSerializer,
        responses={201: EvidenceSerializer, **ERRORS(400, 401, 403, 404, 409, 429)},
        description="Record a third-party source (review.services.evidence_add); independence is derived.",
    )
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        claim = self.get_object()
        serializer = EvidenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.evidence_add(claim=claim, user=request.user, **serializer.validated_data)
        return Response(EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], request=None, responses={200: VerdictSerializer(many=True), **ERRORS(401, 403, 404, 429)}
    )
    @extend_schema(
        methods=["POST"],
        request=VerdictInputSerializer,
        responses={201: VerdictSerializer, **ERRORS(400, 401, 403, 404, 409, 429)},
        description="Propose a verdict (review.services.verdict_propose): `confirmed` needs independent "
        "supporting evidence, `denied` independent refuting evidence; an editor other than the author decides.",
    )
    @action(detail=True, methods=["get", "post"])
    def verdicts(self, request, pk=None):
        claim = self.get_object()
        if request.method == "GET":
            found = claim.verdicts.select_related("proposed_by", "decided_by").order_by("-id")
            return Response(VerdictSerializer(found, many=True).data)
        serializer = VerdictInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verdict = services.verdict_propose(claim=claim, user=request.user, **serializer.validated_data)
        return Response(VerdictSerializer(verdict).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Deletions at or after this time (ISO 8601)."),
            CURSOR,
            PAGE_SIZE,
        ],
        responses={200: page_of(TombstoneSerializer), **ERRORS(400, 401, 403, 429)},
    )
    @action(detail=False, methods=["get"])
    def deleted(self, request):
        """Claims deleted (re-extraction, an admin) since a time, in (deleted_at, id) order: the tombstone feed."""
        check_parameters(request)
        tombstones = ClaimTombstone.objects.all()
        allowed = visible_conflict_ids(request.user)
        if allowed is not None:
            tombstones = tombstones.filter(conflict_id__in=allowed)
        since = request.query_params.get("since")
        if since:
            tombstones = tombstones.filter(deleted_at__gte=_datetime(since, "since"))
        rows, links = TOMBSTONE_PAGES.page(tombstones, request)
        return Response({**links, "results": TombstoneSerializer(rows, many=True).data})


TOMBSTONE_PAGES = KeysetPagination(orderings(("deleted_at", "datetime")), default="deleted_at")


def _datetime(value: str, name: str):
    field = drf.DateTimeField()
    try:
        return field.to_internal_value(value)
    except drf.ValidationError as exc:
        raise ValidationError({name: exc.detail}) from None


class VerdictViewSet(viewsets.GenericViewSet):
    """A verdict, and the editors' approval or rejection of it (four-eyes)."""

    serializer_class = VerdictSerializer
    permission_classes = [RolePermission]
    lookup_value_regex = ID
    required_permissions = {
        "retrieve": ["review.view_verdict"],
        "approve": ["review.decide_verdict"],
        "reject": ["review.decide_verdict"],
    }

    def get_queryset(self):
        visible = claims_visible_to(self.request.user).values("pk")
        return Verdict.objects.filter(claim__in=visible).select_related("proposed_by", "decided_by")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(responses={200: VerdictSerializer, **ERRORS(401, 403, 404, 429)})
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=VerdictDecisionSerializer,
        responses={200: VerdictSerializer, **ERRORS(400, 401, 403, 404, 409, 429)},
        description="Approve someone else's proposal (review.services.verdict_approve).",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        serializer = VerdictDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verdict = services.verdict_approve(verdict=self.get_object(), user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(verdict).data)

    @extend_schema(
        request=VerdictRejectSerializer,
        responses={200: VerdictSerializer, **ERRORS(400, 401, 403, 404, 409, 429)},
        description="Reject someone else's proposal with a reason (review.services.verdict_reject).",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        serializer = VerdictRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verdict = services.verdict_reject(verdict=self.get_object(), user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(verdict).data)
