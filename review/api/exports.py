"""Exports for editors: record a dataset of the claims a filter matches, follow it, download it again.

The same service as the command line, the admin and the workspace
(review.exports.services), with the same FilterSet names as `claims/`.
A small export is written at once (201, status `ready`); a large one
(over CLAIMDESK_EXPORT_ASYNC_ROWS claims) goes to a worker (202, status
`queued`) and its URL reports progress until the download link appears.
"""

from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from review.api.errors import Conflict
from review.api.pagination import KeysetPagination, orderings
from review.api.permissions import RolePermission
from review.api.schema import ERRORS, page_of
from review.api.views import CURSOR, ID, PAGE_SIZE
from review.exports import services
from review.exports.views import kept_file
from review.models import Dataset

EXPORT = ["review.export_dataset"]


class ExportRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=Dataset.Format.choices)
    filters = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        default=dict,
        help_text="The claims list's filters by name (`verdict`, `side`, `event_date_after`, `q`, ...); "
        "a value may be a list. An unknown name is refused.",
    )
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        help_text="A selection of claim ids, within the filter.",
    )
    include_unverified = serializers.BooleanField(
        default=False, help_text="Include claims without an approved verdict, marked `verified: no`."
    )


class DatasetSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.get_username", read_only=True)
    percent = serializers.IntegerField(source="progress_percent", read_only=True)
    url = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = [
            "id",
            "url",
            "format",
            "status",
            "filters",
            "claim_ids",
            "include_unverified",
            "created_by",
            "created_at",
            "expected_rows",
            "rows_done",
            "percent",
            "row_count",
            "sha256",
            "size",
            "extractor_versions",
            "tagger_versions",
            "audit_digest",
            "error",
            "finished_at",
            "download",
        ]
        read_only_fields = fields

    def _absolute(self, name: str, dataset: Dataset) -> str:
        path = reverse(name, args=[dataset.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, dataset: Dataset) -> str:
        return self._absolute("api:export-detail", dataset)

    def get_download(self, dataset: Dataset) -> str | None:
        return self._absolute("api:export-download", dataset) if dataset.is_ready else None


def _filter_data(filters: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in filters.items():
        values = value if isinstance(value, list) else [value]
        data.setlist(str(key), ["" if item is None else str(item) for item in values])
    return data


class ExportViewSet(viewsets.GenericViewSet):
    """Datasets the caller exported (editors; admins see every one)."""

    serializer_class = DatasetSerializer
    queryset = Dataset.objects.none()  # the schema's model; requests use get_queryset
    permission_classes = [RolePermission]
    lookup_value_regex = ID
    required_permissions = {"read": EXPORT, "write": EXPORT}
    pages = KeysetPagination(orderings(("id", "int")), default="-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return services.datasets_visible_to(self.request.user).select_related("created_by")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        parameters=[CURSOR, PAGE_SIZE], responses={200: page_of(DatasetSerializer), **ERRORS(400, 401, 403, 429)}
    )
    def list(self, request):
        rows, links = self.pages.page(self.get_queryset(), request)
        return Response({**links, "results": self.get_serializer(rows, many=True).data})

    @extend_schema(
        request=ExportRequestSerializer,
        responses={
            201: OpenApiResponse(DatasetSerializer, description="Written at once: status `ready`, with `download`."),
            202: OpenApiResponse(DatasetSerializer, description="Queued for a worker: poll `url` for progress."),
            **ERRORS(400, 401, 403, 429),
        },
        description="Export the claims the filters match (or a selection) as CSV, JSON Lines or ClaimReview. "
        "Only approved verdicts count as verified; `include_unverified` adds the rest, marked as such.",
    )
    def create(self, request):
        given = ExportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        dataset = services.dataset_export(
            user=request.user,
            params=_filter_data(values["filters"]),
            format=values["format"],
            include_unverified=values["include_unverified"],
            ids=values.get("ids"),
        )
        if dataset.status == Dataset.Status.QUEUED:
            code = status.HTTP_202_ACCEPTED
        else:
            dataset = services.dataset_build(dataset=dataset)
            code = status.HTTP_201_CREATED
        data = self.get_serializer(dataset).data
        return Response(data, status=code, headers={"Location": data["url"]})

    @extend_schema(responses={200: DatasetSerializer, **ERRORS(401, 403, 404, 429)})
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The file, byte for byte as recorded."),
            **ERRORS(401, 403, 404, 409, 429),
        },
        description="The kept file; `X-Dataset-SHA256` carries its checksum. 409 until the dataset is ready.",
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        dataset = self.get_object()
        if not dataset.is_ready:
            raise Conflict(f"Dataset {dataset.pk} is {dataset.get_status_display().lower()}; poll its URL.")
        return kept_file(dataset)
