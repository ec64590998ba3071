"""Every bad request gets JSON with the right status and a clear message, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_paths_are_json_404s(api):
    response = api["api_client"].get("/api/v1/nothing/")

    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": "No API endpoint at /api/v1/nothing/."}
    assert api["api_client"].get("/api/v1/claims/abc/").status_code == 404
    assert api["api_client"].get(f"/api/v1/claims/{'9' * 19}/").status_code == 404


def test_a_claim_that_is_not_there(api, claim):
    response = api["api_client"].get(f"/api/v1/claims/{claim.pk + 1000}/")

    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": "Not found (or not visible to you)."}


def test_malformed_json_is_a_400(api, claim):
    response = api["analyst"].generic(
        "PATCH", f"/api/v1/claims/{claim.pk}/", b'{"expected_version": ', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_method_the_endpoint_does_not_have_is_405(api, claim):
    response = api["admin"].delete(f"/api/v1/claims/{claim.pk}/")

    assert response.status_code == 405
    assert response.json() == {"status": 405, "code": "method_not_allowed", "detail": 'Method "DELETE" not allowed.'}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("page_size=1000", "page_size", "A page holds 1 to 200 rows."),
        ("page_size=abc", "page_size", "A page holds 1 to 200 rows."),
        ("ordering=quote", "ordering", "Order by one of updated_at, -updated_at, event_date, -event_date, id, -id, "),
        ("q=a%00b", "q", "A parameter cannot contain NUL characters."),
        (f"claimant={'9' * 25}", "claimant", "No such id."),
        ("claimant=12345", "claimant", "Select a valid choice. That choice is not one of the available choices."),
    ],
)
def test_bad_query_parameters_are_400s_naming_the_parameter(api, claim, query, field, message):
    response = api["api_client"].get(f"/api/v1/claims/?{query}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert response.json()["errors"][field][0].startswith(message)


def test_a_cursor_of_another_ordering_is_refused(api, document):
    from tests.factories import ClaimFactory

    for _ in range(3):
        ClaimFactory(document=document)
    next_url = api["api_client"].get("/api/v1/claims/?page_size=1").json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]

    response = api["api_client"].get(f"/api/v1/claims/?ordering=id&cursor={cursor}")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "cursor": ["This cursor belongs to another ordering: keep `ordering` as it was."]
    }
