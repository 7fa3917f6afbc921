"""Writes to the working calendar. Every change goes through here so that the calendar version
(which tells every process to reload its calendar) stays right."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from wangge.core.calendar import package_exceptions, package_version, package_years
from wangge.core.choices import CalendarSource
from wangge.core.models import CalendarDay, CalendarVersion, CalendarYear


@dataclass(frozen=True)
class CalendarSeedSummary:
    """What a seed did. A second seed of the same package reports no creation, update, removal
    or newly covered year."""

    package_version: str
    years: tuple[int, ...]
    unavailable: tuple[int, ...]
    created: int
    updated: int
    removed: int
    kept: int
    years_covered: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed or self.years_covered)


def calendar_touch() -> None:
    """Record that the calendar changed; call inside the transaction that changed it."""
    CalendarVersion.objects.update_or_create(pk=1, defaults={"revision": uuid.uuid4()})


@transaction.atomic
def calendar_seed_from_package(*, years: Iterable[int] | None = None) -> CalendarSeedSummary:
    """Write the package's holidays and adjusted workdays for ``years`` (by default every year it
    has), and mark those years covered.

    Idempotent. Rows an administrator entered are left as they are, even where the package
    disagrees: the administrator's correction is the reason the calendar is editable. Package
    rows the package no longer lists (a corrected release) are removed.
    """
    available = set(package_years())
    requested = available if years is None else set(years)
    seeded = sorted(requested & available)
    unavailable = tuple(sorted(requested - available))
    wanted = package_exceptions(seeded)

    existing = {day.date: day for day in CalendarDay.objects.filter(date__year__in=seeded)}
    now = timezone.now()
    to_create: list[CalendarDay] = []
    to_update: list[CalendarDay] = []
    kept = 0
    for date, (is_workday, name) in sorted(wanted.items()):
        row = existing.get(date)
        if row is None:
            to_create.append(
                CalendarDay(
                    date=date, is_workday=is_workday, name=name, source=CalendarSource.PACKAGE
                )
            )
        elif row.source == CalendarSource.ADMINISTRATOR:
            kept += 1
        elif (row.is_workday, row.name) != (is_workday, name):
            row.is_workday, row.name, row.updated_at = is_workday, name, now
            to_update.append(row)
    stale = [
        row.pk
        for date, row in existing.items()
        if row.source == CalendarSource.PACKAGE and date not in wanted
    ]

    CalendarDay.objects.bulk_create(to_create)
    CalendarDay.objects.bulk_update(to_update, ["is_workday", "name", "updated_at"])
    CalendarDay.objects.filter(pk__in=stale).delete()
    covered = set(CalendarYear.objects.filter(year__in=seeded).values_list("year", flat=True))
    # A year an administrator marked complete stays theirs; the package only adds its own.
    CalendarYear.objects.bulk_create(
        CalendarYear(year=year, source=CalendarSource.PACKAGE)
        for year in seeded
        if year not in covered
    )
    summary = CalendarSeedSummary(
        package_version=package_version(),
        years=tuple(seeded),
        unavailable=unavailable,
        created=len(to_create),
        updated=len(to_update),
        removed=len(stale),
        kept=kept,
        years_covered=len(set(seeded) - covered),
    )
    # An unchanged calendar keeps its revision, so no process reloads for nothing.
    if summary.changed:
        calendar_touch()
    return summary


@transaction.atomic
def calendar_day_set(*, date: datetime.date, is_workday: bool, name: str = "") -> CalendarDay:
    """An administrator's entry for one date; a later seed will not overwrite it. It does not
    mark the year covered: that is ``calendar_year_cover``, once the whole year is entered."""
    day = CalendarDay.objects.filter(date=date).first() or CalendarDay(date=date)
    day.is_workday = is_workday
    day.name = name
    day.source = CalendarSource.ADMINISTRATOR
    day.full_clean()
    day.save()
    calendar_touch()
    return day


@transaction.atomic
def calendar_day_delete(*, date: datetime.date) -> bool:
    """Remove the entry for a date, which then follows the plain rule (until a seed brings back
    the package's entry, if it has one)."""
    deleted, _ = CalendarDay.objects.filter(date=date).delete()
    if deleted:
        calendar_touch()
    return bool(deleted)


@transaction.atomic
def calendar_year_cover(*, year: int) -> CalendarYear:
    """An administrator declares the year's exceptions complete, say after entering the State
    Council's schedule for a year the package does not have yet."""
    row = CalendarYear.objects.filter(year=year).first() or CalendarYear(year=year)
    row.source = CalendarSource.ADMINISTRATOR
    row.full_clean()
    row.save()
    calendar_touch()
    return row


@transaction.atomic
def calendar_year_uncover(*, year: int) -> bool:
    """The year's exceptions are no longer trusted: the calendar falls back to weekends only
    there (and warns), keeping whatever days are entered."""
    deleted, _ = CalendarYear.objects.filter(year=year).delete()
    if deleted:
        calendar_touch()
    return bool(deleted)
