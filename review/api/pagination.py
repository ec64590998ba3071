"""Keyset (cursor) pagination: no COUNT, no OFFSET, stable while rows change.

A page is the rows after the cursor in (key, id) order, where key is the
ordering field; the cursor is the last row's (key, id), opaque to clients.
The default order, (updated_at, id), is the incremental-sync order: a client
follows `next` to the last page and keeps that page's `resume` link, the
position after the last row it got; polling `resume` later answers only what
changed since (or 304, unchanged, with If-None-Match).
"""

import base64
import datetime
import json
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from cachetools import TTLCache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from review.api.statements import row_reader

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# How long a process reuses the compiled keys query of a request (KeysetPagination.keys).
STATEMENT_SECONDS = 60
STATEMENTS_KEPT = 1024
# The compiled keys queries of this process, by what they depend on (see keys()); the path
# in each key tells one list from another.
_STATEMENTS: TTLCache = TTLCache(maxsize=STATEMENTS_KEPT, ttl=STATEMENT_SECONDS)
_STATEMENTS_LOCK = threading.Lock()


def forget_statements(sender=None, **kwargs) -> None:
    """Drop this process's compiled keys queries: a signal receiver for a row a filter
    names (a conflict by slug, a claimant or document by id) changing or going, and
    the test suite's reset between tests."""
    with _STATEMENTS_LOCK:
        _STATEMENTS.clear()


@dataclass(frozen=True)
class Ordering:
    field: str
    descending: bool
    kind: str  # "datetime", "date" or "int"

    @property
    def name(self) -> str:
        return ("-" if self.descending else "") + self.field


def orderings(*specs: tuple[str, str]) -> dict[str, Ordering]:
    table = {}
    for field, kind in specs:
        for descending in (False, True):
            ordering = Ordering(field, descending, kind)
            table[ordering.name] = ordering
    return table


@dataclass(frozen=True)
class KeysStatement:
    """A page's keys query compiled to SQL: run again without building a FilterSet or a queryset."""

    database: str
    sql: str | None  # None: the query matches nothing (Django raised EmptyResultSet)
    params: tuple
    fields: tuple

    @classmethod
    def of(cls, queryset: QuerySet, names: tuple[str, ...]) -> "KeysStatement":
        """The statement of `queryset.values_list(*names)` (model field names, "pk" for the key)."""
        values = queryset.values_list(*names)
        query, meta = values.query, queryset.model._meta
        fields = tuple(meta.pk if name == "pk" else meta.get_field(name) for name in names)
        try:
            sql, params = query.get_compiler(using=values.db).as_sql()
        except EmptyResultSet:
            return cls(values.db, None, (), fields)
        return cls(values.db, sql, tuple(params), fields)

    def run(self) -> list[tuple]:
        if self.sql is None:
            return []
        with connections[self.database].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            rows = cursor.fetchall()
        read = row_reader(self.fields)
        return [tuple(read(row)) for row in rows]


class KeysetPagination:
    page_size_query_param = "page_size"

    def __init__(self, allowed: dict[str, Ordering], default: str):
        self.allowed, self.default = allowed, default

    def ordering(self, request) -> Ordering:
        name = request.query_params.get("ordering") or self.default
        if name not in self.allowed:
            raise ValidationError({"ordering": [f"Order by one of {', '.join(self.allowed)}, not {name!r}."]})
        return self.allowed[name]

    def page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return DEFAULT_PAGE_SIZE
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise ValidationError({"page_size": [f"A page holds 1 to {MAX_PAGE_SIZE} rows."]})
        return int(raw)

    def _window(self, queryset: QuerySet, request) -> tuple[QuerySet, Ordering, int]:
        """The page's rows and the one after it (whether there is a next page)."""
        ordering, size = self.ordering(request), self.page_size(request)
        cursor = request.query_params.get("cursor")
        if cursor:
            queryset = queryset.filter(_after(ordering, *_decode(cursor, ordering)))
        return queryset.order_by(*_order_by(ordering))[: size + 1], ordering, size

    def keys(self, queryset: Callable[[], QuerySet], request, *, reuse: Hashable | None = None) -> list[tuple]:
        """(id, updated_at, ordering key) of the rows `page` would read, the one after them included.

        Enough for a page's ETag and its links: the rows themselves can then be
        read by id (review.api.serializers.page_claims), or not at all for a 304.
        `queryset` builds the filtered queryset. `reuse`, when given, names
        everything that query depends on besides the request's path (who reads
        and what they may see): a request with the same path and `reuse` within
        STATEMENT_SECONDS runs the SQL compiled for the first one, without
        building the FilterSet again. A poll repeats one URL, so it costs the
        token check and this one query.
        """
        key = None if reuse is None else (reuse, request.get_full_path())
        statement = None
        if key is not None:
            with _STATEMENTS_LOCK:  # a TTLCache expires entries as it is read
                statement = _STATEMENTS.get(key)
        if statement is None:
            window, ordering, _ = self._window(queryset(), request)
            statement = KeysStatement.of(window, ("pk", "updated_at", ordering.field))
            if key is not None:
                with _STATEMENTS_LOCK:
                    _STATEMENTS[key] = statement
        return statement.run()

    def page(self, queryset: QuerySet, request) -> tuple[list, dict]:
        """The page's rows, and its links: `next` (None on the last page) and `resume`."""
        window, ordering, size = self._window(queryset, request)
        fetched = list(window)
        links = self._links([(row.pk, getattr(row, ordering.field)) for row in fetched], ordering, size, request)
        return fetched[:size], links

    def links(self, keys: list[tuple], request) -> tuple[list[int], dict]:
        """The ids of the page that `keys` (from keys()) describe, and its links."""
        ordering, size = self.ordering(request), self.page_size(request)
        return [pk for pk, *_ in keys[:size]], self._links([(pk, key) for pk, _, key in keys], ordering, size, request)

    def _links(self, fetched: list[tuple], ordering: Ordering, size: int, request) -> dict:
        """`next` (None on the last page) and `resume`, from the (id, ordering key) of the rows read."""
        here = request.build_absolute_uri()
        resume = here
        if fetched[:size]:
            pk, key = fetched[:size][-1]
            resume = replace_query_param(here, "cursor", _encode(ordering, key, pk))
        return {"next": resume if len(fetched) > size else None, "resume": resume}


def _order_by(ordering: Ordering) -> list:
    if ordering.field == "id":
        return ["-id" if ordering.descending else "id"]
    key = F(ordering.field)
    if ordering.descending:
        return [key.desc(nulls_first=True), "-id"]
    return [key.asc(nulls_last=True), "id"]


def _after(ordering: Ordering, value, pk: int) -> Q:
    """Rows after (value, pk) in the ordering; nulls come last ascending, first descending."""
    field = ordering.field
    if field == "id":
        return Q(id__lt=pk) if ordering.descending else Q(id__gt=pk)
    if ordering.descending:
        if value is None:
            return Q(**{f"{field}__isnull": True, "id__lt": pk}) | Q(**{f"{field}__isnull": False})
        # The first condition bounds the index range; the second breaks ties by id.
        return Q(**{f"{field}__lte": value}) & (Q(**{f"{field}__lt": value}) | Q(id__lt=pk))
    if value is None:
        return Q(**{f"{field}__isnull": True, "id__gt": pk})
    return (Q(**{f"{field}__gte": value}) & (Q(**{f"{field}__gt": value}) | Q(id__gt=pk))) | Q(
        **{f"{field}__isnull": True}
    )


def _encode(ordering: Ordering, value, pk: int) -> str:
    shown = value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value
    raw = json.dumps([ordering.name, shown, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str, ordering: Ordering):
    invalid = ValidationError({"cursor": ["This cursor is not valid: follow the `next` links as given."]})
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        name, value, pk = json.loads(raw)
    except (ValueError, TypeError):
        raise invalid from None
    if name != ordering.name:
        raise ValidationError({"cursor": ["This cursor belongs to another ordering: keep `ordering` as it was."]})
    if isinstance(pk, bool) or not isinstance(pk, int) or not 0 <= pk < 2**63:
        raise invalid
    if value is None:
        if ordering.field == "id":
            raise invalid
        return None, pk
    parsed = _parse(ordering.kind, value)
    if parsed is None:
        raise invalid
    return parsed, pk


def _parse(kind: str, value):
    try:
        if kind == "datetime" and isinstance(value, str):
            return parse_datetime(value)
        if kind == "date" and isinstance(value, str):
            return parse_date(value)
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
    except ValueError:
        return None
    return None
