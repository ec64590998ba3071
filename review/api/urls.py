"""/api/: the v1 endpoints, the OpenAPI schema and its docs; every other path a JSON 404."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from review.api import accounts, documents, exports, views
from review.api.errors import not_found

app_name = "api"

router = SimpleRouter()
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("verdicts", views.VerdictViewSet, basename="verdict")
router.register("documents", documents.DocumentViewSet, basename="document")
router.register("actors", documents.ActorViewSet, basename="actor")
router.register("webhooks", accounts.WebhookEndpointViewSet, basename="webhook")
router.register("exports", exports.ExportViewSet, basename="export")

urlpatterns = [
    path("v1/", include([path("me/", accounts.me, name="me"), *router.urls])),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger-ui/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="swagger-ui"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^.*$", not_found, name="not-found"),
]
