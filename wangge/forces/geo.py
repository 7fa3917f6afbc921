"""Distances in metres from a WGS-84 position, on the plane that touches the earth there.

Around the position, a degree of latitude and a degree of longitude are turned into metres by the
WGS-84 ellipsoid's radii of curvature at its latitude (meridional and prime vertical). Over the
kilometres of a grid this is within a fraction of a per cent of the geodesic distance, and the
distances attendance and checkpoints care about are tens or hundreds of metres.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

_A = 6_378_137.0  # WGS-84 semi-major axis
_F = 1 / 298.257223563  # WGS-84 flattening
_E2 = _F * (2 - _F)


def metres_per_degree(lat: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at latitude ``lat``."""
    phi = math.radians(lat)
    w = math.sqrt(1 - _E2 * math.sin(phi) ** 2)
    prime_vertical = _A / w
    meridional = _A * (1 - _E2) / w**3
    per_radian = math.pi / 180
    return per_radian * prime_vertical * math.cos(phi), per_radian * meridional


def distance_to(geometry: BaseGeometry, lng: float, lat: float) -> float:
    """Metres from the position to the nearest point of ``geometry``; 0 on or inside it."""
    kx, ky = metres_per_degree(lat)
    origin = np.array([lng, lat])
    scale = np.array([kx, ky])
    flat = shapely.transform(geometry, lambda xy: (xy - origin) * scale)
    return float(shapely.distance(flat, shapely.Point(0.0, 0.0)))


def distances_m(lng: float, lat: float, lngs: ArrayLike, lats: ArrayLike) -> NDArray[np.float64]:
    """Metres from the position to each of the positions ``lngs``, ``lats``."""
    kx, ky = metres_per_degree(lat)
    dx = (np.asarray(lngs, dtype=float) - lng) * kx
    dy = (np.asarray(lats, dtype=float) - lat) * ky
    return np.hypot(dx, dy)
