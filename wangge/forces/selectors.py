"""Reads of the forces that several callers share: the shift under way, who belongs to a body,
the duty gaps and patrols a user may see, and the blocks patrols covered."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from wangge.core.selectors import current_calendar
from wangge.forces.models import DutyGap, Membership, Patrol, PatrolBlock, Shift
from wangge.forces.shifts import Occurrence, Times, holding_at, occurrences
from wangge.grids.models import Grid
from wangge.people.models import Organisation, Person
from wangge.people.scope import AccessScope


def _shifts() -> list[tuple[Shift, Times]]:
    return [(shift, shift.times) for shift in Shift.objects.all()]


def shift_at(at: datetime.datetime) -> Occurrence[Shift] | None:
    """The run of a shift under way at ``at``, or None when no shift covers it."""
    return holding_at(_shifts(), at, current_calendar().is_workday)


def shift_runs(first: datetime.date, last: datetime.date) -> list[Occurrence[Shift]]:
    """The runs of shifts that begin from ``first`` to ``last``, both included."""
    return list(occurrences(_shifts(), first, last, current_calendar().is_workday))


def belonging(organisation: Organisation, person_ids: Iterable[int]) -> set[int]:
    """Those of ``person_ids`` who belong to ``organisation``: active, and employed by it or
    serving in it as members."""
    ids = list(person_ids)
    members = Membership.objects.filter(organisation=organisation, person_id__in=ids)
    return set(
        Person.objects.filter(pk__in=ids, is_active=True)
        .filter(Q(organisation=organisation) | Q(pk__in=members.values("person_id")))
        .values_list("pk", flat=True)
    )


def person_belongs(person: Person, organisation: Organisation) -> bool:
    """Whether ``person`` belongs to ``organisation`` (see :func:`belonging`)."""
    return bool(belonging(organisation, [person.pk]))


def gaps_visible(scope: AccessScope) -> QuerySet[DutyGap]:
    """The duty gaps in the grids ``scope`` reaches, newest first."""
    gaps = DutyGap.objects.select_related("case", "organisation", "grid", "shift", "person")
    return gaps.filter(scope.grid_q("grid")).order_by("-at")


def patrols_visible(scope: AccessScope) -> QuerySet[Patrol]:
    """The patrols in the grids ``scope`` reaches, newest first."""
    patrols = Patrol.objects.select_related("person__organisation", "grid")
    return patrols.filter(scope.grid_q("grid")).order_by("-started_at")


def patrols_now(scope: AccessScope) -> QuerySet[Patrol]:
    """Who is patrolling where now: the patrols under way in the grids ``scope`` reaches, with
    their last point, the most recently heard from first."""
    active = patrols_visible(scope).filter(ended_at__isnull=True)
    return active.order_by("-last_at", "-started_at")


def blocks_covered(day: datetime.date, within: Grid | None = None) -> QuerySet[Grid]:
    """The blocks some patrol passed through on ``day``, under ``within`` if given."""
    passed = PatrolBlock.objects.filter(day=day)
    blocks = Grid.objects.filter(pk__in=passed.values("grid_id"))
    if within is not None:
        blocks = blocks.filter(path__startswith=within.path)
    return blocks.order_by("path")
