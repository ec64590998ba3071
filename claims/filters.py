"""The one claims FilterSet: the workspace, the admin, the API and exports filter with it.

Every filter is served by an index at a million claims (claims.models), and
text search uses PostgreSQL's full-text index, with a plain match on SQLite.
review.filters extends it with the review fields (evidence, reservations).
"""

import copy

import django_filters
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q
from django.http import QueryDict

from claims.enums import ClaimType, ReviewState, Stance, Verdict
from claims.models import SEARCH_CONFIG, Actor, Claim, Conflict, Document, SearchDocument


class SharedFields(dict):
    """A filter form's fields, copied one level deep for each form instead of deep-copied.

    A form deep-copies its class's fields so that an instance may change them;
    a filter form never does (it validates query parameters and renders them), and
    the deep copy (widgets, choices, a queryset for each model choice) was most of
    the cost of a filtered API request. Each form still gets its own field objects.
    """

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


class ClaimFilter(django_filters.FilterSet):
    conflict = django_filters.ModelChoiceFilter(
        queryset=Conflict.objects.all(), to_field_name="slug", label="Conflict (slug)"
    )
    review_state = django_filters.ChoiceFilter(choices=ReviewState.choices)
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label="Verdict (approved)")
    verified = django_filters.BooleanFilter(method="filter_verified", label="Has an approved verdict")
    claim_type = django_filters.ChoiceFilter(choices=ClaimType.choices)
    stance = django_filters.ChoiceFilter(choices=Stance.choices)
    side = django_filters.CharFilter()
    claimant = django_filters.ModelChoiceFilter(queryset=Actor.objects.all())
    document = django_filters.ModelChoiceFilter(queryset=Document.objects.only("pk"))
    event_date = django_filters.DateFromToRangeFilter(label="Event date (range: event_date_after, event_date_before)")
    place = django_filters.CharFilter(method="filter_place", label="Place (as written)")
    q = django_filters.CharFilter(method="filter_text", label="Search quote, sentence, claimant and places")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    stale = django_filters.BooleanFilter(field_name="is_stale")

    class Meta:
        model = Claim
        fields = []

    # One form class per FilterSet class: see get_form_class.
    _form_classes: dict[type, type] = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # As django-filter's, but copying the class's filters one level deep instead of
        # deep-copying them (querysets and choices included), which took most of the
        # time an API request spent filtering. A filter with a method is bound to its
        # copy, so the method runs on this FilterSet, never on another request's.
        queryset = self._meta.model._default_manager.all() if queryset is None else queryset
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            if base.method is not None:
                filter_.method = base.method
            filter_.model, filter_.parent = queryset.model, self
            self.filters[name] = filter_

    def get_form_class(self):
        """The form class, built once per FilterSet class.

        django-filter builds a new form class from the filters' fields on every
        instance; these filters' fields depend on nothing but the class (static
        querysets and choices), and each form copies its class's fields
        (SharedFields), so one class serves every request.
        """
        cls = type(self)
        form_class = ClaimFilter._form_classes.get(cls)
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            ClaimFilter._form_classes[cls] = form_class
        return form_class

    def filter_verified(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(verdict="") if value else queryset.filter(verdict="")

    def filter_place(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # JSON containment: served by the search index on PostgreSQL through the
        # sentence (places are written in it), checked exactly on the list.
        return text_search(queryset, value).filter(locations__icontains=value)

    def filter_text(self, queryset, name, value):
        return text_search(queryset, value)


def text_search(queryset, value: str):
    """Claims whose sentence or claimant mention match `value` (every word)."""
    value = (value or "").strip()
    if not value:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(value, config=SEARCH_CONFIG, search_type="plain")
        return queryset.alias(search=SearchDocument()).filter(search=query)
    words = value.split()
    match = Q()
    for word in words:
        match &= Q(sentence__icontains=word) | Q(claimant_mention__icontains=word)
    return queryset.filter(match)
