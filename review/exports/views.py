"""Workspace pages for exports: export the current filter or a selection, follow a large one, download again.

Every page needs a signed-in user with the export permission (editors);
a dataset is shown and downloaded only to those who may see it
(review.exports.services.datasets_visible_to).
"""

from django.contrib.auth.decorators import login_required as _login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from review.exports import formats, services
from review.models import Dataset
from review.roles import require

# Staff sign in through the admin's login page.
login_required = _login_required(login_url="admin:login")


def download_name(dataset: Dataset) -> str:
    return f"claimdesk-dataset-{dataset.pk}.{formats.EXTENSIONS[dataset.format]}"


def streamed(dataset: Dataset) -> StreamingHttpResponse:
    """The file written and sent at once (small exports)."""
    response = StreamingHttpResponse(
        services.dataset_stream(dataset=dataset), content_type=formats.CONTENT_TYPES[dataset.format]
    )
    response["Content-Disposition"] = f'attachment; filename="{download_name(dataset)}"'
    response["X-Dataset-Id"] = str(dataset.pk)
    return response


def kept_file(dataset: Dataset) -> HttpResponse:
    """The kept file of a ready dataset, downloaded again."""
    if not dataset.is_ready:
        return HttpResponse(f"Dataset {dataset.pk} is {dataset.get_status_display().lower()}.", status=409)
    response = FileResponse(
        dataset.file.open("rb"),
        as_attachment=True,
        filename=download_name(dataset),
        content_type=formats.CONTENT_TYPES[dataset.format],
    )
    response["X-Dataset-SHA256"] = dataset.sha256
    return response


def _ids(raw: str) -> list[str] | None:
    raw = (raw or "").strip()
    return [part for part in raw.replace(" ", "").split(",") if part] if raw else None


def split_selection(query) -> tuple:
    """The filter of a query string, and the selection (`ids=1,2,3`) it carries, if any."""
    params = query.copy()
    return params, params.pop("ids", [""])[-1]


def start_export(request, params, ids: str = ""):
    """Record the export the form asks for; stream it, or send the user to its page when it is queued."""
    dataset = services.dataset_export(
        user=request.user,
        params=params,
        format=request.POST.get("format", ""),
        include_unverified=request.POST.get("include_unverified") in ("1", "on", "true"),
        ids=_ids(request.POST.get("ids") or ids),
    )
    if dataset.status == Dataset.Status.QUEUED:
        return None, dataset
    return streamed(dataset), dataset


@login_required
@require_http_methods(["GET", "POST"])
def export_new(request):
    """GET: the export form for the filter in the query string (the FilterSet's names). POST: export."""
    require(request.user, "review.export_dataset", "export datasets")
    error = None
    params, ids = split_selection(request.GET)
    if request.method == "POST":
        try:
            response, dataset = start_export(request, params, ids)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return response or redirect(dataset)
    return render(
        request,
        "exports/new.html",
        {
            "filters": sorted(params.lists()),
            "ids": ids,
            "formats": Dataset.Format.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def export_list(request):
    require(request.user, "review.export_dataset", "export datasets")
    datasets = services.datasets_visible_to(request.user).select_related("created_by")[:100]
    return render(request, "exports/list.html", {"datasets": datasets})


def _visible(request, pk: int) -> Dataset:
    return services.dataset_for_download(dataset_id=pk, user=request.user)


@login_required
@require_GET
def export_detail(request, pk: int):
    dataset = _visible(request, pk)
    return render(request, "exports/detail.html", {"dataset": dataset})


@login_required
@require_GET
def export_status(request, pk: int):
    """Progress for the page to poll: status, rows written of rows expected, the download link once ready."""
    dataset = _visible(request, pk)
    return JsonResponse(status_json(dataset, download_url=reverse("exports:download", args=[dataset.pk])))


def status_json(dataset: Dataset, *, download_url: str) -> dict:
    return {
        "id": dataset.pk,
        "status": dataset.status,
        "rows_done": dataset.rows_done,
        "expected_rows": dataset.expected_rows,
        "percent": dataset.progress_percent,
        "row_count": dataset.row_count,
        "sha256": dataset.sha256 or None,
        "error": dataset.error or None,
        "download": download_url if dataset.is_ready else None,
    }


@login_required
@require_GET
def export_download(request, pk: int):
    return kept_file(_visible(request, pk))
