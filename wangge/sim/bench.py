"""Benchmarks: each prints a readable table, then one JSON object with its figures as the last line.

Each measures our code and, where a ratio matters, the bare library on the same data in the
same run, so the ratio does not depend on the machine.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TextIO

import numpy as np
import shapely

from wangge.grids.choices import GridLevel
from wangge.grids.locator import GridIndex, GridRef, IndexedGrid
from wangge.sim.grids import SimSize, district_outlines, generate_city

REPEATS = 3


def bench_locate(*, units: int = 40_000, points: int = 1_000_000, out: TextIO) -> dict[str, Any]:
    """Points per second of the locator against a bare shapely STRtree query on the same blocks."""
    districts = len(district_outlines())
    size = SimSize(
        towns_per_district=13,
        areas_per_town=3,
        units_per_district=max(1, units // districts),
        blocks_per_unit=10,
    )
    started = time.perf_counter()
    city = generate_city(size=size)
    generate_s = time.perf_counter() - started
    grids = [
        IndexedGrid(GridRef(i, g.code, g.name, g.level, g.kind), None, g.boundary)
        for i, g in enumerate(city)
    ]
    ids = {g.code: i for i, g in enumerate(city)}
    grids = [
        IndexedGrid(grid.ref, ids[g.parent_code] if g.parent_code else None, grid.boundary)
        for grid, g in zip(grids, city, strict=True)
    ]
    started = time.perf_counter()
    index = GridIndex(grids)
    build_s = time.perf_counter() - started
    blocks = [g.boundary for g in city if g.level == GridLevel.BLOCK]
    lng, lat = _points_in_city(points)

    bare_tree = shapely.STRtree(blocks)

    def bare() -> None:
        bare_tree.query(shapely.points(lng, lat), predicate="intersects")

    def ours() -> None:
        index.locate_ids(lng, lat)

    bare_s = _best_of(bare)
    ours_s = _best_of(ours)
    located = index.locate_ids(lng, lat)
    figures = {
        "bench": "locate",
        "ours_pts_per_s": round(points / ours_s),
        "bare_pts_per_s": round(points / bare_s),
        "ratio": round(bare_s / ours_s, 3),
    }
    rows = [
        ("unit grids", f"{sum(1 for g in city if g.level == GridLevel.UNIT):,}"),
        ("blocks", f"{len(blocks):,}"),
        ("all grids", f"{len(city):,}"),
        ("points", f"{points:,}"),
        ("points in a grid", f"{int((located >= 0).sum()):,}"),
        ("generate the city", f"{generate_s:.1f} s"),
        ("build our index", f"{build_s:.1f} s"),
        ("bare STRtree query", f"{bare_s:.2f} s  {figures['bare_pts_per_s']:>12,} points/s"),
        ("our locator", f"{ours_s:.2f} s  {figures['ours_pts_per_s']:>12,} points/s"),
        ("ours / bare", f"{figures['ratio']:.1%}"),
    ]
    width = max(len(name) for name, _ in rows)
    out.write(f"locate: best of {REPEATS} runs, one batch of {points:,} WGS-84 points\n")
    for name, value in rows:
        out.write(f"  {name:<{width}}  {value}\n")
    out.write(json.dumps(figures) + "\n")
    return figures


def _best_of(run: Callable[[], None]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def _points_in_city(count: int, seed: int = 12345) -> tuple[np.ndarray, np.ndarray]:
    """``count`` points spread evenly over the land of the sixteen districts."""
    city = shapely.union_all([outline for _, outline in district_outlines().values()])
    shapely.prepare(city)
    min_x, min_y, max_x, max_y = city.bounds
    rng = np.random.default_rng(seed)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    total = 0
    while total < count:
        x = rng.uniform(min_x, max_x, count)
        y = rng.uniform(min_y, max_y, count)
        inside = shapely.contains_xy(city, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        total += int(inside.sum())
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


BENCHMARKS: dict[str, Callable[..., dict[str, Any]]] = {"locate": bench_locate}
