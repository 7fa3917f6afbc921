"""add_working_days: the same time of day N working days later; from a rest day, the count
starts at the next working day's opening."""

from __future__ import annotations

import pytest

from wangge.core.calendar import CalendarError, WorkingCalendar
from wangge.core.testing import beijing


def test_it_keeps_the_time_of_day(package_calendar: WorkingCalendar) -> None:
    start = beijing(2025, 3, 4, 10, 15)  # Tuesday
    assert package_calendar.add_working_days(start, 1) == beijing(2025, 3, 5, 10, 15)
    assert package_calendar.add_working_days(start, 5) == beijing(2025, 3, 11, 10, 15)
    assert package_calendar.add_working_days(start, 0) == start


def test_it_keeps_the_time_of_day_outside_office_hours(
    package_calendar: WorkingCalendar,
) -> None:
    assert package_calendar.add_working_days(beijing(2025, 3, 4, 20), 1) == beijing(2025, 3, 5, 20)


def test_it_skips_holidays_and_works_adjusted_days(package_calendar: WorkingCalendar) -> None:
    # Friday 26 September 2025 → Sunday 28th, worked before National Day.
    assert package_calendar.add_working_days(beijing(2025, 9, 26, 15), 1) == beijing(
        2025, 9, 28, 15
    )
    assert package_calendar.add_working_days(beijing(2025, 9, 30, 10), 1) == beijing(
        2025, 10, 9, 10
    )


def test_it_counts_from_the_next_opening_when_started_on_a_rest_day(
    package_calendar: WorkingCalendar,
) -> None:
    saturday = beijing(2025, 3, 8, 10)
    assert package_calendar.add_working_days(saturday, 0) == beijing(2025, 3, 10, 9)
    assert package_calendar.add_working_days(saturday, 1) == beijing(2025, 3, 11, 9)
    # From the holiday, the 9th is the first working day; Saturday the 11th is worked.
    assert package_calendar.add_working_days(beijing(2025, 10, 3, 14), 2) == beijing(
        2025, 10, 11, 9
    )


def test_it_crosses_new_year(package_calendar: WorkingCalendar) -> None:
    # 1–2 January 2026 are off; Sunday the 4th is worked.
    assert package_calendar.add_working_days(beijing(2025, 12, 31, 10), 1) == beijing(
        2026, 1, 4, 10
    )
    assert package_calendar.add_working_days(beijing(2025, 12, 31, 10), 2) == beijing(
        2026, 1, 5, 10
    )


def test_it_refuses_negative_days(package_calendar: WorkingCalendar) -> None:
    with pytest.raises(CalendarError):
        package_calendar.add_working_days(beijing(2025, 3, 4, 10), -1)
