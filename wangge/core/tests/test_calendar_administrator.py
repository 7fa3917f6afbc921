"""An administrator's entries win over the package, and survive re-seeding."""

from __future__ import annotations

from datetime import date

import pytest

from wangge.core.choices import CalendarSource
from wangge.core.models import CalendarDay, CalendarYear
from wangge.core.selectors import current_calendar
from wangge.core.services import (
    calendar_day_delete,
    calendar_day_set,
    calendar_seed_from_package,
    calendar_year_cover,
    calendar_year_uncover,
)

pytestmark = pytest.mark.django_db


def test_it_overrides_the_package_and_survives_reseeding() -> None:
    calendar_seed_from_package(years=[2025])
    # Say the district works on 8 October 2025 to clear a backlog.
    calendar_day_set(date=date(2025, 10, 8), is_workday=True, name="区级加班")
    assert current_calendar().is_workday(date(2025, 10, 8))

    summary = calendar_seed_from_package(years=[2025])

    assert summary.kept == 1
    assert not summary.changed
    day = CalendarDay.objects.get(date=date(2025, 10, 8))
    assert (day.is_workday, day.name) == (True, "区级加班")
    assert day.source == CalendarSource.ADMINISTRATOR
    assert current_calendar().is_workday(date(2025, 10, 8))


def test_it_keeps_a_day_the_package_does_not_have() -> None:
    calendar_day_set(date=date(2025, 3, 5), is_workday=False, name="台风停工")
    calendar_seed_from_package(years=[2025])
    assert CalendarDay.objects.get(date=date(2025, 3, 5)).source == CalendarSource.ADMINISTRATOR
    assert not current_calendar().is_workday(date(2025, 3, 5))


def test_it_marks_no_year_for_a_single_day() -> None:
    calendar_day_set(date=date(2027, 2, 8), is_workday=False, name="春节")
    assert not CalendarYear.objects.exists()
    calendar = current_calendar()
    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.uncovered_years_seen == {2027}


def test_it_covers_a_year_the_administrator_completed() -> None:
    calendar_day_set(date=date(2027, 2, 8), is_workday=False, name="春节")
    calendar_year_cover(year=2027)
    calendar = current_calendar()
    assert calendar.is_covered(2027)
    calendar.is_workday(date(2027, 2, 9))
    assert calendar.uncovered_years_seen == frozenset()
    # A later package with 2027 adds its days beside the administrator's, and the year stays
    # the administrator's.
    assert CalendarYear.objects.get(year=2027).source == CalendarSource.ADMINISTRATOR

    assert calendar_year_uncover(year=2027)
    assert not current_calendar().is_covered(2027)


def test_it_returns_a_deleted_day_to_the_plain_rule() -> None:
    calendar_seed_from_package(years=[2025])
    assert calendar_day_delete(date=date(2025, 10, 1))
    assert current_calendar().is_workday(date(2025, 10, 1))
    calendar_seed_from_package(years=[2025])
    assert not current_calendar().is_workday(date(2025, 10, 1))
