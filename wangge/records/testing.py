"""Records for tests of other apps: a few of each kind in the cast's two towns."""

from __future__ import annotations

from shapely.geometry import shape

from wangge.catalog.services import catalog_load_defaults
from wangge.grids.models import Grid
from wangge.people.testing import Cast
from wangge.records.models import Building, Company, Facility, Shop
from wangge.records.services import record_save


def spot(grid: Grid, east: float = 0.0) -> dict[str, float]:
    """A point inside ``grid`` (``east`` degrees further east)."""
    point = shape(grid.geometry).representative_point()
    return {"lng": point.x + east, "lat": point.y}


def sample_records(cast: Cast) -> None:
    """Town A's block: two shops (one closed), a building, a street lamp, a company; town B's
    block: a shop."""
    catalog_load_defaults()
    a = cast.block_a
    record_save(
        record=Shop(name="王记面馆", address="江川路100号", holder_name="王建国", **spot(a))
    )
    record_save(
        record=Shop(name="旧书店", address="江川路102号", is_active=False, **spot(a, 0.001))
    )
    record_save(record=Building(name="江川大厦", address="江川路200号", floors=18, **spot(a)))
    record_save(record=Facility(code="3101120118000007", name="", **spot(a)))
    record_save(
        record=Company(name="华为技术有限公司", credit_code="914403001922038216", **spot(a))
    )
    record_save(record=Shop(name="古美便利店", address="古美路8号", **spot(cast.block_b)))
