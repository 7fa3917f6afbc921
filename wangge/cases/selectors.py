"""Reads of cases that several callers share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from wangge.cases.choices import Light
from wangge.cases.models import Case, WhistleCall
from wangge.cases.services import DEPARTMENT_KINDS, Actor
from wangge.cases.workflow import OPEN, TABLE, Action, Status
from wangge.catalog.models import Category
from wangge.grids.models import Grid
from wangge.people.models import Organisation


def cases_visible(actor: Actor, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The cases an actor may see: those their organisation holds or was summoned to, and, for
    people outside the departments, those of their grids. A department sees its own work,
    not everything that happens in its town, whatever role its people hold."""
    queryset = queryset if queryset is not None else Case.objects.all()
    if actor.scope.everything:
        return queryset
    if not actor.roles:
        return queryset.none()
    summoned = WhistleCall.objects.filter(
        whistle__case=OuterRef("pk"), department_id__in=actor.organisation_ids
    )
    mine = Q(holder_id__in=actor.organisation_ids) | Q(Exists(summoned))
    if not actor.works_for_a_department:
        mine |= actor.scope.grid_q("grid")
    return queryset.filter(mine)


def reporter_visible(case: Case, actor: Actor) -> bool:
    """A citizen's name and phone are for the centres and the grid, not the departments,
    unless the citizen allowed it."""
    if case.reporter_shares_contact or actor.scope.everything:
        return True
    return bool(actor.roles) and not actor.works_for_a_department


# The command centre's reads: the cases matching a dispatcher's filters, their counters, and
# the lights by grid for a map too full for one marker a case.

DISPATCHABLE = frozenset(row.source for row in TABLE if row.action == Action.DISPATCH)
"""The statuses a case is dispatched from (the workflow's table says which)."""


@dataclass(frozen=True)
class CaseFilter:
    """What a dispatcher narrows the cases down to; empty fields do not narrow. Without
    statuses only open cases match; ``department`` matches the cases it or its offices hold."""

    grid: Grid | None = None
    category: Category | None = None
    channel: str = ""
    statuses: frozenset[str] = frozenset()
    light: str = ""
    urgent: bool = False
    department: Organisation | None = None
    since: datetime.datetime | None = None


def cases_matching(
    actor: Actor, case_filter: CaseFilter, *, by_status: bool = True
) -> QuerySet[Case]:
    """The cases ``actor`` may see that match ``case_filter``; with ``by_status`` off, the open
    cases matching its other fields whatever their status, light and urgency (what the
    counters count)."""
    f = case_filter
    queryset = Case.objects.all()
    queryset = queryset.filter(status__in=sorted(f.statuses if by_status and f.statuses else OPEN))
    if by_status and f.light:
        queryset = queryset.filter(light=f.light)
    if by_status and f.urgent:
        queryset = queryset.filter(urgent=True)
    if f.grid is not None:
        # The subtree's ids rather than a prefix of its path: the database then reaches the
        # cases by their grid's index instead of reading every case of the user's scope.
        subtree = Grid.objects.filter(path__startswith=f.grid.path).values_list("pk", flat=True)
        queryset = queryset.filter(grid_id__in=list(subtree))
    if f.category is not None:
        queryset = queryset.filter(Q(category=f.category) | Q(category__parent=f.category))
    if f.channel:
        queryset = queryset.filter(channel=f.channel)
    if f.department is not None:
        queryset = queryset.filter(holder_id__in=_organisation_and_below(f.department))
    if f.since is not None:
        queryset = queryset.filter(reported_at__gte=f.since)
    return cases_visible(actor, queryset)


def _organisation_and_below(organisation: Organisation) -> set[int]:
    """The organisation and every one under it (a department and its town offices)."""
    found = {organisation.pk}
    level = [organisation.pk]
    while level:
        level = [
            pk
            for pk in Organisation.objects.filter(parent_id__in=level).values_list("pk", flat=True)
            if pk not in found
        ]
        found.update(level)
    return found


@dataclass(frozen=True)
class CaseCounters:
    """The open cases of a scope by what a centre watches."""

    open: int
    red: int
    yellow: int
    urgent: int
    to_register: int
    to_dispatch: int


def case_counters(queryset: QuerySet[Case]) -> CaseCounters:
    """Counts of the cases in ``queryset`` (open ones, as ``cases_matching`` gives without
    ``by_status``), in one pass."""
    counts = queryset.order_by().aggregate(
        open=Count("pk"),
        red=Count("pk", filter=Q(light=Light.RED)),
        yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        urgent=Count("pk", filter=Q(urgent=True)),
        to_register=Count("pk", filter=Q(status=Status.REPORTED)),
        to_dispatch=Count("pk", filter=Q(status__in=sorted(DISPATCHABLE))),
    )
    return CaseCounters(**counts)


def case_lights_by_grid(queryset: QuerySet[Case]) -> dict[int, dict[str, int]]:
    """How many of the cases in ``queryset`` each grid holds, by light (lights without a case
    left out)."""
    # Grouped by the grid alone, the order of the grid's index: no sorting of the cases.
    counts = {light: Count("pk", filter=Q(light=light)) for light in Light.values}
    rows = queryset.order_by().values_list("grid_id").annotate(**counts)
    return {
        row[0]: {light: n for light, n in zip(counts, row[1:], strict=True) if n} for row in rows
    }


def departments_serving(actor: Actor) -> QuerySet[Organisation]:
    """The active departments, their town offices and utilities whose jurisdiction covers the
    actor's grids or lies within them: where the actor's cases may be dispatched."""
    queryset = Organisation.objects.filter(kind__in=sorted(DEPARTMENT_KINDS), is_active=True)
    if actor.scope.everything:
        return queryset
    codes = {code for path in actor.scope.grid_paths for code in path.strip("/").split("/")}
    serving = Q(jurisdiction__code__in=sorted(codes))
    for path in sorted(actor.scope.grid_paths):
        serving |= Q(jurisdiction__path__startswith=path)
    return queryset.filter(serving)
