"""Reads of cases that several callers share."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wangge.cases.models import Case
from wangge.cases.services import actor_for
from wangge.cases.workflow import HANDLERS
from wangge.people.scope import access_scope


def cases_visible(user: Any, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The cases a user may see: those of their grids, and those their organisation holds or
    was summoned to. People who only handle for a department see the latter alone — a
    department sees its own work, not everything that happens in its town."""
    queryset = queryset if queryset is not None else Case.objects.all()
    scope = access_scope(user)
    if scope.everything:
        return queryset
    actor = actor_for(user)
    mine = Q(holder_id__in=actor.organisation_ids) | Q(
        whistles__calls__department_id__in=actor.organisation_ids
    )
    if actor.roles - HANDLERS:
        mine |= scope.grid_q("grid")
    elif not actor.roles:
        return queryset.none()
    return queryset.filter(mine).distinct()


def reporter_visible(case: Case, user: Any) -> bool:
    """A citizen's name and phone are for the centres and the grid, not the departments,
    unless the citizen allowed it."""
    if case.reporter_shares_contact:
        return True
    actor = actor_for(user)
    return bool(actor.roles - HANDLERS) or access_scope(user).everything
