"""The OpenAPI schema is valid and complete, and the API keeps to it (schemathesis, bounded)."""

import io

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import make_user
from tests.factories import ActorFactory, ClaimFactory, ConflictFactory, DocumentFactory, MembershipFactory


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    err = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=err)
    assert err.getvalue() == ""
    assert target.stat().st_size > 10_000


def test_schema_documents_every_endpoint_filter_error_and_webhook(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert sorted(schema["paths"]) == [
        "/api/v1/actors/",
        "/api/v1/actors/{id}/",
        "/api/v1/claims/",
        "/api/v1/claims/deleted/",
        "/api/v1/claims/{id}/",
        "/api/v1/claims/{id}/evidence/",
        "/api/v1/claims/{id}/history/",
        "/api/v1/claims/{id}/verdicts/",
        "/api/v1/documents/",
        "/api/v1/documents/{id}/",
        "/api/v1/exports/",
        "/api/v1/exports/{id}/",
        "/api/v1/exports/{id}/download/",
        "/api/v1/me/",
        "/api/v1/verdicts/{id}/",
        "/api/v1/verdicts/{id}/approve/",
        "/api/v1/verdicts/{id}/reject/",
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/",
        "/api/v1/webhooks/{id}/deliveries/",
    ]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert parameters >= {
        "conflict",
        "review_state",
        "verdict",
        "verified",
        "claim_type",
        "stance",
        "side",
        "claimant",
        "document",
        "event_date_after",
        "event_date_before",
        "place",
        "q",
        "updated_since",
        "has_evidence",
        "ordering",
        "cursor",
        "page_size",
        "If-None-Match",
    }
    assert sorted(schema["paths"]["/api/v1/documents/"]["post"]["responses"]) == [
        "200",
        "202",
        "400",
        "401",
        "403",
        "413",
        "415",
        "429",
    ]
    assert sorted(schema["paths"]["/api/v1/claims/{id}/"]["patch"]["responses"]) == [
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "429",
    ]
    assert sorted(schema["x-webhooks"]) == ["claim.updated", "claim.verdict_approved", "document.extracted"]
    assert "Claimdesk-Signature" in schema["x-webhooks"]["claim.updated"]["post"]["description"]


def _generated_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


fuzzed = schemathesis.openapi.from_dict(_generated_schema())
fuzzed.app = get_wsgi_application()


@pytest.fixture
def keep_connection():
    """As Django's test client does: requests must not close the test's transaction's connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db, keep_connection):
    conflict = ConflictFactory(slug="north-south", sides={"north": "Northland", "south": "Southland"})
    MembershipFactory(actor=ActorFactory(name="Northland MoD"), conflict=conflict, side="north")
    document = DocumentFactory(conflict=conflict)
    for _ in range(3):
        ClaimFactory(document=document)
    _, token = AuthToken.objects.create(user=make_user("fuzzer", "admin"), expiry=None)
    return token


@fuzzed.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_never_errors_and_keeps_to_its_schema(case, admin_token, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100000/minute"}}
    case.call_and_validate(
        headers={"Authorization": f"Token {admin_token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
