"""The rollups kept in step with the case events, and rebuilt or checked from the events alone.

Whenever the case engine appends an event (``cases.signals.events_appended``, sent inside its
transaction) the case's contribution before and after the event is computed from its events
(``contributions``), and the difference is added to ``CaseRollup`` and ``ScopeRollup`` by one
upsert each, rows in key order: two transactions that touch the same rows lock them in the same
order, so concurrent writers on PostgreSQL wait for each other but never deadlock. Reports,
escalations, supervision orders and consultations change no counter and cost nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from wangge.cases.choices import Channel
from wangge.cases.models import Case, CaseEvent
from wangge.catalog.selectors import TaskLists, on_task_list, task_lists
from wangge.grids.models import PATH_SEPARATOR, Grid
from wangge.metrics.contributions import (
    NEUTRAL_ACTIONS,
    REGISTERING_ACTIONS,
    CaseInfo,
    Event,
    Key,
    contribution,
    event_delta,
    fold,
)
from wangge.metrics.indicators import COUNTERS
from wangge.metrics.models import CaseRollup, ScopeKind, ScopeRollup

CASE_KEY = ("grid_id", "day", "category_id", "channel", "department_id")
SCOPE_KEY = ("scope", "scope_id", "day")
CaseRow = tuple[int, datetime.date, int, str, int]
ScopeRow = tuple[str, int, datetime.date]
Sums = dict[Any, Counter[str]]
# Rows by key, each with the counters (in the order of COUNTERS) that fall on it.
Vectors = dict[Any, list[tuple[int, ...]]]

_ROWS_AT_ONCE = 500
# A piece of the rebuild: its events and sums are what the rebuild holds in memory.
_CASES_AT_ONCE = 10_000
# Every counter in order, at zero: a row's counters are these updated by its own.
_ZEROS = dict.fromkeys(COUNTERS, 0)
_CODES_AT_ONCE = 5000
# Pieces staged between two folds into the computed table: the staging table's size on disk.
_PIECES_A_FOLD = 20
_chains: dict[tuple[int, str], tuple[int, ...]] = {}


def grid_chain(grid_id: int, path: str) -> tuple[int, ...]:
    """The ids of a grid and every grid above it. Remembered by the grid and its path (which
    changes when the grid moves in the tree), and forgotten when any grid is written."""
    if (grid_id, path) not in _chains:
        _chains_of([(grid_id, path)])
    return _chains[(grid_id, path)]


def _chains_of(grids: Iterable[tuple[int, str]]) -> None:
    """Remember the chains of many grids (``grid_chain``) by one query."""
    codes_of = {
        pair: pair[1].rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        for pair in grids
        if pair not in _chains
    }
    if not codes_of:
        return
    wanted = sorted({code for codes in codes_of.values() for code in codes})
    ids: dict[str, int] = {}
    # In slices: a piece of the rebuild can name more grids than a statement takes parameters.
    for start in range(0, len(wanted), _CODES_AT_ONCE):
        codes = wanted[start : start + _CODES_AT_ONCE]
        ids.update(Grid.objects.filter(code__in=codes).values_list("code", "pk"))
    for pair, codes in codes_of.items():
        _chains[pair] = tuple(ids[code] for code in codes)


def forget_grids(**kwargs: object) -> None:
    """Drop the remembered grid chains: the tree changed."""
    _chains.clear()


def _falls_on(key: Key, chain: tuple[int, ...]) -> tuple[CaseRow, list[ScopeRow]]:
    """The case rollup row and the scope rollup rows the counters of ``key`` fall on."""
    day = key.day
    scopes = [(ScopeKind.GRID.value, grid, day) for grid in chain]
    if key.department_id:
        scopes.append((ScopeKind.DEPARTMENT.value, key.department_id, day))
    if key.person_id:
        scopes.append((ScopeKind.INSPECTOR.value, key.person_id, day))
    return (key.grid_id, day, key.category_id, key.channel, key.department_id), scopes


def _rows(changes: Mapping[Key, Mapping[str, int]], chain: tuple[int, ...]) -> tuple[Sums, Sums]:
    """The case rollup rows and the scope rollup rows a set of keyed counters falls on."""
    case_rows: Sums = defaultdict(Counter)
    scope_rows: Sums = defaultdict(Counter)
    for key, counters in changes.items():
        case_row, scope_keys = _falls_on(key, chain)
        case_rows[case_row].update(counters)
        for scope_row in scope_keys:
            scope_rows[scope_row].update(counters)
    return case_rows, scope_rows


def _upsert(model: type[Model], key: Sequence[str], rows: Sums) -> None:
    """Add ``rows`` to the table, in key order (see the module's docstring)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [*key, *COUNTERS]
    quoted = [connection.ops.quote_name(column) for column in columns]
    ordered = sorted(rows.items())
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), _ROWS_AT_ONCE):
            chunk = ordered[start : start + _ROWS_AT_ONCE]
            marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            params: list[Any] = []
            for values, counters in chunk:
                params.extend(_adapt(value) for value in values)
                params.extend(counters.get(name, 0) for name in COUNTERS)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quoted)}) VALUES {marks} "
                + _adding_to(table, ", ".join(quoted[: len(key)])),
                params,
            )


def _adding_to(table: str, keys: str) -> str:
    """The clause by which an insert into a rollup table adds its counters to those of a row
    already there under the same key (``table`` and ``keys``, the key's columns, quoted)."""
    counters = [connection.ops.quote_name(c) for c in COUNTERS]
    return f"ON CONFLICT ({keys}) DO UPDATE SET " + ", ".join(
        f"{c} = {table}.{c} + excluded.{c}" for c in counters
    )


def _adapt(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _add(changes: Mapping[Key, Mapping[str, int]], chain: tuple[int, ...]) -> None:
    case_rows, scope_rows = _rows(changes, chain)
    _upsert(CaseRollup, CASE_KEY, case_rows)
    _upsert(ScopeRollup, SCOPE_KEY, scope_rows)


def _events_of(case_ids: Iterable[int]) -> dict[int, list[Event]]:
    return _events(case_id__in=list(case_ids))


def _events(**which: Any) -> dict[int, list[Event]]:
    """The events of the cases ``which`` filters, by case, in their order."""
    events: dict[int, list[Event]] = defaultdict(list)
    rows = (
        CaseEvent.objects.filter(**which)
        .order_by("case_id", "sequence")
        .values_list("case_id", "action", "to_status", "at", "data")
    )
    for case_id, action, to_status, at, data in rows:
        events[case_id].append(Event(action, to_status, at, data or {}))
    return events


def _info(
    *, grid_id: int, category_id: int, channel: str, reporter_id: int | None, listed: bool
) -> CaseInfo:
    proactive = channel in Channel.grid_forces()
    return CaseInfo(
        grid_id=grid_id,
        category_id=category_id,
        channel=channel,
        reporter_id=reporter_id or 0,
        proactive=proactive,
        in_task_list=listed and not proactive,
    )


def record_event(case: Case, event: CaseEvent) -> None:
    """Add to the rollups what ``event``, just appended, changes in ``case``'s contribution."""
    if event.action in NEUTRAL_ACTIONS:
        return
    # Whether a complaint was on the task list matters only to the event that registers it:
    # before, nothing counts; after, the counter stays on one key (see contributions).
    listed = (
        event.action in REGISTERING_ACTIONS
        and case.channel not in Channel.grid_forces()
        and on_task_list(category=case.category, grid=case.grid)
    )
    info = _info(
        grid_id=case.grid_id,
        category_id=case.category_id,
        channel=case.channel,
        reporter_id=case.reporter_id,
        listed=listed,
    )
    _add(
        event_delta(info, _events_of([case.pk])[case.pk]), grid_chain(case.grid_id, case.grid.path)
    )


def record_batch(case_ids: Sequence[int], action: str) -> None:
    """The same for cases that each got one event of ``action`` from a batch writer."""
    if action in NEUTRAL_ACTIONS or not case_ids:
        return
    # The batch writers (the sweep's red lights) never register a case; see record_event.
    assert action not in REGISTERING_ACTIONS, action
    events = _events_of(case_ids)
    cases = Case.objects.filter(pk__in=list(case_ids)).values_list(
        "pk", "grid_id", "grid__path", "category_id", "channel", "reporter_id"
    )
    for pk, grid_id, path, category_id, channel, reporter_id in cases:
        info = _info(
            grid_id=grid_id,
            category_id=category_id,
            channel=channel,
            reporter_id=reporter_id,
            listed=False,
        )
        _add(event_delta(info, events[pk]), grid_chain(grid_id, path))


def on_events_appended(
    sender: object,
    case: Case | None = None,
    event: CaseEvent | None = None,
    case_ids: Sequence[int] = (),
    action: str = "",
    **kwargs: object,
) -> None:
    if case is not None and event is not None:
        record_event(case, event)
    else:
        record_batch(case_ids, action)


# Rebuild and check: every case's whole history, from the events alone, a piece of cases at a
# time. The pieces are ranges of case ids, not of days: a case's counters fall on the days of
# several events, some of them (closed, chronic on the registration day) decided by its latest
# one, so every piece of days would have to read cases from all the others, while a range of ids
# reads each case's events once, along the (case, sequence) index. The same rollup row gets
# counters from many pieces, so each piece's sums go to a staging table, and every few pieces the
# database adds the staged rows up into the table being computed and empties the staging table:
# the memory held is one piece's and the disk a few pieces' beside the result, whatever the
# history. (Added up once at the end, a city's year of staged rows filled the disk.)


@dataclass
class Computed:
    """Rollups by key, counters without zeros."""

    cases: Sums
    scopes: Sums


@dataclass(frozen=True)
class Rebuilt:
    """How many rows the rebuild wrote in each table."""

    cases: int
    scopes: int


@dataclass(frozen=True)
class _Table:
    model: type[Model]
    key: tuple[str, ...]
    label: str

    @property
    def name(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def staging(self) -> str:
        return f"{self.name}_staged"

    @property
    def computed(self) -> str:
        return f"{self.name}_computed"


_TABLES = (_Table(CaseRollup, CASE_KEY, "case"), _Table(ScopeRollup, SCOPE_KEY, "scope"))


def _pieces() -> Iterator[list[tuple[Any, ...]]]:
    last = 0
    while True:
        piece = list(
            Case.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk", "grid_id", "grid__path", "grid__kind", "category_id", "channel", "reporter_id"
            )[:_CASES_AT_ONCE]
        )
        if not piece:
            return
        yield piece
        last = piece[-1][0]


def _piece_rows(piece: list[tuple[Any, ...]], lists: TaskLists) -> tuple[Vectors, Vectors]:
    """The case rollup rows and scope rollup rows of a piece of cases."""
    events = _events(case_id__gte=piece[0][0], case_id__lte=piece[-1][0])
    _chains_of((row[1], row[2]) for row in piece)
    case_rows: Vectors = defaultdict(list)
    scope_rows: Vectors = defaultdict(list)
    for pk, grid_id, path, kind, category_id, channel, reporter_id in piece:
        chain = _chains[(grid_id, path)]
        info = _info(
            grid_id=grid_id,
            category_id=category_id,
            channel=channel,
            reporter_id=reporter_id,
            listed=lists.cover(category_id=category_id, kind=kind, chain=chain),
        )
        for key, counters in contribution(info, fold(events[pk])).items():
            # Counters as one tuple, shared by the rows they fall on and added up once for
            # each row when it is written: cheaper than adding a Counter to each row.
            vector = tuple({**_ZEROS, **counters}.values())
            case_row, scope_keys = _falls_on(key, chain)
            case_rows[case_row].append(vector)
            for scope_row in scope_keys:
                scope_rows[scope_row].append(vector)
    return case_rows, scope_rows


def _compute(into: Callable[[_Table], str]) -> None:
    """Add the sums of every case's counters, from its events, into the table ``into`` names
    for each rollup table (empty, or empty of what the events give), a piece at a time."""
    lists = task_lists()
    with connection.cursor() as cursor:
        for table in _TABLES:
            _create_like(cursor, table, table.staging)
        for number, piece in enumerate(_pieces(), start=1):
            _stage_piece(cursor, piece, lists)
            if number % _PIECES_A_FOLD == 0:
                _fold(cursor, into)
        _fold(cursor, into)


def _create_like(cursor: Any, table: _Table, name: str) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in (*table.key, *COUNTERS))
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {name} AS "
        f"SELECT {columns} FROM {connection.ops.quote_name(table.name)} WHERE 1 = 0"
    )


def _fold(cursor: Any, into: Callable[[_Table], str]) -> None:
    """Add the staged rows up into the computed table, and empty the staging table."""
    quote = connection.ops.quote_name
    for table in _TABLES:
        target = into(table)
        keys = ", ".join(quote(c) for c in table.key)
        counters = [quote(c) for c in COUNTERS]
        # WHERE: SQLite reads an INSERT … SELECT … ON CONFLICT as a join's ON without one.
        cursor.execute(
            f"INSERT INTO {target} ({keys}, {', '.join(counters)}) "
            f"SELECT {keys}, {', '.join(f'SUM({c})' for c in counters)} "
            f"FROM {table.staging} WHERE 1 = 1 GROUP BY {keys} " + _adding_to(target, keys)
        )
        # TRUNCATE gives the space back at once; PostgreSQL's DELETE would leave it to a vacuum,
        # and none comes to a temporary table.
        empty = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
        cursor.execute(f"{empty} {table.staging}")


def _stage_piece(cursor: Any, piece: list[tuple[Any, ...]], lists: TaskLists) -> None:
    # A function of its own so that a piece's rows are let go before the next piece is read.
    for table, rows in zip(_TABLES, _piece_rows(piece, lists), strict=True):
        _write(cursor, table, rows)


def _summed(vectors: list[tuple[int, ...]]) -> Iterable[int]:
    return vectors[0] if len(vectors) == 1 else map(sum, zip(*vectors, strict=True))


def _write(cursor: Any, table: _Table, rows: Vectors) -> None:
    """Add rows to a staging table the fast way of each database: COPY on PostgreSQL, one
    prepared statement on SQLite."""
    columns = ", ".join(connection.ops.quote_name(c) for c in (*table.key, *COUNTERS))
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table.staging} ({columns}) FROM STDIN") as copy:
            for key, vectors in rows.items():
                copy.write_row((*key, *_summed(vectors)))
        return
    marks = ", ".join(["?"] * (len(table.key) + len(COUNTERS)))
    cursor.cursor.executemany(
        f"INSERT INTO {table.staging} ({columns}) VALUES ({marks})",
        ((*map(_adapt, key), *_summed(vectors)) for key, vectors in rows.items()),
    )


def _drop_temporary() -> None:
    with connection.cursor() as cursor:
        for table in _TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table.staging}")
            cursor.execute(f"DROP TABLE IF EXISTS {table.computed}")


def stored() -> Computed:
    """The rollups as the tables hold them, rows of zeros left out."""
    result = Computed(defaultdict(Counter), defaultdict(Counter))
    for model, key, target in (
        (CaseRollup, CASE_KEY, result.cases),
        (ScopeRollup, SCOPE_KEY, result.scopes),
    ):
        for row in model.objects.values_list(*key, *COUNTERS).iterator(chunk_size=5000):
            counters = Counter(dict(zip(COUNTERS, row[len(key) :], strict=True)))
            if +counters != counters:  # a negative counter is a difference too
                target[tuple(row[: len(key)])] = counters
            elif +counters:
                target[tuple(row[: len(key)])] = +counters
    return result


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple[Any, ...]
    counter: str
    stored: int
    computed: int

    def __str__(self) -> str:
        return (
            f"{self.table} {self.key}: {self.counter} stored {self.stored}, "
            f"from the events {self.computed}"
        )


@transaction.atomic
def differences() -> list[Difference]:
    """Every counter where the stored rollups and the events disagree. The database adds up
    the staged pieces and the stored rows side by side and sends back the rows that differ.
    Events and rollups are read as of one moment: what case writers commit meanwhile (each
    event with its rollups) is in neither, so a check of a live system finds no difference
    that is not there. (On SQLite the check holds the write lock: writers wait for it.)"""
    outermost = len(connection.atomic_blocks) == 1
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for table in _TABLES:
            _create_like(cursor, table, table.computed)
            cursor.execute(
                f"CREATE UNIQUE INDEX {table.computed}_key ON {table.computed} "
                f"({', '.join(quote(c) for c in table.key)})"
            )
    _compute(lambda table: table.computed)
    found: list[Difference] = []
    with connection.cursor() as cursor:
        for table in _TABLES:
            keys = ", ".join(quote(c) for c in table.key)
            counters = [quote(c) for c in COUNTERS]
            zeros = ", ".join(["0"] * len(COUNTERS))
            held = [f"stored_{i}" for i in range(len(counters))]
            # Named in the first branch of the union: SQLite takes no column list on a subquery.
            sql = (
                f"SELECT {keys}, {', '.join(f'SUM({c})' for c in counters)}, "
                f"{', '.join(f'SUM({c})' for c in held)} FROM ("
                f"SELECT {keys}, {', '.join(counters)}, "
                f"{', '.join(f'0 AS {c}' for c in held)} FROM {table.computed} UNION ALL "
                f"SELECT {keys}, {zeros}, {', '.join(counters)} FROM {quote(table.name)}"
                f") AS side GROUP BY {keys} HAVING "
                + " OR ".join(f"SUM({c}) <> SUM({h})" for c, h in zip(counters, held, strict=True))
                + f" ORDER BY {keys}"
            )
            cursor.execute(sql)
            for row in cursor.fetchall():
                key, values = row[: len(table.key)], row[len(table.key) :]
                for i, name in enumerate(COUNTERS):
                    computed, kept = int(values[i]), int(values[len(COUNTERS) + i])
                    if computed != kept:
                        found.append(Difference(table.label, tuple(key), name, kept, computed))
    _drop_temporary()
    return found


@transaction.atomic
def rebuild() -> Rebuilt:
    """Replace the rollups by what the events say. Case writers wait on the tables' lock on
    PostgreSQL meanwhile, so no event is counted twice or lost; readers see the old rows until
    the new ones are committed."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {quote(table.name)} IN EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {quote(table.name)}")
    _compute(lambda table: quote(table.name))
    _drop_temporary()
    return Rebuilt(*(table.model._default_manager.count() for table in _TABLES))
