"""A database from before conflicts and verdict records migrates forward keeping every row and id."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from claims.models import Actor, ActorMembership, Claim, Conflict, Document
from review.audit import verify_chains
from review.models import AuditEvent, Verdict

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("claims", "0001_initial"), ("review", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def make_old_rows(apps) -> dict:
    OldActor = apps.get_model("claims", "Actor")
    OldDocument = apps.get_model("claims", "Document")
    OldClaim = apps.get_model("claims", "Claim")
    north = OldActor.objects.create(name="Northland MoD", side="north", aliases=["Northland MoD", "the MoD"])
    monitor = OldActor.objects.create(name="Harbour Monitor", side="third_party", aliases=["Harbour Monitor"])
    proposed = OldActor.objects.create(name="A local official", side="south", is_proposed=True)
    document = OldDocument.objects.create(text="Report.", sha256="a" * 64, title="Report", status="extracted")
    other = OldDocument.objects.create(text="Second report.", sha256="b" * 64, status="pending")
    common = {"document": document, "sentence": "S.", "quote": "q", "start": 0, "end": 1, "extractor_version": "v1"}
    claims = [
        OldClaim.objects.create(index=0, claimant=north, side="north", stance="assert", verdict="confirmed", **common),
        OldClaim.objects.create(index=1, claimant=monitor, side="third_party", stance="deny", **common),
        OldClaim.objects.create(
            index=2, claimant=proposed, side="south", stance="assert", tags_corrected=True, verdict="denied", **common
        ),
    ]
    OldClaim.objects.filter(pk=claims[1].pk).update(responds_to=claims[0])
    return {
        "actors": {a.pk: (a.name, a.side, a.aliases, a.is_proposed) for a in (north, monitor, proposed)},
        "documents": sorted([document.pk, other.pk]),
        "claims": [c.pk for c in claims],
        "responds_to": (claims[1].pk, claims[0].pk),
    }


@pytest.mark.postgres
def test_pre_conflict_database_migrates_without_loss():
    old = make_old_rows(migrate(BEFORE))
    try:
        migrate(latest())
        conflict = Conflict.objects.get()
        assert (conflict.slug, conflict.sides) == ("default", {"north": "North", "south": "South"})
        assert sorted(Document.objects.values_list("pk", flat=True)) == old["documents"]
        assert set(Document.objects.values_list("conflict_id", flat=True)) == {conflict.pk}
        assert sorted(Actor.objects.values_list("pk", flat=True)) == sorted(old["actors"])
        memberships = {
            m.actor_id: (m.actor.name, m.side, m.aliases, m.is_proposed)
            for m in ActorMembership.objects.select_related("actor").filter(conflict=conflict)
        }
        assert memberships == old["actors"]

        claims = {c.pk: c for c in Claim.objects.all()}
        assert sorted(claims) == sorted(old["claims"])
        assert {c.conflict_id for c in claims.values()} == {conflict.pk}
        confirmed, answer, denied = (claims[pk] for pk in old["claims"])
        assert Claim.objects.get(pk=old["responds_to"][0]).responds_to_id == old["responds_to"][1]
        # Verdicts set before verdict records are approved verdicts with a first audit event.
        assert (confirmed.review_state, confirmed.verdict, confirmed.version) == ("approved", "confirmed", 1)
        assert (denied.review_state, denied.verdict, denied.corrected_fields) == (
            "approved",
            "denied",
            ["stance", "claim_type"],
        )
        assert (answer.review_state, answer.verdict, answer.version) == ("unreviewed", "", 0)
        imported = Verdict.objects.get(claim=confirmed)
        assert (imported.state, imported.decision, imported.proposed_by) == ("approved", "confirmed", None)
        assert list(AuditEvent.objects.filter(claim=confirmed).values_list("seq", "action")) == [
            (1, "verdict.imported")
        ]
        assert [item for item in verify_chains() if not isinstance(item, int)] == []
    finally:
        migrate(latest())
