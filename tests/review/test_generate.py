"""generate_claims adds review work that the services could have written: verify_audit passes on it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from claims.enums import THIRD_PARTY
from claims.models import ActorMembership, Claim
from review.models import AuditEvent, Evidence, Verdict

pytestmark = pytest.mark.django_db


def generate(count: int, seed: int) -> str:
    out = StringIO()
    call_command("generate_claims", "--count", str(count), "--seed", str(seed), verbosity=0, stdout=out)
    return out.getvalue()


def test_generated_review_work_is_consistent_and_its_chains_verify(actors):
    output = generate(900, 4)
    evidence, verdicts, events = Evidence.objects.count(), Verdict.objects.count(), AuditEvent.objects.count()
    assert output.startswith("Generated 900 claims in 45 documents in ")
    assert output.endswith(f"with {evidence} evidence items, {verdicts} verdicts and {events} audit events.\n")

    reviewed = Claim.objects.filter(version__gt=0).count()
    with_evidence = Claim.objects.filter(evidence__isnull=False).distinct().count()
    assert with_evidence == reviewed
    assert 0.28 < with_evidence / 900 < 0.38  # about a third
    states = set(Claim.objects.values_list("review_state", flat=True))
    assert states == {"unreviewed", "proposed", "approved", "rejected"}
    assert set(Verdict.objects.values_list("state", flat=True)) == {"proposed", "approved", "rejected", "superseded"}

    # A claim's version is its chain's length, and the chain verifies.
    lengths = dict(AuditEvent.objects.values_list("claim_id").annotate(n=Count("id")))
    assert all(lengths.get(pk, 0) == version for pk, version in Claim.objects.values_list("pk", "version"))
    verified = StringIO()
    call_command("verify_audit", verbosity=0, stdout=verified)
    assert verified.getvalue() == f"Audit trail intact: {events} events checked.\n"


def test_generated_evidence_follows_the_independence_rule(actors):
    generate(600, 5)
    sides = dict(ActorMembership.objects.filter(conflict=actors).values_list("actor_id", "side"))
    for outlet, claimant, independent in Evidence.objects.values_list(
        "outlet_actor_id", "claim__claimant_id", "independent"
    ):
        assert independent == (sides[outlet] == THIRD_PARTY and outlet != claimant)


def test_generated_verdicts_keep_the_rules(actors):
    generate(600, 6)
    for verdict in Verdict.objects.select_related("claim"):
        assert verdict.decided_by_id != verdict.proposed_by_id
        if verdict.decision == "unverified":
            continue
        relation = "supports" if verdict.decision == "confirmed" else "refutes"
        assert verdict.claim.evidence.filter(relation=relation, independent=True).exists(), verdict.pk
    for claim in Claim.objects.filter(review_state="approved"):
        assert claim.verdicts.get(state="approved").decision == claim.verdict


def test_the_same_seed_gives_the_same_review_work(actors):
    generate(300, 7)
    first = list(Evidence.objects.order_by("pk").values_list("outlet", "relation", "independent"))
    first_verdicts = list(Verdict.objects.order_by("pk").values_list("decision", "state"))
    assert first
    Evidence.objects.all().delete()
    Verdict.objects.all().delete()
    Claim.objects.all().delete()
    generate(300, 7)
    assert list(Evidence.objects.order_by("pk").values_list("outlet", "relation", "independent")) == first
    assert list(Verdict.objects.order_by("pk").values_list("decision", "state")) == first_verdicts


def test_claims_only_generates_the_same_claims_without_review_work(actors):
    output = generate_with("--claims-only", count=120, seed=9)
    assert output.endswith("with 0 evidence items, 0 verdicts and 0 audit events.\n")
    assert (Evidence.objects.count(), Verdict.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)
    assert set(Claim.objects.values_list("review_state", "version")) == {("unreviewed", 0)}


def generate_with(*options: str, count: int, seed: int) -> str:
    out = StringIO()
    call_command("generate_claims", "--count", str(count), "--seed", str(seed), *options, verbosity=0, stdout=out)
    return out.getvalue()
