"""The admin's lists: filters driven by the one claims FilterSet, and a paginator that never counts a million rows.

Each sidebar filter applies one field of the model admin's `filterset_class`
(claims.filters.ClaimFilter, or review's extension of it) with the value
from the query string, so the admin filters exactly as the workspace, the
API and the exports do; nothing is defined twice.
"""

import json
import sys
from math import ceil

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.utils.functional import cached_property


def filtered(filterset_class, data: dict, queryset):
    """`queryset` through the FilterSet with `data`; a bad value is the admin's "?e=1"."""
    filterset = filterset_class(data=data, queryset=queryset)
    if not filterset.is_valid():
        raise IncorrectLookupParameters(filterset.errors)
    return filterset.qs


class FilterSetFilter(admin.SimpleListFilter):
    """A sidebar filter for one FilterSet field; its choices come from that field."""

    def lookups(self, request, model_admin):
        field = model_admin.filterset_class.base_filters[self.parameter_name]
        choices = field.extra.get("choices")
        if choices is not None:
            return list(choices)
        return [("true", "Yes"), ("false", "No")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return filtered(self.model_admin_filterset, {self.parameter_name: self.value()}, queryset)

    def __init__(self, request, params, model, model_admin):
        self.model_admin_filterset = model_admin.filterset_class
        super().__init__(request, params, model, model_admin)


def choice_filter(name: str, title: str, lookups=None) -> type[FilterSetFilter]:
    """A FilterSetFilter class for the FilterSet field `name`; `lookups(request, model_admin)` when not fixed."""
    attrs = {"parameter_name": name, "title": title}
    if lookups is not None:
        attrs["lookups"] = lambda self, request, model_admin: lookups(request, model_admin)
    return type(f"{name.title().replace('_', '')}Filter", (FilterSetFilter,), attrs)


class FilterSetInputFilter(admin.ListFilter):
    """A sidebar filter typed into boxes (a place, a document id, a date range), applied by the FilterSet."""

    template = "admin/claims/input_filter.html"
    # (query-string parameter, label, input type)
    inputs: tuple[tuple[str, str, str], ...] = ()

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.filterset_class = model_admin.filterset_class
        for name, _, _ in self.inputs:
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value

    def has_output(self):
        return True

    def expected_parameters(self):
        return [name for name, _, _ in self.inputs]

    def queryset(self, request, queryset):
        data = {name: value for name, value in self.used_parameters.items() if value != ""}
        return filtered(self.filterset_class, data, queryset) if data else queryset

    def choices(self, changelist):
        own = set(self.expected_parameters())
        # The form keeps every other filter of the list when it is submitted.
        kept = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in own
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "inputs": [(name, label, kind, self.used_parameters.get(name, "")) for name, label, kind in self.inputs],
            "kept": kept,
            "active": any(self.used_parameters.get(name) for name in own),
            "clear": changelist.get_query_string(remove=list(own)),
        }


def input_filter(title: str, *inputs: tuple[str, str, str]) -> type[FilterSetInputFilter]:
    name = "".join(part.title() for part in inputs[0][0].split("_"))
    return type(f"{name}InputFilter", (FilterSetInputFilter,), {"title": title, "inputs": inputs})


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows, and estimates an unfiltered table's size.

    An exact COUNT(*) over a million claims costs more than the page itself.
    Past the cap the count is shown as "10 000+" (an estimate as "about N"),
    and every later page stays reachable: a page is read with one row more
    than it shows, and while there is more there is always a next page.
    """

    CAP = 10_000
    # How far above the cap the planner's estimate must be to be trusted without counting.
    PLANNED_MARGIN = 4

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.estimated = False
        self._reach = 0  # the last page read, plus one when it had rows after it

    @cached_property
    def count(self):
        query = self.object_list.query
        if not query.where and connection.vendor == "postgresql":
            estimate = _estimated_rows(self.object_list.model._meta.db_table)
            if estimate > self.CAP:
                self.estimated = True
                return estimate
        # A filter the planner expects to match many times the cap is past it: no
        # rows are read to say so (a text search would otherwise read 10 001 rows).
        planned_past_cap = query.where and connection.vendor == "postgresql"
        if planned_past_cap and _planned_rows(self.object_list) > self.PLANNED_MARGIN * self.CAP:
            return self.CAP + 1
        # Keeping the list's ordering lets the count walk the same index as the page.
        return self.object_list.values("pk")[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        """True when `count` is not an exact count (the cap was reached, or it is an estimate)."""
        return self.estimated or self.count > self.CAP

    @property
    def count_display(self) -> str:
        if self.estimated:
            return f"about {_grouped(self.count)}"
        if self.count > self.CAP:
            return f"{_grouped(self.CAP)}+"
        return _grouped(self.count)

    @property
    def num_pages(self):
        counted = ceil(max(1, self.count - self.orphans) / self.per_page)
        if not self.capped:
            return counted
        return max(counted, self._reach)

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        # Beyond the counted pages a page exists while it has rows (page() checks).
        return self._validate_number(number, sys.maxsize)

    def page(self, number):
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        self._reach = number + 1 if len(rows) > self.per_page else number
        return self._get_page(rows[: self.per_page], number, self)


def _grouped(number: int) -> str:
    """10000 as "10 000" (a thin space would not survive every font)."""
    return f"{number:,}".replace(",", " ")


def _planned_rows(queryset) -> int:
    """The planner's estimate of the rows `queryset` matches (EXPLAIN: plans, reads nothing)."""
    sql, params = queryset.values("pk").order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _estimated_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return max(row[0], 0) if row else 0
