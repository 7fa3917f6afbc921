"""The Chinese working-day calendar and working-time arithmetic for case deadlines.

Pure code, no database: ``WorkingCalendar`` is built from the years whose data is complete and the
dates that differ from the plain rule (Monday to Friday work, Saturday and Sunday rest). The
database side (``CalendarDay``, ``CalendarYear``) is read by
``wangge.core.selectors.current_calendar``.

All arithmetic is done on the wall clock of China Standard Time: holidays and office hours are
Beijing dates and times, whatever zone the server or the caller uses. Asia/Shanghai has kept one
offset since 1991, so wall-clock and elapsed time agree for every date the calendar is used for.

Every quantity is an integer number of microseconds, the resolution of ``datetime``, so that
``working_time_between(s, add_working_time(s, d)) == d`` holds exactly rather than nearly.
"""

from __future__ import annotations

import logging
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")
DEFAULT_OFFICE_HOURS = "09:00-12:00,13:00-17:30"

US_PER_SECOND = 1_000_000
US_PER_DAY = 86_400 * US_PER_SECOND
NATURAL_UNITS = {"minutes": 60, "hours": 3_600, "days": 86_400}
# The word the calendar adds to a festival's name for a weekend day worked in its place.
ADJUSTED_WORKDAY = "调休上班"

_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class CalendarError(ValueError):
    """The office hours or an argument make no sense (a naive datetime, a negative duration)."""


def parse_office_hours(text: str) -> tuple[tuple[int, int], ...]:
    """``"09:00-12:00,13:00-17:30"`` → intervals in microseconds from midnight.

    Intervals must be in order and must not overlap; ``24:00`` may end the last one, for a centre
    whose office runs to midnight.
    """
    intervals: list[tuple[int, int]] = []
    for part in text.split(","):
        if not part.strip():
            continue
        match = _HOURS_RE.match(part)
        if match is None:
            raise CalendarError(f"office hours: {part.strip()!r} is not HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 24 or (h2 == 24 and m2):
            raise CalendarError(f"office hours: {part.strip()!r} is not a time of day")
        start = (h1 * 3_600 + m1 * 60) * US_PER_SECOND
        end = (h2 * 3_600 + m2 * 60) * US_PER_SECOND
        if end <= start:
            raise CalendarError(f"office hours: {part.strip()!r} ends before it starts")
        if intervals and start < intervals[-1][1]:
            raise CalendarError(f"office hours: {part.strip()!r} overlaps or is out of order")
        intervals.append((start, end))
    if not intervals:
        raise CalendarError("office hours: at least one interval is needed")
    return tuple(intervals)


def package_years() -> range:
    """The years the installed ``chinesecalendar`` package has complete data for."""
    import chinese_calendar

    first = min(chinese_calendar.holidays).year
    last = max(chinese_calendar.holidays).year
    return range(first, last + 1)


def package_version() -> str:
    import chinese_calendar

    return str(chinese_calendar.__version__)


def package_exceptions(years: Iterable[int] | None = None) -> dict[date, tuple[bool, str]]:
    """The package's dates that differ from the plain rule: date → (is workday, Chinese name).

    The package lists every day of a holiday, weekends included; only the weekdays off and the
    weekend days worked change anything, so only those are returned.
    """
    import chinese_calendar

    wanted = set(package_years() if years is None else years)
    chinese = {h.value: h.chinese for h in chinese_calendar.Holiday}
    found: dict[date, tuple[bool, str]] = {}
    for day, holiday in chinese_calendar.holidays.items():
        if day.year in wanted and day.weekday() < 5:
            found[day] = (False, chinese.get(holiday, holiday))
    for day, holiday in chinese_calendar.workdays.items():
        if day.year in wanted and day.weekday() >= 5:
            found[day] = (True, f"{chinese.get(holiday, holiday)} {ADJUSTED_WORKDAY}")
    return found


class WorkingCalendar:
    """Which days are worked, and the office time between instants, for one state of the data.

    ``covered_years`` are the years whose exceptions are authoritative. In any other year the
    calendar still applies the exceptions it has, but otherwise counts weekends only, and logs a
    warning the first time it consults that year; ``uncovered_years_seen`` keeps the years so a
    caller can show them (a deadline across New Year before the next schedule is announced).

    An instance never changes its data, so one may be shared by threads and reused for a million
    deadlines; it keeps, per year consulted, the sorted list of working days, which lets the
    arithmetic jump over whole days and years instead of walking them.
    """

    def __init__(
        self,
        covered_years: Iterable[int] = (),
        overrides: Mapping[date, bool] | None = None,
        *,
        office_hours: str = DEFAULT_OFFICE_HOURS,
        tz: tzinfo = CHINA,
    ) -> None:
        self.covered_years = frozenset(covered_years)
        self._overrides = dict(overrides or {})
        self.tz = tz
        self.office_hours = office_hours
        self._intervals = parse_office_hours(office_hours)
        self.opening_us = self._intervals[0][0]
        self.day_us = sum(end - start for start, end in self._intervals)
        self._years: dict[int, list[int]] = {}
        self._uncovered: set[int] = set()
        self._lock = threading.Lock()

    @classmethod
    def from_package(
        cls, *, office_hours: str = DEFAULT_OFFICE_HOURS, tz: tzinfo = CHINA
    ) -> WorkingCalendar:
        """The calendar of the installed package alone, with no administrator's corrections."""
        exceptions = package_exceptions()
        return cls(
            package_years(),
            {day: workday for day, (workday, _name) in exceptions.items()},
            office_hours=office_hours,
            tz=tz,
        )

    # Days

    @property
    def working_day_length(self) -> timedelta:
        return timedelta(microseconds=self.day_us)

    @property
    def uncovered_years_seen(self) -> frozenset[int]:
        """Years consulted so far for which the calendar fell back to weekends only."""
        return frozenset(self._uncovered)

    def is_covered(self, year: int) -> bool:
        return year in self.covered_years

    def is_workday(self, day: date) -> bool:
        if day.year not in self.covered_years:
            self._note_uncovered(day.year)
        override = self._overrides.get(day)
        if override is not None:
            return override
        return day.weekday() < 5

    def _note_uncovered(self, year: int) -> None:
        if year in self._uncovered:
            return
        with self._lock:
            if year in self._uncovered:
                return
            self._uncovered.add(year)
        logger.warning(
            "working calendar: no holiday data for %s; counting weekends only there. "
            "Run `wangge calendar seed` after upgrading chinesecalendar, or enter the year's "
            "holidays and adjusted workdays in the admin and mark the year complete.",
            year,
        )

    def _workdays_of(self, year: int) -> list[int]:
        """The ordinals of the year's working days, in order; built once per year."""
        days = self._years.get(year)
        if days is None:
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            days = [o for o in range(first, last + 1) if self.is_workday(date.fromordinal(o))]
            # Two threads may both build it; they build the same list, so either may win.
            self._years[year] = days
        return days

    def _workday_from(self, day: date, skip: int) -> date:
        """The working day ``skip`` places after the first working day on or after ``day``."""
        if skip < 0:
            raise CalendarError("cannot count a negative number of working days")
        year = day.year
        days = self._workdays_of(year)
        index = bisect_left(days, day.toordinal()) + skip
        # Whole years are stepped over by their length, not day by day.
        while index >= len(days):
            index -= len(days)
            year += 1
            if year > date.max.year:
                raise CalendarError("no working day before the end of the calendar")
            days = self._workdays_of(year)
        return date.fromordinal(days[index])

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self._workday_from(day + timedelta(days=1), 0)

    def workdays_between(self, first: date, end: date) -> int:
        """How many working days there are in ``[first, end)``."""
        if end <= first:
            return 0
        last = end - timedelta(days=1)
        a, b = first.toordinal(), last.toordinal()
        if first.year == last.year:
            days = self._workdays_of(first.year)
            return bisect_right(days, b) - bisect_left(days, a)
        count = len(self._workdays_of(first.year)) - bisect_left(self._workdays_of(first.year), a)
        for year in range(first.year + 1, last.year):
            count += len(self._workdays_of(year))
        return count + bisect_right(self._workdays_of(last.year), b)

    # Instants

    def _local(self, moment: datetime) -> tuple[date, int]:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError("working-time arithmetic needs an aware datetime")
        local = moment.astimezone(self.tz)
        micros = (
            local.hour * 3_600 + local.minute * 60 + local.second
        ) * US_PER_SECOND + local.microsecond
        return local.date(), micros

    def _at(self, day: date, micros: int) -> datetime:
        # Adding to an aware datetime moves its wall clock, which is what is wanted here; it also
        # carries 24:00 over to the next day's midnight.
        return datetime.combine(day, time(), tzinfo=self.tz) + timedelta(microseconds=micros)

    def _office_before(self, micros: int) -> int:
        """Office time of a working day that has passed by this time of day."""
        done = 0
        for start, end in self._intervals:
            if micros <= start:
                break
            done += min(micros, end) - start
        return done

    def _time_at_office(self, spent: int) -> int:
        """The earliest time of day by which ``spent`` (0 < spent ≤ day) office time has passed."""
        for start, end in self._intervals:
            length = end - start
            if spent <= length:
                return start + spent
            spent -= length
        raise AssertionError("spent exceeds the office day")  # pragma: no cover

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of office time has passed since ``start``.

        Only office hours of working days count. A start outside them counts from the next
        opening; a result that falls on a closing time is that closing time (11:00 + 1 h is
        12:00, not 13:00). A zero duration gives ``start`` back, in the calendar's zone.
        """
        remaining = _micros(duration)
        if remaining < 0:
            raise CalendarError("a working-time duration cannot be negative")
        day, now = self._local(start)
        if remaining == 0:
            return start.astimezone(self.tz)
        if self.is_workday(day):
            for begin, end in self._intervals:
                if now >= end:
                    continue
                available = end - max(now, begin)
                if remaining <= available:
                    return self._at(day, max(now, begin) + remaining)
                remaining -= available
        # What is left fills whole working days after today, then part of one more. A remainder
        # of exactly n days ends at the n-th day's closing, not the next day's opening.
        full_days, rest = divmod(remaining, self.day_us)
        if rest == 0:
            full_days, rest = full_days - 1, self.day_us
        target = self._workday_from(day + timedelta(days=1), full_days)
        return self._at(target, self._time_at_office(rest))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time in ``[start, end)``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_time_between(end, start)
        first_day, first_time = self._local(start)
        last_day, last_time = self._local(end)
        total = self.workdays_between(first_day, last_day) * self.day_us
        total += self._office_of_day_before(last_day, last_time)
        total -= self._office_of_day_before(first_day, first_time)
        return timedelta(microseconds=total)

    def _office_of_day_before(self, day: date, micros: int) -> int:
        # Midnight consults nothing: an interval ending at midnight must not pull the next
        # (perhaps uncovered) year into the sum, nor warn about it.
        if micros == 0 or not self.is_workday(day):
            return 0
        return self._office_before(micros)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """``days`` working days after ``start``.

        The rule: if ``start`` falls on a working day (at any hour), the result is the same time
        of day on the ``days``-th working day after it. If it falls on a rest day, the count
        starts at the next working day's opening: the result is that opening time on the
        ``days``-th working day after it (Saturday 10:00 + 1 → Tuesday 09:00, when a full working
        day, Monday's, has passed). Zero days gives ``start`` itself, or that next opening.
        """
        if days < 0:
            raise CalendarError("cannot count a negative number of working days")
        day, now = self._local(start)
        if self.is_workday(day):
            return self._at(self._workday_from(day, days), now)
        return self._at(self._workday_from(self.next_workday(day), days), self.opening_us)

    def add_natural(self, start: datetime, amount: int, unit: str) -> datetime:
        """Natural time: day and night, every day; ``unit`` is minutes, hours or days."""
        if unit not in NATURAL_UNITS:
            raise CalendarError(f"unknown unit {unit!r}; use one of {', '.join(NATURAL_UNITS)}")
        self._local(start)  # the same refusal of naive datetimes as the other methods
        return (start + timedelta(seconds=amount * NATURAL_UNITS[unit])).astimezone(self.tz)

    def deadline(self, start: datetime, amount: int, unit: str, *, working: bool) -> datetime:
        """A task item's time limit from ``start``: natural time, or working hours (office time)
        and working days (``add_working_days``) — the catalogue's units and calendars."""
        if not working:
            return self.add_natural(start, amount, unit)
        if unit == "days":
            return self.add_working_days(start, amount)
        if unit in NATURAL_UNITS:
            return self.add_working_time(start, timedelta(seconds=amount * NATURAL_UNITS[unit]))
        raise CalendarError(f"unknown unit {unit!r}; use one of {', '.join(NATURAL_UNITS)}")


def _micros(duration: timedelta) -> int:
    return (duration.days * 86_400 + duration.seconds) * US_PER_SECOND + duration.microseconds
