"""Writes to shifts, joint bodies, duty tables, on-call people, checkpoints and duty gaps. The
admin and the roster import call these, so the rules (no two shifts at once, nobody on a table of
a body they do not belong to) hold whichever door a change comes through."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape

from wangge.catalog.models import Category
from wangge.forces.geo import distance_to
from wangge.forces.models import (
    Checkpoint,
    DutyEntry,
    DutyGap,
    DutySubstitute,
    Membership,
    OnCall,
    Shift,
)
from wangge.forces.selectors import belonging
from wangge.forces.shifts import STANDARD_SHIFTS, overlap
from wangge.grids.models import Grid
from wangge.people.choices import OrganisationKind
from wangge.people.models import Organisation, Person

TEAM_KINDS = frozenset(
    {OrganisationKind.WORKSTATION, OrganisationKind.COMMITTEE, OrganisationKind.JOINT_TEAM}
)
"""The bodies people serve in without being employed there: "1+2+N" unit workstations (hosted by
a committee or a workstation of their own) and "2+X" joint patrol teams (Minhang seed 000)."""


def _refuse(field: str | None, message: Any, code: str, **params: Any) -> ValidationError:
    error = ValidationError(message, code=code, params=params or None)
    return ValidationError({field: error}) if field else error


# Shifts


def shift_validate(shift: Shift) -> None:
    """Refuse a shift that could run at the same moment as another: then a moment would have two
    duty tables and nobody could say who is on duty."""
    others = Shift.objects.exclude(pk=shift.pk) if shift.pk else Shift.objects.all()
    for other in others:
        if overlap(shift.times, other.times):
            raise _refuse(
                None,
                _("%(shift)s would run at the same time as %(other)s."),
                "shift_overlap",
                shift=shift.name,
                other=other,
            )


@transaction.atomic
def shift_create(*, name: str, starts: datetime.time, ends: datetime.time, days: str) -> Shift:
    shift = Shift(name=name, starts=starts, ends=ends, days=days)
    shift.full_clean()
    shift_validate(shift)
    shift.save()
    return shift


@transaction.atomic
def shift_update(*, shift: Shift, **changes: Any) -> Shift:
    for name, value in changes.items():
        setattr(shift, name, value)
    shift.full_clean()
    shift_validate(shift)
    shift.save()
    return shift


def shifts_standard() -> list[Shift]:
    """The standard shifts (``shifts.STANDARD_SHIFTS``), made where missing."""
    existing = {shift.name: shift for shift in Shift.objects.all()}
    return [
        existing.get(name) or shift_create(name=name, starts=starts, ends=ends, days=days)
        for name, starts, ends, days in STANDARD_SHIFTS
    ]


# Joint bodies


def membership_validate(membership: Membership) -> None:
    """A member serves in a workstation, committee or joint team, on ground their own
    organisation answers for (a town's police station lends an officer to a unit of its town)."""
    organisation, person = membership.organisation, membership.person
    if organisation.kind not in TEAM_KINDS:
        raise _refuse(
            "organisation",
            _("Only workstations, committees and joint teams have members."),
            "not_a_team",
        )
    if not person.is_active:
        raise _refuse("person", _("%(person)s is not active."), "person_inactive", person=person)
    if person.organisation_id == organisation.pk:
        raise _refuse(
            "person",
            _("%(person)s already works for %(organisation)s."),
            "employed_there",
            person=person,
            organisation=organisation,
        )
    home = person.organisation.jurisdiction
    if not organisation.jurisdiction.path.startswith(home.path):
        raise _refuse(
            "person",
            _("%(organisation)s works outside the ground of %(home)s, where %(person)s works."),
            "outside_home",
            organisation=organisation,
            home=person.organisation,
            person=person,
        )


@transaction.atomic
def membership_add(*, organisation: Organisation, person: Person, part: str) -> Membership:
    """Make ``person`` a member of ``organisation`` (or change their part in it)."""
    membership = Membership.objects.filter(
        organisation=organisation, person=person
    ).first() or Membership(organisation=organisation, person=person)
    membership.part = part
    membership.full_clean(validate_constraints=False)
    membership_validate(membership)
    membership.save()
    return membership


# Duty tables


def duty_entry_validate(entry: DutyEntry, substitutes: Sequence[Person] = ()) -> None:
    """Check an entry and its substitutes before they are saved; ValidationError names the field
    at fault."""
    organisation = entry.organisation
    if not entry.grid.path.startswith(organisation.jurisdiction.path):
        raise _refuse(
            "grid",
            _("%(grid)s lies outside the jurisdiction of %(organisation)s."),
            "outside_jurisdiction",
            grid=entry.grid,
            organisation=organisation,
        )
    main_class = entry.main_class
    if main_class is not None and entry.family != main_class.family:
        raise _refuse(
            "main_class",
            _("%(category)s is not of the family chosen."),
            "family_mismatch",
            category=main_class,
        )
    people = [entry.person, *substitutes]
    if len({person.pk for person in people}) != len(people):
        raise _refuse("person", _("Someone is named twice on one entry."), "person_repeated")
    belong = belonging(organisation, [person.pk for person in people])
    for person in people:
        if person.pk not in belong:
            raise _refuse(
                "person",
                _("%(person)s does not belong to %(organisation)s."),
                "not_a_member",
                person=person,
                organisation=organisation,
            )


@transaction.atomic
def duty_entry_set(
    *,
    grid: Grid,
    organisation: Organisation,
    shift: Shift,
    person: Person,
    substitutes: Sequence[Person] = (),
    family: str = "",
    main_class: Category | None = None,
) -> DutyEntry:
    """Put ``person`` (and ``substitutes``, in order) on duty for ``organisation`` over ``grid``
    during ``shift`` for every kind of case, a ``family``, or a ``main_class``: the entry for
    that grid, shift and kind is made, or its people replaced."""
    if main_class is not None and not family:
        family = main_class.family
    entry = DutyEntry.objects.filter(
        grid=grid, organisation=organisation, shift=shift, family=family, main_class=main_class
    ).first() or DutyEntry(
        grid=grid, organisation=organisation, shift=shift, family=family, main_class=main_class
    )
    entry.person = person
    entry.full_clean(validate_constraints=False)
    duty_entry_validate(entry, substitutes)
    entry.save()
    _substitutes_write(entry, substitutes)
    return entry


@transaction.atomic
def duty_entry_update(*, entry: DutyEntry, **changes: Any) -> DutyEntry:
    """Change an entry's grid, shift, kind or person. Its substitutes are set apart, with
    :func:`duty_substitutes_set`, as the admin does right after."""
    for name, value in changes.items():
        setattr(entry, name, value)
    if entry.main_class is not None and not entry.family:
        entry.family = entry.main_class.family
    entry.full_clean(validate_constraints=False)
    duty_entry_validate(entry)
    entry.save()
    return entry


@transaction.atomic
def duty_substitutes_set(*, entry: DutyEntry, substitutes: Sequence[Person]) -> None:
    """Replace the entry's substitutes by ``substitutes``, in that order."""
    duty_entry_validate(entry, substitutes)
    _substitutes_write(entry, substitutes)


def _substitutes_write(entry: DutyEntry, substitutes: Sequence[Person]) -> None:
    entry.substitutes.all().delete()
    DutySubstitute.objects.bulk_create(
        DutySubstitute(entry=entry, person=person, position=position)
        for position, person in enumerate(substitutes, start=1)
    )


def on_call_validate(on_call: OnCall) -> None:
    if not belonging(on_call.organisation, [on_call.person_id]):
        raise _refuse(
            "person",
            _("%(person)s does not belong to %(organisation)s."),
            "not_a_member",
            person=on_call.person,
            organisation=on_call.organisation,
        )


@transaction.atomic
def on_call_set(*, organisation: Organisation, person: Person) -> OnCall:
    """Make ``person`` the one who answers for ``organisation`` when its table names nobody."""
    on_call = OnCall.objects.filter(organisation=organisation).first() or OnCall(
        organisation=organisation
    )
    on_call.person = person
    on_call_validate(on_call)
    on_call.save()
    return on_call


def checkpoint_validate(checkpoint: Checkpoint) -> None:
    """A checkpoint stands inside its grid."""
    if distance_to(shape(checkpoint.grid.geometry), checkpoint.lng, checkpoint.lat) > 0:
        raise _refuse(
            "lng",
            _("The point lies outside %(grid)s."),
            "outside_grid",
            grid=checkpoint.grid,
        )


@transaction.atomic
def duty_gap_acknowledge(*, gap: DutyGap, user: AbstractBaseUser) -> DutyGap:
    """The centre has seen the gap (and is filling the table); acknowledging twice keeps the
    first."""
    DutyGap.objects.filter(pk=gap.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=user
    )
    gap.refresh_from_db()
    return gap
