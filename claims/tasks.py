"""Background work. Each task is a thin, idempotent wrapper around one service.

Database and broker errors (services.TRANSIENT_ERRORS) are retried with
backoff: 1, 2, 4 … 32 seconds, MAX_RETRIES times; what is still failing then
is found again by the sweep. Every task runs under the soft and hard time
limits of config/settings.py (docs/reliability.md).
"""

import logging

from celery import shared_task

from claims import leases, services

logger = logging.getLogger(__name__)

MAX_RETRIES = 6


def _retry(task, exc: Exception):
    """Retry `task` after a transient error, later each time; in-process, the error is the caller's."""
    if task.request.is_eager:
        raise exc
    countdown = 2 ** min(task.request.retries, MAX_RETRIES - 1)
    logger.warning("%s: %s; retrying in %d s", task.name, exc, countdown)
    return task.retry(exc=exc, countdown=countdown, max_retries=MAX_RETRIES)


@shared_task(name="claims.extract_document", bind=True)
def extract_document(self, *, document_id: int) -> str:
    try:
        outcome = services.document_extract(
            document_id=document_id, lease=None if self.request.is_eager else leases.keeper.holding
        )
    except services.TRANSIENT_ERRORS as exc:
        raise _retry(self, exc) from exc
    logger.info("Document %s: %s, %d new claims", document_id, outcome.status, len(outcome.claim_ids))
    return outcome.status


@shared_task(name="claims.pretag_claims", bind=True)
def pretag_claims(self, *, claim_ids: list[int]) -> int:
    try:
        return services.claims_pretag(claim_ids=claim_ids)
    except services.TRANSIENT_ERRORS as exc:
        raise _retry(self, exc) from exc


@shared_task(name="claims.requeue_stuck_documents")
def requeue_stuck_documents() -> dict[str, int]:
    """The sweep. Not retried: every worker sends it again within CLAIMDESK_SWEEP_INTERVAL seconds."""
    try:
        documents = services.documents_requeue_stuck()
        batches = services.claims_requeue_untagged()
    except services.TRANSIENT_ERRORS as exc:
        logger.warning("Sweep skipped, the database or the broker is unreachable: %s", exc)
        return {"documents": 0, "pretag_batches": 0}
    if documents or batches:
        logger.info("Sweep queued %d documents and %d pre-tag batches again", documents, batches)
    return {"documents": documents, "pretag_batches": batches}
