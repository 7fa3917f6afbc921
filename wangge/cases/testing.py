"""Cases for tests, submitted through the services on the fixed cast."""

from __future__ import annotations

from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.services import case_submit
from wangge.catalog.models import Category
from wangge.people.testing import Cast


def submit_in_town_a(cast: Cast, category: Category, channel: str = Channel.PATROL) -> Case:
    spot = shape(cast.block_a.geometry).representative_point()
    return case_submit(
        channel=channel,
        category=category,
        lng=spot.x,
        lat=spot.y,
        description="人行道上无证设摊",
        reporter=cast.ivan,
    )
