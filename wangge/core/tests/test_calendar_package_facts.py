"""What the chinesecalendar package says about 2024 and 2025, as the State Council announced."""

from __future__ import annotations

from datetime import date, timedelta

from wangge.core.calendar import WorkingCalendar, package_exceptions, package_years


def test_it_covers_the_years_up_to_the_last_announced_one() -> None:
    years = package_years()
    assert years.start <= 2004
    assert {2024, 2025, 2026} <= set(years)


def test_it_works_the_sunday_before_spring_festival_2025(
    package_calendar: WorkingCalendar,
) -> None:
    assert date(2025, 1, 26).weekday() == 6
    assert package_calendar.is_workday(date(2025, 1, 26))
    assert package_exceptions([2025])[date(2025, 1, 26)] == (True, "春节 调休上班")


def test_it_rests_through_spring_festival_2025(package_calendar: WorkingCalendar) -> None:
    for offset in range(8):  # 28 January to 4 February
        assert not package_calendar.is_workday(date(2025, 1, 28) + timedelta(days=offset))
    assert package_calendar.is_workday(date(2025, 2, 8))  # a Saturday, worked


def test_it_rests_through_national_day_2025(package_calendar: WorkingCalendar) -> None:
    for offset in range(8):  # 1 to 8 October, Mid-autumn on the 6th included
        assert not package_calendar.is_workday(date(2025, 10, 1) + timedelta(days=offset))
    assert package_calendar.is_workday(date(2025, 9, 28))  # Sunday, worked
    assert package_calendar.is_workday(date(2025, 10, 9))
    assert package_calendar.is_workday(date(2025, 10, 11))  # Saturday, worked
    assert package_exceptions([2025])[date(2025, 10, 1)] == (False, "国庆节")


def test_it_knows_the_2024_adjusted_workdays(package_calendar: WorkingCalendar) -> None:
    for worked_weekend_day in ("2024-02-04", "2024-02-18", "2024-09-29", "2024-10-12"):
        assert package_calendar.is_workday(date.fromisoformat(worked_weekend_day))
    for day_off in ("2024-02-15", "2024-02-16", "2024-10-04", "2024-10-07"):
        assert not package_calendar.is_workday(date.fromisoformat(day_off))


def test_it_counts_the_announced_number_of_working_days(
    package_calendar: WorkingCalendar,
) -> None:
    assert package_calendar.workdays_between(date(2025, 1, 1), date(2026, 1, 1)) == 248
    assert package_calendar.workdays_between(date(2024, 1, 1), date(2025, 1, 1)) == 251


def test_it_keeps_only_the_days_that_differ_from_the_plain_rule() -> None:
    exceptions = package_exceptions([2025])
    # The weekend inside the Spring Festival holiday is a weekend anyway.
    assert date(2025, 2, 1) not in exceptions
    assert all((day.weekday() < 5) != workday for day, (workday, _name) in exceptions.items())
    assert len(exceptions) == 23
