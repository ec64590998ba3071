"""At 100 000 claims, the admin's and the review queue's list queries use indexes, never a scan of the claims table."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LISTS = [
    "/admin/claims/claim/",
    "/admin/claims/claim/?side=azerbaijan&stance=deny",
    "/admin/claims/claim/?verdict=confirmed",
    "/admin/claims/claim/?claim_type=casualties",
    "/admin/claims/claim/?stance=confirm",
    "/admin/claims/claim/?side=armenia&stance=assert&p=3",
    "/admin/claims/claim/?review_state=proposed",
    "/admin/claims/claim/?has_evidence=true",
    "/admin/claims/claim/?has_evidence=false&stance=deny",
    "/admin/claims/claim/?q=Stepanakert",
    "/admin/claims/claim/?conflict=nagorno-karabakh-2020&claim_type=attack",
    "/admin/claims/claim/?event_date_after=2020-01-01&event_date_before=2020-02-01",
    "/admin/claims/document/?status__exact=failed",
    "/review/queue/",
    "/review/queue/?order=least_certain",
]


@pytest.fixture
def large_table(actors):
    call_command("generate_claims", "--count", "100000", "--seed", "5", verbosity=0, stdout=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("ANALYZE claims_document")
        cursor.execute("ANALYZE claims_actor")
        cursor.execute("ANALYZE review_evidence")


def plans_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            planned = query["sql"].startswith("EXPLAIN")  # the paginator's estimate reads no rows
            if not planned and ("claims_claim" in query["sql"] or "claims_document" in query["sql"]):
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def test_admin_list_queries_use_indexes(client, large_table):
    client.force_login(get_user_model().objects.create_superuser("plans", password="plans-password-1"))
    for url in LISTS:
        plans = plans_for(client, url)
        assert plans, url
        for plan in plans:
            assert "Seq Scan on claims_claim" not in plan, f"{url}\n{plan}"
            # the queue's order is read from an index, not sorted from the whole table
            assert "Sort" not in plan or "queue" not in url, f"{url}\n{plan}"
            assert "Seq Scan on claims_document" not in plan or "status" not in url, f"{url}\n{plan}"
