import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger(__name__)


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("CELERY_BROKER_URL is not set: tasks run in-process (eager mode).")
