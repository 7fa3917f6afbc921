"""Likely duplicates: earlier reports of the same kind of problem close by and not long ago.
A dispatcher is offered them to merge; a citizen sees them before reporting again; an imported
hotline complaint is matched with the patrol find that came first."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings

from wangge.cases.models import Case
from wangge.cases.workflow import Status
from wangge.catalog.models import Category

EARTH_RADIUS_M = 6_371_008.8
# A merged or rejected report is no one's original.
NOT_ORIGINALS = (Status.MERGED.value, Status.REJECTED.value)


@dataclass(frozen=True)
class Likely:
    """An earlier case that may be the same problem, and how far from the new report it is."""

    case: Case
    distance_m: float


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lng2 - lng1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def likely_duplicates(
    *,
    category: Category,
    lng: float,
    lat: float,
    at: datetime.datetime,
    exclude: Case | None = None,
    limit: int = 5,
) -> list[Likely]:
    """Cases of ``category`` reported within ``WANGGE_DUPLICATE_RADIUS_M`` of the point in the
    ``WANGGE_DUPLICATE_HOURS`` before ``at``, nearest first, originals only."""
    radius = settings.WANGGE_DUPLICATE_RADIUS_M
    window = datetime.timedelta(hours=settings.WANGGE_DUPLICATE_HOURS)
    # A box around the point narrows by index; the exact circle is drawn afterwards.
    d_lat = math.degrees(radius / EARTH_RADIUS_M)
    d_lng = d_lat / max(math.cos(math.radians(lat)), 0.01)
    candidates = (
        Case.objects.filter(
            category=category,
            reported_at__gte=at - window,
            reported_at__lte=at,
            lat__range=(lat - d_lat, lat + d_lat),
            lng__range=(lng - d_lng, lng + d_lng),
            duplicate_of__isnull=True,
        )
        .exclude(status__in=NOT_ORIGINALS)
        .defer("description")
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = [Likely(case, distance_m(lng, lat, case.lng, case.lat)) for case in candidates]
    near = sorted((f for f in found if f.distance_m <= radius), key=lambda f: f.distance_m)
    return near[:limit]
