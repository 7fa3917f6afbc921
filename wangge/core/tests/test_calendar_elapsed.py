"""working_time_between: office time elapsed, for KPIs."""

from __future__ import annotations

from datetime import timedelta

from wangge.core.calendar import WorkingCalendar
from wangge.core.testing import beijing

DAY = timedelta(hours=7, minutes=30)


def test_it_counts_office_time_only(package_calendar: WorkingCalendar) -> None:
    assert package_calendar.working_time_between(
        beijing(2025, 3, 4, 10), beijing(2025, 3, 4, 14)
    ) == timedelta(hours=3)
    assert package_calendar.working_time_between(
        beijing(2025, 3, 7, 17), beijing(2025, 3, 10, 9, 30)
    ) == timedelta(hours=1)


def test_it_counts_a_week_and_a_year(package_calendar: WorkingCalendar) -> None:
    assert package_calendar.working_time_between(beijing(2025, 3, 3), beijing(2025, 3, 10)) == (
        5 * DAY
    )
    assert package_calendar.working_time_between(beijing(2025, 1, 1), beijing(2026, 1, 1)) == (
        248 * DAY
    )


def test_it_counts_nothing_over_a_holiday(package_calendar: WorkingCalendar) -> None:
    assert (
        package_calendar.working_time_between(beijing(2025, 9, 30, 17, 30), beijing(2025, 10, 9, 9))
        == timedelta()
    )


def test_it_is_negative_backwards(package_calendar: WorkingCalendar) -> None:
    assert package_calendar.working_time_between(
        beijing(2025, 3, 4, 14), beijing(2025, 3, 4, 10)
    ) == -timedelta(hours=3)
