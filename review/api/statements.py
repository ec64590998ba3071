"""Constant statements the API runs on every request, planned once per database connection.

Django's PostgreSQL cursors bind parameters on the client, so PostgreSQL plans
each statement anew; for the few constant statements on the API's hot path
(the token check, a page's rows) planning costs more than running them. A
cursor that binds on the server lets psycopg prepare a statement once it has
run a few times on a connection (its prepare_threshold), and connections live
across requests (CONN_MAX_AGE). The cursor is wrapped as Django wraps its own,
so errors, query logging and execute wrappers behave as for any other query.
"""

import functools
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection


@contextmanager
def statement_cursor():
    """A cursor for a constant statement: prepared on PostgreSQL, Django's own elsewhere."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _preparing_cursor_class()(connection.connection)
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        yield cursor


def row_reader(fields: list) -> Callable[[tuple], list]:
    """A function turning a row of these model fields' columns into Python values as the ORM does.

    The database's and the fields' own converters (dates and booleans on
    SQLite, JSON everywhere), found once per database vendor; columns after
    the fields' are handed on as they are.
    """
    return _reader(tuple(fields), connection.vendor)


@functools.cache
def _reader(fields: tuple, vendor: str):
    steps = []
    for position, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            steps.append((position, column, converters))

    def read(row: tuple) -> list:
        values = list(row)
        for position, column, converters in steps:
            value = values[position]
            for converter in converters:
                value = converter(value, column, connection)
            values[position] = value
        return values

    return read


@functools.cache
def _preparing_cursor_class():
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        """Binds on the server and prepares every statement it runs (psycopg keeps them per connection)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)

    return PreparingCursor
