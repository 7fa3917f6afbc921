"""When shifts run: time arithmetic over the working calendar, without the database.

A shift runs from ``starts`` to ``ends`` on each day its ``days`` admit: working days, rest days
(weekends and holidays; the adjusted weekend workdays count as working) or every day. An end
before the start falls on the next morning, and an end equal to the start makes a full 24 hours.
Times are Beijing wall-clock times, as the rosters are written.

The rule that keeps duty tables unambiguous: no two shifts may ever run at the same moment,
whatever sequence of working and rest days the calendar brings. :func:`overlap` tests a pair
against it; while it holds, :func:`holding_at` finds at most one shift for any moment. A moment
that no shift covers is a moment nobody is on duty.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from wangge.core.calendar import CHINA
from wangge.forces.choices import ShiftDays

MINUTES_PER_DAY = 24 * 60
ONE_DAY = datetime.timedelta(days=1)

STANDARD_SHIFTS: tuple[tuple[str, datetime.time, datetime.time, ShiftDays], ...] = (
    ("日间", datetime.time(8, 30), datetime.time(17, 30), ShiftDays.WORKING),
    ("夜间", datetime.time(17, 30), datetime.time(8, 30), ShiftDays.EVERY),
    ("休息日", datetime.time(8, 30), datetime.time(17, 30), ShiftDays.REST),
)
"""Yingpu's two modes around the clock (seed 003): the eight hours of a working day, and after
them the night of every day and the daytime of weekends and holidays. Names as rosters write
them: day, night, rest day."""


@dataclass(frozen=True)
class Times:
    """When a shift runs: from ``starts`` to ``ends`` on the ``days`` (a ``ShiftDays``)."""

    starts: datetime.time
    ends: datetime.time
    days: str


K = TypeVar("K")


@dataclass(frozen=True)
class Occurrence(Generic[K]):
    """One run of a shift: the shift, the date it began on, and when it begins and ends."""

    shift: K
    day: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def _minute(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


def span(times: Times) -> tuple[int, int]:
    """Start and end in minutes from the midnight of the day the shift begins."""
    start, end = _minute(times.starts), _minute(times.ends)
    return start, end if end > start else end + MINUTES_PER_DAY


def runs_on(times: Times, workday: bool) -> bool:
    """Whether the shift begins on a day that is (or is not) a working day."""
    return times.days == ShiftDays.EVERY or (times.days == ShiftDays.WORKING) == workday


def overlap(a: Times, b: Times) -> bool:
    """Whether ``a`` and ``b`` could ever run at the same moment: on one day both may begin on,
    or with either running over midnight into a day of any kind (a working day may follow a
    rest day, and the other way round)."""
    a_start, a_end = span(a)
    b_start, b_end = span(b)
    same_day = ShiftDays.EVERY in (a.days, b.days) or a.days == b.days
    for offset in (-MINUTES_PER_DAY, 0, MINUTES_PER_DAY):
        if offset == 0 and not same_day:
            continue
        if a_start < b_end + offset and b_start + offset < a_end:
            return True
    return False


def occurrence(shift: K, times: Times, day: datetime.date) -> Occurrence[K]:
    """The run of a shift that begins on ``day`` (whether or not the shift runs that day)."""
    start, end = span(times)
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=CHINA)
    return Occurrence(
        shift,
        day,
        midnight + datetime.timedelta(minutes=start),
        midnight + datetime.timedelta(minutes=end),
    )


def holding_at(
    shifts: Sequence[tuple[K, Times]],
    moment: datetime.datetime,
    is_workday: Callable[[datetime.date], bool],
) -> Occurrence[K] | None:
    """The run of a shift under way at ``moment``, or None when no shift covers it. A run
    begun the day before may still be under way."""
    today = moment.astimezone(CHINA).date()
    for day in (today, today - ONE_DAY):
        workday = is_workday(day)
        for shift, times in shifts:
            if runs_on(times, workday):
                run = occurrence(shift, times, day)
                if run.starts_at <= moment < run.ends_at:
                    return run
    return None


def occurrences(
    shifts: Sequence[tuple[K, Times]],
    first: datetime.date,
    last: datetime.date,
    is_workday: Callable[[datetime.date], bool],
) -> Iterator[Occurrence[K]]:
    """Every run of the shifts that begins from ``first`` to ``last``, both included, in order
    of day and then of the shifts given."""
    day = first
    while day <= last:
        workday = is_workday(day)
        for shift, times in shifts:
            if runs_on(times, workday):
                yield occurrence(shift, times, day)
        day += ONE_DAY
