import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims.models import Claim
from tests.factories import ActorFactory, ClaimFactory, ConflictFactory, DocumentFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_throttle_carryover():
    """Throttle counters live in the cache: each test starts with a full budget."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def conflict(db):
    """Northland against Southland, with a ministry on each side and an independent outlet."""
    conflict = ConflictFactory(slug="north-south", sides={"north": "Northland", "south": "Southland"})
    for name, side in (("Northland MoD", "north"), ("Southland MoD", "south"), ("Harbour Gazette", "third_party")):
        MembershipFactory(actor=ActorFactory(name=name), conflict=conflict, side=side, aliases=[name])
    return conflict


@pytest.fixture
def document(conflict):
    return DocumentFactory(conflict=conflict, title="Northland report", url="https://news.example/report")


@pytest.fixture
def claim(document):
    return ClaimFactory(
        document=document,
        claimant=ActorFactory(name="Northland MoD"),
        claimant_mention="The Northland MoD",
        side="north",
        claim_type=Claim.Type.ATTACK,
        quote="Southland shelled the bridge",
        sentence="The Northland MoD said that Southland shelled the bridge.",
    )


def make_user(username: str, role: str | None, **extra):
    return UserFactory(
        username=username, roles=[role] if role else [], is_staff=role not in (None, "api_client"), **extra
    )


@pytest.fixture
def users(db):
    """One user per role, by role name."""
    return {role: make_user(f"{role}-user", role) for role in ("api_client", "analyst", "editor", "admin")} | {
        "other_editor": make_user("other-editor", "editor")
    }


def token_client(user) -> APIClient:
    """A client sending the user's new knox token, as an API client does."""
    _, token = AuthToken.objects.create(user=user, expiry=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.token = token
    return client


@pytest.fixture
def api(users):
    """Token clients by role name, plus `anonymous`."""
    clients = {role: token_client(user) for role, user in users.items()}
    clients["anonymous"] = APIClient()
    return clients
