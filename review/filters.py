"""The claims FilterSet with the review fields; the one the workspace, admin, API and exports use."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone

from claims.filters import ClaimFilter
from review.models import Evidence, Reservation


class ReviewClaimFilter(ClaimFilter):
    has_evidence = django_filters.BooleanFilter(method="filter_has_evidence", label="Has evidence")
    reserved_by_me = django_filters.BooleanFilter(method="filter_reserved_by_me", label="Reserved by me")

    # Filters whose result depends on who reads and when, not only on the parameters.
    reader_dependent = frozenset({"reserved_by_me"})

    class Meta(ClaimFilter.Meta):
        pass

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Whose leases reserved_by_me means: the reader's (claims_for), else the request's.
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_has_evidence(self, queryset, name, value):
        if value is None:
            return queryset
        # An EXISTS probe per claim on the evidence index, walking the list's own order.
        evidence = Exists(Evidence.objects.filter(claim=OuterRef("pk"), removed_at__isnull=True))
        return queryset.filter(evidence) if value else queryset.exclude(evidence)

    def filter_reserved_by_me(self, queryset, name, value):
        if value is None:
            return queryset
        if self.user is None or not self.user.is_authenticated:
            return queryset.none() if value else queryset
        # The reader's leases in force (a handful of rows on the reservation_user index).
        mine = Reservation.objects.filter(user=self.user, expires_at__gt=timezone.now()).values("claim_id")
        return queryset.filter(pk__in=mine) if value else queryset.exclude(pk__in=mine)
