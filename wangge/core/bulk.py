"""Many rows of one table in a few statements, for imports of hundreds of thousands of rows.

``bulk_create`` makes a model instance per row and prepares every field of every instance one by
one: at a million rows that costs several times what the database needs to store them. Here the
values come by column, each column is adapted to the database once per column type, and each
statement carries as many rows as the database takes parameters for. A column may also be
adapted ahead, by ``bulk_values``, in a process that does not hold the connection.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields import NOT_PROVIDED

# Values these fields take as Python gives them, on every backend we run on.
_AS_THEY_ARE = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "OneToOneField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)
ROWS_PER_STATEMENT = 1000


@dataclass(frozen=True)
class Adapted:
    """A column's values in the form the database takes them (``bulk_values``)."""

    values: list[Any]

    def __len__(self) -> int:
        return len(self.values)


def bulk_values(model: type[models.Model], name: str, values: Iterable[Any]) -> Adapted:
    """The values of the field ``name`` as ``bulk_insert`` sends them to the default database.
    Needs the database's settings only, not a connection: a process that reads and checks
    rows can do this while another writes the ones before."""
    field = _field(model, name)
    adapt = column_adapter(field, connections[DEFAULT_DB_ALIAS])
    return Adapted(list(values) if adapt is None else list(map(adapt, values)))


def bulk_insert(
    model: type[models.Model],
    columns: Mapping[str, Sequence[Any] | Adapted],
    *,
    constants: Mapping[str, Any] | None = None,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert one row per position of the ``columns`` (field name → values, all as long, as
    Python has them or ``Adapted``), with ``constants`` (field name → value) the same in every
    row and every other field at its default. Returns the ``returning`` fields of each row
    inserted, in no promised order: return a unique field along with what you need, to tell the
    rows apart.

    Nothing is validated here: the caller has applied the model's rules already."""
    constants = dict(constants or {})
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError("every column needs one value per row")
    count = lengths.pop() if lengths else 0
    if not count:
        return []
    opts = model._meta
    # The connection itself, not the proxy that looks it up for each use.
    db = connections[DEFAULT_DB_ALIAS]
    given = {_field(model, name) for name in (*columns, *constants)}
    fields: list[models.Field[Any, Any]] = []
    # Each field's values: a list, or the one value every row has.
    values: list[list[Any] | _Same] = []
    for name, column in columns.items():
        fields.append(_field(model, name))
        values.append(
            column.values
            if isinstance(column, Adapted)
            else bulk_values(model, name, column).values
        )
    for field in opts.concrete_fields:
        if field in given or (field.primary_key and isinstance(field, models.AutoField)):
            continue
        if field.has_default() and callable(field.default):
            # A fresh value for each row, such as a token.
            fields.append(field)
            values.append(
                bulk_values(model, field.name, (field.get_default() for _ in range(count))).values
            )
        elif (default := field.get_default()) is not None or not _null_when_left_out(field):
            constants[field.name] = default
    for name, value in constants.items():
        fields.append(_field(model, name))
        values.append(_Same(bulk_values(model, name, [value]).values[0]))

    quote = db.ops.quote_name
    wanted = [_field(model, name) for name in returning]
    # SQLite gives the rows of one statement ids one after another (each the table's largest
    # yet, plus one: this connection holds the write lock) and tells the last: what is asked
    # back, if it is the id and values given as they are stored, is known without RETURNING
    # and its cost.
    counted = (
        db.vendor == "sqlite"
        and isinstance(opts.pk, models.AutoField)
        and all(
            field is opts.pk
            or (field in fields[: len(columns)] and column_adapter(field, db) is None)
            for field in wanted
        )
    )
    back = "" if counted else ", ".join(quote(field.column) for field in wanted)
    per_statement = max(1, min(ROWS_PER_STATEMENT, _parameter_limit(db) // len(fields)))
    # SQLite's own placeholder: Django's cursor would rewrite each %s with a regular
    # expression, which at 20 placeholders a row costs about as much as the insert.
    mark = "?" if db.vendor == "sqlite" else "%s"
    one_row = "(" + ", ".join([mark] * len(fields)) + ")"
    head = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    )
    tail = f" RETURNING {back}" if back else ""
    found: list[tuple[Any, ...]] = []
    db.ensure_connection()
    with db.wrap_database_errors:
        cursor = db.connection.cursor()
        try:
            for start in range(0, count, per_statement):
                size = min(per_statement, count - start)
                parts = [
                    repeat(column.value, size)
                    if isinstance(column, _Same)
                    else column[start : start + size]
                    for column in values
                ]
                sql = head + ", ".join([one_row] * size) + tail
                cursor.execute(sql, list(chain.from_iterable(zip(*parts, strict=True))))
                if back:
                    found.extend(cursor.fetchall())
                elif wanted:
                    last = cursor.lastrowid
                    ids = range(last - size + 1, last + 1)
                    found.extend(
                        zip(
                            *(ids if f is opts.pk else parts[fields.index(f)] for f in wanted),
                            strict=True,
                        )
                    )
        finally:
            cursor.close()
    return found


@dataclass(frozen=True)
class _Same:
    value: Any


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def column_adapter(
    field: models.Field[Any, Any], db: BaseDatabaseWrapper
) -> Callable[[Any], Any] | None:
    """How to adapt a value of ``field`` for ``db``: None if it goes as it is."""
    kind = field.get_internal_type()
    if kind in _AS_THEY_ARE:
        return None
    if kind == "DateTimeField" and db.vendor == "sqlite":
        zone = db.timezone

        def sqlite_datetime(value: datetime.datetime | None) -> str | None:
            # What Django's SQLite backend writes (naive text in the connection's zone), without
            # its checks on each value, which cost more than the row's insert.
            if value is None:
                return None
            if value.tzinfo is None:
                return str(value)
            # The text of the naive time, cut from the aware one's: cheaper than replace().
            local = value.astimezone(zone)
            return local.isoformat(" ")[: 26 if local.microsecond else 19]

        return sqlite_datetime
    if kind == "UUIDField" and not db.features.has_native_uuid_field:
        return _uuid_hex
    return lambda value: field.get_db_prep_save(value, db)


def _uuid_hex(value: uuid.UUID | int | None) -> str | None:
    # A UUID or its 128 bits as an integer, as UUIDField takes them.
    if value is None:
        return None
    return f"{value:032x}" if isinstance(value, int) else value.hex


def _null_when_left_out(field: models.Field[Any, Any]) -> bool:
    # Django gives columns no default in the database unless asked to (db_default): a nullable
    # column left out of the insert is NULL, and a statement without it is shorter to send.
    return field.null and field.db_default is NOT_PROVIDED


def _parameter_limit(db: BaseDatabaseWrapper) -> int:
    if db.vendor == "sqlite":
        import sqlite3

        db.ensure_connection()
        # Django assumes SQLite's old limit of 999; builds since 3.32 take 32,766 or more.
        return int(db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return int(db.features.max_query_params or 65_535)
