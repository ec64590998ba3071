"""Bulk writes: PostgreSQL's COPY where it is available, bulk_create elsewhere.

Rows are dicts keyed by field attname (`document_id`, not `document`); a
field a row leaves out takes its default, and `auto_now`/`auto_now_add`
fields take the time of the write. Ids are reserved beforehand with
`reserve_ids`, so rows can point at each other (a denial at the claim it
answers) in the same write.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

# bulk_create's batch on databases without COPY.
BATCH_SIZE = 2000
# Rows per UPDATE statement.
UPDATE_CHUNK = 1000


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, never handed out again, ascending."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            return _sqlite_reserve(cursor, table, column, count)
    raise NotImplementedError(f"claimdesk runs on PostgreSQL or SQLite, not {connection.vendor}")


def _sqlite_reserve(cursor, table: str, column: str, count: int) -> list[int]:
    # AUTOINCREMENT tables keep their high-water mark in sqlite_sequence; moving
    # it in one UPDATE ... RETURNING is atomic even between processes.
    cursor.execute(
        f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, (SELECT COALESCE(MAX({column}), 0) FROM {table}) "  # noqa: S608
        "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
        [table, table],
    )
    cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s RETURNING seq", [count, table])
    last = cursor.fetchone()[0]
    return list(range(last - count + 1, last + 1))


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], *, now: datetime.datetime | None = None):
    """Write `rows` into `model`'s table; returns how many were written."""
    fields = model._meta.concrete_fields
    fill = [_filler(field, now or timezone.now()) for field in fields]
    if connection.vendor != "postgresql":
        objects = [model(**{f.attname: get(row) for f, get in zip(fields, fill, strict=True)}) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return len(objects)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    written = 0
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([get(row) for get in fill])
            written += 1
    return written


def _filler(field: models.Field, now: datetime.datetime) -> Callable[[dict], Any]:
    """How to get the column's value out of a row."""
    name = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda row: row.get(name, now)
    if isinstance(field, models.JSONField) and connection.vendor == "postgresql":
        return lambda row: Jsonb(row[name] if name in row else field.get_default())
    if callable(field.default):  # a fresh value for each row (default=list)
        return lambda row: row[name] if name in row else field.get_default()
    default = field.get_default()
    return lambda row: row.get(name, default)


def update_rows(
    model: type[models.Model],
    rows: Sequence[Sequence[Any]],
    *,
    fields: Sequence[str],
    expected: Sequence[str] = (),
    constants: dict[str, Any] | None = None,
) -> int:
    """Set `fields` row by row; returns how many rows were written.

    Each row is (pk, *values of `fields`, *values of `expected`): a row is
    written only while its `expected` fields still hold those values, so a
    change saved meanwhile wins. `constants` are set on every row written.
    On PostgreSQL the rows travel as one array per column (UPDATE ... FROM
    unnest), elsewhere as a VALUES list; either way one statement per chunk,
    joined on the primary key.
    """
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in (*fields, *expected))]
    constants = constants or {}
    written = 0
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), UPDATE_CHUNK):
            chunk = rows[offset : offset + UPDATE_CHUNK]
            source, params = _update_source(columns, chunk)
            sets = [f"{_q(f.column)} = v.{_q(f.column)}" for f in columns[1 : 1 + len(fields)]]
            sets += [f"{_q(meta.get_field(name).column)} = %s" for name in constants]
            matches = [f"t.{_q(f.column)} = v.{_q(f.column)}" for f in (columns[0], *columns[1 + len(fields) :])]
            cursor.execute(
                f"UPDATE {_q(meta.db_table)} AS t SET {', '.join(sets)} FROM {source} "  # noqa: S608 - names from _meta
                f"WHERE {' AND '.join(matches)}",
                [*(_prepared(meta.get_field(name), value) for name, value in constants.items()), *params],
            )
            written += cursor.rowcount
    return written


def _update_source(columns: list[models.Field], chunk: Sequence[Sequence[Any]]) -> tuple[str, list]:
    """The FROM item holding the chunk's rows, typed like the table's columns, and its parameters."""
    names = ", ".join(_q(field.column) for field in columns)
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{_array_type(field)}" for field in columns)
        return f"unnest({arrays}) AS v({names})", [list(values) for values in zip(*chunk, strict=True)]
    row = "(" + ", ".join(f"CAST(%s AS {field.db_type(connection)})" for field in columns) + ")"
    source = f"(WITH v({names}) AS (VALUES {', '.join([row] * len(chunk))}) SELECT * FROM v) AS v"  # noqa: S608
    return source, [value for values in chunk for value in values]


def _array_type(field: models.Field) -> str:
    base = field.rel_db_type(connection) if field.primary_key else field.db_type(connection)
    return f"{base}[]"


def _prepared(field: models.Field, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)
