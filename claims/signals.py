"""Signals the pipeline sends itself, inside the transaction of the write.

Model signals do not fire for bulk writes (COPY, UPDATE ... FROM), so the
services that make them send these explicitly; review records them in its
audit trail without claims knowing of review.
"""

from django.dispatch import Signal

# A batch of claims written by a machine (re-tagging): action, details (dict).
claims_machine_written = Signal()
# A document's extraction was stored and committed: document_id.
document_extracted = Signal()


def record_tombstone(sender, instance, origin=None, **kwargs) -> None:
    """Every deleted claim leaves a tombstone, in the deleting transaction.

    Connected to post_delete of Claim, so a deletion through any ORM path (a
    document's cascade, the admin, re-extraction) is seen by sync clients.
    """
    from claims.models import ClaimTombstone

    ClaimTombstone.objects.create(
        claim_id=instance.pk,
        document_id=instance.document_id,
        conflict_id=instance.conflict_id,
        reason=getattr(instance, "_deletion_reason", "deleted"),
    )
