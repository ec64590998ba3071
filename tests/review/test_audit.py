"""The audit trail is append-only and tamper-evident: verify_audit finds every kind of edit."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from review import audit, services
from review.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reviewed(claim, analyst, editor):
    """A claim with four events: evidence, a correction, a proposal and its approval."""
    services.evidence_add(
        claim=claim, user=analyst, url="https://a.example/1", outlet="Harbour Gazette", relation="supports"
    )
    services.claim_correct(claim=claim, user=analyst, expected_version=1, time="08:30")
    verdict = services.verdict_propose(
        claim=claim, user=analyst, decision="confirmed", rationale="Photos.", expected_version=2
    )
    services.verdict_approve(verdict=verdict, user=editor)
    return claim


def tamper(sql, params):
    """Change the table behind the services' back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # the append-only trigger does not fire
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def verify():
    with pytest.raises(CommandError) as error:
        call_command("verify_audit", verbosity=0)
    return str(error.value)


def test_intact_chains_pass(reviewed, capsys):
    call_command("verify_audit", verbosity=0)
    assert capsys.readouterr().out == "Audit trail intact: 4 events checked.\n"


def test_an_edited_event_is_found(reviewed):
    event = AuditEvent.objects.get(claim=reviewed, seq=2)
    tamper("UPDATE review_auditevent SET after = %s WHERE id = %s", ['{"time": "09:30"}', event.pk])
    assert verify() == (
        f"1 audit chains are broken; the first: claim:{reviewed.pk} #2 (event {event.pk}): "
        "its content does not match its hash (edited)"
    )


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link(reviewed):
    event = AuditEvent.objects.get(claim=reviewed, seq=2)
    event.after = {"time": "09:30"}
    forged = audit.event_hash(event)
    tamper("UPDATE review_auditevent SET after = %s, hash = %s WHERE id = %s", ['{"time": "09:30"}', forged, event.pk])
    following = AuditEvent.objects.get(claim=reviewed, seq=3)
    assert verify().endswith(
        f"claim:{reviewed.pk} #3 (event {following.pk}): does not point at the previous event's hash"
    )


def test_a_deleted_event_is_found(reviewed):
    event = AuditEvent.objects.get(claim=reviewed, seq=2)
    tamper("DELETE FROM review_auditevent WHERE id = %s", [event.pk])
    following = AuditEvent.objects.get(claim=reviewed, seq=3)
    assert verify().endswith(
        f"claim:{reviewed.pk} #2 (event {following.pk}): "
        "expected event #2 here, found #3 (an event was removed or reordered)"
    )


def test_a_deleted_last_event_is_found(reviewed):
    tamper("DELETE FROM review_auditevent WHERE claim_id = %s AND seq = 4", [reviewed.pk])
    assert verify().endswith(
        f"claim:{reviewed.pk} #4 (a missing event): "
        "the chain ends at #3 but the claim is at version 4 (events were removed)"
    )


def test_reordered_events_are_found(reviewed):
    second, third = (AuditEvent.objects.get(claim=reviewed, seq=n) for n in (2, 3))
    tamper("UPDATE review_auditevent SET seq = 99 WHERE id = %s", [second.pk])
    tamper("UPDATE review_auditevent SET seq = 2 WHERE id = %s", [third.pk])
    tamper("UPDATE review_auditevent SET seq = 3 WHERE id = %s", [second.pk])
    assert verify().endswith(f"claim:{reviewed.pk} #2 (event {third.pk}): does not point at the previous event's hash")


@pytest.mark.postgres
def test_postgresql_refuses_updates_and_deletes_of_events(reviewed):
    event = AuditEvent.objects.filter(claim=reviewed).first()
    for statement in (
        "UPDATE review_auditevent SET username = 'x' WHERE id = %s",
        "DELETE FROM review_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
        assert "audit events are append-only" in str(error.value)
    call_command("verify_audit", verbosity=0)


def test_machine_batches_are_one_pipeline_event_each(claim):
    from claims.models import Claim
    from claims.services import claims_pretag

    Claim.objects.filter(pk=claim.pk).update(tagger_version="", stance="", claim_type="")
    assert claims_pretag(claim_ids=[claim.pk]) == 1
    event = AuditEvent.objects.get(chain=audit.PIPELINE_CHAIN)
    assert (event.seq, event.action, event.username, event.claim_id) == (
        1,
        "claims.retagged",
        "claimdesk pipeline",
        None,
    )
    assert event.after["count"] == 1
    assert AuditEvent.objects.filter(claim=claim).count() == 0
