"""A claim keeps its id across re-extraction; people's work is never lost (claims.storing)."""

import dataclasses
import datetime

import pytest

from claims import services, storing
from claims.extraction import Registry, extract
from claims.models import Actor, Claim, ClaimTombstone, Document
from review import services as review
from review.models import Evidence
from tests.conftest import CORPUS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = (
    "date 2021-03-02\n"
    "The Ministry of Defence of Ruritania said that its forces shelled positions near Zenda.\n"
    "Borduria issued a denial.\n"
    "Ruritania and Borduria accused each other of shelling the village of Strel.\n"
)
RURITANIA = {
    "name": "Ruritanian MoD",
    "side": "ruritania",
    "aliases": ["Ministry of Defence of Ruritania", "Ruritania"],
}
BORDURIA = {"name": "Bordurian authorities", "side": "borduria", "aliases": ["Borduria"]}
# The engine changed: "Borduria" now names another actor.
BORDURIA_CHANGED = [
    {"name": "Bordurian authorities", "side": "borduria", "aliases": ["Bordurian authorities"]},
    {"name": "Bordurian government", "side": "borduria", "aliases": ["Borduria"]},
]

# Where the engine (claims/extraction) puts each claim of TEXT; the one place to change with it.
PAIR_START, PAIR_END = 153, 204  # "accused each other of shelling the village of Strel"
ASSERT = "63-102:assert:Ruritanian MoD"
DENIAL = "104-128:deny:Bordurian authorities"
PAIR_RURITANIA = f"{PAIR_START}-{PAIR_END}:assert:Ruritanian MoD"
PAIR_BORDURIA = f"{PAIR_START}-{PAIR_END}:assert:Bordurian authorities"
DENIAL_CHANGED = "104-128:deny:Bordurian government"
PAIR_BORDURIA_CHANGED = f"{PAIR_START}-{PAIR_END}:assert:Bordurian government"


@pytest.fixture
def document(db):
    services.actors_load(records=[RURITANIA, BORDURIA], conflict="zenda")
    return services.document_ingest(raw=TEXT).document


def change_registry(records):
    services.actors_load(records=records, conflict="zenda")


def reextract(document) -> Document:
    assert services.documents_reextract(document_ids=[document.pk]) == 1
    document.refresh_from_db()
    assert document.status == Document.Status.EXTRACTED
    return document


def ids(document) -> dict[str, int]:
    return dict(document.claims.values_list("identity", "pk"))


def stale(document) -> set[str]:
    return set(document.claims.filter(is_stale=True).values_list("identity", flat=True))


def mark_reviewed(*identities):
    """The marker of human work that every review service raises (version > 0)."""
    assert Claim.objects.filter(identity__in=identities).update(version=1) == len(identities)


def tombstones():
    return sorted(ClaimTombstone.objects.values_list("claim_id", "reason"))


def assert_links_valid(document):
    """Every answer points at a claim of the document that exists."""
    claims = set(document.claims.values_list("pk", flat=True))
    links = document.claims.exclude(responds_to=None).values_list("responds_to_id", flat=True)
    assert set(links) <= claims


def test_identities_name_claims_alike_in_order():
    found = extract(TEXT, Registry.from_records([RURITANIA, BORDURIA], parties=("ruritania", "borduria")))
    again = dataclasses.replace(found[3], index=4, claimant_mention="Borduria")
    assert storing.identities([*found, again, again]) == [
        ASSERT,
        DENIAL,
        PAIR_RURITANIA,
        PAIR_BORDURIA,
        f"{PAIR_BORDURIA}#2",
        f"{PAIR_BORDURIA}#3",
    ]


def test_extraction_names_each_claim_by_span_stance_and_claimant(document):
    document.refresh_from_db()
    assert sorted(ids(document)) == sorted([ASSERT, DENIAL, PAIR_RURITANIA, PAIR_BORDURIA])
    assert document.claim_count == 4


def test_reextract_with_unchanged_engine_keeps_every_id_and_writes_nothing(document):
    before = sorted(document.claims.values_list("pk", "identity", "updated_at"))
    document = reextract(document)
    assert sorted(document.claims.values_list("pk", "identity", "updated_at")) == before
    assert (document.claim_count, tombstones()) == (4, [])


def test_reextract_of_the_war_timeline_keeps_every_id(actors):
    text = (CORPUS / "001_f97f991389789e1e.txt").read_text(encoding="utf-8")
    document = services.document_ingest(raw=text).document
    before = ids(document)
    # Two claims alike (Turkey confirming, by two mentions in one quote) are told apart by order.
    assert sorted(key for key in before if "#" in key) == ["45473-45565:confirm:Turkey#2"]
    document = reextract(document)
    assert ids(document) == before
    assert document.claim_count == len(before) == document.claims.count()
    assert tombstones() == []


@pytest.mark.parametrize("reviewed", [[PAIR_BORDURIA], [PAIR_RURITANIA, PAIR_BORDURIA]], ids=["one", "both"])
def test_same_span_pair_with_reviewed_claims_keeps_both_rows_and_ids(document, reviewed):
    mark_reviewed(*reviewed)
    before = ids(document)
    document = reextract(document)
    assert ids(document) == before
    assert document.claims.filter(start=PAIR_START, end=PAIR_END).count() == 2
    assert (document.claim_count, stale(document), tombstones()) == (4, set(), [])


def test_engine_change_keeps_found_ids_adds_new_deletes_untouched_and_keeps_reviewed_stale(document):
    mark_reviewed(PAIR_BORDURIA)
    before = ids(document)
    change_registry(BORDURIA_CHANGED)

    document = reextract(document)

    after = ids(document)
    assert sorted(after) == sorted([ASSERT, DENIAL_CHANGED, PAIR_RURITANIA, PAIR_BORDURIA, PAIR_BORDURIA_CHANGED])
    assert {key: after[key] for key in (ASSERT, PAIR_RURITANIA, PAIR_BORDURIA)} == {
        key: before[key] for key in (ASSERT, PAIR_RURITANIA, PAIR_BORDURIA)
    }
    assert after[DENIAL_CHANGED] > max(before.values())
    assert stale(document) == {PAIR_BORDURIA}
    assert tombstones() == [(before[DENIAL], "reextracted")]
    assert document.claim_count == 5 == document.claims.count()
    # The new denial answers the claim that kept its id.
    assert Claim.objects.get(pk=after[DENIAL_CHANGED]).responds_to_id == before[ASSERT]
    assert_links_valid(document)


def test_stale_claim_found_again_is_unflagged_with_its_id(document):
    mark_reviewed(PAIR_BORDURIA)
    before = ids(document)
    change_registry(BORDURIA_CHANGED)
    changed = ids(reextract(document))

    change_registry([dict(BORDURIA, aliases=["Borduria"]), dict(BORDURIA_CHANGED[1], aliases=[])])
    document = reextract(document)

    assert stale(document) == set()
    assert ids(document)[PAIR_BORDURIA] == before[PAIR_BORDURIA]
    assert sorted(ids(document)) == sorted(before)
    assert tombstones() == sorted(
        (pk, "reextracted") for pk in (before[DENIAL], changed[DENIAL_CHANGED], changed[PAIR_BORDURIA_CHANGED])
    )
    assert document.claim_count == 4 == document.claims.count()
    assert_links_valid(document)


def test_corrected_claimant_mention_date_and_places_survive_an_engine_change(document):
    analyst = UserFactory(username="ana", roles=["analyst"])
    other = Actor.objects.create(name="Zenda town council")
    claim = Claim.objects.get(identity=ASSERT)
    review.claim_correct(
        claim=claim,
        user=analyst,
        expected_version=0,
        claimant=other.name,
        claimant_mention="the town council",
        event_date="2021-03-01",
        locations=["Zenda", "Strel"],
    )
    change_registry(BORDURIA_CHANGED)

    document = reextract(document)

    kept = Claim.objects.get(pk=claim.pk)
    assert (kept.identity, kept.is_stale, kept.version) == (ASSERT, False, 1)
    assert (kept.claimant_id, kept.claimant_mention, kept.event_date, kept.locations) == (
        other.pk,
        "the town council",
        datetime.date(2021, 3, 1),
        ["Zenda", "Strel"],
    )
    assert Claim.objects.get(identity=DENIAL_CHANGED).responds_to_id == claim.pk


def test_reviewed_answer_follows_the_claim_it_answers_when_that_is_replaced(document):
    mark_reviewed(DENIAL)
    denial = Claim.objects.get(identity=DENIAL)
    change_registry([dict(RURITANIA, aliases=["Ruritanian MoD"]), dict(RURITANIA, name="Ruritanian government")])

    document = reextract(document)

    denial.refresh_from_db()
    new_assert = Claim.objects.get(identity="63-102:assert:Ruritanian government")
    assert (denial.is_stale, denial.responds_to_id) == (False, new_assert.pk)
    assert_links_valid(document)


def test_untouched_claim_cited_as_evidence_is_kept_stale_not_deleted(document):
    analyst = UserFactory(username="ana", roles=["analyst"])
    cited, other = Claim.objects.get(identity=DENIAL), Claim.objects.get(identity=ASSERT)
    Evidence.objects.create(
        claim=other,
        source_claim=cited,
        url="https://zenda-herald.example/a",
        outlet="Zenda Herald",
        accessed=datetime.date(2021, 3, 3),
        relation=Evidence.Relation.REFUTES,
        independent=True,
        added_by=analyst,
    )
    change_registry(BORDURIA_CHANGED)

    document = reextract(document)

    assert stale(document) == {DENIAL}
    assert Evidence.objects.get().source_claim_id == cited.pk
    assert [reason for _, reason in tombstones()] == ["reextracted"]  # the pair's untouched Bordurian claim
    assert document.claim_count == 5 == document.claims.count()


def test_untouched_claim_found_again_takes_the_engines_new_values_and_keeps_its_id(document):
    before = dict(document.claims.values_list("identity", "updated_at"))
    keep = ids(document)
    change_registry([dict(BORDURIA, side="third_party")])

    document = reextract(document)

    assert ids(document) == keep
    rows = {
        identity: (side, locations)
        for identity, side, locations in document.claims.values_list("identity", "side", "locations")
    }
    assert rows == {
        ASSERT: ("ruritania", ["Zenda"]),
        DENIAL: ("third_party", []),
        PAIR_RURITANIA: ("ruritania", ["Strel"]),
        PAIR_BORDURIA: ("third_party", ["Strel"]),
    }
    written = {
        identity for identity, at in document.claims.values_list("identity", "updated_at") if at != before[identity]
    }
    assert written == {DENIAL, PAIR_BORDURIA}
    assert tombstones() == []
