"""The indicators of a scope over a period, read from the rollups (``docs/kpis.md``).

The API others call::

    Scope.grid(grid) / Scope.department(organisation) / Scope.inspector(user)
    Scope(kind, id)                      # kind: ScopeKind.GRID, DEPARTMENT or INSPECTOR

    indicators(*, scope, start, end) -> dict[str, Value]
        Every indicator of ``indicators.INDICATORS`` (keys such as "proactive_discovery_rate",
        "closure_rate", "on_time_rate" …) for the days ``start`` to ``end``, both included,
        plus "attendance_rate" for a department. A ``Value`` has ``numerator``, ``denominator``,
        ``value`` (a Decimal in the indicator's unit, None without cases to judge by), ``target``,
        ``meets_target``, ``label``, ``unit`` and ``direction``.
    indicators_many(*, scopes, start, end) -> dict[Scope, dict[str, Value]]
        The same for many scopes in one query: rankings.
    indicator_series(*, scope, start, end, step="week" | "month") -> list[Bucket]
        Trends: one ``Bucket(start, end, values)`` per ISO week (Monday to Sunday) or calendar
        month that meets the period, each cut to the period.
    counters(*, scope, start, end) -> dict[str, int]
        The summed counters (``indicators.COUNTERS``) behind the values.
    breakdown(*, grid, start, end, by) -> dict[tuple, dict[str, int]]
        Drill-down from the fine rollup: counters of the cases in a grid's subtree by any of
        "category_id", "channel", "department_id", "grid_id", "day".
    targets_for(scope) -> dict[str, Decimal]
        The targets that apply to a scope: its own, else the defaults.
    may_see_scope(actor, scope) -> bool
        Whether an actor (``cases.services.Actor``) may see the scope's indicators; callers
        check it (or scope their own lists with ``actor.scope``) before calling the others.

Every figure is a sum over ``ScopeRollup`` rows, one per day and scope, so a town or district
over a year is a sum of 365 rows whatever the number of cases.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q, Sum

from wangge.cases.services import Actor
from wangge.forces.attendance import attendance_report
from wangge.grids.models import Grid
from wangge.metrics.indicators import ATTENDANCE, COUNTERS, Value, evaluate, ratio
from wangge.metrics.models import CaseRollup, ScopeKind, ScopeRollup, Target
from wangge.people.models import Organisation, Person


@dataclass(frozen=True)
class Scope:
    """Whose indicators: a grid at any level, a department, or an inspector (a user, as the
    reporter of cases)."""

    kind: ScopeKind
    id: int

    @classmethod
    def grid(cls, grid: Grid) -> Scope:
        return cls(ScopeKind.GRID, grid.pk)

    @classmethod
    def department(cls, organisation: Organisation) -> Scope:
        return cls(ScopeKind.DEPARTMENT, organisation.pk)

    @classmethod
    def inspector(cls, user: Any) -> Scope:
        return cls(ScopeKind.INSPECTOR, user.pk)


def _rows(scopes: Iterable[Scope], start: datetime.date, end: datetime.date) -> Any:
    by_kind: dict[str, list[int]] = {}
    for scope in scopes:
        by_kind.setdefault(scope.kind, []).append(scope.id)
    where = Q()
    for kind, ids in by_kind.items():
        where |= Q(scope=kind, scope_id__in=ids)
    return ScopeRollup.objects.filter(where, day__gte=start, day__lte=end)


def counters(*, scope: Scope, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The counters of the scope summed over the days ``start`` to ``end``."""
    sums = _rows([scope], start, end).aggregate(**{name: Sum(name) for name in COUNTERS})
    return {name: int(sums[name] or 0) for name in COUNTERS}


def targets_for(scope: Scope) -> dict[str, Decimal]:
    """The targets of the scope: its own rows over the default rows."""
    own = Q(grid_id=scope.id) if scope.kind == ScopeKind.GRID else Q(department_id=scope.id)
    if scope.kind == ScopeKind.INSPECTOR:
        own = Q(pk__in=[])
    rows = Target.objects.filter(Q(grid__isnull=True, department__isnull=True) | own)
    # Defaults first, so that the scope's own rows overwrite them.
    ordered = sorted(rows, key=lambda t: t.grid_id is not None or t.department_id is not None)
    return {target.indicator: target.value for target in ordered}


def _attendance(scope: Scope, start: datetime.date, end: datetime.date, target: Any) -> Value:
    organisation = Organisation.objects.filter(pk=scope.id).first()
    if organisation is None:
        return ratio(ATTENDANCE, 0, 0, target)
    report = attendance_report(first=start, last=end, department=organisation)
    due = sum(line.tally.due for line in report.departments)
    attended = sum(line.tally.attended for line in report.departments)
    return ratio(ATTENDANCE, attended, due, target)


def indicators(*, scope: Scope, start: datetime.date, end: datetime.date) -> dict[str, Value]:
    """Every indicator of the scope over the days ``start`` to ``end``, both included."""
    targets = targets_for(scope)
    values = evaluate(counters(scope=scope, start=start, end=end), targets)
    if scope.kind == ScopeKind.DEPARTMENT:
        values[ATTENDANCE.key] = _attendance(scope, start, end, targets.get(ATTENDANCE.key))
    return values


def indicators_many(
    *, scopes: Iterable[Scope], start: datetime.date, end: datetime.date
) -> dict[Scope, dict[str, Value]]:
    """The case indicators of many scopes at once (one query for the rollups, one for the
    targets): what rankings need. Attendance is left to ``indicators``."""
    scopes = list(scopes)
    rows = (
        _rows(scopes, start, end)
        .values("scope", "scope_id")
        .annotate(**{name: Sum(name) for name in COUNTERS})
    )
    sums = {
        Scope(ScopeKind(row["scope"]), row["scope_id"]): {n: int(row[n] or 0) for n in COUNTERS}
        for row in rows
    }
    defaults: dict[str, Decimal] = {}
    own: dict[tuple[str, int], dict[str, Decimal]] = {}
    for target in Target.objects.all():
        if target.grid_id is not None:
            own.setdefault((ScopeKind.GRID, target.grid_id), {})[target.indicator] = target.value
        elif target.department_id is not None:
            key = (ScopeKind.DEPARTMENT, target.department_id)
            own.setdefault(key, {})[target.indicator] = target.value
        else:
            defaults[target.indicator] = target.value
    return {
        scope: evaluate(sums.get(scope, {}), {**defaults, **own.get((scope.kind, scope.id), {})})
        for scope in scopes
    }


@dataclass(frozen=True)
class Bucket:
    """One step of a trend: the days ``start`` to ``end`` and the indicators over them."""

    start: datetime.date
    end: datetime.date
    values: dict[str, Value]


def _bucket_start(day: datetime.date, step: str) -> datetime.date:
    if step == "week":
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_bucket(first: datetime.date, step: str) -> datetime.date:
    if step == "week":
        return first + datetime.timedelta(days=7)
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def indicator_series(
    *,
    scope: Scope,
    start: datetime.date,
    end: datetime.date,
    step: Literal["week", "month"] = "week",
) -> list[Bucket]:
    """The indicators of the scope by week or month over the period, oldest first."""
    if step not in ("week", "month"):
        raise ValueError(f"unknown step {step!r}")
    by_bucket: dict[datetime.date, Counter[str]] = {}
    rows = _rows([scope], start, end).values_list("day", *COUNTERS)
    for day, *values in rows:
        by_bucket.setdefault(_bucket_start(day, step), Counter()).update(
            dict(zip(COUNTERS, values, strict=True))
        )
    targets = targets_for(scope)
    buckets = []
    first = _bucket_start(start, step)
    while first <= end:
        following = _next_bucket(first, step)
        buckets.append(
            Bucket(
                start=max(first, start),
                end=min(following - datetime.timedelta(days=1), end),
                values=evaluate(by_bucket.get(first, Counter()), targets),
            )
        )
        first = following
    return buckets


BREAKDOWN_FIELDS = frozenset({"category_id", "channel", "department_id", "grid_id", "day"})


def breakdown(
    *, grid: Grid, start: datetime.date, end: datetime.date, by: Iterable[str]
) -> dict[tuple[Any, ...], dict[str, int]]:
    """Counters of the cases in ``grid``'s subtree, grouped by the fields ``by``, from the fine
    rollup (day × grid × sub-class × channel × department)."""
    by = list(by)
    if not set(by) <= BREAKDOWN_FIELDS:
        raise ValueError(f"cannot break down by {sorted(set(by) - BREAKDOWN_FIELDS)}")
    subtree = Grid.objects.filter(path__startswith=grid.path).values("pk")
    rows = (
        CaseRollup.objects.filter(grid_id__in=subtree, day__gte=start, day__lte=end)
        .values(*by)
        .annotate(**{name: Sum(name) for name in COUNTERS})
        .order_by(*by)
    )
    return {
        tuple(row[field] for field in by): {name: int(row[name] or 0) for name in COUNTERS}
        for row in rows
    }


def may_see_scope(actor: Actor, scope: Scope) -> bool:
    """Whether ``actor`` may see the indicators of ``scope``: a grid in their access scope, a
    department they may see, or an inspector of an organisation they may see (or themselves)."""
    access = actor.scope
    if access.everything:
        return True
    if scope.kind == ScopeKind.GRID:
        grid = Grid.objects.filter(pk=scope.id).first()
        return grid is not None and access.can_see_grid(grid)
    if scope.kind == ScopeKind.DEPARTMENT:
        organisation = (
            Organisation.objects.select_related("jurisdiction").filter(pk=scope.id).first()
        )
        return organisation is not None and access.can_see_organisation(organisation)
    if getattr(actor.user, "pk", None) == scope.id:
        return True
    return access.persons(Person.objects.filter(user_id=scope.id)).exists()
