"""Reads of cases that several callers share."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from wangge.cases.models import Case, WhistleCall
from wangge.cases.services import Actor


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
