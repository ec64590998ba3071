"""No lost updates on PostgreSQL: many writers on one claim, from threads with their own connections."""

import threading

import pytest
from django.db import connection

from claims.models import Claim
from review import audit, services
from review.models import AuditEvent, Evidence
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
ATTEMPTS_EACH = 40


def run_threads(target, count):
    errors = []

    def guarded(n):
        try:
            target(n)
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []


def test_concurrent_writers_lose_nothing_and_the_chain_holds(claim):
    users = [UserFactory(username=f"writer{n}", roles=["analyst"]) for n in range(THREADS)]
    outcomes = {"saved": 0, "stale": 0}
    lock = threading.Lock()

    def write(n):
        for attempt in range(ATTEMPTS_EACH):
            version = Claim.objects.values_list("version", flat=True).get(pk=claim.pk)
            try:
                if attempt % 2:
                    services.evidence_add(
                        claim=claim,
                        user=users[n],
                        url=f"https://outlet.example/{n}/{attempt}",
                        outlet="Harbour Gazette",
                        relation="context",
                        expected_version=version,
                    )
                else:
                    places = [f"Place {n}-{attempt}"]
                    services.claim_correct(claim=claim, user=users[n], expected_version=version, locations=places)
            except services.StaleVersion:
                with lock:
                    outcomes["stale"] += 1
                continue
            with lock:
                outcomes["saved"] += 1

    run_threads(write, THREADS)
    claim.refresh_from_db()
    events = list(AuditEvent.objects.filter(chain=f"claim:{claim.pk}").order_by("seq"))
    assert outcomes["saved"] + outcomes["stale"] == THREADS * ATTEMPTS_EACH
    assert outcomes["saved"] > THREADS  # writers really interleaved and most writes landed
    assert claim.version == outcomes["saved"] == len(events)
    corrections = sum(1 for e in events if e.action == "claim.corrected")
    assert Evidence.objects.filter(claim=claim).count() == outcomes["saved"] - corrections
    assert events[-1].action != "claim.corrected" or claim.locations == events[-1].after["locations"]
    assert audit.verify_chain(f"claim:{claim.pk}", events, claim.version) is None


def test_same_version_from_many_writers_saves_exactly_one(claim):
    users = [UserFactory(username=f"racer{n}", roles=["analyst"]) for n in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    saved = []

    def race(n):
        barrier.wait()
        try:
            services.claim_correct(claim=claim, user=users[n], expected_version=0, claimant_mention=f"Mention {n}")
        except services.StaleVersion:
            return
        saved.append(n)

    run_threads(race, THREADS)
    claim.refresh_from_db()
    assert len(saved) == 1
    assert (claim.version, claim.claimant_mention) == (1, f"Mention {saved[0]}")
