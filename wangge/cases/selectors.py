"""Reads of cases that several callers share."""

from __future__ import annotations

import enum

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from wangge.cases.models import Case, WhistleCall
from wangge.cases.services import DEPARTMENT_KINDS, Actor
from wangge.cases.workflow import (
    CENTRE,
    GRID_CHIEFS,
    GRID_FORCES,
    HANDLERS,
    ON_THE_CLOCK,
    REMARKS,
    VERIFIERS,
    Remark,
    Status,
)
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
