"""Claims through the API: fields, visibility, filters, ordering, pages, ETags."""

import datetime

import pytest
from django.db import connection

from claims.models import Claim
from review import services
from review.models import Evidence
from tests.api.conftest import token_client
from tests.factories import ClaimFactory, ConflictFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_claim_detail_has_the_schema_fields_and_review_state(api, claim):
    answer = ClaimFactory(document=claim.document, responds_to=claim, stance=Claim.Stance.DENY, side="south")
    claim.event_date, claim.time, claim.locations = datetime.date(2020, 10, 2), datetime.time(8, 3), ["Tartar"]
    claim.save()

    response = api["api_client"].get(f"/api/v1/claims/{claim.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("id", "quote", "side", "stance", "claim_type", "event_date", "time")} == {
        "id": claim.pk,
        "quote": "Southland shelled the bridge",
        "side": "north",
        "stance": "assert",
        "claim_type": "attack",
        "event_date": "2020-10-02",
        "time": "08:03",
    }
    assert body["locations"] == ["Tartar"]
    assert body["claimant"] == {"id": claim.claimant_id, "name": "Northland MoD", "side": "north"}
    assert body["document"] == {
        "id": claim.document_id,
        "title": "Northland report",
        "url": "https://news.example/report",
    }
    assert (body["review_state"], body["verdict"], body["verified"], body["version"]) == ("unreviewed", "", False, 0)
    assert (body["responds_to"], body["answers"]) == (None, [answer.pk])
    assert "evidence" not in body  # a read-only client never sees evidence
    assert response.headers["ETag"].startswith('W/"')


def test_claim_detail_shows_evidence_to_analysts(api, users, claim):
    services.evidence_add(
        claim=claim,
        user=users["analyst"],
        url="https://gazette.example/a",
        outlet="Harbour Gazette",
        relation="supports",
    )

    body = api["analyst"].get(f"/api/v1/claims/{claim.pk}/").json()

    assert [(item["outlet"], item["relation"], item["independent"]) for item in body["evidence"]] == [
        ("Harbour Gazette", "supports", True)
    ]
    assert body["version"] == 1


def test_claims_of_other_conflicts_are_not_found(api, users, claim):
    elsewhere = ConflictFactory(slug="elsewhere")
    hidden = ClaimFactory(document=DocumentFactory(conflict=elsewhere))
    limited = UserFactory(username="limited", roles=["api_client"], is_staff=False)
    claim.conflict.members.add(limited)
    client = token_client(limited)

    assert client.get(f"/api/v1/claims/{hidden.pk}/").status_code == 404
    assert [row["id"] for row in client.get("/api/v1/claims/").json()["results"]] == [claim.pk]


def test_list_filters_with_the_one_filterset(api, claim):
    other = ClaimFactory(document=claim.document, side="south", stance=Claim.Stance.DENY)

    def ids(query):
        response = api["api_client"].get(f"/api/v1/claims/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("side=south") == [other.pk]
    assert ids("stance=assert") == [claim.pk]
    assert ids("verified=false&ordering=id") == [claim.pk, other.pk]
    assert ids("verdict=confirmed") == []
    assert ids(f"claimant={claim.claimant_id}") == [claim.pk]


def test_list_refuses_bad_filters_with_field_errors(api, claim):
    response = api["api_client"].get("/api/v1/claims/?stance=maybe&event_date_after=yesterday")

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert sorted(body["errors"]) == ["event_date", "stance"]


def test_pages_follow_the_cursor_in_updated_at_order_without_gaps(api, document):
    made = [ClaimFactory(document=document) for _ in range(7)]
    Claim.objects.filter(pk=made[2].pk).update(updated_at=made[6].updated_at + datetime.timedelta(seconds=1))
    expected = sorted(Claim.objects.values_list("updated_at", "id"))

    seen, url = [], "/api/v1/claims/?page_size=3"
    while url:
        body = api["api_client"].get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    assert seen == [pk for _, pk in expected]
    assert seen[-1] == made[2].pk


def test_event_date_ordering_puts_undated_claims_last(api, document):
    late = ClaimFactory(document=document, event_date=datetime.date(2020, 10, 5))
    undated = ClaimFactory(document=document, event_date=None)
    early = ClaimFactory(document=document, event_date=datetime.date(2020, 10, 1))

    seen, url = [], "/api/v1/claims/?ordering=event_date&page_size=1"
    while url:
        body = api["api_client"].get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == [early.pk, late.pk, undated.pk]

    seen, url = [], "/api/v1/claims/?ordering=-event_date&page_size=2"
    while url:
        body = api["api_client"].get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == [undated.pk, late.pk, early.pk]


def test_a_tampered_cursor_is_a_400(api, claim):
    response = api["api_client"].get("/api/v1/claims/?cursor=not-a-cursor")

    assert response.status_code == 400
    assert response.json()["errors"] == {"cursor": ["This cursor is not valid: follow the `next` links as given."]}


def test_unchanged_list_and_detail_answer_304(api, users, claim):
    client = api["api_client"]
    first = client.get("/api/v1/claims/?side=north")
    detail = client.get(f"/api/v1/claims/{claim.pk}/")

    again = client.get("/api/v1/claims/?side=north", HTTP_IF_NONE_MATCH=first.headers["ETag"])
    detail_again = client.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=detail.headers["ETag"])
    assert (again.status_code, detail_again.status_code) == (304, 304)
    assert again.content == b""

    services.claim_correct(claim=claim, user=users["analyst"], expected_version=0, stance="deny")
    changed = client.get("/api/v1/claims/?side=north", HTTP_IF_NONE_MATCH=first.headers["ETag"])
    detail_changed = client.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=detail.headers["ETag"])
    assert (changed.status_code, detail_changed.status_code) == (200, 200)
    assert changed.json()["results"][0]["stance"] == "deny"


def test_etag_differs_for_a_role_that_sees_evidence(api, claim):
    tag = api["api_client"].get(f"/api/v1/claims/{claim.pk}/").headers["ETag"]

    response = api["analyst"].get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 200
    assert response.json()["evidence"] == []


def test_list_costs_a_fixed_number_of_queries(api, users, document, django_assert_num_queries):
    def add_claims(n):
        for _ in range(n):
            claim = ClaimFactory(document=document)
            Evidence.objects.create(
                claim=claim,
                url="https://gazette.example/x",
                outlet="Harbour Gazette",
                relation="supports",
                independent=True,
                accessed=datetime.date(2020, 10, 3),
                added_by=users["analyst"],
            )
            ClaimFactory(document=document, responds_to=claim)

    client = api["analyst"]
    add_claims(2)
    # the token with its user, permissions and conflicts; the page's keys; its rows (with their
    # answers on PostgreSQL, one more query elsewhere); their evidence
    queries = 4 if connection.vendor == "postgresql" else 5
    with django_assert_num_queries(queries):
        assert len(client.get("/api/v1/claims/").json()["results"]) == 4
    add_claims(20)
    with django_assert_num_queries(queries):
        assert len(client.get("/api/v1/claims/").json()["results"]) == 44


def test_a_304_costs_the_page_keys_alone(api, document, django_assert_num_queries):
    for _ in range(5):
        ClaimFactory(document=document)
    client = api["analyst"]
    tag = client.get("/api/v1/claims/").headers["ETag"]

    # the token with its user, permissions and conflicts; the page's keys: no rows, no evidence
    with django_assert_num_queries(2):
        response = client.get("/api/v1/claims/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 304


def test_the_fast_representation_equals_the_documented_serializer(api, users, claim):
    import json

    from review.api.serializers import ClaimSerializer, claim_data, claim_queryset, with_related

    ClaimFactory(document=claim.document, responds_to=claim, stance=Claim.Stance.DENY)
    claim.event_date, claim.time, claim.locations, claim.confidence = (
        datetime.date(2020, 10, 2),
        datetime.time(8, 3),
        ["Tartar"],
        0.5,
    )
    claim.save()
    services.evidence_add(
        claim=claim, user=users["analyst"], url="https://g.example/a", outlet="Gazette", relation="supports"
    )
    request = api["analyst"].get("/api/v1/me/").wsgi_request
    request.user = users["analyst"]
    loaded = with_related([claim_queryset().get(pk=claim.pk)], request)[0]

    assert json.loads(json.dumps(claim_data(loaded))) == json.loads(json.dumps(ClaimSerializer(loaded).data))


def test_a_new_row_after_the_page_changes_its_etag(api, document):
    for _ in range(2):
        ClaimFactory(document=document)
    client = api["api_client"]
    first = client.get("/api/v1/claims/?page_size=2")
    assert first.json()["next"] is None

    ClaimFactory(document=document)
    again = client.get("/api/v1/claims/?page_size=2", HTTP_IF_NONE_MATCH=first.headers["ETag"])

    assert again.status_code == 200
    assert again.json()["next"] is not None


def test_a_claim_on_a_page_reads_as_its_own_detail_does(api, users, claim):
    # A page's rows are read by id with a statement of their own; the detail through the ORM.
    answer = ClaimFactory(document=claim.document, responds_to=claim, stance=Claim.Stance.DENY, claimant=None)
    claim.event_date, claim.time, claim.locations, claim.confidence = (
        datetime.date(2020, 10, 2),
        datetime.time(8, 3),
        ["Tartar", "Bərdə"],
        0.5,
    )
    claim.save()
    services.evidence_add(
        claim=claim, user=users["analyst"], url="https://g.example/a", outlet="Gazette", relation="supports"
    )
    for role in ("analyst", "api_client"):  # with evidence and without
        client = api[role]
        page = {row["id"]: row for row in client.get("/api/v1/claims/?ordering=id").json()["results"]}
        assert set(page) >= {claim.pk, answer.pk}
        for pk in (claim.pk, answer.pk):
            assert page[pk] == client.get(f"/api/v1/claims/{pk}/").json()
        assert page[claim.pk]["answers"] == [answer.pk]
        assert page[claim.pk]["locations"] == ["Tartar", "Bərdə"]
        assert page[answer.pk]["claimant"] is None
        assert ("evidence" in page[claim.pk]) == (role == "analyst")


@pytest.mark.postgres
def test_the_token_check_and_a_page_s_rows_are_planned_once_per_connection(api, claim):
    client = api["api_client"]
    for _ in range(3):
        assert client.get("/api/v1/claims/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        prepared = cursor.fetchall()
    runs = {("token" if "token_key" in sql else "rows" if "ANY(CAST" in sql else "other"): n for sql, n in prepared}
    assert runs == {"token": 3, "rows": 3}  # Django's own queries are never prepared
