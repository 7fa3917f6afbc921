"""Patrol against complaint (Minhang seed 000: "通过对主动巡查与群众投诉的数据比对和类型分析,
指导街面作业队伍有针对性开展网格巡查"): per unit grid, sub-class and hour of the day, the
complaints that no find of the grid's forces preceded, beside what the grid's forces found.

Only what the unit's patrols are asked to look for counts: the sub-classes of its task list (the
district's base items for its kind and its town's own, Minhang seed 000 "规定+自选"). A complaint
outside the list is no patrol's miss. One grouped query reads the counts; the rest is in memory.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour

from wangge.cases.models import Case
from wangge.catalog.models import Category, TaskItem
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.models import Grid
from wangge.metrics.colours import COMPLAINT, NOT_A_CASE, town_code
from wangge.people.scope import AccessScope

HOURS = 24
BAND = 3
"""Hours are told to a town in bands of this many: "18–21 h" is a shift it can plan."""
GAPS = 20


@dataclass
class Tally:
    complaints: int = 0
    finds: int = 0


@dataclass(frozen=True)
class CategoryHours:
    """One sub-class across the hours of the day, for the heat map."""

    category: str
    hours: list[Tally]

    @property
    def complaints(self) -> int:
        return sum(cell.complaints for cell in self.hours)

    @property
    def finds(self) -> int:
        return sum(cell.finds for cell in self.hours)


@dataclass(frozen=True)
class Gap:
    """Where and when complaints came that patrols did not find first."""

    grid_code: str
    grid_name: str
    category: str
    start_hour: int
    complaints: int
    finds: int

    @property
    def end_hour(self) -> int:
        return self.start_hour + BAND


@dataclass(frozen=True)
class PatrolComparison:
    heat: list[CategoryHours] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    complaints: int = 0
    finds: int = 0


def patrol_vs_complaint(
    scope: AccessScope, *, start: datetime.datetime, end: datetime.datetime
) -> PatrolComparison:
    """Complaints and the grid forces' finds reported in [start, end) in the scope's unit grids
    and their blocks, by sub-class and hour (local time), within each unit's task list. The gaps
    list the unit, sub-class and band of hours with more complaints than finds, largest first."""
    units = {
        pk: (code, name, kind, town_code(path))
        for pk, code, name, kind, path in scope.grids(Grid.objects.filter(level=GridLevel.UNIT))
        .order_by()
        .values_list("pk", "code", "name", "kind", "path")
    }
    if not units:
        return PatrolComparison()
    unit_of = {pk: pk for pk in units}
    unit_of.update(
        scope.grids(Grid.objects.filter(level=GridLevel.BLOCK, parent_id__in=list(units)))
        .order_by()
        .values_list("pk", "parent_id")
    )
    rows = (
        Case.objects.filter(scope.grid_q("grid"))
        .filter(reported_at__gte=start, reported_at__lt=end)
        .filter(COMPLAINT | Q(proactive=True))
        .exclude(status__in=NOT_A_CASE)
        .order_by()
        .annotate(hour=ExtractHour("reported_at"))
        .values("grid_id", "category_id", "hour", "proactive")
        .annotate(n=Count("pk"))
        .values_list("grid_id", "category_id", "hour", "proactive", "n")
    )
    lists = _task_lists()
    categories = dict(Category.objects.values_list("pk", "name"))
    parents = dict(Category.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))
    heat: dict[int, list[Tally]] = defaultdict(lambda: [Tally() for _hour in range(HOURS)])
    bands: dict[tuple[int, int, int], Tally] = defaultdict(Tally)
    for grid_id, category_id, hour, proactive, n in rows:
        unit = unit_of.get(grid_id)
        if unit is None:
            continue
        _code, _name, kind, town = units[unit]
        listed = lists.get((GridKind.task_list_kind(kind), None), set()) | lists.get(
            (GridKind.task_list_kind(kind), town), set()
        )
        if category_id not in listed and parents.get(category_id) not in listed:
            continue
        cell = heat[category_id][hour]
        band = bands[(unit, category_id, hour - hour % BAND)]
        if proactive:
            cell.finds += n
            band.finds += n
        else:
            cell.complaints += n
            band.complaints += n
    by_category = sorted(
        (CategoryHours(categories[pk], hours) for pk, hours in heat.items()),
        key=lambda row: (-row.complaints, -row.finds, row.category),
    )
    gaps = sorted(
        (
            Gap(units[unit][0], units[unit][1], categories[category], hour, t.complaints, t.finds)
            for (unit, category, hour), t in bands.items()
            if t.complaints > t.finds
        ),
        key=lambda gap: (
            gap.finds - gap.complaints,
            -gap.complaints,
            gap.grid_code,
            gap.start_hour,
        ),
    )
    return PatrolComparison(
        heat=by_category,
        gaps=gaps[:GAPS],
        complaints=sum(row.complaints for row in by_category),
        finds=sum(row.finds for row in by_category),
    )


def _task_lists() -> dict[tuple[str, str | None], set[int]]:
    """The categories of each task list by (grid kind, town code; None for the district's base
    list). An item naming a main class covers its sub-classes (matched by the case's parent)."""
    lists: dict[tuple[str, str | None], set[int]] = defaultdict(set)
    rows = TaskItem.objects.filter(is_active=True, categories__isnull=False).values_list(
        "grid_kind", "town__code", "categories"
    )
    for kind, town, category in rows:
        lists[(kind, town)].add(category)
    return lists
