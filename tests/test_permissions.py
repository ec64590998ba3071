"""Every role against every endpoint: the status each must get, in one table.

Each row is a request and the status for each role, in the order of ROLES.
Paths name the rows they need in braces ({claim}, {verdict}, ...), made
fresh for every test by `world`. Rows with `session=True` sign in with the
session (the admin and, later, the workspace); the others send the role's
API token. To cover a new view, add a row.
"""

from dataclasses import dataclass, field

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims.models import Claim
from review import services
from review.models import WebhookEndpoint
from tests.factories import ActorFactory, ClaimFactory, ConflictFactory, DocumentFactory, MembershipFactory, UserFactory

ROLES = ("anonymous", "api_client", "analyst", "editor", "admin")
LOGIN = 302  # a page that sends the visitor to the sign-in form
REDIRECT = 302  # a workspace write, or "review next", sending the user on to a page


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    statuses: tuple[int, int, int, int, int]  # anonymous, api_client, analyst, editor, admin
    data: dict = field(default_factory=dict)
    session: bool = False
    format: str = "json"


API = "/api/v1"
VERDICT = {"decision": "unverified", "rationale": "Nothing either way.", "expected_version": 0}
EVIDENCE = {"url": "https://gazette.example/a", "outlet": "Harbour Gazette", "relation": "context"}
DOCUMENT = {"text": "The Northland MoD said that Southland shelled the bridge.", "conflict": "north-south"}
ACTOR = {"conflict": "north-south", "name": "Eastern Monitor", "side": "third_party"}
WEBHOOK = {"url": "https://client.example/hook", "events": ["claim.updated"]}

TABLE = [
    # The API: reads
    Row("me", "get", f"{API}/me/", (401, 200, 200, 200, 200)),
    Row("claims list", "get", f"{API}/claims/", (401, 200, 200, 200, 200)),
    Row("claims list, filtered", "get", f"{API}/claims/?side=north&verified=false", (401, 200, 200, 200, 200)),
    Row("claim detail", "get", f"{API}/claims/{{claim}}/", (401, 200, 200, 200, 200)),
    Row("claim of a hidden conflict", "get", f"{API}/claims/{{hidden_claim}}/", (401, 404, 404, 404, 404)),
    Row("claim history", "get", f"{API}/claims/{{claim}}/history/", (401, 403, 200, 200, 200)),
    Row("claim verdicts", "get", f"{API}/claims/{{claim}}/verdicts/", (401, 403, 200, 200, 200)),
    Row("tombstones", "get", f"{API}/claims/deleted/", (401, 200, 200, 200, 200)),
    Row("verdict detail", "get", f"{API}/verdicts/{{verdict}}/", (401, 403, 200, 200, 200)),
    Row("documents list", "get", f"{API}/documents/", (401, 200, 200, 200, 200)),
    Row("document detail", "get", f"{API}/documents/{{document}}/", (401, 200, 200, 200, 200)),
    Row("actors list", "get", f"{API}/actors/", (401, 200, 200, 200, 200)),
    Row("actor detail", "get", f"{API}/actors/{{actor}}/", (401, 200, 200, 200, 200)),
    Row("own webhooks", "get", f"{API}/webhooks/", (401, 200, 200, 200, 200)),
    Row("own webhook", "get", f"{API}/webhooks/{{webhook}}/", (401, 200, 200, 200, 200)),
    Row("own webhook's deliveries", "get", f"{API}/webhooks/{{webhook}}/deliveries/", (401, 200, 200, 200, 200)),
    Row("someone else's webhook", "get", f"{API}/webhooks/{{foreign_webhook}}/", (401, 404, 404, 404, 404)),
    Row("unknown API path", "get", f"{API}/nothing-here/", (404, 404, 404, 404, 404)),
    # The API: writes
    Row(
        "correct a claim",
        "patch",
        f"{API}/claims/{{claim}}/",
        (401, 403, 200, 200, 200),
        {"expected_version": 0, "stance": "deny"},
    ),
    Row("add evidence", "post", f"{API}/claims/{{claim}}/evidence/", (401, 403, 201, 201, 201), EVIDENCE),
    Row("propose a verdict", "post", f"{API}/claims/{{claim}}/verdicts/", (401, 403, 201, 201, 201), VERDICT),
    Row("approve a verdict", "post", f"{API}/verdicts/{{verdict}}/approve/", (401, 403, 403, 200, 200)),
    Row(
        "reject a verdict", "post", f"{API}/verdicts/{{verdict}}/reject/", (401, 403, 403, 200, 200), {"reason": "No."}
    ),
    Row("ingest a document", "post", f"{API}/documents/", (401, 403, 403, 202, 202), DOCUMENT),
    Row("add an actor", "post", f"{API}/actors/", (401, 403, 403, 403, 201), ACTOR),
    Row("register a webhook", "post", f"{API}/webhooks/", (401, 201, 201, 201, 201), WEBHOOK),
    Row(
        "switch a webhook off", "patch", f"{API}/webhooks/{{webhook}}/", (401, 200, 200, 200, 200), {"is_active": False}
    ),
    Row("delete a webhook", "delete", f"{API}/webhooks/{{webhook}}/", (401, 204, 204, 204, 204)),
    Row("delete a claim (no such endpoint)", "delete", f"{API}/claims/{{claim}}/", (401, 405, 405, 405, 405)),
    # The schema, its docs and the health check need no sign-in
    Row("schema", "get", "/api/schema/", (200, 200, 200, 200, 200)),
    Row("Swagger UI", "get", "/api/schema/swagger-ui/", (200, 200, 200, 200, 200)),
    Row("ReDoc", "get", "/api/schema/redoc/", (200, 200, 200, 200, 200)),
    Row("health check", "get", "/healthz", (200, 200, 200, 200, 200)),
    # The admin's main views (session sign-in; API clients are not staff)
    Row("admin: claims", "get", "/admin/claims/claim/", (LOGIN, LOGIN, 200, 200, 200), session=True),
    Row("admin: documents", "get", "/admin/claims/document/", (LOGIN, LOGIN, 200, 200, 200), session=True),
    Row("admin: actors", "get", "/admin/claims/actor/", (LOGIN, LOGIN, 200, 200, 200), session=True),
    Row("admin: a claim", "get", "/admin/claims/claim/{claim}/change/", (LOGIN, LOGIN, 200, 200, 200), session=True),
    Row("admin: webhooks", "get", "/admin/review/webhookendpoint/", (LOGIN, LOGIN, 403, 403, 200), session=True),
    Row("admin: API tokens", "get", "/admin/knox/authtoken/", (LOGIN, LOGIN, 403, 403, 200), session=True),
    Row("admin: datasets", "get", "/admin/review/dataset/", (LOGIN, LOGIN, 403, 200, 200), session=True),
    Row("admin: audit trail", "get", "/admin/review/auditevent/", (LOGIN, LOGIN, 200, 200, 200), session=True),
    Row(
        "admin: add a claim (no such page)",
        "get",
        "/admin/claims/claim/add/",
        (LOGIN, LOGIN, 403, 403, 403),
        session=True,
    ),
    Row(
        "admin: delete a claim",
        "get",
        "/admin/claims/claim/{claim}/delete/",
        (LOGIN, LOGIN, 403, 403, 200),
        session=True,
    ),
    # The API: exports (editors)
    Row("exports list", "get", f"{API}/exports/", (401, 403, 403, 200, 200)),
    Row("export a filter", "post", f"{API}/exports/", (401, 403, 403, 201, 201), {"format": "csv"}),
    Row("workspace: exports", "get", "/review/exports/", (LOGIN, 403, 403, 200, 200), session=True),
    Row("workspace: export form", "get", "/review/exports/new?side=north", (LOGIN, 403, 403, 200, 200), session=True),
    # The review workspace (session sign-in; a write answers with a redirect back to the page)
    *(
        Row(f"workspace: {name}", "get", path, statuses, session=True)
        for name, path, statuses in (
            ("dashboard", "/review/", (LOGIN, 403, 200, 200, 200)),
            ("queue", "/review/queue/", (LOGIN, 403, 200, 200, 200)),
            ("review next", "/review/next/", (LOGIN, 403, REDIRECT, REDIRECT, REDIRECT)),
            ("a claim", "/review/claims/{claim}/", (LOGIN, 403, 200, 200, 200)),
            ("a claim of a hidden conflict", "/review/claims/{hidden_claim}/", (LOGIN, 403, 404, 404, 404)),
            ("a document", "/review/documents/{document}/", (LOGIN, 403, 200, 200, 200)),
            ("approval queue", "/review/approvals/", (LOGIN, 403, 403, 200, 200)),
        )
    ),
    *(
        Row(f"workspace: {name}", "post", path, statuses, data, session=True, format="multipart")
        for name, path, statuses, data in (
            (
                "correct a claim",
                "/review/claims/{claim}/correct/",
                (LOGIN, 403, REDIRECT, REDIRECT, REDIRECT),
                {"field": "stance", "value": "deny", "expected_version": 0},
            ),
            ("add evidence", "/review/claims/{claim}/evidence/", (LOGIN, 403, REDIRECT, REDIRECT, REDIRECT), EVIDENCE),
            (
                "propose a verdict",
                "/review/claims/{claim}/verdict/",
                (LOGIN, 403, REDIRECT, REDIRECT, REDIRECT),
                VERDICT,
            ),
            ("skip a claim", "/review/claims/{claim}/skip/", (LOGIN, 403, REDIRECT, REDIRECT, REDIRECT), {}),
            ("approve a verdict", "/review/verdicts/{verdict}/approve/", (LOGIN, 403, 403, REDIRECT, REDIRECT), {}),
            (
                "reject a verdict",
                "/review/verdicts/{verdict}/reject/",
                (LOGIN, 403, 403, REDIRECT, REDIRECT),
                {"reason": "No."},
            ),
        )
    ),
]


@pytest.fixture
def world(db):
    """The rows the table's paths name, and a signed-in client per role."""
    conflict = ConflictFactory(slug="north-south", sides={"north": "Northland", "south": "Southland"})
    for name, side in (("Northland MoD", "north"), ("Harbour Gazette", "third_party")):
        MembershipFactory(actor=ActorFactory(name=name), conflict=conflict, side=side, aliases=[name])
    document = DocumentFactory(conflict=conflict)
    claim = ClaimFactory(document=document, claimant=ActorFactory(name="Northland MoD"), side="north")
    users = {role: UserFactory(username=role, roles=[role], is_staff=role != "api_client") for role in ROLES[1:]}
    author = UserFactory(username="author", roles=["analyst"])
    other = ClaimFactory(document=document)
    verdict = services.verdict_propose(
        claim=other, user=author, decision="unverified", rationale="Nothing found.", expected_version=0
    )
    hidden_conflict = ConflictFactory(slug="hidden")
    hidden_conflict.members.add(author)
    for user in users.values():
        conflict.members.add(user)
    webhooks = {
        role: WebhookEndpoint.objects.create(owner=user, url="https://client.example/h", secret="s" * 20, events=[])
        for role, user in users.items()
    }
    ids = {
        "claim": claim.pk,
        "hidden_claim": ClaimFactory(document=DocumentFactory(conflict=hidden_conflict)).pk,
        "verdict": verdict.pk,
        "document": document.pk,
        "actor": claim.claimant_id,
        "foreign_webhook": WebhookEndpoint.objects.create(
            owner=author, url="https://other.example/h", secret="s" * 20, events=[]
        ).pk,
    }
    return {"users": users, "ids": ids, "webhooks": webhooks, "claim": claim}


def client_for(world, role: str, session: bool):
    client = APIClient()
    user = world["users"].get(role)
    if user is None:
        return client
    if session:
        client.force_login(user)
    else:
        _, token = AuthToken.objects.create(user=user, expiry=None)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.name)
def test_role_gets_the_status_the_table_says(world, row, role):
    webhook = world["webhooks"].get(role) or world["webhooks"]["admin"]
    path = row.path.format(**world["ids"], webhook=webhook.pk)
    client = client_for(world, role, row.session)

    response = getattr(client, row.method)(path, row.data or None, format=row.format)

    expected = row.statuses[ROLES.index(role)]
    assert response.status_code == expected, (row.name, role, getattr(response, "data", response.content[:300]))
    if row.method != "get" and expected >= 400:
        world["claim"].refresh_from_db()
        assert world["claim"].version == 0 and Claim.objects.get(pk=world["claim"].pk).stance == "assert"
    if response.status_code >= 400 and path.startswith(API):
        body = response.json()
        assert (body["status"], bool(body["detail"])) == (expected, True)
