"""The one claims FilterSet (review.filters.ReviewClaimFilter) as the API's filter backend."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from review import selectors

# Query parameters naming a row by id: refused above the key's range instead of reaching the database.
ID_PARAMETERS = ("claimant", "document")
LARGEST_ID = 2**63 - 1


def check_parameters(request) -> None:
    """Refuse values no database column can hold: NUL characters, ids beyond bigint."""
    errors = {}
    for name, values in request.query_params.lists():
        if any("\x00" in value for value in values):
            errors[name] = ["A parameter cannot contain NUL characters."]
        elif name in ID_PARAMETERS and any(value.isdigit() and int(value) > LARGEST_ID for value in values):
            errors[name] = ["No such id."]
    if errors:
        raise ValidationError(errors)


class ClaimFilterBackend(DjangoFilterBackend):
    """Visibility first, then the FilterSet, through review.selectors.claims_for (as everywhere)."""

    def filter_queryset(self, request, queryset, view):
        check_parameters(request)
        filterset = selectors.claims_for(user=request.user, data=request.query_params, queryset=queryset)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs

    def get_filterset_class(self, view, queryset=None):
        from review.filters import ReviewClaimFilter

        return ReviewClaimFilter
