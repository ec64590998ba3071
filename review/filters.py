"""The claims FilterSet with the review fields; the one the workspace, admin, API and exports use."""

import django_filters
from django.db.models import Exists, OuterRef

from claims.filters import ClaimFilter
from review.models import Evidence


class ReviewClaimFilter(ClaimFilter):
    has_evidence = django_filters.BooleanFilter(method="filter_has_evidence", label="Has evidence")

    class Meta(ClaimFilter.Meta):
        pass

    def filter_has_evidence(self, queryset, name, value):
        if value is None:
            return queryset
        # An EXISTS probe per claim on the evidence index, walking the list's own order.
        evidence = Exists(Evidence.objects.filter(claim=OuterRef("pk"), removed_at__isnull=True))
        return queryset.filter(evidence) if value else queryset.exclude(evidence)
