"""Electronic attendance (Minhang's task table, 001_980ec3ca28496f98.txt: 全区统一建立执法力量进网格
电子考勤制度): check in and out from the phone inside the grid one is assigned to, within a
tolerance for the phone's error; lateness and absence per person and department."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from wangge.core.testing import beijing
from wangge.forces.attendance import (
    AttendanceRefused,
    attendance_check_in,
    attendance_check_out,
    attendance_report,
)
from wangge.forces.geo import metres_per_degree
from wangge.forces.models import Attendance, Shift
from wangge.forces.services import duty_entry_set
from wangge.people.models import Person
from wangge.people.services import person_create
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2025, 6, 9)
INSIDE = (121.42, 31.02)  # in town A's unit (121.40–121.45 E, 31.00–31.05 N)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return beijing(day.year, day.month, day.day, hour, minute)


def east_of_unit_a(metres: float) -> tuple[float, float]:
    """A position ``metres`` east of the unit's eastern edge."""
    lat = 31.02
    return 121.45 + metres / metres_per_degree(lat)[0], lat


@pytest.fixture
def officer(cast: Cast, shifts: dict[str, Shift]) -> Person:
    """A town-A enforcement officer on the unit's day table."""
    person = person_create(name="下沉执法队员", organisation=cast.chengguan_a)
    duty_entry_set(
        grid=cast.unit_a, organisation=cast.chengguan_a, shift=shifts["日间"], person=person
    )
    return person


def test_a_check_in_inside_the_grid_counts_for_the_shift_about_to_begin(
    cast: Cast, officer: Person
) -> None:
    attendance, new = attendance_check_in(
        person=officer, lng=INSIDE[0], lat=INSIDE[1], at=at(MONDAY, 8, 10)
    )
    assert new
    assert (attendance.shift.name, attendance.day, attendance.grid) == ("日间", MONDAY, cast.unit_a)
    assert attendance.check_in_distance_m == 0


def test_a_check_in_outside_the_grid_is_refused_with_the_distance(officer: Person) -> None:
    lng, lat = east_of_unit_a(500)
    with pytest.raises(AttendanceRefused) as refused:
        attendance_check_in(person=officer, lng=lng, lat=lat, at=at(MONDAY, 9))
    assert refused.value.code == "outside_grid"
    assert refused.value.distance_m == pytest.approx(500, abs=1)
    assert "500 m" in refused.value.message
    assert not Attendance.objects.exists()


def test_the_tolerance_allows_for_the_phone_s_error(officer: Person) -> None:
    lng, lat = east_of_unit_a(80)
    attendance, _new = attendance_check_in(person=officer, lng=lng, lat=lat, at=at(MONDAY, 9))
    assert attendance.check_in_distance_m == pytest.approx(80, abs=1)
    with override_settings(WANGGE_ATTENDANCE_TOLERANCE_M=50), pytest.raises(AttendanceRefused):
        attendance_check_out(person=officer, lng=lng, lat=lat, at=at(MONDAY, 17, 40))


def test_a_check_in_sent_twice_is_kept_once(officer: Person) -> None:
    first, _ = attendance_check_in(
        person=officer, lng=INSIDE[0], lat=INSIDE[1], at=at(MONDAY, 8, 20)
    )
    again, new = attendance_check_in(
        person=officer, lng=INSIDE[0], lat=INSIDE[1], at=at(MONDAY, 8, 21)
    )
    assert again == first and not new
    assert Attendance.objects.count() == 1


def test_someone_on_no_table_checks_in_on_the_grid_of_their_role(
    cast: Cast, shifts: dict[str, Shift]
) -> None:
    ivan = cast.ivan.person
    attendance, _ = attendance_check_in(person=ivan, lng=INSIDE[0], lat=INSIDE[1], at=at(MONDAY, 9))
    assert attendance.grid == cast.unit_a
    with pytest.raises(AttendanceRefused) as refused:
        attendance_check_in(person=cast.mia, lng=INSIDE[0], lat=INSIDE[1], at=at(MONDAY, 9))
    assert refused.value.code == "no_grid"


def test_checking_out_needs_a_check_in_and_the_grid(officer: Person) -> None:
    with pytest.raises(AttendanceRefused) as refused:
        attendance_check_out(person=officer, lng=INSIDE[0], lat=INSIDE[1], at=at(MONDAY, 17))
    assert refused.value.code == "not_checked_in"
    attendance_check_in(person=officer, lng=INSIDE[0], lat=INSIDE[1], at=at(MONDAY, 8, 25))
    far = east_of_unit_a(1200)
    with pytest.raises(AttendanceRefused) as refused:
        attendance_check_out(person=officer, lng=far[0], lat=far[1], at=at(MONDAY, 17, 35))
    assert refused.value.distance_m == pytest.approx(1200, abs=2)
    done = attendance_check_out(person=officer, lng=INSIDE[0], lat=INSIDE[1], at=at(MONDAY, 17, 35))
    assert done.checked_out_at == at(MONDAY, 17, 35)
    # Sent again because the answer was lost: the same check-out.
    assert (
        attendance_check_out(person=officer, lng=INSIDE[0], lat=INSIDE[1], at=at(MONDAY, 17, 40))
        == done
    )


def _week(officer: Person) -> None:
    """On time Monday, 20 minutes late Tuesday and gone at four, absent Wednesday, on time
    Thursday and Friday."""
    for day, (hour, minute), leaves in (
        (MONDAY, (8, 25), (17, 35)),
        (MONDAY + datetime.timedelta(days=1), (8, 50), (16, 0)),
        (MONDAY + datetime.timedelta(days=3), (8, 29), (17, 31)),
        (MONDAY + datetime.timedelta(days=4), (8, 0), (17, 30)),
    ):
        attendance_check_in(person=officer, lng=INSIDE[0], lat=INSIDE[1], at=at(day, hour, minute))
        attendance_check_out(person=officer, lng=INSIDE[0], lat=INSIDE[1], at=at(day, *leaves))


def test_the_report_counts_lateness_and_absence_per_person_and_department(
    cast: Cast, officer: Person
) -> None:
    _week(officer)
    report = attendance_report(
        first=MONDAY,
        last=MONDAY + datetime.timedelta(days=6),
        now=at(MONDAY, 23) + datetime.timedelta(days=7),
    )
    [line] = report.people
    assert line.person == officer
    tally = line.tally
    assert (tally.due, tally.attended, tally.absent) == (5, 4, 1)
    assert (tally.late, tally.late_minutes, tally.left_early) == (1, 20, 1)
    [department] = report.departments
    assert (department.organisation, department.people) == (cast.chengguan_a, 1)
    assert department.tally.absent == 1


def test_a_day_not_over_yet_is_not_an_absence(officer: Person) -> None:
    report = attendance_report(first=MONDAY, last=MONDAY, now=at(MONDAY, 10))
    assert report.people == []


def test_the_command_prints_the_report_for_a_department(cast: Cast, officer: Person) -> None:
    _week(officer)
    out = io.StringIO()
    call_command(
        "attendance",
        "report",
        "--from",
        "2025-06-09",
        "--to",
        "2025-06-15",
        "--department",
        "闵行区城管执法局",
        stdout=out,
    )
    text = out.getvalue()
    assert "下沉执法队员" in text and "城管执法局江川路中队" in text
    row = next(line for line in text.splitlines() if line.startswith("下沉执法队员"))
    assert row.split()[2:] == ["5", "4", "1", "20", "1", "1"]
    out = io.StringIO()
    call_command(
        "attendance",
        "report",
        "--from",
        "2025-06-09",
        "--to",
        "2025-06-15",
        "--department",
        "市场监管",
        stdout=out,
    )
    assert "下沉执法队员" not in out.getvalue()
