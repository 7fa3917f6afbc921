"""Reads of cases that several callers share."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from wangge.cases.choices import Light
from wangge.cases.models import Case, WhistleCall
from wangge.cases.services import DEPARTMENT_KINDS, Actor
from wangge.cases.workflow import (
    CENTRE,
    GRID_CHIEFS,
    GRID_FORCES,
    HANDLERS,
    ON_THE_CLOCK,
    OPEN,
    REMARKS,
    TABLE,
    VERIFIERS,
    Action,
    Remark,
    Status,
)
from wangge.catalog.models import Category
from wangge.grids.models import PATH_SEPARATOR, Grid
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


def departments_serving(grid: Grid) -> QuerySet[Organisation]:
    """The departments, their town offices and utilities that serve ``grid``: where a case there
    may be dispatched, whom a whistle there may summon. Ask it of a case the user may see; a
    grid chief's scope reaches no department, yet the chief summons those serving the grid."""
    serving = Organisation.objects.filter(
        kind__in=DEPARTMENT_KINDS,
        is_active=True,
        jurisdiction__code__in=[*grid.ancestor_codes, grid.code],
    )
    # The nearest first: a town's own office before the district department above it.
    return serving.order_by("-jurisdiction__level", "name")


class Queue(enum.StrEnum):
    """The work waiting for someone, by what they do: the sections of an inbox."""

    TO_REGISTER = "to_register"  # centres: reports to register, reject or merge
    TO_DISPATCH = "to_dispatch"  # centres: registered, waiting for a department
    RETURNED = "returned"  # centres: a department sent it back (退单)
    TO_ACCEPT = "to_accept"  # departments: dispatched to them
    IN_HANDLING = "in_handling"  # departments: accepted, on site
    REWORK = "rework"  # departments: handled once, sent back by the verifier (返工)
    SELF_GOVERNANCE = "self_governance"  # the grid's own (前端自治)
    ESCALATED = "escalated"  # grid chiefs: climbed the ladder in their grids
    TO_VERIFY = "to_verify"  # verifiers: handled by someone else, to check and close


def _holds(actor: Actor) -> Q:
    return Q(holder_id__in=actor.organisation_ids)


def work_queues(actor: Actor) -> dict[Queue, QuerySet[Case]]:
    """The queues that the actor's roles give them, each its cases (scoped, most pressing
    first: the nearest deadline, then the oldest report)."""
    roles = actor.roles
    handling = [Status.ACCEPTED, Status.ON_SITE]
    wanted: dict[Queue, Q] = {}
    if roles & CENTRE:
        wanted[Queue.TO_REGISTER] = Q(status=Status.REPORTED)
        wanted[Queue.TO_DISPATCH] = Q(status=Status.REGISTERED)
        wanted[Queue.RETURNED] = Q(status=Status.RETURNED)
    if roles & HANDLERS or actor.works_for_a_department:
        wanted[Queue.TO_ACCEPT] = _holds(actor) & Q(status=Status.DISPATCHED)
        # A handled case that is being handled again came back from its verifier.
        wanted[Queue.REWORK] = _holds(actor) & Q(status__in=handling, handled_at__isnull=False)
        wanted[Queue.IN_HANDLING] = _holds(actor) & Q(status__in=handling, handled_at__isnull=True)
    if roles & (GRID_CHIEFS | GRID_FORCES):
        wanted[Queue.SELF_GOVERNANCE] = Q(status=Status.SELF_GOVERNANCE)
    if roles & GRID_CHIEFS:
        wanted[Queue.ESCALATED] = Q(status__in=ON_THE_CLOCK, escalation_level__gt=0)
    if roles & VERIFIERS:
        # Nobody verifies their own work: the handler's cases are someone else's to check.
        wanted[Queue.TO_VERIFY] = Q(status=Status.HANDLED) & ~Q(handler_id=actor.user.pk)
    visible = cases_visible(actor)
    order = (F("clock_due").asc(nulls_last=True), "reported_at")
    return {queue: visible.filter(q).order_by(*order) for queue, q in wanted.items()}


def whistle_calls_to_answer(actor: Actor) -> QuerySet[WhistleCall]:
    """Summons of the actor's departments that still wait for an answer (一键响应), the most
    pressing first; late ones stay until answered."""
    if not (actor.roles & REMARKS[Remark.RESPOND].roles):
        return WhistleCall.objects.none()
    return WhistleCall.objects.filter(
        department_id__in=actor.organisation_ids,
        responded_at__isnull=True,
        whistle__case__status__in=REMARKS[Remark.RESPOND].statuses,
    ).order_by("whistle__respond_by", "pk")


def whistle_calls_to_rate(actor: Actor) -> QuerySet[WhistleCall]:
    """Departments the actor's organisation summoned to cases since closed, not yet rated
    (一键评价)."""
    if not (actor.roles & REMARKS[Remark.RATE].roles):
        return WhistleCall.objects.none()
    return WhistleCall.objects.filter(
        whistle__organisation_id__in=actor.organisation_ids,
        whistle__case__in=cases_visible(actor),
        whistle__case__status__in=REMARKS[Remark.RATE].statuses,
        rating__isnull=True,
    ).order_by("whistle__case__closed_at", "pk")


# An overview of the cases in a scope, for the leader view. The KPI module will compute the
# indicators themselves (rates, targets, rankings by score); these are plain counts over the
# cases table, each one query whatever the number of cases.

OPEN_STATUSES = sorted(status.value for status in OPEN)


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` by the deployment's calendar (Asia/Shanghai)."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )


@dataclass(frozen=True)
class PeriodCounts:
    """Cases reported in a period (of them proactively found and urgent), and cases closed."""

    reported: int
    proactive: int
    urgent: int
    closed: int


@dataclass(frozen=True)
class OpenCounts:
    """Cases open now, by light."""

    open: int
    red: int
    yellow: int
    urgent: int


@dataclass(frozen=True)
class DayCounts:
    day: datetime.date
    reported: int
    closed: int


@dataclass(frozen=True)
class OpenTally:
    """Open and overdue cases of one grid or one organisation."""

    name: str
    code: str
    open: int
    red: int


def period_counts(
    cases: QuerySet[Case], *, start: datetime.datetime, end: datetime.datetime
) -> PeriodCounts:
    """Counts of ``cases`` in [start, end)."""
    reported = cases.filter(reported_at__gte=start, reported_at__lt=end).aggregate(
        reported=Count("pk"),
        proactive=Count("pk", filter=Q(proactive=True)),
        urgent=Count("pk", filter=Q(urgent=True)),
    )
    closed = cases.filter(closed_at__gte=start, closed_at__lt=end).count()
    return PeriodCounts(closed=closed, **reported)


def open_counts(cases: QuerySet[Case]) -> OpenCounts:
    counts = cases.filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("pk"),
        red=Count("pk", filter=Q(light=Light.RED)),
        yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        urgent=Count("pk", filter=Q(urgent=True)),
    )
    return OpenCounts(**counts)


def daily_counts(
    cases: QuerySet[Case], *, start: datetime.date, end: datetime.date
) -> list[DayCounts]:
    """Cases reported and closed on each day from ``start`` to ``end`` inclusive, by the
    deployment's calendar (a case reported at 23:30 in Shanghai counts on that day)."""
    zone = timezone.get_default_timezone()
    since, until = day_start(start), day_start(end + datetime.timedelta(days=1))

    def per_day(field: str) -> dict[datetime.date, int]:
        rows = (
            cases.filter(**{f"{field}__gte": since, f"{field}__lt": until})
            .annotate(day=TruncDate(field, tzinfo=zone))
            .order_by()
            .values("day")
            .annotate(n=Count("pk"))
        )
        return {row["day"]: row["n"] for row in rows}

    reported, closed = per_day("reported_at"), per_day("closed_at")
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return [DayCounts(day, reported.get(day, 0), closed.get(day, 0)) for day in days]


def open_by_grid(cases: QuerySet[Case], *, levels: Iterable[int]) -> dict[int, list[OpenTally]]:
    """Open and overdue cases per grid of each of ``levels`` (a case counts for the grid of
    that level above the grid it lies in), most overdue first. Three queries whatever the
    levels: the counts per case grid, those grids' paths, the names of the grids counted."""
    rows = (
        cases.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("grid_id")
        .annotate(open=Count("pk"), red=Count("pk", filter=Q(light=Light.RED)))
    )
    by_grid = {row["grid_id"]: (row["open"], row["red"]) for row in rows}
    paths = Grid.objects.filter(pk__in=list(by_grid)).order_by().values_list("pk", "path")
    totals: dict[int, dict[str, list[int]]] = {level: {} for level in levels}
    for pk, path in paths:
        # The path holds one code per level from the district down.
        codes = path.rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        for level, tallies in totals.items():
            if len(codes) >= level:  # else the case lies on a grid above that level
                tally = tallies.setdefault(codes[level - 1], [0, 0])
                tally[0] += by_grid[pk][0]
                tally[1] += by_grid[pk][1]
    counted = [code for tallies in totals.values() for code in tallies]
    names = dict(Grid.objects.filter(code__in=counted).order_by().values_list("code", "name"))
    return {
        level: sorted(
            (
                OpenTally(names[code], code, n_open, n_red)
                for code, (n_open, n_red) in tallies.items()
            ),
            key=lambda t: (-t.red, -t.open, t.code),
        )
        for level, tallies in totals.items()
    }


def open_by_holder(cases: QuerySet[Case], *, kinds: Iterable[str]) -> list[OpenTally]:
    """Open and overdue cases per holding organisation of ``kinds``, most overdue first."""
    rows = (
        cases.filter(status__in=OPEN_STATUSES, holder__kind__in=list(kinds))
        .order_by()
        .values("holder_id", "holder__name")
        .annotate(open=Count("pk"), red=Count("pk", filter=Q(light=Light.RED)))
    )
    return sorted(
        (
            OpenTally(row["holder__name"], str(row["holder_id"]), row["open"], row["red"])
            for row in rows
        ),
        key=lambda t: (-t.red, -t.open, t.name),
    )


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


def departments_reaching(actor: Actor) -> QuerySet[Organisation]:
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
