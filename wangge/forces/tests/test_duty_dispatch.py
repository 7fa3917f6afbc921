"""A case changing hands goes to whoever the duty table puts on duty for its grid, shift and
kind (Yingpu, 003_7ab3c9b0f83cb58d.txt: 8 小时之内按日常巡查模式正常运转。8 小时之外结合非警务流转
运转模式…小区由物业和社保队员负责); when the table names nobody, to the on-call person (备勤), and
the centre is told."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from wangge.cases.models import Case
from wangge.cases.services import CaseConflict, actor_for, case_act
from wangge.cases.testing import in_enforcement, submit_in_town_a
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.core.testing import beijing
from wangge.forces.choices import GapReason
from wangge.forces.models import Attendance, DutyGap, Shift
from wangge.forces.services import duty_entry_set, on_call_set
from wangge.people.models import Person
from wangge.people.services import person_create
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db

TUESDAY = datetime.date(2025, 6, 10)
SATURDAY = datetime.date(2025, 6, 14)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return beijing(day.year, day.month, day.day, hour, minute)


def registered(cast: Cast, category: Category, when: datetime.datetime) -> Case:
    """A patrol find in town A's residential unit, registered at ``when``: it goes to the unit's
    workstation to self-govern first."""
    with time_machine.travel(when, tick=False):
        case = submit_in_town_a(cast, category)
        return case_act(
            case=case, action=Action.REGISTER, actor=actor_for(cast.alice), version=case.version
        )


@pytest.fixture
def day_and_night(cast: Cast, shifts: dict[str, Shift]) -> tuple[Person, Person]:
    """The workstation's day person, and the property guard who has the unit at night."""
    day = person_create(name="日间值守员", organisation=cast.workstation_a)
    night = person_create(name="物业夜班保安", organisation=cast.workstation_a)
    for shift, person in ((shifts["日间"], day), (shifts["夜间"], night)):
        duty_entry_set(
            grid=cast.unit_a, organisation=cast.workstation_a, shift=shift, person=person
        )
    return day, night


def test_a_case_at_ten_and_one_at_eleven_at_night_go_to_the_day_and_the_night_person(
    cast: Cast, street_vending: Category, day_and_night: tuple[Person, Person]
) -> None:
    day, night = day_and_night
    morning = registered(cast, street_vending, at(TUESDAY, 10))
    evening = registered(cast, street_vending, at(TUESDAY, 23))
    assert morning.grid == evening.grid
    assert (morning.holder, morning.holder_person) == (cast.workstation_a, day)
    assert (evening.holder, evening.holder_person) == (cast.workstation_a, night)
    assert not DutyGap.objects.exists()


def test_a_night_shift_still_holds_after_midnight(
    cast: Cast, street_vending: Category, day_and_night: tuple[Person, Person]
) -> None:
    _day, night = day_and_night
    case = registered(cast, street_vending, at(TUESDAY + datetime.timedelta(days=1), 3))
    assert case.holder_person == night


def test_nobody_on_the_table_sends_the_case_to_the_on_call_person_and_flags_the_gap(
    cast: Cast, street_vending: Category, shifts: dict[str, Shift]
) -> None:
    day = person_create(name="日间值守员", organisation=cast.workstation_a)
    standby = person_create(name="备勤人员", organisation=cast.workstation_a)
    duty_entry_set(
        grid=cast.unit_a, organisation=cast.workstation_a, shift=shifts["日间"], person=day
    )
    on_call_set(organisation=cast.workstation_a, person=standby)

    case = registered(cast, street_vending, at(TUESDAY, 23))

    assert case.holder_person == standby
    gap = DutyGap.objects.get()
    assert (gap.case, gap.organisation, gap.grid) == (case, cast.workstation_a, case.grid)
    assert gap.at == at(TUESDAY, 23)
    assert (gap.shift, gap.reason, gap.person) == (shifts["夜间"], GapReason.NO_ENTRY, standby)
    assert gap.acknowledged_at is None


def test_a_gap_without_an_on_call_person_leaves_the_case_to_the_office(
    cast: Cast, street_vending: Category, shifts: dict[str, Shift]
) -> None:
    day = person_create(name="日间值守员", organisation=cast.workstation_a)
    duty_entry_set(
        grid=cast.unit_a, organisation=cast.workstation_a, shift=shifts["日间"], person=day
    )
    case = registered(cast, street_vending, at(TUESDAY, 23))
    assert case.holder == cast.workstation_a and case.holder_person is None
    assert DutyGap.objects.get().person is None


def test_a_step_taken_back_leaves_no_gap_behind(
    cast: Cast, street_vending: Category, shifts: dict[str, Shift]
) -> None:
    standby = person_create(name="备勤人员", organisation=cast.workstation_a)
    on_call_set(organisation=cast.workstation_a, person=standby)
    with time_machine.travel(at(TUESDAY, 23), tick=False):
        case = submit_in_town_a(cast, street_vending)
        seen_by_carol = Case.objects.get(pk=case.pk)
        alice = actor_for(cast.alice)
        case_act(case=case, action=Action.REGISTER, actor=alice, version=case.version)
        with pytest.raises(CaseConflict):
            # Registered by alice first: this step, and its gap, are taken back whole.
            case_act(
                case=seen_by_carol,
                action=Action.REGISTER,
                actor=actor_for(cast.carol),
                version=seen_by_carol.version,
            )
    assert DutyGap.objects.count() == 1


def test_a_substitute_stands_in_for_someone_who_left_or_went_home(
    cast: Cast, street_vending: Category, shifts: dict[str, Shift]
) -> None:
    first = person_create(name="值守员甲", organisation=cast.workstation_a)
    second = person_create(name="替班乙", organisation=cast.workstation_a)
    third = person_create(name="替班丙", organisation=cast.workstation_a)
    duty_entry_set(
        grid=cast.unit_a,
        organisation=cast.workstation_a,
        shift=shifts["日间"],
        person=first,
        substitutes=[second, third],
    )
    # The first has checked out of today's day shift early; the second has left the service.
    Attendance.objects.create(
        person=first,
        shift=shifts["日间"],
        day=TUESDAY,
        grid=cast.unit_a,
        checked_in_at=at(TUESDAY, 8, 25),
        check_in_lng=121.42,
        check_in_lat=31.02,
        checked_out_at=at(TUESDAY, 14),
    )
    Person.objects.filter(pk=second.pk).update(is_active=False)

    assert registered(cast, street_vending, at(TUESDAY, 11)).holder_person == first
    assert registered(cast, street_vending, at(TUESDAY, 15)).holder_person == third
    assert not DutyGap.objects.exists()


def test_when_everyone_on_the_entry_is_away_the_gap_says_so(
    cast: Cast, street_vending: Category, shifts: dict[str, Shift]
) -> None:
    gone = person_create(name="值守员甲", organisation=cast.workstation_a)
    duty_entry_set(
        grid=cast.unit_a, organisation=cast.workstation_a, shift=shifts["日间"], person=gone
    )
    Person.objects.filter(pk=gone.pk).update(is_active=False)
    registered(cast, street_vending, at(TUESDAY, 11))
    assert DutyGap.objects.get().reason == GapReason.UNAVAILABLE


def test_the_entry_for_the_case_s_main_class_answers_before_the_family_and_every_kind(
    cast: Cast, street_vending: Category, shifts: dict[str, Shift]
) -> None:
    centre = cast.town_a_centre
    anyone = person_create(name="综合值班员", organisation=centre)
    events = person_create(name="事件值班员", organisation=centre)
    street = person_create(name="街面秩序值班员", organisation=centre)
    night = shifts["夜间"]
    duty_entry_set(grid=cast.town_a, organisation=centre, shift=night, person=anyone)
    duty_entry_set(
        grid=cast.town_a, organisation=centre, shift=night, person=events, family="event"
    )
    duty_entry_set(
        grid=cast.town_a,
        organisation=centre,
        shift=night,
        person=street,
        main_class=street_vending.parent,
    )
    litter = Category.objects.get(family="event", code="0102")
    manhole = Category.objects.get(family="facility", code="0201")

    def held_by(category: Category) -> Person | None:
        with time_machine.travel(at(TUESDAY, 22), tick=False):
            return in_enforcement(cast, category).holder_person

    assert held_by(street_vending) == street
    assert held_by(litter) == events
    assert held_by(manhole) == anyone


def test_a_unit_s_own_entry_answers_before_its_town_s(
    cast: Cast, street_vending: Category, shifts: dict[str, Shift]
) -> None:
    centre = cast.town_a_centre
    town_wide = person_create(name="街道值班员", organisation=centre)
    for_the_unit = person_create(name="片区值班员", organisation=centre)
    night = shifts["夜间"]
    duty_entry_set(grid=cast.town_a, organisation=centre, shift=night, person=town_wide)
    duty_entry_set(grid=cast.unit_a, organisation=centre, shift=night, person=for_the_unit)
    with time_machine.travel(at(TUESDAY, 22), tick=False):
        assert in_enforcement(cast, street_vending).holder_person == for_the_unit


def test_weekends_and_holidays_follow_the_rest_day_table(
    cast: Cast, street_vending: Category, day_and_night: tuple[Person, Person]
) -> None:
    _day, night = day_and_night
    rest = Shift.objects.get(name="休息日")
    duty_entry_set(grid=cast.unit_a, organisation=cast.workstation_a, shift=rest, person=night)
    assert registered(cast, street_vending, at(SATURDAY, 10)).holder_person == night


def test_a_department_named_on_the_table_hands_its_dispatches_to_its_officer(
    cast: Cast, street_vending: Category, shifts: dict[str, Shift]
) -> None:
    officer = person_create(name="城管夜班队员", organisation=cast.chengguan_a)
    duty_entry_set(
        grid=cast.town_a, organisation=cast.chengguan_a, shift=shifts["夜间"], person=officer
    )
    with time_machine.travel(at(TUESDAY, 21), tick=False):
        case = in_enforcement(cast, street_vending, department=cast.chengguan_a)
    assert (case.holder, case.holder_person) == (cast.chengguan_a, officer)
