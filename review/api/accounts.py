"""The caller itself (who the token belongs to) and its webhook endpoints."""

import secrets

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from review.api.pagination import KeysetPagination, orderings
from review.api.permissions import RolePermission
from review.api.schema import ERRORS, page_of
from review.api.serializers import TokenCheckSerializer, WebhookDeliverySerializer, WebhookEndpointSerializer
from review.api.views import CURSOR, ID, PAGE_SIZE
from review.models import WebhookEndpoint
from review.roles import role_of

WRITE_PERMISSIONS = ("claims.correct_claim", "review.add_evidence", "review.propose_verdict", "claims.add_document")


@extend_schema(responses={200: TokenCheckSerializer, **ERRORS(401, 429)})
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    """Who the token (or session) belongs to, and whether it may write anything."""
    user = request.user
    read_only = not any(user.has_perm(name) for name in WRITE_PERMISSIONS)
    return Response({"username": user.get_username(), "role": role_of(user), "read_only": read_only})


DELIVERY_PAGES = KeysetPagination(orderings(("id", "int")), default="-id")


class WebhookEndpointViewSet(viewsets.GenericViewSet):
    """The caller's own webhook endpoints: any signed-in role may subscribe to what it may see."""

    serializer_class = WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.none()  # the schema's model; requests use get_queryset
    permission_classes = [RolePermission]
    lookup_value_regex = ID
    required_permissions = {"read": ["claims.view_claim"], "write": ["claims.view_claim"]}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return WebhookEndpoint.objects.filter(owner=self.request.user).order_by("id")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(responses={200: WebhookEndpointSerializer(many=True), **ERRORS(401, 403, 429)})
    def list(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(
        responses={201: WebhookEndpointSerializer, **ERRORS(400, 401, 403, 429)},
        description="Register an endpoint for events; the answer shows the secret once (generated when left out).",
    )
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        secret = serializer.validated_data.pop("secret", None) or secrets.token_urlsafe(32)
        endpoint = serializer.save(owner=request.user, secret=secret)
        return Response({**self.get_serializer(endpoint).data, "secret": secret}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: WebhookEndpointSerializer, **ERRORS(401, 403, 404, 429)})
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses={200: WebhookEndpointSerializer, **ERRORS(400, 401, 403, 404, 429)})
    def partial_update(self, request, pk=None):
        """Change the URL, events, secret or the `is_active` switch; a disabled endpoint is re-enabled in the admin."""
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(self.get_serializer(serializer.save()).data)

    @extend_schema(responses={204: None, **ERRORS(401, 403, 404, 429)})
    def destroy(self, request, pk=None):
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[CURSOR, PAGE_SIZE],
        responses={200: page_of(WebhookDeliverySerializer), **ERRORS(400, 401, 403, 404, 429)},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The endpoint's delivery log, newest first: status, attempts and the last response's status."""
        endpoint = self.get_object()
        rows, links = DELIVERY_PAGES.page(endpoint.deliveries.all(), request)
        return Response({**links, "results": WebhookDeliverySerializer(rows, many=True).data})
