"""Mounted at /review/exports/ by config/urls.py."""

from django.urls import path

from review.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("new", views.export_new, name="new"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/status", views.export_status, name="status"),
    path("<int:pk>/download", views.export_download, name="download"),
]
