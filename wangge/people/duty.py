"""Who answers for an organisation at a given moment: the hook routing calls whenever a case
changes hands, so the case names a person and not only an office."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from wangge.grids.models import Grid
from wangge.people.choices import Role
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.scope import current_roles_q


def on_duty(organisation: Organisation | None, grid: Grid, at: datetime.datetime) -> Person | None:
    """The person on duty for ``organisation`` over ``grid`` at ``at``, or None when nobody is
    named and whoever of the organisation takes the case first holds it.

    Until duty rosters say who works which shift on which grid, the one who answers is the
    organisation's duty chief (值班长) for that grid, when exactly one holds the role that day."""
    if organisation is None:
        return None
    day = timezone.localdate(at, timezone=timezone.get_default_timezone())
    codes = [*grid.ancestor_codes, grid.code]
    duties = RoleAssignment.objects.filter(
        current_roles_q(day),
        Q(grid__code__in=codes) | Q(grid__isnull=True),
        role=Role.DUTY_CHIEF,
        person__organisation=organisation,
        person__is_active=True,
    )
    people = list(Person.objects.filter(pk__in=duties.values("person_id"))[:2])
    return people[0] if len(people) == 1 else None
