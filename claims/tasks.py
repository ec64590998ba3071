"""Background work. Each task is a thin, idempotent wrapper around one service."""

import logging

from celery import shared_task

from claims import services

logger = logging.getLogger(__name__)


@shared_task(name="claims.extract_document")
def extract_document(*, document_id: int) -> str:
    outcome = services.document_extract(document_id=document_id)
    logger.info("Document %s: %s, %d new claims", document_id, outcome.status, len(outcome.claim_ids))
    return outcome.status


@shared_task(name="claims.pretag_claims")
def pretag_claims(*, claim_ids: list[int]) -> int:
    return services.claims_pretag(claim_ids=claim_ids)


@shared_task(name="claims.requeue_stuck_documents")
def requeue_stuck_documents() -> dict[str, int]:
    documents = services.documents_requeue_stuck()
    batches = services.claims_requeue_untagged()
    if documents or batches:
        logger.info("Sweep queued %d documents and %d pre-tag batches again", documents, batches)
    return {"documents": documents, "pretag_batches": batches}
