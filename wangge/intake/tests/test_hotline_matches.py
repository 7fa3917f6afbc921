"""A complaint about a problem that a patrol had already found, close by and not long before,
records the patrol's case: the grid found it first (先行发现)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.services import case_draft, case_submit
from wangge.catalog.models import Category
from wangge.intake.hotline import hotline_import
from wangge.intake.models import Intake
from wangge.intake.tests.conftest import beijing, order_row
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db

METRE_EAST = 1 / 95_000  # degrees of longitude per metre, near enough, at 31° north


def found(cast: Cast, spot_a: tuple[float, float], name: str, at: str, channel: str) -> Case:
    return case_submit(
        draft=case_draft(
            channel=channel,
            category=Category.objects.get(name=name),
            lng=spot_a[0],
            lat=spot_a[1],
            description="巡查发现",
            reporter=cast.ivan if channel != Channel.CITIZEN else None,
            at=beijing(at),
        )
    )


# One batch; then a batch a row, the rows out of order of time, so the finds fetched for one
# batch must serve the next, backwards and forwards.
@pytest.mark.parametrize("batch", [1000, 1])
def test_a_complaint_near_an_earlier_patrol_find_of_its_kind_records_it(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path], batch: int
) -> None:
    lng, lat = spot_a
    patrol = found(cast, spot_a, "暴露垃圾", "2026-11-20 08:00:00", Channel.PATROL)
    video = found(
        cast, (lng + 400 * METRE_EAST, lat), "暴露垃圾", "2026-11-18 08:00:00", Channel.VIDEO
    )
    found(cast, (lng, lat + 0.01), "暴露垃圾", "2026-11-20 08:00:00", Channel.CITIZEN)
    path = write_csv(
        [
            order_row("NEAR", lng + 20 * METRE_EAST, lat, when="2026-11-20 09:30:00"),
            order_row("OTHER_KIND", lng, lat, category="道路不洁", when="2026-11-20 09:30:00"),
            order_row("FAR", lng + 200 * METRE_EAST, lat, when="2026-11-20 09:30:00"),
            order_row("BEFORE", lng, lat, when="2026-11-20 07:59:00"),
            order_row("VIDEO", lng + 410 * METRE_EAST, lat, when="2026-11-20 20:00:00"),
            order_row("TOO_LATE", lng + 410 * METRE_EAST, lat, when="2026-11-21 08:01:00"),
            order_row("CITIZEN_FIRST", lng, lat + 0.01, when="2026-11-20 09:30:00"),
            order_row("VIDEO_AGAIN", lng + 405 * METRE_EAST, lat, when="2026-11-20 21:00:00"),
        ]
    )
    result = hotline_import(path, batch=batch)

    details = dict(Intake.objects.filter(source="hotline_12345").values_list("key", "details"))
    assert details == {
        "NEAR": {"matches": patrol.number},
        "OTHER_KIND": {},
        "FAR": {},
        "BEFORE": {},
        "VIDEO": {"matches": video.number},
        "TOO_LATE": {},
        "CITIZEN_FIRST": {},
        "VIDEO_AGAIN": {"matches": video.number},
    }
    assert result.matched == 3
    # A complaint stays a complaint: the patrol's find is what counts as found first.
    assert not Case.objects.filter(channel=Channel.HOTLINE_12345, proactive=True).exists()


def test_of_two_patrol_finds_the_nearest_is_recorded(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    lng, lat = spot_a
    found(cast, (lng + 30 * METRE_EAST, lat), "暴露垃圾", "2026-11-20 08:00:00", Channel.PATROL)
    nearer = found(cast, (lng - 5 * METRE_EAST, lat), "暴露垃圾", "2026-11-20 07:00:00", Channel.AI)
    hotline_import(write_csv([order_row("TWO", lng, lat)]))
    assert Intake.objects.get(key="TWO").details == {"matches": nearer.number}
