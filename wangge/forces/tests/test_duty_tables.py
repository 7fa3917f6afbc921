"""The rules that keep duty tables answerable: shifts never run at the same moment, and nobody
is put on duty for a body they do not belong to ("1+2+N" workstations and "2+X" joint teams take
members lent by the police and city management: Minhang, 000_5ac562c39a6533b0.txt)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from wangge.catalog.models import Category
from wangge.forces.choices import MemberPart, ShiftDays
from wangge.forces.models import DutyEntry, Shift
from wangge.forces.services import (
    duty_entry_set,
    membership_add,
    on_call_set,
    shift_create,
    shift_update,
)
from wangge.forces.shifts import Times, overlap
from wangge.people.choices import OrganisationKind
from wangge.people.models import Person
from wangge.people.services import organisation_create, person_create
from wangge.people.testing import Cast, error_codes

pytestmark = pytest.mark.django_db


def t(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


@pytest.mark.parametrize(
    ("a", "b", "clash"),
    [
        # Back to back is no clash: one ends as the next begins.
        (Times(t("08:30"), t("17:30"), "working"), Times(t("17:30"), t("08:30"), "every"), False),
        # A working-day and a rest-day shift at the same hours never meet on one day...
        (Times(t("08:30"), t("17:30"), "working"), Times(t("08:30"), t("17:30"), "rest"), False),
        # ...but a night running into a rest day does meet that day's early shift.
        (Times(t("17:30"), t("08:30"), "working"), Times(t("06:00"), t("12:00"), "rest"), True),
        (Times(t("07:00"), t("15:00"), "working"), Times(t("08:30"), t("17:30"), "every"), True),
        # A full day (end equal to start) leaves room for nothing else on its days.
        (Times(t("00:00"), t("00:00"), "rest"), Times(t("17:30"), t("08:30"), "every"), True),
        (Times(t("00:00"), t("00:00"), "rest"), Times(t("08:30"), t("17:30"), "working"), False),
    ],
)
def test_two_shifts_clash_when_some_calendar_runs_both_at_once(
    a: Times, b: Times, clash: bool
) -> None:
    assert overlap(a, b) is clash
    assert overlap(b, a) is clash


def test_a_shift_that_would_run_beside_another_is_refused(shifts: dict[str, Shift]) -> None:
    with pytest.raises(ValidationError) as refused:
        shift_create(name="早班", starts=t("07:00"), ends=t("15:00"), days=ShiftDays.WORKING)
    assert error_codes(refused.value) == {"__all__": {"shift_overlap"}}
    with pytest.raises(ValidationError):
        shift_update(shift=shifts["休息日"], starts=t("06:00"))
    assert not Shift.objects.filter(name="早班").exists()


def test_the_table_names_only_people_of_the_organisation(
    cast: Cast, shifts: dict[str, Shift]
) -> None:
    with pytest.raises(ValidationError) as refused:
        duty_entry_set(
            grid=cast.unit_a,
            organisation=cast.workstation_a,
            shift=shifts["日间"],
            person=cast.mia,
        )
    assert error_codes(refused.value) == {"person": {"not_a_member"}}
    with pytest.raises(ValidationError) as refused:
        on_call_set(organisation=cast.workstation_a, person=cast.mia)
    assert error_codes(refused.value) == {"person": {"not_a_member"}}
    assert not DutyEntry.objects.exists()


def test_an_officer_lent_to_a_workstation_may_be_on_its_table(
    cast: Cast, shifts: dict[str, Shift]
) -> None:
    officer = person_create(name="社区民警", organisation=cast.chengguan_a)
    membership_add(organisation=cast.workstation_a, person=officer, part=MemberPart.ENFORCEMENT)
    entry = duty_entry_set(
        grid=cast.unit_a, organisation=cast.workstation_a, shift=shifts["夜间"], person=officer
    )
    assert entry.person == officer


def test_only_joint_bodies_take_members_and_only_on_their_lender_s_ground(cast: Cast) -> None:
    officer = person_create(name="城管队员", organisation=cast.chengguan_a)
    with pytest.raises(ValidationError) as refused:
        membership_add(organisation=cast.market_a, person=officer, part=MemberPart.OTHER)
    assert error_codes(refused.value) == {"organisation": {"not_a_team"}}
    team_b = organisation_create(
        name="古美路“2+X”联勤队",
        kind=OrganisationKind.JOINT_TEAM,
        jurisdiction=cast.town_b,
        parent=cast.town_b_centre,
    )
    with pytest.raises(ValidationError) as refused:
        membership_add(organisation=team_b, person=officer, part=MemberPart.ENFORCEMENT)
    assert error_codes(refused.value) == {"person": {"outside_home"}}


def test_an_entry_stays_within_the_organisation_s_ground_and_names_a_main_class(
    cast: Cast, shifts: dict[str, Shift]
) -> None:
    person = person_create(name="值班员", organisation=cast.workstation_a)
    with pytest.raises(ValidationError) as refused:
        duty_entry_set(
            grid=cast.town_a, organisation=cast.workstation_a, shift=shifts["日间"], person=person
        )
    assert error_codes(refused.value) == {"grid": {"outside_jurisdiction"}}
    sub_class = Category.objects.get(family="event", code="0501")
    with pytest.raises(ValidationError) as refused:
        duty_entry_set(
            grid=cast.unit_a,
            organisation=cast.workstation_a,
            shift=shifts["日间"],
            person=person,
            main_class=sub_class,
        )
    # A sub-class is not among the choices: tables name main classes.
    assert error_codes(refused.value) == {"main_class": {"invalid"}}


def test_setting_an_entry_again_replaces_its_people(cast: Cast, shifts: dict[str, Shift]) -> None:
    first, second, third = (
        person_create(name=name, organisation=cast.workstation_a) for name in "甲乙丙"
    )

    def entry_set(person: Person, substitutes: list[Person]) -> DutyEntry:
        return duty_entry_set(
            grid=cast.unit_a,
            organisation=cast.workstation_a,
            shift=shifts["日间"],
            person=person,
            substitutes=substitutes,
        )

    entry_set(first, [second, third])
    entry = entry_set(second, [first])
    assert DutyEntry.objects.get() == entry
    assert entry.person == second
    assert [s.person for s in entry.substitutes.all()] == [first]
    with pytest.raises(ValidationError) as refused:
        entry_set(first, [first])
    assert error_codes(refused.value) == {"person": {"person_repeated"}}
