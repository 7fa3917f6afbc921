"""The leader's dashboard, as data: the headline indicators of a user's grids for a period (value,
target, change against the period before, a weekly trend), and the grids and departments that do
worst. The web view only lays it out; the reports print the same figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from wangge.cases.services import DEPARTMENT_KINDS, Actor
from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.metrics.indicators import INDICATORS, Direction, Value
from wangge.metrics.models import ScopeKind
from wangge.metrics.rankings import Point, Ranked, combined, ranking, series
from wangge.metrics.selectors import Scope
from wangge.people.models import Organisation

# The seeds' indicators, in the order a leader reads them (Yingpu 003's two targets first).
HEADLINE = (
    "proactive_discovery_rate",
    "closure_rate",
    "on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
    "front_end_rate",
    "rework_rate",
    "overdue",
    "acceptance_time",
    "handling_time",
    "whistle_response_rate",
    "whistle_rating",
)
# Discovery is the grid's work, never a department's (docs/kpis.md): departments are ranked by
# their overdue cases instead.
GRID_ONLY = frozenset({"proactive_discovery_rate"})
DEPARTMENT_FALLBACK = "overdue"
TREND_WEEKS = 12
WORST = 10


@dataclass(frozen=True)
class Headline:
    """An indicator of the scope for the period, the period before, and its weekly trend."""

    value: Value
    previous: Value
    weeks: list[Point]

    @property
    def change(self) -> Decimal | None:
        if self.value.value is None or self.previous.value is None:
            return None
        return self.value.value - self.previous.value

    @property
    def better(self) -> bool | None:
        """Whether the change is for the better, in the indicator's direction."""
        change = self.change
        direction = self.value.direction
        if not change or direction == Direction.NEUTRAL:
            return None
        return (change > 0) == (direction == Direction.HIGHER)


@dataclass(frozen=True)
class Named:
    """A ranked scope with its name."""

    name: str
    code: str
    ranked: Ranked
    value: Value  # the indicator ranked by


def scope_grids(actor: Actor) -> list[Grid]:
    """The outermost grids the actor sees: every district for those who see everything."""
    if actor.scope.everything:
        return list(Grid.objects.filter(level=GridLevel.DISTRICT).order_by("code"))
    return list(Grid.objects.filter(path__in=actor.scope.grid_paths).order_by("path"))


def headlines(
    grids: list[Grid], *, start: datetime.date, end: datetime.date, keys: tuple[str, ...] = HEADLINE
) -> list[Headline]:
    """The headline indicators of the grids together over the period."""
    if not grids:
        return []
    scopes = [Scope.grid(g) for g in grids]
    length = end - start + datetime.timedelta(days=1)
    values = combined(scopes, start=start, end=end)
    previous = combined(scopes, start=start - length, end=start - datetime.timedelta(days=1))
    since = end - datetime.timedelta(weeks=TREND_WEEKS - 1)
    weeks = series(scopes, start=since, end=end)
    return [
        Headline(values[key], previous[key], [Point(day, step[key]) for day, step in weeks])
        for key in keys
    ]


def worst_grids(
    grids: list[Grid], *, indicator: str, start: datetime.date, end: datetime.date
) -> list[Named]:
    """The grids one level below the scope (towns of a district, units of a town…) that do
    worst by ``indicator``, worst first; those without a value are left out."""
    children = list(
        Grid.objects.filter(parent__in=grids).exclude(level=GridLevel.BLOCK).order_by("code")
    )
    if children and children[0].level == GridLevel.AREA:
        # Areas are a town's inner division; leaders compare unit grids.
        children = list(
            Grid.objects.filter(parent__in=children, level=GridLevel.UNIT).order_by("code")
        )
    by_id = {g.pk: g for g in children}
    ranked = ranking(
        kind=ScopeKind.GRID, scope_ids=list(by_id), indicator=indicator, start=start, end=end
    )
    return _worst(ranked, {pk: (g.name, g.code) for pk, g in by_id.items()}, indicator)


def worst_departments(
    grids: list[Grid], *, indicator: str, start: datetime.date, end: datetime.date
) -> list[Named]:
    """The departments, their town offices and utilities serving the scope that do worst (by
    their overdue cases when ``indicator`` judges grids only)."""
    if indicator in GRID_ONLY:
        indicator = DEPARTMENT_FALLBACK
    paths = [g.path for g in grids]
    departments = [
        o
        for o in Organisation.objects.filter(kind__in=DEPARTMENT_KINDS, is_active=True)
        .select_related("jurisdiction")
        .order_by("name")
        if any(o.jurisdiction.path.startswith(p) for p in paths)
    ]
    ranked = ranking(
        kind=ScopeKind.DEPARTMENT,
        scope_ids=[o.pk for o in departments],
        indicator=indicator,
        start=start,
        end=end,
    )
    return _worst(ranked, {o.pk: (o.name, "") for o in departments}, indicator)


def _worst(ranked: list[Ranked], names: dict[int, tuple[str, str]], key: str) -> list[Named]:
    with_value = [r for r in ranked if r.place is not None]
    return [Named(*names[r.scope_id], r, r.values[key]) for r in reversed(with_value[-WORST:])]


def towns_in(grids: list[Grid]) -> list[Grid]:
    """The towns of the scope: the scope's own if it is a town, else those below it."""
    own = [g for g in grids if g.level == GridLevel.TOWN]
    districts = [g for g in grids if g.level == GridLevel.DISTRICT]
    below = Grid.objects.filter(level=GridLevel.TOWN, parent__in=districts) if districts else []
    return sorted([*own, *below], key=lambda g: g.code)


def indicator_choices() -> list[tuple[str, str]]:
    return [(key, str(INDICATORS[key].label)) for key in HEADLINE]
