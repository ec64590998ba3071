"""Tokens, read-only clients, throttling and what needs no sign-in."""

import io
import time

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from review.api.throttles import TokenRateThrottle
from tests.api.conftest import make_user, token_client

pytestmark = pytest.mark.django_db


def test_api_token_command_prints_a_token_stored_only_as_a_digest(users):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "api_client-user", "--days", "30", stdout=out, stderr=err)
    token = out.getvalue().strip()

    stored = AuthToken.objects.get(user=users["api_client"])
    assert len(token) == 64
    assert token not in stored.digest and stored.token_key == token[:15]
    assert "role api_client" in err.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json() == {"username": "api_client-user", "role": "api_client", "read_only": True}


def test_api_token_command_refuses_a_user_without_a_role(db):
    make_user("nobody", None)
    with pytest.raises(CommandError, match="has no role"):
        call_command("api_token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_revoked_token_is_refused_with_401(api, users, claim):
    client = api["api_client"]
    assert client.get("/api/v1/claims/").status_code == 200
    AuthToken.objects.filter(user=users["api_client"]).delete()  # what the admin's delete does

    response = client.get("/api/v1/claims/")

    assert response.status_code == 401
    assert response.json() == {"status": 401, "code": "authentication_failed", "detail": "Invalid token."}
    assert response.headers["WWW-Authenticate"] == "Token"


def test_without_credentials_only_the_schema_and_its_docs_answer(api):
    anonymous = api["anonymous"]
    assert anonymous.get("/api/v1/claims/").status_code == 401
    assert anonymous.get("/api/v1/me/").json()["code"] == "not_authenticated"
    assert anonymous.get("/api/schema/").status_code == 200
    assert anonymous.get("/api/schema/swagger-ui/").status_code == 200
    assert anonymous.get("/api/schema/redoc/").status_code == 200


def test_docs_load_their_scripts_from_local_static_files(api):
    page = api["anonymous"].get("/api/schema/swagger-ui/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_read_only_client_cannot_write(api, claim):
    client = api["api_client"]
    cases = [
        client.patch(f"/api/v1/claims/{claim.pk}/", {"expected_version": 0, "stance": "deny"}),
        client.post(f"/api/v1/claims/{claim.pk}/evidence/", {}),
        client.post(f"/api/v1/claims/{claim.pk}/verdicts/", {"decision": "unverified"}),
        client.post("/api/v1/documents/", {"text": "The ministry said that the bridge fell."}),
        client.post("/api/v1/actors/", {"conflict": "north-south", "name": "X", "side": "north"}),
    ]
    assert [response.status_code for response in cases] == [403] * 5
    assert cases[0].json()["detail"] == "Your role does not allow this (it needs the permission claims.correct_claim)."
    claim.refresh_from_db()
    assert (claim.stance, claim.version) == ("assert", 0)


def test_each_token_is_throttled_on_its_own_with_retry_after(settings, users, claim, monkeypatch):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}
    now = time.time() // 60 * 60 + 20  # every request in one window, whenever the test runs
    monkeypatch.setattr(TokenRateThrottle, "timer", staticmethod(lambda: now))
    _, first_token = AuthToken.objects.create(user=users["api_client"], expiry=None)
    _, second_token = AuthToken.objects.create(user=users["api_client"], expiry=None)
    first, second = APIClient(), APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Token {first_token}")
    second.credentials(HTTP_AUTHORIZATION=f"Token {second_token}")

    statuses = [first.get("/api/v1/claims/").status_code for _ in range(4)]
    throttled = first.get("/api/v1/claims/")

    assert statuses == [200, 200, 200, 429]
    assert throttled.json()["code"] == "throttled"
    assert throttled.headers["Retry-After"] == "40"
    assert second.get("/api/v1/claims/").status_code == 200


def test_session_sign_in_serves_the_browsable_api(client, users, claim):
    client.force_login(users["analyst"])

    response = client.get("/api/v1/claims/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"Claim List" in response.content


def test_an_expired_token_is_refused_and_deleted(users, claim):
    import datetime

    instance, token = AuthToken.objects.create(user=users["api_client"], expiry=datetime.timedelta(seconds=-1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get("/api/v1/claims/")

    assert response.status_code == 401
    assert AuthToken.objects.filter(pk=instance.pk).exists() is False


def test_a_token_carries_permissions_granted_to_the_user_as_well_as_its_role(claim):
    direct = make_user("direct", None)
    client = token_client(direct)
    assert client.get("/api/v1/claims/").status_code == 403  # no role, no permission

    direct.user_permissions.add(Permission.objects.get(codename="view_claim", content_type__app_label="claims"))
    response = client.get("/api/v1/claims/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [claim.pk]
    assert client.get(f"/api/v1/claims/{claim.pk}/history/").status_code == 403  # only what was granted
