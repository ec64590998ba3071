"""The datasets admin: progress, re-download, and exporting the claims changelist's filter or selection.

The claims changelist offers the "export_claims" action (a site action,
disabled everywhere but where a ModelAdmin names it, as ClaimAdmin does): a
selection exports those claims, "select all" exports the changelist's filter.
Both lead to this admin's export page, which takes the changelist's query
string and exports through the one FilterSet.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from review.exports import services, views
from review.models import Dataset
from review.roles import require

# Changelist parameters that are paging, ordering or display, not filters.
_CHANGELIST_ONLY = {"o", "p", "all", "e", "_changelist_filters", "_to_field", "_popup"}


def changelist_filters(query: QueryDict) -> QueryDict:
    """The claims changelist's query string in the FilterSet's names (`stance__exact` is `stance`)."""
    params = QueryDict(mutable=True)
    for key, values in query.lists():
        if key in _CHANGELIST_ONLY:
            continue
        params.setlist(key.removesuffix("__exact"), values)
    return params


@admin.action(
    description="Export the selected claims (with “select all”: every claim of the filter)", permissions=["export"]
)
def export_claims(modeladmin, request, queryset):
    if request.POST.get("select_across") == "1":
        query = changelist_filters(request.GET)
    else:
        query = QueryDict(mutable=True)
        query["ids"] = ",".join(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
    return redirect(f"{reverse('admin:review_dataset_export')}?{query.urlencode()}")


admin.site.add_action(export_claims, "export_claims")
admin.site.disable_action("export_claims")


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "created_by", "format", "status", "progress", "row_count", "download"]
    list_filter = ["format", "status", "include_unverified"]
    list_select_related = ["created_by"]
    fields = [
        "created_by",
        "created_at",
        "format",
        "filters",
        "claim_ids",
        "include_unverified",
        "status",
        "progress",
        "row_count",
        "size",
        "sha256",
        "audit_digest",
        "extractor_versions",
        "tagger_versions",
        "conflict_ids",
        "error",
        "started_at",
        "finished_at",
        "download",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return services.datasets_visible_to(request.user)

    def has_add_permission(self, request):
        return False  # datasets are made by exporting claims

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("review.export_dataset")

    def has_module_permission(self, request):
        return request.user.has_perm("review.export_dataset")

    @admin.display(description="progress")
    def progress(self, dataset):
        if dataset.status in (Dataset.Status.QUEUED, Dataset.Status.RUNNING):
            return f"{dataset.progress_percent}% ({dataset.rows_done} of {dataset.expected_rows})"
        return "done" if dataset.is_ready else dataset.get_status_display().lower()

    @admin.display(description="file")
    def download(self, dataset):
        if not dataset.is_ready:
            return "—"
        url = reverse("admin:review_dataset_download", args=[dataset.pk])
        return format_html('<a href="{}">Download {}</a>', url, views.download_name(dataset))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("export/", wrap(self.export_view), name="review_dataset_export"),
            path("<int:pk>/download/", wrap(self.download_view), name="review_dataset_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        return views.kept_file(services.dataset_for_download(dataset_id=pk, user=request.user))

    def export_view(self, request):
        """The claims changelist's filter (its query string) or selection (`ids`), exported."""
        require(request.user, "review.export_dataset", "export datasets")
        params, ids = views.split_selection(changelist_filters(request.GET))
        if request.method == "POST":
            try:
                response, dataset = views.start_export(request, params, ids)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
            else:
                if response is not None:
                    return response
                self.message_user(
                    request,
                    f"Dataset {dataset.pk} is queued: {dataset.expected_rows} claims. "
                    "Its progress and download link are shown here.",
                    messages.SUCCESS,
                )
                return redirect("admin:review_dataset_change", dataset.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Export claims",
            "opts": self.model._meta,
            "filters": sorted(params.lists()),
            "ids": ids,
            "formats": Dataset.Format.choices,
        }
        return TemplateResponse(request, "admin/review/dataset/export.html", context)
