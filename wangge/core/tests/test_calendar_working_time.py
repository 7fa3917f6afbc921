"""add_working_time: office hours (09:00–12:00, 13:00–17:30) of working days only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wangge.core.calendar import CHINA, CalendarError, WorkingCalendar
from wangge.core.testing import beijing

HOUR = timedelta(hours=1)


def test_it_skips_lunch(package_calendar: WorkingCalendar) -> None:
    # Tuesday 4 March 2025: two hours before lunch, one after.
    assert package_calendar.add_working_time(beijing(2025, 3, 4, 10), 3 * HOUR) == beijing(
        2025, 3, 4, 14
    )


def test_it_ends_at_closing_time_rather_than_at_the_next_opening(
    package_calendar: WorkingCalendar,
) -> None:
    assert package_calendar.add_working_time(beijing(2025, 3, 4, 11), HOUR) == beijing(
        2025, 3, 4, 12
    )
    assert package_calendar.add_working_time(
        beijing(2025, 3, 4, 9), timedelta(hours=7, minutes=30)
    ) == beijing(2025, 3, 4, 17, 30)


def test_it_starts_a_lunchtime_start_after_lunch(package_calendar: WorkingCalendar) -> None:
    assert package_calendar.add_working_time(beijing(2025, 3, 4, 12, 30), HOUR) == beijing(
        2025, 3, 4, 14
    )


def test_it_starts_an_early_start_at_opening(package_calendar: WorkingCalendar) -> None:
    assert package_calendar.add_working_time(beijing(2025, 3, 4, 7), HOUR) == beijing(
        2025, 3, 4, 10
    )


def test_it_carries_the_evening_over_to_the_next_morning(
    package_calendar: WorkingCalendar,
) -> None:
    assert package_calendar.add_working_time(beijing(2025, 3, 6, 17), HOUR) == beijing(
        2025, 3, 7, 9, 30
    )
    assert package_calendar.add_working_time(beijing(2025, 3, 4, 20), 2 * HOUR) == beijing(
        2025, 3, 5, 11
    )


def test_it_skips_the_weekend(package_calendar: WorkingCalendar) -> None:
    # Friday 7 March 17:00 → Monday 10 March.
    assert package_calendar.add_working_time(beijing(2025, 3, 7, 17), HOUR) == beijing(
        2025, 3, 10, 9, 30
    )
    # From Saturday, the clock starts on Monday morning.
    assert package_calendar.add_working_time(beijing(2025, 3, 8, 10), HOUR) == beijing(
        2025, 3, 10, 10
    )


def test_it_skips_the_national_day_holiday(package_calendar: WorkingCalendar) -> None:
    # Tuesday 30 September 2025 16:00: 1.5 h left that day, then nothing until 9 October.
    assert package_calendar.add_working_time(beijing(2025, 9, 30, 16), 2 * HOUR) == beijing(
        2025, 10, 9, 9, 30
    )


def test_it_works_the_adjusted_weekend_workdays(package_calendar: WorkingCalendar) -> None:
    # Friday 24 January 2025 17:00 → Sunday 26 January, worked before Spring Festival.
    assert package_calendar.add_working_time(beijing(2025, 1, 24, 17), HOUR) == beijing(
        2025, 1, 26, 9, 30
    )
    # Saturday 27 September 2025 → Sunday 28 September, worked before National Day.
    assert package_calendar.add_working_time(beijing(2025, 9, 27, 10), HOUR) == beijing(
        2025, 9, 28, 10
    )


def test_it_jumps_whole_days_and_years(package_calendar: WorkingCalendar) -> None:
    assert package_calendar.add_working_time(
        beijing(2025, 3, 4, 9), timedelta(hours=15)
    ) == beijing(2025, 3, 5, 17, 30)
    # All of 2025's 248 working days, from the first one's opening.
    assert package_calendar.add_working_time(
        beijing(2025, 1, 2, 9), 248 * timedelta(hours=7, minutes=30)
    ) == beijing(2025, 12, 31, 17, 30)


def test_it_reads_any_zone_and_answers_in_beijing_time(
    package_calendar: WorkingCalendar,
) -> None:
    start = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
    end = package_calendar.add_working_time(start, HOUR)
    assert end == beijing(2025, 3, 4, 11)
    assert end.tzinfo is CHINA


def test_it_gives_back_the_start_for_no_time(package_calendar: WorkingCalendar) -> None:
    assert package_calendar.add_working_time(beijing(2025, 3, 8, 10), timedelta()) == beijing(
        2025, 3, 8, 10
    )


def test_it_refuses_negative_durations_and_naive_datetimes(
    package_calendar: WorkingCalendar,
) -> None:
    with pytest.raises(CalendarError):
        package_calendar.add_working_time(beijing(2025, 3, 4, 10), -HOUR)
    with pytest.raises(CalendarError):
        package_calendar.add_working_time(datetime(2025, 3, 4, 10), HOUR)


def test_it_follows_configured_office_hours() -> None:
    calendar = WorkingCalendar([2025], {}, office_hours="08:30-11:30, 13:30-17:00")
    assert calendar.working_day_length == timedelta(hours=6, minutes=30)
    assert calendar.add_working_time(beijing(2025, 3, 4, 11), HOUR) == beijing(2025, 3, 4, 14)
