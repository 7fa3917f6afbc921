"""Seeding from the package: idempotent, marks the years it has, reports what it cannot do."""

from __future__ import annotations

from datetime import date

import pytest

from wangge.core.calendar import package_exceptions, package_years
from wangge.core.choices import CalendarSource
from wangge.core.models import CalendarDay, CalendarYear
from wangge.core.selectors import calendar_revision
from wangge.core.services import calendar_seed_from_package

pytestmark = pytest.mark.django_db


def rows() -> list[tuple[object, ...]]:
    return list(
        CalendarDay.objects.order_by("date").values_list(
            "date", "is_workday", "name", "source", "updated_at"
        )
    )


def test_it_writes_the_package_exceptions_and_covers_the_years() -> None:
    summary = calendar_seed_from_package()
    assert summary.years == tuple(package_years())
    assert summary.created == len(package_exceptions()) == CalendarDay.objects.count()
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(package_years())
    sunday = CalendarDay.objects.get(date=date(2025, 1, 26))
    assert (sunday.is_workday, sunday.name, sunday.source) == (
        True,
        "春节 调休上班",
        CalendarSource.PACKAGE,
    )


def test_it_changes_nothing_the_second_time() -> None:
    calendar_seed_from_package()
    before = rows(), list(CalendarYear.objects.values_list("year", "source", "loaded_at"))
    revision = calendar_revision()

    summary = calendar_seed_from_package()

    assert not summary.changed
    assert (summary.created, summary.updated, summary.removed, summary.years_covered) == (
        0,
        0,
        0,
        0,
    )
    after = rows(), list(CalendarYear.objects.values_list("year", "source", "loaded_at"))
    assert after == before
    assert calendar_revision() == revision


def test_it_seeds_only_the_years_asked_for() -> None:
    summary = calendar_seed_from_package(years=[2025, 2099])
    assert summary.years == (2025,)
    assert summary.unavailable == (2099,)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2025]
    assert {d.year for d in CalendarDay.objects.values_list("date", flat=True)} == {2025}


def test_it_corrects_and_removes_rows_the_package_no_longer_says() -> None:
    calendar_seed_from_package(years=[2025])
    CalendarDay.objects.filter(date=date(2025, 10, 1)).update(name="typo")
    CalendarDay.objects.create(
        date=date(2025, 3, 5), is_workday=False, name="withdrawn", source=CalendarSource.PACKAGE
    )

    summary = calendar_seed_from_package(years=[2025])

    assert (summary.updated, summary.removed) == (1, 1)
    assert CalendarDay.objects.get(date=date(2025, 10, 1)).name == "国庆节"
    assert not CalendarDay.objects.filter(date=date(2025, 3, 5)).exists()
