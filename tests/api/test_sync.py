"""Incremental sync: a client polling its resume links and the tombstone feed mirrors the claims exactly."""

import pytest

from claims import services as pipeline
from claims.models import Claim, ClaimTombstone
from review import services
from tests.conftest import CORPUS, CORPUS_CLAIMS

pytestmark = pytest.mark.django_db


class Mirror:
    """What a client keeps: the claims by id, and where its next poll starts (README, "Incremental sync")."""

    def __init__(self, client):
        self.client = client
        self.claims: dict[int, dict] = {}
        self.claims_url = "/api/v1/claims/?page_size=200"
        self.tombstones_url = "/api/v1/claims/deleted/?page_size=200"
        self.requests = 0

    def _pages(self, url: str, keep) -> list[dict]:
        rows = []
        while url:
            response = self.client.get(url)
            self.requests += 1
            assert response.status_code == 200, response.json()
            body = response.json()
            rows += body["results"]
            url = body["next"]
            keep(body["resume"])
        return rows

    def poll(self):
        for row in self._pages(self.claims_url, lambda url: setattr(self, "claims_url", url)):
            self.claims[row["id"]] = row
        for tombstone in self._pages(self.tombstones_url, lambda url: setattr(self, "tombstones_url", url)):
            kept = self.claims.get(tombstone["claim_id"])
            # A claim is gone unless it was received changed after its deletion (an id used again).
            if kept is not None and kept["updated_at"] <= tombstone["deleted_at"]:
                del self.claims[tombstone["claim_id"]]

    def state(self) -> dict[int, dict]:
        """The mirrored claims, `answers` derived from the other claims' `responds_to`."""
        answers: dict[int, list[int]] = {}
        for pk, row in sorted(self.claims.items()):
            if row["responds_to"] is not None:
                answers.setdefault(row["responds_to"], []).append(pk)
        return {pk: {**row, "answers": answers.get(pk, [])} for pk, row in self.claims.items()}


def fresh_copy(client) -> dict[int, dict]:
    mirror = Mirror(client)
    mirror.poll()
    return mirror.claims


def test_polling_mirrors_edits_deletions_and_a_reextraction(api, users, actors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        documents = [pipeline.document_ingest(raw=path.read_bytes()).document for path in sorted(CORPUS.glob("*.txt"))]
    mirror = Mirror(api["api_client"])
    mirror.poll()
    assert len(mirror.claims) == Claim.objects.count() == CORPUS_CLAIMS

    # Edits: a correction, evidence, a verdict approved; an answered claim corrected, so it survives re-extraction.
    report = documents[1].claims
    answered = report.filter(responses__isnull=False).order_by("id").first()
    corrected, evidenced = report.exclude(pk=answered.pk).order_by("id")[:2]
    editor, analyst = users["editor"], users["analyst"]
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_correct(claim=answered, user=analyst, expected_version=0, locations=["Stepanakert"])
        services.claim_correct(claim=corrected, user=analyst, expected_version=0, stance="deny")
        services.evidence_add(
            claim=evidenced, user=analyst, url="https://m.example/a", outlet="Monitor", relation="supports"
        )
        verdict = services.verdict_propose(
            claim=evidenced, user=analyst, decision="confirmed", rationale="Monitor's photos.", expected_version=1
        )
        services.verdict_approve(verdict=verdict, user=editor)
    mirror.poll()
    assert mirror.claims[corrected.pk]["stance"] == "deny"
    assert (mirror.claims[evidenced.pk]["verdict"], mirror.claims[evidenced.pk]["verified"]) == ("confirmed", True)

    # Deletions, as the admin deletes: a claim, and a whole document.
    doomed = Claim.objects.filter(document=documents[1], version=0).order_by("id").last()
    doomed.delete()
    small = documents[0]
    small_ids = set(small.claims.values_list("pk", flat=True))
    small.delete()
    mirror.poll()
    assert doomed.pk not in mirror.claims
    assert not small_ids & set(mirror.claims)

    # A re-extraction: machine claims go (tombstones) and come back; reviewed claims stay.
    before = set(Claim.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.documents_reextract(document_ids=[documents[1].pk]) == 1
    after = set(Claim.objects.values_list("pk", flat=True))
    assert {answered.pk, corrected.pk, evidenced.pk} <= after
    assert ClaimTombstone.objects.filter(reason__in=["deleted", "reextracted"]).count() >= len(before - after)
    mirror.poll()

    assert set(mirror.claims) == after
    assert mirror.state() == fresh_copy(api["api_client"])
    assert mirror.claims[answered.pk]["locations"] == ["Stepanakert"]
    # Each poll with nothing new costs one page of claims and one of tombstones.
    requests = mirror.requests
    mirror.poll()
    assert mirror.requests - requests == 2


def test_updated_since_and_since_filter_by_time(api, claim, users):
    first = api["api_client"].get("/api/v1/claims/").json()["results"][0]["updated_at"]
    services.claim_correct(claim=claim, user=users["analyst"], expected_version=0, stance="deny")
    claim.refresh_from_db()
    later = claim.updated_at.isoformat()

    def ids(query):
        return [row["id"] for row in api["api_client"].get(f"/api/v1/claims/?{query}").json()["results"]]

    assert ids(f"updated_since={first.replace('+', '%2B')}") == [claim.pk]
    assert ids(f"updated_since={later.replace('+', '%2B')}") == [claim.pk]
    claim_id = claim.pk
    claim.delete()
    deleted = api["api_client"].get(f"/api/v1/claims/deleted/?since={later.replace('+', '%2B')}").json()["results"]
    assert [(row["claim_id"], row["reason"]) for row in deleted] == [(claim_id, "deleted")]
    assert api["api_client"].get("/api/v1/claims/deleted/?since=soon").json()["errors"]["since"] == [
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
    ]
