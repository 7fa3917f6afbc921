"""A year of a city's cases, written straight into PostgreSQL for the KPI benchmark.

Each case lives its life as the workflow would have it (``cases.workflow``): reported by a
channel, registered (or rejected, merged, fixed on the spot), self-governed first in residential
and village grids, dispatched to a town office of a department, sometimes returned and dispatched
again, accepted, on site, handled on time or late, sometimes sent back for rework, verified and
closed, called back and rated; a few are whistled (with the departments' answers and ratings),
suspended or tracked as chronic problems. Lives that would go on past the end of the year stop
there, still open. The events are appended in the order of their times with the case's version
as their sequence, and the case row carries the timestamps the services would have stamped.

Everything is drawn with numpy, a step of the life at a time for all cases at once, and copied
into the tables with COPY: the point is a city's history in minutes, not a second path through
the services (``sim.cases`` drives the services, at a district's pace).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from wangge.cases.choices import Channel
from wangge.cases.workflow import Action, Remark, Status
from wangge.grids.choices import GridKind, GridLevel
from wangge.people.choices import OrganisationKind
from wangge.sim.cases import CHANNELS, HOURLY
from wangge.sim.grids import SimGrid

S = np.dtypes.StringDType(na_object=None)
NULL = "\\N"
# Rows a COPY block holds.
BLOCK = 100_000
# Cases drawn at a time: with one piece drawn while the one before is sent, the process
# holds about 2.5 GB whatever the total.
PIECE = 250_000
HOUR = 3600
DAY = 86_400
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
# The town offices each town has; a case goes to one of them.
OFFICES = ("城管中队", "市场监管所", "房管办", "绿化市容所", "派出所")
SELF_GOVERNING = frozenset({GridKind.RESIDENTIAL, GridKind.VILLAGE})


@dataclass
class Shares:
    """How a year's cases go: the shares of each turn a life may take."""

    rejected: float = 0.02
    merged: float = 0.02
    fixed_on_spot: float = 0.25  # of patrol finds
    front_end_resolved: float = 0.55  # of self-governed cases
    suspended: float = 0.005
    returned: float = 0.05
    chronic: float = 0.01
    whistled: float = 0.02
    whistle_late: float = 0.1
    arrived: float = 0.8
    late: float = 0.08
    reworked: float = 0.06
    evaluated: float = 0.6


@dataclass
class City:
    """What the history is written over: unit grids with their towns and the town offices."""

    unit_ids: np.ndarray
    unit_towns: np.ndarray  # index into town_ids
    unit_self_governs: np.ndarray
    town_ids: np.ndarray
    town_centres: np.ndarray  # organisation id per town
    town_offices: np.ndarray  # (towns, len(OFFICES)) organisation ids
    categories: np.ndarray
    category_urgent: np.ndarray
    category_limit_s: np.ndarray
    grids: int = 0


@dataclass
class History:
    """The counts written, for the benchmark's table."""

    cases: int = 0
    events: int = 0
    whistles: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def load_city(grids: list[SimGrid]) -> City:
    """The grid tree (parents first), a centre and the department offices of every town, and
    the catalog's sub-classes; written with the project's bulk insert."""
    from wangge.catalog.models import Category
    from wangge.core.bulk import bulk_insert
    from wangge.grids.models import PATH_SEPARATOR, Grid
    from wangge.people.models import Organisation

    ids: dict[str, int] = {}
    paths: dict[str, str] = {}
    for level in sorted({g.level for g in grids}):
        batch = [g for g in grids if g.level == level]
        for g in batch:
            parent_path = paths[g.parent_code] if g.parent_code else ""
            paths[g.code] = f"{parent_path}{g.code}{PATH_SEPARATOR}"
        bounds = shapely.bounds(np.array([g.boundary for g in batch]))
        rows = bulk_insert(
            Grid,
            {
                "code": [g.code for g in batch],
                "name": [g.name for g in batch],
                "level": [g.level for g in batch],
                "kind": [g.kind for g in batch],
                "parent": [ids[g.parent_code] if g.parent_code else None for g in batch],
                "path": [paths[g.code] for g in batch],
                "geometry": [json.loads(shapely.to_geojson(g.boundary)) for g in batch],
                "min_lng": bounds[:, 0].tolist(),
                "min_lat": bounds[:, 1].tolist(),
                "max_lng": bounds[:, 2].tolist(),
                "max_lat": bounds[:, 3].tolist(),
            },
            constants={"created_at": _now(), "updated_at": _now()},
            returning=("code", "id"),
        )
        ids.update(dict(rows))
    towns = [g for g in grids if g.level == GridLevel.TOWN]
    town_index = {g.code: i for i, g in enumerate(towns)}
    area_town = {g.code: g.parent_code for g in grids if g.level == GridLevel.AREA}
    units = [g for g in grids if g.level == GridLevel.UNIT]
    kinds = [OrganisationKind.TOWN_CENTRE] + [OrganisationKind.DEPARTMENT_OFFICE] * len(OFFICES)
    names = ["城运中心", *OFFICES]
    rows = bulk_insert(
        Organisation,
        {
            "name": [f"{t.name}{n}" for t in towns for n in names],
            "short_name": [n for _t in towns for n in names],
            "kind": [k for _t in towns for k in kinds],
            "jurisdiction": [ids[t.code] for t in towns for _n in names],
        },
        returning=("id",),
    )
    organisation_ids = np.array(sorted(r[0] for r in rows)).reshape(len(towns), len(names))
    subclasses = list(Category.objects.filter(parent__isnull=False, is_active=True).order_by("pk"))
    seconds = {"minutes": 60, "hours": HOUR, "days": DAY}
    return City(
        unit_ids=np.array([ids[u.code] for u in units]),
        unit_towns=np.array([town_index[area_town[u.parent_code or ""] or ""] for u in units]),
        unit_self_governs=np.array([u.kind in SELF_GOVERNING for u in units]),
        town_ids=np.array([ids[t.code] for t in towns]),
        town_centres=organisation_ids[:, 0],
        town_offices=organisation_ids[:, 1:],
        categories=np.array([c.pk for c in subclasses]),
        category_urgent=np.array([c.urgent for c in subclasses]),
        category_limit_s=np.array(
            [(c.limit_amount or 5) * seconds.get(c.limit_unit, DAY) for c in subclasses]
        ),
        grids=len(grids),
    )


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclass
class _Step:
    """One step of the lives: which cases take it, when, from which status to which."""

    action: str
    present: np.ndarray
    at: np.ndarray
    to_status: Any  # a status for all, or an array of them
    organisation: np.ndarray | None = None
    data: np.ndarray | None = None  # JSON text per case, or None for {}
    from_status: np.ndarray | None = None


class _Lives:
    """The cases' lives, step by step: each step's time follows the last step each case took,
    and a case whose next step would fall after the end of the year stops where it is."""

    def __init__(self, reported: np.ndarray, end: int) -> None:
        self.count = len(reported)
        self.end = end
        self.clock = reported.copy()
        self.stopped = np.zeros(self.count, dtype=bool)
        self.status = np.full(self.count, Status.REPORTED.value, dtype=object)
        self.version = np.zeros(self.count, dtype=np.int64)
        self.steps: list[tuple[_Step, np.ndarray]] = []

    def take(
        self,
        action: str,
        who: np.ndarray,
        delay: np.ndarray,
        to_status: Any = None,
        *,
        organisation: np.ndarray | None = None,
        data: np.ndarray | None = None,
    ) -> np.ndarray:
        """The cases of ``who`` that take the step (``delay`` seconds after their last one) before
        the end of the year; their times. The step keeps the status when ``to_status`` is None."""
        at = self.clock + delay.astype(np.int64)
        late = who & ~self.stopped & (at >= self.end)
        self.stopped |= late
        present = who & ~self.stopped
        target = self.status.copy() if to_status is None else to_status
        if isinstance(target, np.ndarray):
            target = target.copy()
        step = _Step(action, present, at, target, organisation, data, self.status.copy())
        sequence = self.version + 1
        self.steps.append((step, sequence))
        self.clock = np.where(present, at, self.clock)
        self.version = np.where(present, sequence, self.version)
        if to_status is not None:
            self.status = np.where(present, to_status, self.status)
        return np.where(present, at, -1)


def write_history(
    connection: Any,
    city: City,
    *,
    cases: int,
    year_start: datetime.date,
    seed: int = 2025,
    shares: Shares | None = None,
) -> History:
    """``cases`` cases over the year from ``year_start`` (Beijing time), with their events,
    whistles and calls, copied into the tables in pieces of a few hundred thousand cases."""
    from wangge.cases.models import Case, CaseEvent, Whistle, WhistleCall

    shares = shares or Shares()
    history = History()
    start = int(datetime.datetime.combine(year_start, datetime.time(), BEIJING).timestamp())
    days = 365
    end = start + days * DAY
    rng = np.random.default_rng(seed)
    first_id = 1
    whistle_id = 1
    tables = [t._meta.db_table for t in (Case, CaseEvent, Whistle, WhistleCall)]
    with (
        connection.cursor() as cursor,
        _bare_tables(cursor, tables),
        ThreadPoolExecutor(max_workers=1) as sender,
    ):
        raw = cursor.cursor
        # The server takes one piece while the next is drawn: the two sides run on two cores.
        sending: Future[None] | None = None
        for offset in range(0, cases, PIECE):
            count = min(PIECE, cases - offset)
            piece = _piece(city, rng, count, first_id, whistle_id, start, end, shares)
            texts = [
                _copy_text(table, columns)
                for table, columns in zip(
                    tables, (piece.cases, piece.events, piece.whistles, piece.calls), strict=True
                )
            ]
            if sending is not None:
                sending.result()
            sending = sender.submit(_send, raw, texts)
            first_id += count
            whistle_id += len(piece.whistles["id"])
            history.cases += count
            history.events += len(piece.events["case_id"])
            history.whistles += len(piece.whistles["id"])
            for status, n in zip(
                *np.unique(piece.cases["status"], return_counts=True), strict=True
            ):
                history.statuses[str(status)] = history.statuses.get(str(status), 0) + int(n)
        if sending is not None:
            sending.result()
        for name in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
    return history


@contextmanager
def _bare_tables(cursor: Any, tables: list[str]) -> Iterator[None]:
    """The tables without their secondary indexes and foreign-key triggers while they are
    filled: each index is built once afterwards instead of row by row, and the rows come from
    the generator, whose references hold by construction. PostgreSQL only."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
        [tables],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)


@dataclass
class _Piece:
    cases: dict[str, Any]
    events: dict[str, Any]
    whistles: dict[str, Any]
    calls: dict[str, Any]


def _piece(
    city: City,
    rng: np.random.Generator,
    n: int,
    first_id: int,
    first_whistle: int,
    start: int,
    end: int,
    shares: Shares,
) -> _Piece:
    ids = np.arange(first_id, first_id + n)
    unit = rng.integers(0, len(city.unit_ids), n)
    town = city.unit_towns[unit]
    channels = np.array(list(CHANNELS), dtype=object)
    channel = channels[rng.choice(len(channels), n, p=np.array(list(CHANNELS.values())))]
    proactive = np.isin(channel, list(Channel.grid_forces()))
    kind = rng.integers(0, len(city.categories), n)
    urgent = city.category_urgent[kind]
    hours = rng.choice(24, n, p=HOURLY / HOURLY.sum())
    reported = start + rng.integers(0, 365, n) * DAY + hours * HOUR + rng.integers(0, HOUR, n)
    reported = np.minimum(reported, end - 1)
    lives = _Lives(reported, end)
    everyone = np.ones(n, dtype=bool)
    centre = city.town_centres[town]
    lives.take("report", everyone, np.zeros(n), Status.REPORTED.value)
    lives.steps[0][0].from_status = np.full(n, "", dtype=object)

    def minutes(low: float, high: float) -> np.ndarray:
        return rng.uniform(low * 60, high * 60, n)

    fate = rng.random(n)
    rejected = fate < shares.rejected
    merged = (fate >= shares.rejected) & (fate < shares.rejected + shares.merged)
    registered = ~(rejected | merged)
    lives.take(Action.REJECT, rejected, minutes(10, 120), Status.REJECTED, organisation=centre)
    # A duplicate points at an earlier case of the piece (a complaint about something known).
    duplicate_of = np.where(merged & (ids > first_id), ids - rng.integers(1, 50, n), -1)
    duplicate_of = np.where(duplicate_of >= first_id, duplicate_of, -1)
    merged &= duplicate_of > 0
    registered = ~(rejected | merged)
    lives.take(Action.MERGE, merged, minutes(10, 120), Status.MERGED, organisation=centre)

    on_spot = registered & (channel == Channel.PATROL) & (rng.random(n) < shares.fixed_on_spot)
    fixed_at = lives.take(Action.FIX_ON_SPOT, on_spot, minutes(5, 40), Status.HANDLED)
    self_governed = registered & ~on_spot & city.unit_self_governs[unit] & ~urgent
    limit = city.category_limit_s[kind].astype(np.int64)
    sg_at = lives.take(
        Action.REGISTER, self_governed, minutes(5, 60), Status.SELF_GOVERNANCE, organisation=centre
    )
    lives.steps[-1][0].data = _json_due(np.where(sg_at >= 0, sg_at + 3 * DAY, -1))
    resolved = self_governed & (rng.random(n) < shares.front_end_resolved)
    lives.take(Action.RESOLVE_FRONT_END, resolved, minutes(60, 60 * 60), Status.HANDLED)
    handed = self_governed & ~resolved
    handed_at = lives.take(
        Action.HAND_TO_ENFORCEMENT,
        handed,
        np.full(n, 3 * DAY),
        Status.REGISTERED,
        organisation=centre,
    )
    ordinary = registered & ~on_spot & ~self_governed
    reg_at = lives.take(
        Action.REGISTER, ordinary, minutes(5, 90), Status.REGISTERED, organisation=centre
    )
    # The clock: from registration for most, from the hand-over for the self-governed ones.
    due = np.where(ordinary, reg_at + limit, np.where(handed, handed_at + 4 * DAY, -1))
    due = np.where(resolved, sg_at + 3 * DAY, due)
    lives.steps[-1][0].data = _json_due(due)
    lives.steps[-2][0].data = _json_due(due)
    suspended = (ordinary | handed) & (rng.random(n) < shares.suspended)
    lives.take(Action.SUSPEND, suspended, minutes(30, 600), Status.SUSPENDED, organisation=centre)
    to_dispatch = (ordinary | handed) & ~suspended
    office = rng.integers(0, city.town_offices.shape[1], n)
    first_dept = city.town_offices[town, office]
    second_dept = city.town_offices[town, (office + 1) % city.town_offices.shape[1]]
    lives.take(
        Action.DISPATCH,
        to_dispatch,
        minutes(5, 120),
        Status.DISPATCHED,
        organisation=centre,
        data=_json_int("department", first_dept),
    )
    returned = to_dispatch & (rng.random(n) < shares.returned)
    lives.take(Action.RETURN, returned, minutes(30, 360), Status.RETURNED, organisation=first_dept)
    lives.take(
        Action.DISPATCH,
        returned,
        minutes(10, 120),
        Status.DISPATCHED,
        organisation=centre,
        data=_json_int("department", second_dept),
    )
    department = np.where(returned, second_dept, first_dept)
    chronic = to_dispatch & (rng.random(n) < shares.chronic)
    lives.take(Action.TRACK_CHRONIC, chronic, minutes(60, 2 * 24 * 60), Status.CHRONIC)
    handling = to_dispatch & ~chronic
    lives.take(Action.ACCEPT, handling, minutes(5, 180), Status.ACCEPTED, organisation=department)
    whistled = handling & (rng.random(n) < shares.whistled)
    blown = lives.take(
        Remark.WHISTLE,
        whistled,
        minutes(10, 120),
        organisation=centre,
        data=np.strings.add(np.strings.add('{"departments": [', department.astype(S)), "]}").astype(
            object
        ),
    )
    whistle_ids = np.cumsum(whistled & (blown >= 0)) - 1 + first_whistle
    late_answer = rng.random(n) < shares.whistle_late
    answer_delay = np.where(late_answer, minutes(31, 240), minutes(2, 29))
    answered = lives.take(
        Remark.RESPOND,
        whistled,
        answer_delay,
        organisation=department,
        data=np.where(
            late_answer,
            np.strings.replace(
                _json_int("department", department).astype(S), "}", ', "late": true}'
            ),
            _json_int("department", department).astype(S),
        ).astype(object),
    )
    arrived = handling & (rng.random(n) < shares.arrived)
    lives.take(Action.ARRIVE, arrived, minutes(10, 300), Status.ON_SITE, organisation=department)
    # Handling ends before the deadline but for the late share, which ends up to a week after.
    remaining = np.maximum(due - lives.clock, 600)
    late = rng.random(n) < shares.late
    handle_delay = np.where(
        late, remaining + rng.uniform(600, 7 * DAY, n), remaining * rng.uniform(0.05, 0.95, n)
    )
    # The sweep turns the light red when the deadline passes (``cases.sweep``).
    red_delay = np.maximum(due - lives.clock, 1) + 60
    lives.take("red_light", handling & late, red_delay)
    lives.take(
        Action.HANDLE,
        handling,
        np.where(late, handle_delay - red_delay, handle_delay),
        Status.HANDLED,
        organisation=department,
    )
    reworked = handling & (rng.random(n) < shares.reworked)
    lives.take(Action.REWORK, reworked, minutes(60, 24 * 60), Status.ACCEPTED, organisation=centre)
    lives.take(
        Action.HANDLE, reworked, minutes(60, 2 * 24 * 60), Status.HANDLED, organisation=department
    )
    closable = on_spot | resolved | handling
    closed_at = lives.take(
        Action.VERIFY, closable, minutes(30, 12 * 60), Status.CLOSED, organisation=centre
    )
    rating = rng.choice([1, 2, 3, 4, 5], n, p=[0.03, 0.03, 0.09, 0.3, 0.55])
    rated_dept = rng.choice([2, 3, 4, 5], n, p=[0.1, 0.2, 0.4, 0.3])
    rated = lives.take(
        Remark.RATE,
        whistled & (closed_at >= 0),
        minutes(60, 11 * 60),
        data=_json_ints(department=department, rating=rated_dept),
    )
    evaluated = closable & (rng.random(n) < shares.evaluated)
    evaluated_at = lives.take(
        Action.EVALUATE,
        evaluated,
        minutes(12 * 60, 3 * 24 * 60),
        Status.EVALUATED,
        organisation=centre,
        data=_json_int("rating", rating),
    )

    status = lives.status
    stamps = _stamps(lives)
    stamps["registered_at"] = np.where(fixed_at >= 0, fixed_at, stamps["registered_at"])
    open_ = np.isin(status, [s.value for s in Status if s.is_open])
    due_final = np.where(due > 0, due, -1)
    light = np.where(
        open_ & (status != Status.REPORTED.value),
        np.where((due_final > 0) & (due_final < end), "red", "green"),
        "none",
    )
    holder = np.where(
        np.isin(status, [Status.DISPATCHED, Status.ACCEPTED, Status.ON_SITE])
        | ((status != Status.RETURNED) & (stamps["dispatched_at"] >= 0)),
        department,
        centre,
    )
    holder = np.where(status == Status.REPORTED.value, -1, holder)
    ended_rating = np.where(evaluated_at >= 0, rating, -1)
    cases_columns: dict[str, Any] = {
        "id": ids,
        "number": _numbers(reported, ids),
        "channel": channel,
        "category_id": city.categories[kind],
        "grid_id": city.unit_ids[unit],
        "lng": np.round(rng.uniform(121.0, 121.9, n), 6),
        "lat": np.round(rng.uniform(30.7, 31.5, n), 6),
        "address": "",
        "description": "bench",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_shares_contact": "f",
        "urgent": np.where(urgent, "t", "f"),
        "proactive": np.where(proactive, "t", "f"),
        "status": status,
        "status_before_suspension": np.where(
            status == Status.SUSPENDED.value, Status.REGISTERED.value, ""
        ),
        "holder_id": holder,
        "duplicate_of_id": duplicate_of,
        "due_by": _times(due_final),
        "clock_due": _times(np.where(open_, due_final, -1)),
        "light": light,
        "escalation_level": 0,
        "rating": ended_rating,
        "version": lives.version,
        "reported_at": _times(reported),
        **{name: _times(value) for name, value in stamps.items()},
    }
    events = _events(lives, ids)
    w = whistled & (blown >= 0)
    whistles: dict[str, Any] = {
        "id": whistle_ids[w],
        "case_id": ids[w],
        "organisation_id": centre[w],
        "blown_at": _times(blown[w]),
        "respond_by": _times(blown[w] + 30 * 60),
        "note": "",
    }
    calls: dict[str, Any] = {
        "whistle_id": whistle_ids[w],
        "department_id": department[w],
        "responded_at": _times(answered[w]),
        "overdue": np.where(late_answer[w] & (answered[w] >= 0), "t", "f"),
        "rating": np.where(rated[w] >= 0, rated_dept[w], -1),
        "rated_at": _times(rated[w]),
    }
    return _Piece(cases_columns, events, whistles, calls)


_STAMPED = {
    Action.REGISTER.value: "registered_at",
    Action.DISPATCH.value: "dispatched_at",
    Action.ACCEPT.value: "accepted_at",
    Action.ARRIVE.value: "on_site_at",
    Action.HANDLE.value: "handled_at",
    Action.RESOLVE_FRONT_END.value: "handled_at",
    Action.FIX_ON_SPOT.value: "handled_at",
    Action.VERIFY.value: "closed_at",
    Action.EVALUATE.value: "evaluated_at",
}
# A handling or a closure after rework counts from the last one, the others from the first
# (``cases.services._consequences``).
_LAST = frozenset({"handled_at", "closed_at"})


def _stamps(lives: _Lives) -> dict[str, np.ndarray]:
    stamps = {name: np.full(lives.count, -1, dtype=np.int64) for name in _STAMPED.values()}
    for step, _sequence in lives.steps:
        name = _STAMPED.get(step.action)
        if name is None:
            continue
        take = step.present & ((stamps[name] < 0) | (name in _LAST))
        stamps[name] = np.where(take, step.at, stamps[name])
    return stamps


def _events(lives: _Lives, ids: np.ndarray) -> dict[str, Any]:
    parts: dict[str, list[Any]] = {
        k: [] for k in ("case_id", "sequence", "action", "from_status", "to_status", "at")
    }
    parts |= {"organisation_id": [], "data": []}
    for step, sequence in lives.steps:
        p = step.present
        count = int(p.sum())
        if not count:
            continue
        parts["case_id"].append(ids[p])
        parts["sequence"].append(sequence[p])
        parts["action"].append(np.full(count, step.action, dtype=object))
        parts["from_status"].append(np.asarray(step.from_status)[p])
        target = step.to_status
        parts["to_status"].append(
            target[p] if isinstance(target, np.ndarray) else np.full(count, target, dtype=object)
        )
        parts["at"].append(step.at[p])
        organisation = step.organisation
        parts["organisation_id"].append(
            organisation[p] if organisation is not None else np.full(count, -1)
        )
        parts["data"].append(
            step.data[p] if step.data is not None else np.full(count, "{}", dtype=object)
        )
    # In the order of the (case, sequence) key, so that its index grows at its right edge and
    # a case's events lie together, as a case's life would have written them.
    order = np.lexsort((np.concatenate(parts["sequence"]), np.concatenate(parts["case_id"])))
    events: dict[str, Any] = {name: np.concatenate(values)[order] for name, values in parts.items()}
    events["at"] = _times(events["at"])
    events["note"] = ""
    return events


def _json_due(due: np.ndarray) -> np.ndarray:
    text = np.strings.add(np.strings.add('{"due_by": "', _iso(due)), '+00:00"}')
    return np.where(due >= 0, text.astype(object), "{}")


def _json_int(key: str, values: np.ndarray) -> np.ndarray:
    return _json_ints(**{key: values})


def _json_ints(**values: np.ndarray) -> np.ndarray:
    """A JSON object of integers per position: {"department": 7, "rating": 4}."""
    text: Any = "{"
    for index, (key, column) in enumerate(values.items()):
        text = np.strings.add(text, f'{", " if index else ""}"{key}": ')
        text = np.strings.add(text, column.astype(S))
    return np.strings.add(text, "}").astype(object)


def _iso(seconds: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(np.maximum(seconds, 0).astype("datetime64[s]"), unit="s").astype(S)


def _times(seconds: np.ndarray) -> np.ndarray:
    """Timestamps as PostgreSQL reads them (UTC), or NULL where the value is negative."""
    return np.where(seconds >= 0, np.strings.add(_iso(seconds), "+00"), NULL).astype(S)


def _numbers(reported: np.ndarray, ids: np.ndarray) -> np.ndarray:
    day = np.datetime_as_string((reported + 8 * HOUR).astype("datetime64[s]"), unit="D")
    day = np.strings.replace(day.astype(S), "-", "")
    return np.strings.add(day, np.strings.zfill(ids.astype(S), 9))


def _copy_text(table: str, columns: dict[str, Any]) -> tuple[str, list[bytes]]:
    """The COPY statement for the columns (name → array, or one value for every row) and their
    rows as its text, in blocks; negative integers and ``\\N`` are NULL."""
    lengths = {len(v) for v in columns.values() if isinstance(v, np.ndarray)}
    count = lengths.pop() if lengths else 0
    blocks: list[bytes] = []
    for start in range(0, count, BLOCK):
        stop = min(count, start + BLOCK)
        line: Any = None
        for value in columns.values():
            text = _text(
                value[start:stop] if isinstance(value, np.ndarray) else value, stop - start
            )
            line = text if line is None else np.strings.add(np.strings.add(line, "\t"), text)
        blocks.append(("\n".join(line.tolist()) + "\n").encode())
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN", blocks


def _send(cursor: Any, texts: list[tuple[str, list[bytes]]]) -> None:
    for statement, blocks in texts:
        if blocks:
            with cursor.copy(statement) as copy:
                for block in blocks:
                    copy.write(block)


def _text(value: Any, count: int) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        return np.full(count, str(value), dtype=S)
    if value.dtype.kind in "iu":
        return np.where(value >= 0, value.astype(S), NULL).astype(S)
    if value.dtype.kind == "O":
        return _escape(value.astype(S))
    return value.astype(S)


def _escape(text: np.ndarray) -> np.ndarray:
    # COPY's text format: a backslash escapes; JSON's own quotes pass as they are.
    return np.strings.replace(text, "\\", "\\\\")
