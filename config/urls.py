from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from claims import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("review/exports/", include("review.exports.urls")),
    path("admin/", admin.site.urls),
    path("review/", include("review.urls")),
    path("api/", include("review.api.urls")),
]
