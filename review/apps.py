from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewConfig(AppConfig):
    """Verification: evidence, verdicts, approvals and their audit trail."""

    name = "review"
    verbose_name = "Review"

    def ready(self):
        from claims.signals import claims_machine_written

        claims_machine_written.connect(_record_machine_batch, dispatch_uid="review.audit.machine_batch")
        _connect_api()
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="review.roles.sync")


def _connect_api() -> None:
    """Webhooks for extracted documents; the delivery task registered for workers; compiled filters kept fresh."""
    from django.db.models.signals import post_delete, post_save

    from claims.models import Actor, Conflict, Document
    from claims.signals import document_extracted
    from review.api import pagination, tasks, webhooks  # noqa: F401 - tasks registers review.deliver_webhook

    document_extracted.connect(webhooks.on_document_extracted, dispatch_uid="review.api.document_extracted")
    # A filter names conflicts by slug and claimants and documents by id: when one goes (or a
    # conflict changes), this process forgets the list queries it compiled with them.
    for signal, model in (
        (post_delete, Actor),
        (post_delete, Document),
        (post_delete, Conflict),
        (post_save, Conflict),
    ):
        signal.connect(pagination.forget_statements, sender=model, dispatch_uid=f"review.api.forget.{model.__name__}")


def _sync_roles(sender, **kwargs) -> None:
    """Keep the role groups in step with the permissions there are (admin holds every one)."""
    from review.roles import sync_roles

    sync_roles()


def _record_machine_batch(sender, *, action: str, details: dict, **kwargs) -> None:
    """One pipeline audit event per machine batch, in the batch's transaction."""
    from review.audit import record_pipeline_event

    record_pipeline_event(action=action, details=details)
