"""Deleted claims leave tombstones for incremental-sync clients."""

import pytest

from claims.models import Claim, ClaimTombstone
from tests.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_claim_leaves_a_tombstone():
    claim = ClaimFactory()
    claim_id, document_id, conflict_id = claim.pk, claim.document_id, claim.conflict_id
    claim.delete()
    tombstone = ClaimTombstone.objects.get()
    assert (tombstone.claim_id, tombstone.document_id, tombstone.conflict_id) == (claim_id, document_id, conflict_id)
    assert tombstone.reason == "deleted"


def test_deleting_a_document_leaves_one_tombstone_per_claim():
    document = DocumentFactory()
    ids = sorted(ClaimFactory(document=document, conflict=document.conflict).pk for _ in range(3))
    document.delete()
    assert not Claim.objects.filter(pk__in=ids).exists()
    assert sorted(ClaimTombstone.objects.values_list("claim_id", flat=True)) == ids
