"""Boundaries as shapely geometries: parsing GeoJSON, areas in square metres."""

from __future__ import annotations

import math
from typing import Any

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

POLYGONAL_TYPES = ("Polygon", "MultiPolygon")
# Metres per degree of latitude; a degree of longitude is this times cos(latitude).
METRES_PER_DEGREE = 111_320.0


class GeometryError(ValueError):
    """A boundary that is not a well-formed GeoJSON Polygon or MultiPolygon."""


def parse_boundary(geometry: Any) -> BaseGeometry:
    """A shapely geometry for a GeoJSON Polygon or MultiPolygon with numeric positions.

    Well-formed but invalid shapes (a self-intersecting ring) are accepted here: the topology
    check reports them with the grid code, where a person can see and fix them.
    """
    if not isinstance(geometry, dict):
        raise GeometryError(_("geometry is missing or not an object"))
    kind = geometry.get("type")
    if kind not in POLYGONAL_TYPES:
        raise GeometryError(
            _("geometry type must be Polygon or MultiPolygon, not %(kind)r") % {"kind": kind}
        )
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise GeometryError(_("geometry has no coordinates"))
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise GeometryError(_("a polygon has no rings"))
        for ring in polygon:
            _check_ring(ring)
    try:
        return shape(geometry)
    except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        raise GeometryError(_("geometry cannot be read: %(error)s") % {"error": exc}) from exc


def _check_ring(ring: Any) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryError(_("a ring needs at least four positions"))
    for position in ring:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(value, int | float) for value in position[:2])
            or isinstance(position[0], bool)
            or not all(math.isfinite(value) for value in position[:2])
        ):
            raise GeometryError(
                _("position %(position)r is not a pair of numbers") % {"position": position}
            )
        lng, lat = position[0], position[1]
        if not (-180 <= lng <= 180 and -90 <= lat <= 90):
            raise GeometryError(
                _("position %(position)r is not a longitude and latitude") % {"position": position}
            )
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise GeometryError(_("a ring must end where it starts"))


def area_m2(geometry: BaseGeometry) -> float:
    """Approximate area in square metres, scaled at the geometry's own latitude: good to a
    fraction of a percent at grid sizes, which is what problem reports need."""
    if geometry.is_empty:
        return 0.0
    latitude = geometry.centroid.y
    return float(geometry.area * METRES_PER_DEGREE**2 * math.cos(math.radians(latitude)))


def bbox(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    min_lng, min_lat, max_lng, max_lat = geometry.bounds
    return (float(min_lng), float(min_lat), float(max_lng), float(max_lat))
