"""current_calendar: one per process, reloaded after any change."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.test import override_settings
from pytest_django import DjangoAssertNumQueries

from wangge.core.models import CalendarDay
from wangge.core.selectors import current_calendar
from wangge.core.services import calendar_day_set, calendar_seed_from_package

pytestmark = pytest.mark.django_db


def test_it_counts_weekends_only_and_warns_on_an_empty_database(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="wangge.core.calendar"):
        calendar = current_calendar()
        assert calendar.is_workday(date(2025, 10, 1))
        assert not calendar.is_workday(date(2025, 9, 28))
    assert calendar.uncovered_years_seen == {2025}
    assert any("2025" in record.getMessage() for record in caplog.records)


def test_it_reuses_the_calendar_while_nothing_changes() -> None:
    calendar_seed_from_package(years=[2025])
    first = current_calendar()
    assert current_calendar() is first
    assert not first.is_workday(date(2025, 10, 1))


def test_it_reloads_after_a_change() -> None:
    calendar_seed_from_package(years=[2025])
    first = current_calendar()
    calendar_day_set(date=date(2025, 10, 1), is_workday=True, name="")
    second = current_calendar()
    assert second is not first
    assert second.is_workday(date(2025, 10, 1))


def test_it_asks_the_database_one_small_question_when_cached(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    calendar_seed_from_package(years=[2025])
    current_calendar()
    with django_assert_num_queries(1):
        current_calendar()
    assert CalendarDay.objects.exists()


@override_settings(WANGGE_OFFICE_HOURS="08:30-11:30,13:30-17:00")
def test_it_takes_office_hours_from_the_settings() -> None:
    assert current_calendar().office_hours == "08:30-11:30,13:30-17:00"
