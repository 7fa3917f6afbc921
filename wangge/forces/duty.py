"""Who answers for an organisation at a given moment: the hook the case services call whenever a
case changes hands, so that the case names a person and not only an office (DESIGN: day and
night rosters decide who is on duty, 7×24).

The answer comes from the organisation's duty table for the case's grid and the shift under way:
the most specific entry for the case's kind whose person, or else one of its substitutes in order,
is available (active, still belonging to the organisation, not checked out of this shift). When
the table names nobody, the organisation's on-call person takes the case (Yingpu seed 003: 8 小时
之外七大部门安排工作人员备勤) and the gap is recorded for the centre. An organisation that keeps
no duty table at all (no entry, no on-call person) is answered for by its duty chief (值班长) of
the day, as before rosters existed, and nothing is flagged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from django.utils import timezone

from wangge.catalog.models import Category
from wangge.forces.choices import GapReason
from wangge.forces.models import Attendance, DutyEntry, DutyGap, DutySubstitute, OnCall, Shift
from wangge.forces.selectors import belonging, shift_at
from wangge.forces.shifts import Occurrence
from wangge.grids.models import Grid
from wangge.people.choices import Role
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.scope import current_roles_q

if TYPE_CHECKING:
    # Only the type: the case engine calls down into this module, never the other way.
    from wangge.cases.models import Case


@dataclass(frozen=True)
class DutyAnswer:
    """Who answers, by which entry and in which run of a shift; ``gap`` says why the table named
    nobody (then ``person`` is the on-call person, if any)."""

    person: Person | None
    entry: DutyEntry | None = None
    run: Occurrence[Shift] | None = None
    gap: GapReason | None = None


def on_duty(
    organisation: Organisation | None,
    grid: Grid,
    at: datetime.datetime,
    *,
    case: Case | None = None,
) -> Person | None:
    """The person on duty for ``organisation`` over ``grid`` at ``at``, or None when nobody is
    named and whoever of the organisation takes the case first holds it.

    With ``case``, the case changing hands: its category chooses the entry, and a gap is
    recorded against it in the caller's transaction."""
    if organisation is None:
        return None
    answer = duty_answer(
        organisation=organisation,
        grid=grid,
        at=at,
        category=case.category if case is not None else None,
    )
    if answer.gap is not None and case is not None:
        DutyGap.objects.create(
            case_id=case.pk,
            organisation=organisation,
            grid=grid,
            at=at,
            shift=answer.run.shift if answer.run else None,
            reason=answer.gap,
            person=answer.person,
        )
    return answer.person


def duty_answer(
    *,
    organisation: Organisation,
    grid: Grid,
    at: datetime.datetime,
    category: Category | None = None,
) -> DutyAnswer:
    """Who of ``organisation`` answers for a case of ``category`` (any kind if None) in ``grid``
    at ``at``; nothing is written."""
    codes = [*grid.ancestor_codes, grid.code]
    run = shift_at(at)
    entries: list[DutyEntry] = []
    if run is not None:
        substitutes = DutySubstitute.objects.select_related("person").order_by("position")
        entries = sorted(
            DutyEntry.objects.filter(
                organisation=organisation, shift=run.shift, grid__code__in=codes
            )
            .filter(_kind_q(category))
            .select_related("grid", "person")
            .prefetch_related(Prefetch("substitutes", queryset=substitutes)),
            key=_specificity,
            reverse=True,
        )
    if not entries and not _keeps_a_table(organisation):
        return DutyAnswer(person=_duty_chief(organisation, codes, at))
    if run is None:
        return _gap(organisation, run, GapReason.NO_SHIFT)
    if not entries:
        return _gap(organisation, run, GapReason.NO_ENTRY)
    candidates = [
        (entry, person)
        for entry in entries
        for person in [entry.person, *(s.person for s in entry.substitutes.all())]
    ]
    present = _available(organisation, [person for _entry, person in candidates], run, at)
    for entry, person in candidates:
        if person.pk in present:
            return DutyAnswer(person=person, entry=entry, run=run)
    return _gap(organisation, run, GapReason.UNAVAILABLE)


def _gap(
    organisation: Organisation, run: Occurrence[Shift] | None, reason: GapReason
) -> DutyAnswer:
    """The table names nobody: the on-call person answers, if there is one who still belongs."""
    return DutyAnswer(person=_on_call(organisation), run=run, gap=reason)


def _kind_q(category: Category | None) -> Q:
    """Entries for every kind, and for the category's family and main class if there is one."""
    every = Q(family="", main_class__isnull=True)
    if category is None:
        return every
    main_class_id = category.parent_id or category.pk
    return (
        every | Q(family=category.family, main_class__isnull=True) | Q(main_class_id=main_class_id)
    )


def _specificity(entry: DutyEntry) -> tuple[int, int]:
    kind = 2 if entry.main_class_id is not None else 1 if entry.family else 0
    return kind, entry.grid.level


def _available(
    organisation: Organisation,
    people: list[Person],
    run: Occurrence[Shift],
    at: datetime.datetime,
) -> set[int]:
    ids = {person.pk for person in people}
    # Someone who has checked out of this run has gone home: the next in line answers.
    gone = Attendance.objects.filter(
        person_id__in=ids, shift=run.shift, day=run.day, checked_out_at__lte=at
    ).values_list("person_id", flat=True)
    return belonging(organisation, ids) - set(gone)


def _keeps_a_table(organisation: Organisation) -> bool:
    return (
        DutyEntry.objects.filter(organisation=organisation).exists()
        or OnCall.objects.filter(organisation=organisation).exists()
    )


def _on_call(organisation: Organisation) -> Person | None:
    on_call = OnCall.objects.filter(organisation=organisation).select_related("person").first()
    if on_call is None or not belonging(organisation, [on_call.person_id]):
        return None
    return on_call.person


def _duty_chief(
    organisation: Organisation, codes: list[str], at: datetime.datetime
) -> Person | None:
    """The organisation's duty chief (值班长) for the grid that day, when exactly one holds the
    role."""
    day = timezone.localdate(at, timezone=timezone.get_default_timezone())
    duties = RoleAssignment.objects.filter(
        current_roles_q(day),
        Q(grid__code__in=codes) | Q(grid__isnull=True),
        role=Role.DUTY_CHIEF,
        person__organisation=organisation,
        person__is_active=True,
    )
    people = list(Person.objects.filter(pk__in=duties.values("person_id"))[:2])
    return people[0] if len(people) == 1 else None
