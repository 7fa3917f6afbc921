"""One row in one plain statement, for the reads and writes that every report makes: its API key,
its service, the grid tree's revision; its case, the case's first event, its intake record.

Django's query compiler builds each statement anew, field by field, on every call: for a row
found by its key or a row inserted, that costs several times what the database spends on it,
and inside a write transaction SQLite's one write lock is held all the while. Here each
statement is built once from the model's fields and kept; rows come back as model instances,
as from ``QuerySet.get``, and go in as ``Model.save`` would write them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import signals
from django.db.models.expressions import Col
from django.db.models.fields import NOT_PROVIDED

from wangge.core.bulk import column_adapter

M = TypeVar("M", bound=models.Model)
Field = models.Field[Any, Any]


@dataclass(frozen=True)
class _Select:
    sql: str
    loaded: list[Field]
    key: list[Field]
    # What the compiler does to the values it reads (booleans, moments, UUIDs, JSON), by
    # position: the converters and the column each is given. They read nothing of the
    # connection but what the settings say, so one list serves the connections of every thread.
    converters: list[tuple[int, Col, list[Callable[..., Any]]]]


# Statements built on first use, by model, database and columns.
_selects: dict[tuple[Any, ...], _Select] = {}
_inserts: dict[tuple[Any, ...], str] = {}


def row_by_key(model: type[M], fields: Sequence[str] = (), **key: Any) -> M | None:
    """The row of ``model`` whose fields equal ``key`` (a unique key, so one row at most), or
    None; with ``fields`` loaded (all of them if none are named) and the others left to load
    when first used."""
    db = connections[DEFAULT_DB_ALIAS]
    select = _selects.get((model, db.vendor, tuple(fields), tuple(key)))
    if select is None:
        select = _selects.setdefault(
            (model, db.vendor, tuple(fields), tuple(key)), _select(db, model, fields, tuple(key))
        )
    params = [
        field.get_db_prep_value(value, db)
        for field, value in zip(select.key, key.values(), strict=True)
    ]
    with db.cursor() as cursor:
        cursor.execute(select.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, column, converters in select.converters:
        for convert in converters:
            values[position] = convert(values[position], column, db)
    return model.from_db(db.alias, [field.attname for field in select.loaded], values)


def insert_new(instance: M) -> M:
    """Write ``instance``, not saved before, as ``save()`` would, and set the primary key the
    database gave it. For models whose primary key the database numbers and whose own
    ``save()``, if any, adds nothing to a first insert; ``save()`` is used when a pre_save or
    post_save receiver is connected. Columns left NULL are left out of the statement, as they
    are NULL by default."""
    model = type(instance)
    if instance.pk is not None:
        raise ValueError(f"{model.__name__} {instance.pk} is saved already")
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        instance.save(force_insert=True)
        return instance
    # Refuses related objects not saved yet, and takes the keys of those saved since assigned.
    instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    db = connections[DEFAULT_DB_ALIAS]
    columns: list[str] = []
    params: list[Any] = []
    for field in model._meta.local_concrete_fields:
        if field.primary_key:
            continue
        value = field.pre_save(instance, True)
        if value is None and field.null and field.db_default is NOT_PROVIDED:
            continue
        columns.append(field.column)
        adapt = column_adapter(field, db)
        params.append(value if adapt is None else adapt(value))
    sql = _inserts.get((model, db.vendor, *columns))
    if sql is None:
        sql = _inserts.setdefault((model, db.vendor, *columns), _insert(db, model, columns))
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        (instance.pk,) = cursor.fetchone()
    instance._state.adding = False
    instance._state.db = db.alias
    return instance


def _select(
    db: BaseDatabaseWrapper, model: type[models.Model], fields: Sequence[str], key: Sequence[str]
) -> _Select:
    opts = model._meta
    loaded = [_field(model, name) for name in fields] if fields else list(opts.concrete_fields)
    by = [_field(model, name) for name in key]
    quote = db.ops.quote_name
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in loaded)} "
        f"FROM {quote(opts.db_table)} "
        f"WHERE {' AND '.join(f'{quote(field.column)} = %s' for field in by)}"
    )
    converters = []
    for position, field in enumerate(loaded):
        column = field.get_col(opts.db_table)
        found = db.ops.get_db_converters(column) + field.get_db_converters(db)  # type: ignore[attr-defined]
        if found:
            converters.append((position, column, found))
    return _Select(sql, loaded, by, converters)


def _insert(db: BaseDatabaseWrapper, model: type[models.Model], columns: list[str]) -> str:
    quote = db.ops.quote_name
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {quote(model._meta.pk.column)}"
    )


def _field(model: type[models.Model], name: str) -> Field:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field
