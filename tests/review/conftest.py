import pytest

from claims.models import Claim
from tests.factories import ActorFactory, ClaimFactory, ConflictFactory, DocumentFactory, MembershipFactory, UserFactory


@pytest.fixture
def conflict(db):
    """Northland against Southland, with a ministry on each side and two outlets."""
    conflict = ConflictFactory(slug="north-south", sides={"north": "Northland", "south": "Southland"})
    for name, side in (
        ("Northland MoD", "north"),
        ("Southland MoD", "south"),
        ("Northland State TV", "north"),
        ("Harbour Gazette", "third_party"),
    ):
        MembershipFactory(actor=ActorFactory(name=name), conflict=conflict, side=side, aliases=[name])
    return conflict


@pytest.fixture
def claim(conflict):
    """Northland's claim that Southland shelled the bridge."""
    document = DocumentFactory(conflict=conflict)
    return ClaimFactory(
        document=document,
        claimant=ActorFactory(name="Northland MoD"),
        claimant_mention="The Northland MoD",
        side="north",
        claim_type=Claim.Type.ATTACK,
        quote="Southland shelled the bridge",
        sentence="The Northland MoD said that Southland shelled the bridge.",
    )


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", roles=["analyst"])


@pytest.fixture
def other_analyst(db):
    return UserFactory(username="bo", roles=["analyst"])


@pytest.fixture
def editor(db):
    return UserFactory(username="ed", roles=["editor"])


@pytest.fixture
def other_editor(db):
    return UserFactory(username="eve", roles=["editor"])
