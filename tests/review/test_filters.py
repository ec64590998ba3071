"""The one claims FilterSet: instances share the class's filters and form class, never their state."""

import datetime

import pytest
from django.utils import timezone

from review.filters import ReviewClaimFilter
from review.models import Reservation
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def reserve(claim, user):
    now = timezone.now()
    Reservation.objects.create(claim=claim, user=user, reserved_at=now, expires_at=now + datetime.timedelta(hours=1))


def test_a_filter_method_runs_on_its_own_filterset_when_several_are_alive():
    first, second = UserFactory(), UserFactory()
    mine, theirs = ClaimFactory(), ClaimFactory()
    reserve(mine, first)
    reserve(theirs, second)
    by_first = ReviewClaimFilter(data={"reserved_by_me": "true"}, user=first)
    by_second = ReviewClaimFilter(data={"reserved_by_me": "true"}, user=second)
    assert list(by_second.qs) == [theirs]  # built last, read first
    assert list(by_first.qs) == [mine]
    assert by_first.filters["reserved_by_me"] is not ReviewClaimFilter.base_filters["reserved_by_me"]


def test_forms_share_a_class_but_not_their_fields_or_data():
    valid = ReviewClaimFilter(data={"stance": "deny"})
    invalid = ReviewClaimFilter(data={"stance": "shrug", "event_date_after": "not a date"})
    assert type(valid.form) is type(invalid.form)
    assert valid.form.fields["stance"] is not invalid.form.fields["stance"]
    assert valid.is_valid()
    assert not invalid.is_valid()
    assert set(invalid.errors) == {"stance", "event_date"}
    assert valid.is_valid() and valid.form.cleaned_data["stance"] == "deny"  # the other's errors did not leak
