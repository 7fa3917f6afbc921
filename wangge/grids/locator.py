"""Point → grid: the deepest grid that holds a point, and its chain up to the district.

The index lives in memory: an STRtree over the leaves of the tree (the grids without children),
queried for whole arrays of points at once. It is rebuilt when the grid tree version changes.

Rule for shared edges: the deepest grid wins first, then the smallest code. A point on the
boundary between leaves (a shared edge or corner) belongs to the leaf with the smallest code, so
every point has exactly one grid and the answer never depends on the order of rows. A point that
no leaf holds (a gap in a parent's coverage) belongs to the deepest grid that holds it, and among
those, again, to the smallest code.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

NOT_FOUND = -1


@dataclass(frozen=True)
class GridRef:
    """What a located point needs to know of a grid, without a database query."""

    id: int
    code: str
    name: str
    level: int
    kind: str


@dataclass(frozen=True)
class IndexedGrid:
    ref: GridRef
    parent_id: int | None
    boundary: BaseGeometry


@dataclass(frozen=True)
class Location:
    grid: GridRef
    chain: tuple[GridRef, ...]  # from the district down to ``grid``


class GridIndex:
    """An immutable, thread-safe point → grid index over one version of the tree."""

    def __init__(self, grids: Iterable[IndexedGrid]) -> None:
        grids = sorted(grids, key=lambda g: g.ref.code)
        self._refs: dict[int, GridRef] = {g.ref.id: g.ref for g in grids}
        self._parent: dict[int, int | None] = {g.ref.id: g.parent_id for g in grids}
        with_children = {g.parent_id for g in grids if g.parent_id is not None}
        leaves = [g for g in grids if g.ref.id not in with_children]
        inner = [g for g in grids if g.ref.id in with_children]
        # Sorted by code, so an item's position in the tree is its rank for the edge rule.
        self._leaf_ids = np.array([g.ref.id for g in leaves], dtype=np.int64)
        self._leaf_tree = shapely.STRtree([g.boundary for g in leaves])
        self._inner_ids = np.array([g.ref.id for g in inner], dtype=np.int64)
        # Deeper first, then smaller code: the first hit of a point is its answer.
        self._inner_rank = np.lexsort(
            (np.arange(len(inner)), -np.array([g.ref.level for g in inner], dtype=np.int64))
        ).argsort()
        self._inner_tree = shapely.STRtree([g.boundary for g in inner])

    def __len__(self) -> int:
        return len(self._refs)

    def locate_ids(self, lng: ArrayLike, lat: ArrayLike) -> NDArray[np.int64]:
        """The grid id of each WGS-84 point, or NOT_FOUND (-1) outside every grid."""
        points = shapely.points(np.asarray(lng, dtype=float), np.asarray(lat, dtype=float))
        points = np.atleast_1d(points)
        found = _first_hit(self._leaf_tree, points, None)
        result = np.full(len(points), NOT_FOUND, dtype=np.int64)
        hit = found >= 0
        result[hit] = self._leaf_ids[found[hit]]
        missing = np.flatnonzero(~hit)
        if missing.size and len(self._inner_ids):
            inner = _first_hit(self._inner_tree, points[missing], self._inner_rank)
            inner_hit = inner >= 0
            result[missing[inner_hit]] = self._inner_ids[inner[inner_hit]]
        return result

    def locate(self, lng: float, lat: float) -> Location | None:
        grid_id = int(self.locate_ids([lng], [lat])[0])
        if grid_id == NOT_FOUND:
            return None
        chain = self.chain(grid_id)
        return Location(grid=chain[-1], chain=chain)

    def chain(self, grid_id: int) -> tuple[GridRef, ...]:
        chain: list[GridRef] = []
        current: int | None = grid_id
        while current is not None:
            chain.append(self._refs[current])
            current = self._parent[current]
        return tuple(reversed(chain))


def _first_hit(
    tree: shapely.STRtree, points: NDArray[np.object_], rank: NDArray[np.int64] | None
) -> NDArray[np.int64]:
    """For each point, the tree item with the lowest rank among those covering it, or -1.
    Without ranks, an item's position is its rank."""
    point_index, item_index = tree.query(points, predicate="intersects")
    ranks = item_index if rank is None else rank[item_index]
    best = np.full(len(points), NOT_FOUND, dtype=np.int64)
    # Nearly every point lies in one grid: take that directly, and settle only the few points on
    # shared edges by their lowest rank.
    best[point_index] = ranks
    shared = np.bincount(point_index, minlength=len(points))[point_index] > 1
    if shared.any():
        lowest = np.full(len(points), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(lowest, point_index[shared], ranks[shared])
        best[point_index[shared]] = lowest[point_index[shared]]
    if rank is None:
        return best
    found = best >= 0
    item_of_rank = np.empty_like(rank)
    item_of_rank[rank] = np.arange(len(rank))
    best[found] = item_of_rank[best[found]]
    return best


_lock = threading.Lock()
_cached: tuple[str, GridIndex] | None = None


def grid_index() -> GridIndex:
    """The index for the current tree, rebuilt after any change to the tree in any process."""
    global _cached
    from wangge.grids.selectors import indexed_grids
    from wangge.grids.services import grid_tree_revision

    version = grid_tree_revision()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, GridIndex(indexed_grids()))
        return _cached[1]
