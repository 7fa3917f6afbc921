"""Hand-built cases for the tests of the ratings and hotspots: rows written as they would stand
after their history, so that a test states every timestamp it relies on."""

from __future__ import annotations

import datetime
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.workflow import Status
from wangge.catalog.models import Category
from wangge.grids.models import Grid

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment of 2026 in Shanghai."""
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def spot(grid: Grid, east_m: float = 0.0) -> tuple[float, float]:
    """A point inside ``grid``, moved ``east_m`` metres east."""
    inside = shape(grid.geometry).representative_point()
    return inside.x + east_m / 95_400, inside.y


def make_case(
    grid: Grid,
    category: Category,
    reported: datetime.datetime,
    *,
    channel: str = Channel.PATROL,
    status: str = Status.CLOSED,
    due_by: datetime.datetime | None = None,
    closed_at: datetime.datetime | None = None,
    east_m: float = 0.0,
) -> Case:
    """A case of ``grid`` reported at ``reported``; a patrol find unless told otherwise."""
    lng, lat = spot(grid, east_m)
    fields: dict[str, Any] = {
        "number": f"T{next(_numbers):08d}",
        "channel": channel,
        "proactive": channel in Channel.grid_forces(),
        "category": category,
        "grid": grid,
        "lng": lng,
        "lat": lat,
        "description": "test",
        "status": status,
        "reported_at": reported,
        "registered_at": reported,
        "due_by": due_by,
        "closed_at": closed_at,
    }
    return Case.objects.create(**fields)
