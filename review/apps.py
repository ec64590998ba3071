from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Analyst review: verdicts, evidence and their audit trail."""

    name = "review"
    verbose_name = "Review"
