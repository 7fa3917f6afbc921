"""The clocks of a case: when it must be on site, have a first result, be done; and its light.

The rules, from the seeds:
- Urgent cases (major hazards, urgent hotline orders, non-police emergencies): on site within
  15 minutes and a first result within 1 hour (Yingpu seed 003).
- Residential and village grids: 1–3 days of front-end self-governance, then back-end
  enforcement finishes within 4 days, 7 in all (Minhang seed 000, 前端自治+后端共治).
- Otherwise: the catalog item's time limit, in natural or working time.

No database here: the services pass the facts and a working calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from wangge.cases.choices import Light
from wangge.core.calendar import WorkingCalendar

URGENT_ON_SITE = timedelta(minutes=15)
URGENT_FIRST_RESULT = timedelta(hours=1)
SELF_GOVERNANCE_DAYS = 3
ENFORCEMENT_DAYS = 4
# Without a limit in the catalog, a case still gets a clock: the 7-day mechanism's length.
DEFAULT_LIMIT = (7, "days", False)


@dataclass(frozen=True)
class Clock:
    on_site_by: datetime | None
    first_result_by: datetime | None
    due_by: datetime


def clock_on_register(
    *,
    at: datetime,
    urgent: bool,
    self_governance: bool,
    limit: tuple[int, str, bool] | None,
    calendar: WorkingCalendar,
) -> Clock:
    """The clock a case starts when it is registered. ``limit`` is (amount, unit, working)."""
    if self_governance:
        return Clock(None, None, calendar.add_natural(at, SELF_GOVERNANCE_DAYS, "days"))
    amount, unit, working = limit or DEFAULT_LIMIT
    due_by = calendar.deadline(at, amount, unit, working=working)
    if urgent:
        return Clock(at + URGENT_ON_SITE, at + URGENT_FIRST_RESULT, due_by)
    return Clock(None, None, due_by)


def clock_on_enforcement(*, at: datetime, calendar: WorkingCalendar) -> Clock:
    """Back-end enforcement after self-governance: 4 more days."""
    return Clock(None, None, calendar.add_natural(at, ENFORCEMENT_DAYS, "days"))


def yellow_time(
    *, started: datetime, due_by: datetime | None, yellow_share: float
) -> datetime | None:
    """When the light turns yellow: with ``yellow_share`` of the time left."""
    if due_by is None:
        return None
    return due_by - (due_by - started) * yellow_share


def light_at(now: datetime, *, yellow_at: datetime | None, due_by: datetime | None) -> Light:
    """Green until the yellow time, yellow until the deadline, red after."""
    if due_by is None:
        return Light.NONE
    if now >= due_by:
        return Light.RED
    return Light.YELLOW if yellow_at is not None and now >= yellow_at else Light.GREEN
