"""Reads of the grid tree that several callers share."""

from __future__ import annotations

import json
from typing import Any

import shapely

from wangge.core.coords import CRS
from wangge.grids.choices import GridLevel
from wangge.grids.io import feature_collection
from wangge.grids.locator import GridRef, IndexedGrid
from wangge.grids.models import Grid
from wangge.grids.topology import TreeGrid


def indexed_grids() -> list[IndexedGrid]:
    """Every grid with its boundary, as the locator indexes them."""
    rows = list(
        Grid.objects.order_by().values_list(
            "id", "code", "name", "level", "kind", "parent_id", "geometry"
        )
    )
    boundaries = shapely.from_geojson([json.dumps(row[6]) for row in rows]) if rows else []
    return [
        IndexedGrid(
            ref=GridRef(id=row[0], code=row[1], name=row[2], level=row[3], kind=row[4]),
            parent_id=row[5],
            boundary=boundary,
        )
        for row, boundary in zip(rows, boundaries, strict=True)
    ]


def tree_grids() -> list[TreeGrid]:
    """Every grid as the topology check reads them."""
    parents = dict(Grid.objects.values_list("id", "code"))
    return [
        TreeGrid(
            code=grid.ref.code,
            parent_code=parents.get(grid.parent_id) if grid.parent_id else None,
            level=grid.ref.level,
            boundary=grid.boundary,
        )
        for grid in indexed_grids()
    ]


def grids_feature_collection(queryset: Any = None, *, crs: CRS | str = CRS.WGS84) -> dict[str, Any]:
    """The grids (all by default) as a FeatureCollection, parents before their children."""
    grids = (queryset if queryset is not None else Grid.objects.all()).order_by("level", "code")
    return feature_collection([grid.as_feature() for grid in grids], crs=crs)


def board_map_grids(grid: Grid) -> tuple[Grid, list[Grid]]:
    """What a grid board's map draws: a unit with its blocks; for a block, the unit it lies in
    with all its blocks, so that a passer-by sees where this block sits among the others."""
    frame = grid
    if grid.level == GridLevel.BLOCK and grid.parent_id is not None:
        frame = Grid.objects.get(pk=grid.parent_id)
    return frame, list(Grid.objects.filter(parent=frame).order_by("code"))
