"""GeoJSON in and out of the grid tree.

A grid is a Feature with the properties ``code``, ``name``, ``level`` (district, town, area, unit,
block, or 1–5), ``kind`` and ``parent_code``. For administrative boundaries as published,
``adcode`` stands in for ``code`` and ``--level`` gives the level they all share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wangge.core.coords import CRS, geometry_from_wgs84, geometry_to_wgs84
from wangge.grids.choices import LEVEL_BY_NAME, GridKind, GridLevel
from wangge.grids.geometry import GeometryError, parse_boundary

# Checked here because a bulk insert does not check the columns' sizes.
from wangge.grids.models import CODE_MAX_LENGTH, NAME_MAX_LENGTH


class GridImportError(ValueError):
    """Grids that cannot be imported, with one message per problem, each naming its feature."""

    def __init__(self, problems: list[str], records: list[GridRecord] | None = None) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        # The well-formed records of a file with bad features, so that the checks against the
        # tree can report their problems too, in the same answer.
        self.records = records or []


@dataclass
class GridRecord:
    """A grid read from a file, not yet in the database; ``geometry`` is GeoJSON in WGS-84."""

    label: str
    code: str
    name: str
    level: int
    kind: str
    parent_code: str | None
    geometry: dict[str, Any]


def read_feature_collection(
    data: str | bytes | dict[str, Any],
    *,
    crs: CRS | str = CRS.WGS84,
    default_level: int | None = None,
) -> list[GridRecord]:
    """Parse a FeatureCollection into grid records; raise GridImportError listing every bad
    feature, so nothing is imported from a file with any problem."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise GridImportError([f"the file is not JSON: {exc}"]) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GridImportError(["the file is not a GeoJSON FeatureCollection"])
    features = data.get("features")
    if not isinstance(features, list):
        raise GridImportError(["the FeatureCollection has no list of features"])
    records: list[GridRecord] = []
    problems: list[str] = []
    for number, feature in enumerate(features, start=1):
        try:
            records.append(_read_feature(number, feature, CRS(crs), default_level))
        except GridImportError as exc:
            problems.extend(exc.problems)
    if problems:
        raise GridImportError(problems, records)
    return records


def _read_feature(number: int, feature: Any, crs: CRS, default_level: int | None) -> GridRecord:
    label = f"feature {number}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise GridImportError([f"{label}: not a GeoJSON Feature"])
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise GridImportError([f"{label}: properties must be an object"])
    code = str(properties.get("code") or properties.get("adcode") or "").strip()
    if code:
        label = f"feature {number} (code {code})"
    problems: list[str] = []
    if not code:
        problems.append(f"{label}: property 'code' is missing")
    name = str(properties.get("name") or "").strip()
    if not name:
        problems.append(f"{label}: property 'name' is missing")
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(f"{label}: name is longer than {NAME_MAX_LENGTH} characters")
    if len(code) > CODE_MAX_LENGTH:
        problems.append(f"{label}: code is longer than {CODE_MAX_LENGTH} characters")
    level = _read_level(properties.get("level"), default_level)
    if level is None:
        problems.append(
            f"{label}: property 'level' must be one of {', '.join(LEVEL_BY_NAME)} or 1–5"
        )
    kind = str(properties.get("kind") or "").strip()
    if not kind:
        if level is not None and level <= GridLevel.AREA:
            kind = GridKind.ADMINISTRATIVE
        else:
            problems.append(f"{label}: property 'kind' is required for unit and block grids")
    elif kind not in GridKind.values:
        problems.append(f"{label}: kind {kind!r} is not one of {', '.join(GridKind.values)}")
    parent_code = properties.get("parent_code")
    parent_code = str(parent_code).strip() if parent_code not in (None, "") else None
    geometry = feature.get("geometry")
    try:
        parse_boundary(geometry)
    except GeometryError as exc:
        problems.append(f"{label}: {exc}")
    if problems:
        raise GridImportError(problems)
    assert level is not None and isinstance(geometry, dict)
    return GridRecord(
        label=label,
        code=code,
        name=name,
        level=level,
        kind=kind,
        parent_code=parent_code,
        geometry=geometry_to_wgs84(
            {"type": geometry["type"], "coordinates": geometry["coordinates"]}, crs
        ),
    )


def _read_level(value: Any, default: int | None) -> int | None:
    if value in (None, ""):
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value in GridLevel.values else None
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text) if int(text) in GridLevel.values else None
    level = LEVEL_BY_NAME.get(text)
    return int(level) if level is not None else None


def feature_collection(
    features: list[dict[str, Any]], *, crs: CRS | str = CRS.WGS84
) -> dict[str, Any]:
    """Features as a FeatureCollection, their geometries converted to ``crs``."""
    if CRS(crs) is not CRS.WGS84:
        features = [
            {**feature, "geometry": geometry_from_wgs84(feature["geometry"], crs)}
            for feature in features
        ]
    return {"type": "FeatureCollection", "features": features}
