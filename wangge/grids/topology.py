"""The topology check: siblings must tile their parent, no overlap and no gap (无缝拼接、避免交叉).

Each problem names the grid codes involved, the area in square metres and a point inside it, so
an administrator can find it on the map. Differences below the tolerance (1 m² by default) are
the noise of floating-point arithmetic on shared edges, not problems.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from wangge.grids.geometry import area_m2

DEFAULT_TOLERANCE_M2 = 1.0


class ProblemKind(enum.StrEnum):
    INVALID = "invalid"
    OUTSIDE_PARENT = "outside_parent"
    OVERLAP = "overlap"
    GAP = "gap"


@dataclass(frozen=True)
class TreeGrid:
    """A grid as the check reads it: from the database or straight from a file."""

    code: str
    parent_code: str | None
    level: int
    boundary: BaseGeometry


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    codes: tuple[str, ...]
    area_m2: float
    lng: float
    lat: float
    detail: str

    def __str__(self) -> str:
        return (
            f"{self.kind.value}: {', '.join(self.codes)} — {self.detail}; "
            f"{self.area_m2:,.1f} m² near {self.lng:.6f},{self.lat:.6f}"
        )


def check_tree(
    grids: Iterable[TreeGrid], *, tolerance_m2: float = DEFAULT_TOLERANCE_M2
) -> list[Problem]:
    """Every topology problem of the tree, invalid shapes first, then by parent."""
    grids = list(grids)
    problems: list[Problem] = []
    valid: dict[str, BaseGeometry] = {}
    for grid in grids:
        reason = shapely.is_valid_reason(grid.boundary)
        if reason == "Valid Geometry":
            valid[grid.code] = grid.boundary
            continue
        point = grid.boundary.representative_point()
        problems.append(
            Problem(
                ProblemKind.INVALID,
                (grid.code,),
                area_m2(grid.boundary.buffer(0)),
                point.x,
                point.y,
                f"invalid boundary ({reason})",
            )
        )
    children: dict[str, list[TreeGrid]] = defaultdict(list)
    for grid in grids:
        if grid.parent_code is not None:
            children[grid.parent_code].append(grid)
    for parent_code in sorted(children):
        siblings = [g for g in children[parent_code] if g.code in valid]
        problems.extend(_overlaps(siblings, tolerance_m2))
        parent = valid.get(parent_code)
        if parent is None:
            continue
        for child in siblings:
            outside = child.boundary.difference(parent)
            problems.extend(
                _problem(
                    ProblemKind.OUTSIDE_PARENT,
                    (child.code, parent_code),
                    outside,
                    tolerance_m2,
                    f"part of {child.code} lies outside its parent",
                )
            )
        if len(siblings) == len(children[parent_code]):
            covered = shapely.union_all([child.boundary for child in siblings])
            gap = parent.difference(covered)
            problems.extend(
                _problem(
                    ProblemKind.GAP,
                    (parent_code,),
                    gap,
                    tolerance_m2,
                    f"part of {parent_code} is covered by none of its children",
                )
            )
    return problems


def _overlaps(siblings: list[TreeGrid], tolerance_m2: float) -> list[Problem]:
    if len(siblings) < 2:
        return []
    tree = shapely.STRtree([g.boundary for g in siblings])
    left, right = tree.query([g.boundary for g in siblings], predicate="intersects")
    problems = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        a, b = siblings[i], siblings[j]
        codes = tuple(sorted((a.code, b.code)))
        problems.extend(
            _problem(
                ProblemKind.OVERLAP,
                codes,
                a.boundary.intersection(b.boundary),
                tolerance_m2,
                f"{codes[0]} and {codes[1]} overlap",
            )
        )
    return problems


def _problem(
    kind: ProblemKind,
    codes: tuple[str, ...],
    region: BaseGeometry,
    tolerance_m2: float,
    detail: str,
) -> list[Problem]:
    area = area_m2(region)
    if area <= tolerance_m2:
        return []
    point = _largest_part(region).representative_point()
    return [Problem(kind, codes, area, point.x, point.y, detail)]


def _largest_part(region: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(region) if p.area > 0] or [region]
    return max(parts, key=lambda p: p.area)
