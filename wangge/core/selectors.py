"""Reads of the core app that several callers share."""

from __future__ import annotations

import threading

from django.conf import settings

from wangge.core.calendar import WorkingCalendar
from wangge.core.models import CalendarDay, CalendarVersion, CalendarYear
from wangge.core.rows import row_by_key

_lock = threading.Lock()
_cached: tuple[tuple[str, str], WorkingCalendar] | None = None


def calendar_revision() -> str:
    version = row_by_key(CalendarVersion, ("revision",), pk=1)
    return str(version.revision) if version is not None else ""


def calendar_from_database(*, office_hours: str | None = None) -> WorkingCalendar:
    """A fresh calendar from the rows as they are now."""
    return WorkingCalendar(
        CalendarYear.objects.values_list("year", flat=True),
        dict(CalendarDay.objects.values_list("date", "is_workday")),
        office_hours=office_hours or office_hours_setting(),
    )


def office_hours_setting() -> str:
    return str(settings.WANGGE_OFFICE_HOURS)


def current_calendar() -> WorkingCalendar:
    """The working calendar for the data as it is now, shared by the process and rebuilt after
    any change to the calendar in any process (one small query to find out).

    Deadlines in bulk should take it once and reuse it: it caches each year's working days.
    """
    global _cached
    key = (calendar_revision(), office_hours_setting())
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, calendar_from_database(office_hours=key[1]))
        return _cached[1]


def current_calendar_forget() -> None:
    """Drop the process's calendar; for tests, whose rolled-back rows leave no revision behind."""
    global _cached
    with _lock:
        _cached = None
