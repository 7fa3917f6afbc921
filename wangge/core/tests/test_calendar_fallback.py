"""A year with no data counts weekends only and warns once, so a deadline that crosses into a
year not yet announced still comes out."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest

from wangge.core.calendar import WorkingCalendar
from wangge.core.testing import beijing


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_it_counts_weekends_only_beyond_the_package(package_calendar: WorkingCalendar) -> None:
    assert not package_calendar.is_covered(2027)
    assert package_calendar.is_workday(date(2027, 2, 8))  # a Monday, whatever the festival
    assert not package_calendar.is_workday(date(2027, 2, 6))  # a Saturday
    assert package_calendar.uncovered_years_seen == {2027}


def test_it_warns_once_per_year(
    package_calendar: WorkingCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="wangge.core.calendar"):
        for offset in range(40):
            package_calendar.is_workday(date(2027, 1, 1) + timedelta(days=offset))
        package_calendar.add_working_time(beijing(2026, 12, 31, 11), timedelta(hours=100))
        package_calendar.add_working_days(beijing(2027, 3, 1, 10), 300)
        package_calendar.working_time_between(beijing(2026, 6, 1), beijing(2027, 6, 1))
    messages = warnings_in(caplog)
    assert len([m for m in messages if "2027" in m]) == 1
    assert len([m for m in messages if "2028" in m]) == 1
    assert len(messages) == 2
    assert package_calendar.uncovered_years_seen == {2027, 2028}


def test_it_does_not_warn_for_covered_years(
    package_calendar: WorkingCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="wangge.core.calendar"):
        package_calendar.add_working_time(beijing(2025, 12, 31, 11), timedelta(hours=30))
        # Up to midnight at the very end of the last covered year consults nothing beyond it.
        package_calendar.working_time_between(beijing(2026, 12, 1), beijing(2027, 1, 1))
    assert warnings_in(caplog) == []
    assert package_calendar.uncovered_years_seen == frozenset()


def test_it_still_applies_the_days_entered_for_an_uncovered_year() -> None:
    # An administrator has entered Spring Festival 2027 but not yet the whole year.
    calendar = WorkingCalendar([2026], {date(2027, 2, 8): False, date(2027, 2, 20): True})
    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.is_workday(date(2027, 2, 20))
    assert calendar.is_workday(date(2027, 2, 9))
    assert calendar.uncovered_years_seen == {2027}
