"""Reads of cases that several callers share."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wangge.cases.models import Case
from wangge.cases.services import actor_for
from wangge.people.scope import access_scope


def cases_visible(user: Any, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The cases a user may see: those their organisation holds or was summoned to, and, for
    people outside the departments, those of their grids. A department sees its own work,
    not everything that happens in its town, whatever role its people hold."""
    queryset = queryset if queryset is not None else Case.objects.all()
    scope = access_scope(user)
    if scope.everything:
        return queryset
    actor = actor_for(user)
    mine = Q(holder_id__in=actor.organisation_ids) | Q(
        whistles__calls__department_id__in=actor.organisation_ids
    )
    if not actor.roles:
        return queryset.none()
    if not actor.works_for_a_department:
        mine |= scope.grid_q("grid")
    return queryset.filter(mine).distinct()


def reporter_visible(case: Case, user: Any) -> bool:
    """A citizen's name and phone are for the centres and the grid, not the departments,
    unless the citizen allowed it."""
    if case.reporter_shares_contact:
        return True
    if access_scope(user).everything:
        return True
    actor = actor_for(user)
    return bool(actor.roles) and not actor.works_for_a_department
