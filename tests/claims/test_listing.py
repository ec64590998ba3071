"""The admin's capped paginator on PostgreSQL: a filter planned far past the cap is not counted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.listing import CappedCountPaginator
from claims.models import Claim
from tests.factories import ClaimFactory, DocumentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def claims():
    document = DocumentFactory()
    for side in ["north"] * 120 + ["south"] * 3:
        ClaimFactory(document=document, conflict=document.conflict, side=side)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")


def count_with_queries(queryset) -> tuple[int, str, list[str]]:
    paginator = CappedCountPaginator(queryset, 20)
    with CaptureQueriesContext(connection) as captured:
        count = paginator.count
    return count, paginator.count_display, [query["sql"].split(" ", 1)[0] for query in captured.captured_queries]


def test_a_filter_the_planner_puts_far_past_the_cap_reads_no_rows(claims, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 10)
    assert count_with_queries(Claim.objects.filter(side="north").order_by("-id")) == (11, "10+", ["EXPLAIN"])


def test_a_filter_planned_near_the_cap_is_counted(claims, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 100)  # 120 planned: not four times the cap
    assert count_with_queries(Claim.objects.filter(side="north").order_by("-id")) == (
        101,
        "100+",
        ["EXPLAIN", "SELECT"],
    )
    assert count_with_queries(Claim.objects.filter(side="south").order_by("-id")) == (3, "3", ["EXPLAIN", "SELECT"])
