"""Rankings and trends: grids, departments and inspectors ordered by an indicator over a period,
each against its target, and an indicator week by week or month by month.

Every figure is a sum of ``ScopeRollup`` rows (one per scope and day), so a ranking of all the
unit grids of a town is one grouped query, whatever the number of cases. The seeds rank
by these indicators: Minhang 000 (先行发现率, 按时办结率, 实际解决率, 群众满意率 per grid
and town; department quarterly reports), Yingpu 003 (targets 85% and 97%), Jiading 004
(department ratings)."""

from __future__ import annotations

import datetime
import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from wangge.metrics.indicators import COUNTERS, INDICATORS, Direction, Value, evaluate
from wangge.metrics.models import ScopeKind, ScopeRollup, Target


class Step(enum.StrEnum):
    """The length of a trend's steps."""

    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Ranked:
    """One scope's place in a ranking, with all its indicators for the period."""

    scope_id: int
    place: int | None  # None: no value to rank by (no case to judge)
    values: dict[str, Value]

    def value(self, key: str) -> Value:
        return self.values[key]


@dataclass(frozen=True)
class Point:
    """An indicator over one step of a trend: the step's first day and its value."""

    start: datetime.date
    value: Value


def counters(
    *, kind: ScopeKind, scope_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, dict[str, int]]:
    """Each scope's counters summed over the days from ``start`` to ``end``, both included."""
    rows = (
        ScopeRollup.objects.filter(
            scope=kind, scope_id__in=list(scope_ids), day__gte=start, day__lte=end
        )
        .values("scope_id")
        .annotate(**{name: Sum(name) for name in COUNTERS})
    )
    return {row.pop("scope_id"): {k: int(v or 0) for k, v in row.items()} for row in rows}


def targets_for(kind: ScopeKind, scope_ids: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    """The targets of each scope: the defaults, overridden by the scope's own rows (one query)."""
    ids = list(scope_ids)
    field = {ScopeKind.GRID: "grid_id", ScopeKind.DEPARTMENT: "department_id"}.get(kind)
    default = Q(grid__isnull=True, department__isnull=True)
    rows = Target.objects.filter(default | Q(**{f"{field}__in": ids}) if field else default)
    defaults: dict[str, Decimal] = {}
    own: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for target in rows:
        scope_id = getattr(target, field) if field else None
        if scope_id is None:
            defaults[target.indicator] = target.value
        else:
            own[scope_id][target.indicator] = target.value
    return {scope_id: {**defaults, **own.get(scope_id, {})} for scope_id in ids}


def ranking(
    *,
    kind: ScopeKind,
    scope_ids: Sequence[int],
    indicator: str,
    start: datetime.date,
    end: datetime.date,
) -> list[Ranked]:
    """The scopes ordered best first by ``indicator`` over the period; scopes without a value
    come last, unranked. Equal values share a place (1, 2, 2, 4)."""
    if indicator not in INDICATORS:
        raise ValueError(f"unknown indicator {indicator!r}")
    sums = counters(kind=kind, scope_ids=scope_ids, start=start, end=end)
    targets = targets_for(kind, scope_ids)
    evaluated = {
        scope_id: evaluate(sums.get(scope_id, {}), targets[scope_id]) for scope_id in scope_ids
    }
    higher = INDICATORS[indicator].direction != Direction.LOWER

    def order(scope_id: int) -> tuple[int, Decimal, int]:
        value = evaluated[scope_id][indicator].value
        if value is None:
            return (1, Decimal(0), scope_id)
        return (0, -value if higher else value, scope_id)

    ranked: list[Ranked] = []
    previous: Decimal | None = None
    place = 0
    for position, scope_id in enumerate(sorted(scope_ids, key=order), start=1):
        value = evaluated[scope_id][indicator].value
        if value is not None and value != previous:
            place = position
        previous = value
        ranked.append(Ranked(scope_id, place if value is not None else None, evaluated[scope_id]))
    return ranked


def series(
    *,
    kind: ScopeKind,
    scope_ids: Iterable[int],
    start: datetime.date,
    end: datetime.date,
    step: Step = Step.WEEK,
) -> list[tuple[datetime.date, dict[str, Value]]]:
    """Every indicator of the scopes together, per week (from Monday) or calendar month, from
    the one holding ``start`` to the one holding ``end``, in two queries; steps without cases
    have no values. The first step is whole, the last ends with ``end``. One scope is judged
    against its own targets, several together against the defaults."""
    ids = list(scope_ids)
    first = _step_start(start, step)
    truncate = TruncWeek("day") if step == Step.WEEK else TruncMonth("day")
    rows = (
        ScopeRollup.objects.filter(scope=kind, scope_id__in=ids, day__gte=first, day__lte=end)
        .annotate(step=truncate)
        .values("step")
        .annotate(**{name: Sum(name) for name in COUNTERS})
    )
    by_step = {_as_date(row.pop("step")): {k: int(v or 0) for k, v in row.items()} for row in rows}
    targets = targets_for(kind, ids)[ids[0]] if len(ids) == 1 else targets_for(kind, [])
    steps = []
    day = first
    while day <= end:
        steps.append((day, evaluate(by_step.get(day, {}), targets or None)))
        day = _next_step(day, step)
    return steps


def trend(
    *,
    kind: ScopeKind,
    scope_ids: Iterable[int],
    indicator: str,
    start: datetime.date,
    end: datetime.date,
    step: Step = Step.WEEK,
) -> list[Point]:
    """One indicator of ``series``."""
    steps = series(kind=kind, scope_ids=scope_ids, start=start, end=end, step=step)
    return [Point(day, values[indicator]) for day, values in steps]


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _step_start(day: datetime.date, step: Step) -> datetime.date:
    if step == Step.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_step(day: datetime.date, step: Step) -> datetime.date:
    if step == Step.WEEK:
        return day + datetime.timedelta(days=7)
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
