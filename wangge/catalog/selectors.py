"""Reads of the catalog that several callers share: a grid's task list, who handles a case, and
the service codes by which outside systems name a sub-class."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q

from wangge.catalog.exceptions import NoResponsibleDepartment
from wangge.catalog.models import Category, FallbackOwner, Responsibility, TaskItem
from wangge.core.rows import row_by_key
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.models import PATH_SEPARATOR, Grid
from wangge.people.choices import OrganisationKind
from wangge.people.models import Organisation


@dataclass(frozen=True)
class Routing:
    """The department a case goes to, and whether it got there as the fallback owner (托底):
    then the owner still has to be settled after the case is handled (Jing'an seed 002)."""

    department: Organisation
    fallback: bool


def service_code(category: Category) -> str:
    """A sub-class as outside systems name it (Open311, detection systems): its family and
    national code, e.g. ``event-0101``."""
    return f"{category.family}-{category.code}"


def _service_code_parts(code: str) -> tuple[str, str]:
    family, _sep, number = code.partition("-")
    return family, number


def service_code_q(code: str, field: str = "") -> Q:
    """A Q over the category a service code names, reached through ``field`` ("" for a
    Category queryset, "category" for cases)."""
    family, number = _service_code_parts(code)
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}family": family, f"{prefix}code": number})


def subclass_by_service_code(code: str) -> Category | None:
    """The active sub-class a service code names, or None."""
    family, number = _service_code_parts(code)
    # Looked up for every report: one plain statement, not the query compiler's.
    category = row_by_key(Category, family=family, code=number)
    if category is None or category.parent_id is None or not category.is_active:
        return None
    return category


def task_list_for_grid(grid: Grid) -> list[TaskItem]:
    """The district's base items for the list the grid's kind follows, then the items its town
    added to that list (Minhang seed 000: "规定+自选"), each with its categories."""
    items = (
        TaskItem.objects.filter(grid_kind=GridKind.task_list_kind(grid.kind), is_active=True)
        .filter(Q(town__isnull=True) | _in_town_of(grid, "town"))
        .order_by(F("town_id").asc(nulls_first=True), "position", "pk")
        .prefetch_related("categories")
    )
    return list(items)


def responsible_department(*, category: Category, grid: Grid) -> Routing:
    """Who handles a case of ``category`` found in ``grid``.

    The most specific responsibility row wins: one for the sub-class before one for its main
    class; among rows for the same category, one for a deeper grid before its ancestors', and a
    district-wide row last. The category comes first because a sub-class usually names a
    specialist (a utility for its own manhole covers) that a town's general rule for the main
    class must not override. Without a row, the family's fallback owner takes the case.
    """
    category_ids = [category.pk]
    if category.parent_id is not None:
        category_ids.append(category.parent_id)
    rows = (
        Responsibility.objects.filter(category_id__in=category_ids, department__is_active=True)
        .filter(Q(grid__isnull=True) | Q(grid__code__in=_path_codes(grid)))
        .select_related("department", "grid")
    )

    def specificity(row: Responsibility) -> tuple[int, int]:
        depth = row.grid.path.count(PATH_SEPARATOR) if row.grid is not None else 0
        return (int(row.category_id == category.pk), depth)

    best = max(rows, key=specificity, default=None)
    if best is not None:
        return Routing(department=best.department, fallback=False)
    return _fallback(category=category, grid=grid)


def _fallback(*, category: Category, grid: Grid) -> Routing:
    owner = (
        FallbackOwner.objects.filter(family=category.family).select_related("organisation").first()
    )
    if owner is None:
        raise NoResponsibleDepartment(
            category=category,
            grid=grid,
            reason=f"no responsibility applies and no fallback owner is set for {category.family}",
        )
    if owner.town_centre:
        centre = (
            Organisation.objects.filter(kind=OrganisationKind.TOWN_CENTRE, is_active=True)
            .filter(_in_town_of(grid, "jurisdiction"))
            .order_by("pk")
            .first()
        )
        if centre is None:
            raise NoResponsibleDepartment(
                category=category,
                grid=grid,
                reason="the fallback owner is the town, and the grid's town has no active centre",
            )
        return Routing(department=centre, fallback=True)
    if owner.organisation is None or not owner.organisation.is_active:
        raise NoResponsibleDepartment(
            category=category, grid=grid, reason="the fallback organisation is not active"
        )
    return Routing(department=owner.organisation, fallback=True)


def _path_codes(grid: Grid) -> list[str]:
    """The codes of the grid and its ancestors, read from its path without a query."""
    return [*grid.ancestor_codes, grid.code]


def _in_town_of(grid: Grid, field: str) -> Q:
    """Matches a grid ``field`` that is the town above (or equal to) ``grid``; one join, whatever
    the depth, instead of a query per ancestor."""
    return Q(**{f"{field}__code__in": _path_codes(grid), f"{field}__level": GridLevel.TOWN})


def on_task_list(*, category: Category, grid: Grid) -> bool:
    """Whether the grid's task list (base and town items) covers the sub-class or its main
    class: what its patrols should have found (Minhang seed 000: 以责任倒查评价网格先行发现率)."""
    return (
        TaskItem.objects.filter(grid_kind=GridKind.task_list_kind(grid.kind), is_active=True)
        .filter(Q(town__isnull=True) | _in_town_of(grid, "town"))
        .filter(categories__in=[pk for pk in (category.pk, category.parent_id) if pk])
        .exists()
    )


@dataclass(frozen=True)
class TaskLists:
    """Every active task list, read at once, for callers that ask :func:`on_task_list` of many
    grids: the categories listed, by the list's grid kind and its town (0 for the district's
    base items)."""

    listed: dict[tuple[str, int], frozenset[int]]
    parents: dict[int, int | None]

    def cover(self, *, category_id: int, kind: str, chain: Iterable[int]) -> bool:
        """What :func:`on_task_list` answers for a grid of ``kind`` whose own id and ancestors'
        ids are ``chain``: only a town's id can name a town list, so the whole chain is tried."""
        parent = self.parents.get(category_id)
        wanted = {category_id} if parent is None else {category_id, parent}
        list_kind = GridKind.task_list_kind(kind)
        return any(
            not wanted.isdisjoint(self.listed.get((list_kind, town), ())) for town in (0, *chain)
        )


def task_lists() -> TaskLists:
    """The active task lists and the categories' main classes, for :class:`TaskLists`."""
    listed: dict[tuple[str, int], set[int]] = defaultdict(set)
    items = (
        TaskItem.categories.through.objects.filter(taskitem__is_active=True)
        .filter(Q(taskitem__town__isnull=True) | Q(taskitem__town__level=GridLevel.TOWN))
        .values_list("taskitem__grid_kind", "taskitem__town_id", "category_id")
    )
    for kind, town, category in items:
        listed[(kind, town or 0)].add(category)
    return TaskLists(
        listed={key: frozenset(categories) for key, categories in listed.items()},
        parents=dict(Category.objects.values_list("pk", "parent_id")),
    )
