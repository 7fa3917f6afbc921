"""Coordinate systems of Chinese maps, converted at the edges of the platform.

Inside, every coordinate is WGS-84 (GPS). Amap, Tencent and many phone SDKs deliver GCJ-02, a
deliberately offset system; Baidu delivers BD-09, a further offset of GCJ-02. The forward formulas
are the published ones; the inverses are solved by fixed-point iteration to better than 1e-9
degrees (about 0.1 mm), so a boundary converted in and out comes back where it was. No maintained
package offers vectorised conversion with exact inverses, hence this module.

All functions take and return numpy arrays (or floats) of longitude and latitude.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]
Converter = Callable[[Floats, Floats], tuple[Floats, Floats]]

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as GCJ-02 uses
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_TOLERANCE = 1e-10
_MAX_ITERATIONS = 30


class CRS(enum.StrEnum):
    """The coordinate systems the platform accepts."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


def _outside_china(lng: Floats, lat: Floats) -> NDArray[np.bool_]:
    # GCJ-02 leaves coordinates outside mainland China's rough bounding box unchanged.
    return (lng < 72.004) | (lng > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lng: Floats, lat: Floats) -> tuple[Floats, Floats]:
    x = lng - 105.0
    y = lat - 35.0
    periodic = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += periodic
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlng += periodic
    dlng += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlng += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = _outside_china(lng, lat)
    return np.where(outside, 0.0, dlng), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lng: Floats, lat: Floats) -> tuple[Floats, Floats]:
    dlng, dlat = _delta(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_bd09(lng: Floats, lat: Floats) -> tuple[Floats, Floats]:
    z = np.sqrt(lng * lng + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lng) + 0.000003 * np.cos(lng * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward: Converter, lng: Floats, lat: Floats) -> tuple[Floats, Floats]:
    """Solve forward(x) = target by fixed-point iteration; the offsets are smooth and small."""
    x, y = lng.copy(), lat.copy()
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        ex, ey = fx - lng, fy - lat
        x, y = x - ex, y - ey
        if np.all(np.abs(ex) < _TOLERANCE) and np.all(np.abs(ey) < _TOLERANCE):
            break
    return x, y


def gcj02_to_wgs84(lng: Floats, lat: Floats) -> tuple[Floats, Floats]:
    return _invert(wgs84_to_gcj02, lng, lat)


def bd09_to_gcj02(lng: Floats, lat: Floats) -> tuple[Floats, Floats]:
    return _invert(gcj02_to_bd09, lng, lat)


def bd09_to_wgs84(lng: Floats, lat: Floats) -> tuple[Floats, Floats]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


def wgs84_to_bd09(lng: Floats, lat: Floats) -> tuple[Floats, Floats]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


def _identity(lng: Floats, lat: Floats) -> tuple[Floats, Floats]:
    return lng, lat


_TO_WGS84: dict[CRS, Converter] = {
    CRS.WGS84: _identity,
    CRS.GCJ02: gcj02_to_wgs84,
    CRS.BD09: bd09_to_wgs84,
}
_FROM_WGS84: dict[CRS, Converter] = {
    CRS.WGS84: _identity,
    CRS.GCJ02: wgs84_to_gcj02,
    CRS.BD09: wgs84_to_bd09,
}


def to_wgs84(lng: ArrayLike, lat: ArrayLike, crs: CRS | str) -> tuple[Floats, Floats]:
    """Longitudes and latitudes given in ``crs``, as WGS-84."""
    return _TO_WGS84[CRS(crs)](np.asarray(lng, dtype=float), np.asarray(lat, dtype=float))


def from_wgs84(lng: ArrayLike, lat: ArrayLike, crs: CRS | str) -> tuple[Floats, Floats]:
    """WGS-84 longitudes and latitudes, as ``crs``."""
    return _FROM_WGS84[CRS(crs)](np.asarray(lng, dtype=float), np.asarray(lat, dtype=float))


def point_to_wgs84(lng: float, lat: float, crs: CRS | str) -> tuple[float, float]:
    x, y = to_wgs84(lng, lat, crs)
    return float(x), float(y)


def convert_geometry(geometry: dict[str, Any], converter: Converter) -> dict[str, Any]:
    """A GeoJSON geometry with every position converted, ring by ring (vectorised)."""

    def convert(coordinates: Any) -> Any:
        if coordinates and isinstance(coordinates[0], int | float):
            return convert([coordinates])[0]
        if coordinates and isinstance(coordinates[0][0], int | float):
            positions = np.asarray(coordinates, dtype=float)
            lng, lat = converter(positions[:, 0], positions[:, 1])
            positions[:, 0], positions[:, 1] = lng, lat
            return positions.tolist()
        return [convert(part) for part in coordinates]

    if geometry.get("type") == "GeometryCollection":
        geometries = [convert_geometry(part, converter) for part in geometry["geometries"]]
        return {**geometry, "geometries": geometries}
    return {**geometry, "coordinates": convert(geometry["coordinates"])}


def geometry_to_wgs84(geometry: dict[str, Any], crs: CRS | str) -> dict[str, Any]:
    crs = CRS(crs)
    return geometry if crs is CRS.WGS84 else convert_geometry(geometry, _TO_WGS84[crs])


def geometry_from_wgs84(geometry: dict[str, Any], crs: CRS | str) -> dict[str, Any]:
    crs = CRS(crs)
    return geometry if crs is CRS.WGS84 else convert_geometry(geometry, _FROM_WGS84[crs])
