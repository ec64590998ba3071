"""Text search (the FilterSet's `q` and `place`): the stored search document on PostgreSQL, a plain match elsewhere."""

import pytest
from django.db import connection

from claims.filters import text_search
from claims.models import Claim, Document
from tests.factories import ClaimFactory


def found(value, queryset=None):
    return sorted(text_search(queryset or Claim.objects.all(), value).values_list("quote", flat=True))


@pytest.mark.django_db
def test_every_word_must_match_the_sentence_or_the_claimant_mention():
    ClaimFactory(sentence="Officials said shelling hit Stepanakert overnight.", quote="shelling hit Stepanakert")
    ClaimFactory(
        sentence="Officials said the bridge was destroyed.", quote="bridge destroyed", claimant_mention="Mayor"
    )
    ClaimFactory(sentence="Officials said the bridge at Stepanakert held.", quote="bridge held")
    assert found("Stepanakert") == ["bridge held", "shelling hit Stepanakert"]
    assert found("bridge Stepanakert") == ["bridge held"]
    assert found("mayor bridge") == ["bridge destroyed"]
    assert found("   ") == ["bridge destroyed", "bridge held", "shelling hit Stepanakert"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_stored_document_follows_every_write_and_is_stemmed():
    claim = ClaimFactory(sentence="Officials said shelling hit the depot.", quote="shelling hit the depot")
    assert found("shelled") == ["shelling hit the depot"]  # English stemming: shelled ~ shelling
    Claim.objects.filter(pk=claim.pk).update(sentence="Officials said a drone hit the depot.")
    assert found("shelled") == []
    assert found("drones depot") == ["shelling hit the depot"]
    with connection.cursor() as cursor:  # the database keeps the document: no write of Django's sets it
        cursor.execute("SELECT search_document::text FROM claims_claim WHERE id = %s", [claim.pk])
        assert "'drone'" in cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_inside_a_subquery_reads_the_subquery_s_own_claims():
    # Django renames the claims table inside a subquery (U0); the document must follow it.
    hit = ClaimFactory(sentence="Officials said shelling hit Stepanakert overnight.", quote="shelling hit Stepanakert")
    miss = ClaimFactory(sentence="Officials said the bridge was destroyed.", quote="bridge destroyed")
    assert hit.document_id != miss.document_id
    matching = text_search(Claim.objects.all(), "Stepanakert").values("document_id")
    assert list(Document.objects.filter(pk__in=matching).values_list("pk", flat=True)) == [hit.document_id]
