"""Documents (ingest and extraction status) and the actor registry."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import UnsupportedMediaType, ValidationError
from rest_framework.response import Response

from claims import reading, services
from claims.enums import THIRD_PARTY
from claims.extraction import RegistryError
from claims.models import Actor, Conflict, Document
from claims.selectors import documents_visible_to, visible_conflict_ids
from review.api.errors import PayloadTooLarge
from review.api.filters import check_parameters
from review.api.pagination import KeysetPagination, orderings
from review.api.permissions import RolePermission
from review.api.schema import ERRORS, page_of
from review.api.serializers import (
    DOCUMENT_COLUMNS,
    ActorInputSerializer,
    ActorSerializer,
    DocumentInputSerializer,
    DocumentSerializer,
)
from review.api.views import CURSOR, ID, PAGE_SIZE

# A request body may exceed the document limit by this much (the other fields, multipart framing).
BODY_SLACK = 64 * 1024
DOCUMENT_PAGES = KeysetPagination(orderings(("id", "int")), default="-id")


class DocumentViewSet(viewsets.GenericViewSet):
    serializer_class = DocumentSerializer
    permission_classes = [RolePermission]
    lookup_value_regex = ID
    required_permissions = {
        "list": ["claims.view_document"],
        "retrieve": ["claims.view_document"],
        "create": ["claims.add_document"],
    }

    def get_queryset(self):
        documents = Document.objects.select_related("conflict").only(*DOCUMENT_COLUMNS, "conflict__slug")
        return documents_visible_to(self.request.user, documents)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Document.Status.values, description="Only documents in this state."),
            OpenApiParameter("ordering", str, enum=["-id", "id"], description="Newest first (default) or oldest."),
            CURSOR,
            PAGE_SIZE,
        ],
        responses={200: page_of(DocumentSerializer), **ERRORS(400, 401, 403, 429)},
    )
    def list(self, request):
        check_parameters(request)
        documents = self.get_queryset()
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in Document.Status.values:
                raise ValidationError({"status": [f"One of {', '.join(Document.Status.values)}."]})
            documents = documents.filter(status=wanted)
        rows, links = DOCUMENT_PAGES.page(documents, request)
        return Response({**links, "results": self.get_serializer(rows, many=True).data})

    @extend_schema(responses={200: DocumentSerializer, **ERRORS(401, 403, 404, 429)})
    def retrieve(self, request, pk=None):
        """A document's extraction status and claim count (poll it after a POST)."""
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(
        request={"application/json": DocumentInputSerializer, "multipart/form-data": DocumentInputSerializer},
        responses={
            202: DocumentSerializer,
            200: DocumentSerializer,
            **ERRORS(400, 401, 403, 413, 415, 429),
        },
        description="Ingest a document (text, or a file as multipart/form-data) through the same reading and "
        "validation as `manage.py ingest`. Answers 202 with the document (its `href` and the Location header "
        "report status and claim count as extraction proceeds), or 200 with the document already stored for "
        "the same text.",
    )
    def create(self, request):
        _check_length(request)
        serializer = DocumentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        conflict = _conflict(request.user, values.pop("conflict"))
        upload = values.pop("file", None)
        try:
            raw = reading.read_upload(upload=upload) if upload else reading.read_pasted(text=values.pop("text"))
        except reading.IngestError as exc:
            raise PayloadTooLarge(f"The document cannot be stored: {exc}.") from None
        try:
            result = services.document_ingest(
                raw=raw, source_name=upload.name if upload else "", conflict=conflict, **values
            )
        except reading.IngestError as exc:
            if "binary" in str(exc):
                raise UnsupportedMediaType(
                    upload.content_type if upload else "text", detail=f"The document cannot be stored: {exc}."
                ) from None
            field = "file" if upload else "text"
            raise ValidationError({field: [f"The document cannot be stored: {exc}."]}) from None
        document = get_object_or_404(self.get_queryset(), pk=result.document.pk)
        code = status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK
        location = request.build_absolute_uri(reverse("api:document-detail", args=[document.pk]))
        return Response(self.get_serializer(document).data, status=code, headers={"Location": location})


def _check_length(request) -> None:
    """Refuse a body that cannot hold a document under the limit before reading any of it."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > reading.max_document_bytes() + BODY_SLACK:
        raise PayloadTooLarge(f"The document cannot be stored: {reading.size_error(length)}.")


def _conflict(user, slug: str) -> Conflict:
    allowed = visible_conflict_ids(user)
    try:
        conflict = services.conflict_resolve(slug=slug or None)
    except services.ConflictError as exc:
        raise ValidationError({"conflict": [str(exc)[0].upper() + str(exc)[1:] + "."]}) from None
    if allowed is not None and conflict.pk not in allowed:
        raise ValidationError({"conflict": [f"No conflict {conflict.slug!r} that you may add documents to."]})
    return conflict


class ActorViewSet(viewsets.GenericViewSet):
    """The actor registry: read for every signed-in client, written by admins (as `load_actors`)."""

    serializer_class = ActorSerializer
    permission_classes = [RolePermission]
    lookup_value_regex = ID
    required_permissions = {
        "list": ["claims.view_actor"],
        "retrieve": ["claims.view_actor"],
        "create": ["claims.add_actor", "claims.change_actor", "claims.add_actormembership"],
    }

    def get_queryset(self):
        return Actor.objects.prefetch_related("memberships__conflict")

    @extend_schema(
        parameters=[CURSOR, PAGE_SIZE, OpenApiParameter("ordering", str, enum=["id", "-id"])],
        responses={200: page_of(ActorSerializer), **ERRORS(400, 401, 403, 429)},
    )
    def list(self, request):
        check_parameters(request)
        rows, links = ACTOR_PAGES.page(self.get_queryset(), request)
        return Response({**links, "results": self.get_serializer(rows, many=True).data})

    @extend_schema(responses={200: ActorSerializer, **ERRORS(401, 403, 404, 429)})
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(
        request=ActorInputSerializer,
        responses={201: ActorSerializer, **ERRORS(400, 401, 403, 429)},
        description="Add an actor to a conflict's registry, or update its side and aliases there "
        "(claims.services.actors_load, as `manage.py load_actors`).",
    )
    def create(self, request):
        serializer = ActorInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        conflict = Conflict.objects.filter(slug=values["conflict"]).first()
        if conflict is None:
            raise ValidationError({"conflict": [f"No conflict {values['conflict']!r}."]})
        sides = [*conflict.parties, THIRD_PARTY]
        if conflict.parties and values["side"] not in sides:
            raise ValidationError(
                {"side": [f"Side {values['side']!r} is not one of {conflict}'s: {', '.join(sides)}."]}
            )
        record = {"name": values["name"], "side": values["side"], "aliases": values.get("aliases", [values["name"]])}
        try:
            services.actors_load(records=[record], conflict=conflict)
        except RegistryError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        actor = self.get_queryset().get(name=record["name"].strip())
        return Response(self.get_serializer(actor).data, status=status.HTTP_201_CREATED)


ACTOR_PAGES = KeysetPagination(orderings(("id", "int")), default="id")
