"""The claims list reuses the SQL it compiled for a path, for the same reader, and never past what it may see."""

import pytest
from django.db import connection

from claims.models import Claim
from review.models import Reservation
from review.workspace import reservation_release, reservation_take_next
from tests.api.conftest import make_user, token_client
from tests.factories import ClaimFactory, ConflictFactory, DocumentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# The token check; the conflict named by slug (the FilterSet validating it); the page's keys;
# its rows with their answers (one more query for the answers off PostgreSQL).
FIRST = 4 if connection.vendor == "postgresql" else 5


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_repeated_request_runs_the_compiled_query_without_the_filterset(api, claim, django_assert_num_queries):
    path = "/api/v1/claims/?conflict=north-south&side=north"
    client = api["api_client"]
    with django_assert_num_queries(FIRST):
        first = ids(client.get(path))
    # no query for the conflict's slug: the FilterSet is not built again
    with django_assert_num_queries(FIRST - 1):
        again = ids(client.get(path))

    assert first == again == [claim.pk]


def test_a_new_claim_shows_on_the_reused_query(api, claim):
    client = api["api_client"]
    path = "/api/v1/claims/?side=north"
    assert ids(client.get(path)) == [claim.pk]

    newer = ClaimFactory(document=claim.document, side="north")
    ClaimFactory(document=claim.document, side="south")

    assert ids(client.get(path)) == [claim.pk, newer.pk]


def test_a_renamed_conflict_is_looked_up_again(api, claim, conflict):
    client = api["api_client"]
    assert ids(client.get("/api/v1/claims/?conflict=north-south")) == [claim.pk]

    conflict.slug = "northern-war"
    conflict.save()

    gone = client.get("/api/v1/claims/?conflict=north-south")
    assert gone.status_code == 400
    assert list(gone.json()["errors"]) == ["conflict"]
    assert ids(client.get("/api/v1/claims/?conflict=northern-war")) == [claim.pk]


def test_the_same_path_read_by_a_reader_limited_to_one_conflict_shows_only_its_claims(api, users, claim):
    elsewhere = ConflictFactory(slug="east-west", sides={"east": "Eastland", "west": "Westland"})
    MembershipFactory(conflict=elsewhere, side="east")
    other = ClaimFactory(document=DocumentFactory(conflict=elsewhere), side="east")
    limited = make_user("limited-client", "api_client")
    elsewhere.members.add(limited)
    path = "/api/v1/claims/?ordering=id"

    assert ids(api["api_client"].get(path)) == [claim.pk, other.pk]
    assert ids(token_client(limited).get(path)) == [other.pk]
    assert ids(api["api_client"].get(path)) == [claim.pk, other.pk]


def test_a_reader_who_loses_the_view_permission_sees_nothing_on_the_same_path(api, users, claim):
    path = "/api/v1/claims/"
    client = api["api_client"]
    assert ids(client.get(path)) == [claim.pk]

    users["api_client"].groups.clear()

    assert client.get(path).status_code == 403


def test_reserved_by_me_is_filtered_afresh_on_every_request(api, users, claim):
    analyst = users["analyst"]
    client = api["analyst"]
    path = "/api/v1/claims/?reserved_by_me=true"
    assert ids(client.get(path)) == []

    other = token_client(make_user("other-analyst", "analyst"))
    assert ids(other.get(path)) == []

    taken = reservation_take_next(user=analyst, queryset=Claim.objects.all())
    assert taken == claim.pk
    assert ids(client.get(path)) == [claim.pk]
    # the same path, the same role: another analyst's leases are theirs
    assert ids(other.get(path)) == []

    reservation_release(user=analyst, claim_id=claim.pk)
    assert not Reservation.objects.filter(user=analyst).exists()
    assert ids(client.get(path)) == []
