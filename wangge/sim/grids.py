"""A deterministic synthetic grid tree inside real district outlines.

Each level is cut from its parent by a Voronoi partition of seed points drawn inside the parent
(relaxed twice so the cells are even), each cell clipped to the parent: the children tile the
parent exactly, with no gap and no overlap beyond floating-point noise. The same seed gives the
same tree on every machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from wangge.core.coords import CRS, geometry_to_wgs84
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.codes import code_length
from wangge.grids.io import GridRecord

MINHANG = "310112"
_RELAXATIONS = 2

# Minhang's towns and streets; the synthetic tree borrows their names, not their boundaries.
TOWN_NAMES = [
    "江川路街道",
    "古美路街道",
    "新虹街道",
    "浦锦街道",
    "莘庄镇",
    "七宝镇",
    "颛桥镇",
    "华漕镇",
    "虹桥镇",
    "梅陇镇",
    "吴泾镇",
    "马桥镇",
    "浦江镇",
    "莘庄工业区",
]
_UNIT_KINDS: list[tuple[str, float, str]] = [
    (GridKind.RESIDENTIAL, 0.46, "{n}居委"),
    (GridKind.VILLAGE, 0.14, "{n}村"),
    (GridKind.STREET, 0.2, "{n}路街面"),
    (GridKind.EXTENDED, 0.08, "{n}拓展网格"),
    (GridKind.INDUSTRIAL_PARK, 0.04, "{n}工业园区"),
    (GridKind.MARKET, 0.02, "{n}市场"),
    (GridKind.COMMERCIAL_COMPLEX, 0.02, "{n}商业综合体"),
    (GridKind.OFFICE_BUILDING, 0.02, "{n}商务楼宇"),
    (GridKind.SHOPFRONT_STREET, 0.02, "{n}沿街商铺"),
]
_SYLLABLES = "春华秋实金桥银杏紫藤梅林竹园兰香明珠古美平阳景谷虹梅田园新港富强安康"


@dataclass(frozen=True)
class SimSize:
    """How big a tree to grow. The default is the demo district; ``city`` the benchmark city."""

    towns_per_district: int = 12
    areas_per_town: int = 3
    units_per_district: int = 250
    blocks_per_unit: int = 10

    @classmethod
    def city(cls) -> SimSize:
        # 16 districts × 13 towns ≈ Shanghai's 215; 16 × 2,500 = 40,000 unit grids.
        return cls(towns_per_district=13, areas_per_town=3, units_per_district=2500)


@dataclass(frozen=True)
class SimGrid:
    code: str
    name: str
    level: int
    kind: str
    parent_code: str | None
    boundary: BaseGeometry

    def as_record(self) -> GridRecord:
        return GridRecord(
            label=f"grid {self.code}",
            code=self.code,
            name=self.name,
            level=self.level,
            kind=self.kind,
            parent_code=self.parent_code,
            geometry=json.loads(shapely.to_geojson(self.boundary)),
        )


@cache
def district_outlines() -> dict[str, tuple[str, BaseGeometry]]:
    """Shanghai's districts by code: (name, WGS-84 outline)."""
    text = resources.files("wangge.sim").joinpath("data/shanghai-districts.gcj02.geojson")
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return {
        f["properties"]["adcode"]: (
            f["properties"]["name"],
            shapely.geometry.shape(geometry_to_wgs84(f["geometry"], CRS.GCJ02)),
        )
        for f in data["features"]
    }


def generate_district(
    code: str = MINHANG, *, size: SimSize | None = None, seed: int = 2017
) -> list[SimGrid]:
    """A district's whole tree, parents before children."""
    size = size or SimSize()
    rng = np.random.default_rng([seed, int(code)])
    name, outline = district_outlines()[code]
    district = SimGrid(code, name, GridLevel.DISTRICT, GridKind.ADMINISTRATIVE, None, outline)
    grids = [district]
    towns = _children(district, GridLevel.TOWN, size.towns_per_district, rng)
    areas = [a for t in towns for a in _children(t, GridLevel.AREA, size.areas_per_town, rng)]
    unit_counts = _spread(size.units_per_district, len(areas))
    units = [
        u
        for a, n in zip(areas, unit_counts, strict=True)
        for u in _children(a, GridLevel.UNIT, n, rng)
    ]
    blocks = [b for u in units for b in _children(u, GridLevel.BLOCK, size.blocks_per_unit, rng)]
    grids += towns + areas + units + blocks
    return grids


def generate_city(*, size: SimSize | None = None, seed: int = 2017) -> list[SimGrid]:
    """All sixteen districts of Shanghai, each grown like the demo district."""
    size = size or SimSize.city()
    return [
        g
        for code in sorted(district_outlines())
        for g in generate_district(code, size=size, seed=seed)
    ]


def _spread(total: int, bins: int) -> list[int]:
    base, extra = divmod(total, bins)
    return [base + (1 if i < extra else 0) for i in range(bins)]


def _children(parent: SimGrid, level: int, count: int, rng: np.random.Generator) -> list[SimGrid]:
    cells = partition(parent.boundary, count, rng)
    children = []
    for number, cell in enumerate(cells, start=1):
        code = f"{parent.code}{number:0{code_length(level) - len(parent.code)}d}"
        kind, name = _kind_and_name(parent, level, number, rng)
        children.append(SimGrid(code, name, level, kind, parent.code, cell))
    return children


def _kind_and_name(
    parent: SimGrid, level: int, number: int, rng: np.random.Generator
) -> tuple[str, str]:
    if level == GridLevel.TOWN:
        return GridKind.ADMINISTRATIVE, TOWN_NAMES[(number - 1) % len(TOWN_NAMES)] + (
            "" if number <= len(TOWN_NAMES) else str(number)
        )
    if level == GridLevel.AREA:
        return GridKind.ADMINISTRATIVE, f"{parent.name}第{number}片区"
    if level == GridLevel.BLOCK:
        return parent.kind, f"{parent.name}{number}号责任块"
    kinds, weights, patterns = zip(*_UNIT_KINDS, strict=True)
    choice = int(rng.choice(len(kinds), p=np.array(weights) / sum(weights)))
    syllables = rng.choice(list(_SYLLABLES), size=2, replace=False)
    stem = "".join(syllables)
    return kinds[choice], patterns[choice].format(n=stem)


def partition(parent: BaseGeometry, count: int, rng: np.random.Generator) -> list[BaseGeometry]:
    """``count`` polygons that tile ``parent`` exactly, ordered west to east, then south."""
    if count <= 1:
        return [parent]
    seeds = points_inside(parent, count, rng)
    shapely.prepare(parent)
    for _ in range(_RELAXATIONS):
        cells = _voronoi_cells(parent, seeds)
        centroids = shapely.centroid(cells)
        seeds = np.column_stack([shapely.get_x(centroids), shapely.get_y(centroids)])
        # A concave parent can put a centroid outside itself: draw a fresh seed for that cell.
        inside = shapely.contains_xy(parent, seeds[:, 0], seeds[:, 1])
        if not inside.all():
            seeds = np.where(inside[:, None], seeds, points_inside(parent, count, rng))
    cells = _voronoi_cells(parent, seeds)
    order = np.lexsort(
        (-shapely.get_y(shapely.centroid(cells)), shapely.get_x(shapely.centroid(cells)))
    )
    return [cells[i] for i in order]


def _voronoi_cells(parent: BaseGeometry, seeds: np.ndarray) -> np.ndarray:
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(seeds), extend_to=parent.envelope.buffer(1.0), ordered=True
    )
    cells = shapely.intersection(np.asarray(shapely.get_parts(diagram)), parent)
    return np.array([_polygonal(cell) for cell in cells], dtype=object)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def points_inside(parent: BaseGeometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` random points inside ``parent``, evenly spread, as rows of (x, y)."""
    min_x, min_y, max_x, max_y = parent.bounds
    found: list[np.ndarray] = []
    total = 0
    while total < count:
        xs = rng.uniform(min_x, max_x, count * 4)
        ys = rng.uniform(min_y, max_y, count * 4)
        inside = shapely.contains_xy(parent, xs, ys)
        points = np.column_stack([xs[inside], ys[inside]])
        found.append(points)
        total += len(points)
    return np.concatenate(found)[:count]
