"""Adding office time and measuring it agree exactly, for any start and duration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wangge.core.calendar import CHINA, WorkingCalendar

# Built once: hypothesis runs each test hundreds of times. The package's calendar plus a year
# beyond it (2027, weekends only) and office hours that run to midnight.
CALENDARS = [
    WorkingCalendar.from_package(),
    WorkingCalendar.from_package(office_hours="08:30-11:30,13:30-17:00,18:00-24:00"),
    WorkingCalendar.from_package(office_hours="00:00-24:00"),
]
ZONES = st.sampled_from([CHINA, UTC, timezone(timedelta(hours=-5))])
STARTS = st.datetimes(
    min_value=datetime(2023, 12, 1), max_value=datetime(2027, 6, 30), timezones=ZONES
)
DURATIONS = st.timedeltas(min_value=timedelta(), max_value=timedelta(days=120))


@pytest.mark.parametrize("calendar", CALENDARS, ids=["default", "to-midnight", "all-day"])
@settings(max_examples=300, deadline=None)
@given(start=STARTS, duration=DURATIONS)
def test_it_measures_back_what_it_added(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    end = calendar.add_working_time(start, duration)
    assert end >= start
    assert calendar.working_time_between(start, end) == duration


@pytest.mark.parametrize("calendar", CALENDARS[:2], ids=["default", "to-midnight"])
@settings(max_examples=300, deadline=None)
@given(start=STARTS, duration=DURATIONS.filter(bool))
def test_it_gives_the_earliest_such_instant(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    end = calendar.add_working_time(start, duration)
    assert calendar.working_time_between(start, end - timedelta(microseconds=1)) < duration


@settings(max_examples=300, deadline=None)
@given(start=STARTS, days=st.integers(min_value=0, max_value=400))
def test_it_lands_working_days_on_working_days(start: datetime, days: int) -> None:
    calendar = CALENDARS[0]
    end = calendar.add_working_days(start, days)
    local = start.astimezone(CHINA)
    assert calendar.is_workday(end.date())
    # Whether the start's day is worked (and counted) or not, the days in between are `days`.
    assert calendar.workdays_between(local.date(), end.date()) == days
    if calendar.is_workday(local.date()):
        assert end.time() == local.time()
    else:
        assert end.time() == datetime(2025, 1, 1, 9).time()
