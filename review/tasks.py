"""Background work of review: large exports, the dashboard's snapshots."""

import logging

from celery import shared_task

from review import workspace
from review.exports import services
from review.models import Dataset

logger = logging.getLogger(__name__)


@shared_task(name="review.build_dataset")
def build_dataset(*, dataset_id: int) -> None:
    """Write a queued dataset's file; a dataset already taken by another run is left alone."""
    dataset = Dataset.objects.select_related("created_by").filter(pk=dataset_id).first()
    if dataset is None:
        logger.info("Dataset %s is gone; nothing to export.", dataset_id)
        return
    if dataset.status != Dataset.Status.QUEUED:
        logger.info("Dataset %s is %s, not queued; not exporting it again.", dataset_id, dataset.status)
        return
    try:
        services.dataset_build(dataset=dataset)
    except services.DatasetTaken:
        logger.info("Dataset %s was taken by another run.", dataset_id)


@shared_task(name="review.refresh_dashboard")
def refresh_dashboard() -> None:
    """Recompute the workspace dashboard's snapshots (queued by a dashboard view that found them old)."""
    scopes = workspace.dashboard_refresh()
    logger.info("Dashboard snapshots recomputed for %d scopes.", len(scopes))
