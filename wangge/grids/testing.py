"""Small grid trees for tests: squares near Minhang that tile their parents, built through the
services like any import."""

from __future__ import annotations

from typing import Any

from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.io import GridRecord
from wangge.grids.services import grids_import

ORIGIN_LNG, ORIGIN_LAT = 121.30, 31.00


def box(min_lng: float, min_lat: float, max_lng: float, max_lat: float) -> dict[str, Any]:
    """A GeoJSON Polygon: the rectangle between two corners, in degrees."""
    ring = [
        [min_lng, min_lat],
        [max_lng, min_lat],
        [max_lng, max_lat],
        [min_lng, max_lat],
        [min_lng, min_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    """A GeoJSON Polygon over [x0, x1] × [y0, y1], in hundredths of a degree from the origin."""
    return box(*point(x0, y0), *point(x1, y1))


def record(
    code: str,
    level: int,
    geometry: dict[str, Any],
    parent: str | None = None,
    kind: str = GridKind.ADMINISTRATIVE,
    name: str | None = None,
) -> GridRecord:
    return GridRecord(
        label=f"grid {code}",
        code=code,
        name=name or f"网格{code}",
        level=level,
        kind=kind,
        parent_code=parent,
        geometry=geometry,
    )


def small_tree() -> list[GridRecord]:
    """A district 4×2 split into two towns; town 001 down to four blocks, town 002 one unit.

    district 310112 [0,4]×[0,2]
      town 310112001 [0,2]×[0,2] → area 001 → unit 001 → blocks 001–004 (quarters)
      town 310112002 [2,4]×[0,2] → area 001 → unit 001 (whole town, no blocks)
    """
    d, a, b = "310112", "310112001", "310112002"
    return [
        record(d, GridLevel.DISTRICT, square(0, 0, 4, 2), name="闵行区"),
        record(a, GridLevel.TOWN, square(0, 0, 2, 2), d, name="江川路街道"),
        record(b, GridLevel.TOWN, square(2, 0, 4, 2), d, name="古美路街道"),
        record(a + "001", GridLevel.AREA, square(0, 0, 2, 2), a),
        record(b + "001", GridLevel.AREA, square(2, 0, 4, 2), b),
        record(a + "001001", GridLevel.UNIT, square(0, 0, 2, 2), a + "001", GridKind.RESIDENTIAL),
        record(b + "001001", GridLevel.UNIT, square(2, 0, 4, 2), b + "001", GridKind.STREET),
        record(
            a + "001001001", GridLevel.BLOCK, square(0, 0, 1, 1), a + "001001", GridKind.RESIDENTIAL
        ),
        record(
            a + "001001002", GridLevel.BLOCK, square(1, 0, 2, 1), a + "001001", GridKind.RESIDENTIAL
        ),
        record(
            a + "001001003", GridLevel.BLOCK, square(0, 1, 1, 2), a + "001001", GridKind.RESIDENTIAL
        ),
        record(
            a + "001001004", GridLevel.BLOCK, square(1, 1, 2, 2), a + "001001", GridKind.RESIDENTIAL
        ),
    ]


def import_small_tree() -> None:
    grids_import(small_tree())


def point(x: float, y: float) -> tuple[float, float]:
    """The WGS-84 longitude and latitude of a spot in the small tree's coordinates."""
    return ORIGIN_LNG + x / 100, ORIGIN_LAT + y / 100
