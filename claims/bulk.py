"""Bulk writes: PostgreSQL's COPY where it is available, bulk_create elsewhere.

Rows are dicts keyed by field attname (`document_id`, not `document`); a
field a row leaves out takes its default, and `auto_now`/`auto_now_add`
fields take the time of the write. Ids are reserved beforehand with
`reserve_ids`, so rows can point at each other (a denial at the claim it
answers) in the same write.
"""

import datetime
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

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
            # The sequence is looked up once, not once a value; one array comes back.
            cursor.execute(
                "SELECT array_agg(nextval(seq)) FROM CAST(pg_get_serial_sequence(%s, %s) AS regclass) AS seq, "
                "generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(cursor.fetchone()[0])
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
    now = now or timezone.now()
    # (attname, value when the row leaves it out): a default is only written,
    # never changed, so one instance serves every row.
    columns = [(f.attname, now if _stamped(f) else f.get_default()) for f in fields]
    if connection.vendor != "postgresql":
        objects = [model(**{name: row.get(name, default) for name, default in columns}) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return len(objects)
    json_at = [n for n, f in enumerate(fields) if isinstance(f, models.JSONField)]
    names = ", ".join(_q(field.column) for field in fields)
    written = 0
    with (
        # COPY is the driver's own call: its errors become Django's, as every query's do
        # (a cut connection is an OperationalError the pipeline retries).
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(f"COPY {_q(model._meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        as_json = _json_text()
        for row in rows:
            values = [row.get(name, default) for name, default in columns]
            for n in json_at:
                values[n] = as_json(values[n])
            copy.write_row(values)
            written += 1
    return written


def _stamped(field: models.Field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _json_text() -> Callable[[Any], str | None]:
    """JSON text for a jsonb column in COPY's text format, remembered for the
    small lists and strings that repeat from row to row (places, flags)."""
    seen: dict[Any, str] = {}

    def as_json(value: Any) -> str | None:
        if value is None:
            return None
        key = tuple(value) if isinstance(value, list) else None
        if key is None or not all(isinstance(item, str) for item in key):
            return json.dumps(value)
        text = seen.get(key)
        if text is None:
            text = json.dumps(value)
            if len(seen) < 10_000:
                seen[key] = text
        return text

    return as_json


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
    json_at = [n for n, field in enumerate(columns) if isinstance(field, models.JSONField)]
    if json_at:  # JSON values travel as the database's JSON type, not as nested arrays
        chunk = [
            [_prepared(columns[n], value) if n in json_at else value for n, value in enumerate(values)]
            for values in chunk
        ]
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


def commit_without_waiting_for_disk() -> None:
    """Let this transaction's commit return before PostgreSQL has flushed it to disk.

    Only for work the pipeline redoes by itself: should the database crash in
    the moment after such a commit, the document is found extracting again or
    its claims untagged, and the sweep queues them once more. Never for what a
    person was told is saved (an ingested document, a verdict).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
