"""Likely duplicates: earlier reports of the same kind of problem close by and not long ago.
A dispatcher is offered them to merge; a citizen sees them before reporting again; an imported
hotline complaint is matched with the patrol find that came first."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import QuerySet
from numpy.typing import ArrayLike

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.workflow import Status
from wangge.catalog.models import Category

EARTH_RADIUS_M = 6_371_008.8
# A merged or rejected report is no one's original. (Merged is final, so a case with a
# duplicate_of is merged: asking for "duplicate_of IS NULL" as well would only lead SQLite to
# read every case through that column's index, where nearly all are NULL.)
NOT_ORIGINALS = (Status.MERGED.value, Status.REJECTED.value)
# Pairs of reports and candidates compared at once when matching in bulk: bounds the memory.
_PAIRS_AT_ONCE = 1_000_000


@dataclass(frozen=True)
class Likely:
    """An earlier case that may be the same problem, and how far from the new report it is."""

    case: Case
    distance_m: float


def distances_m(lng1: ArrayLike, lat1: ArrayLike, lng2: ArrayLike, lat2: ArrayLike) -> Any:
    """Great-circle distances in metres (haversine), element by element with numpy's
    broadcasting: a float for floats, an array for arrays."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, np.radians(np.subtract(lng2, lng1))
    h = np.sin(d_phi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h))


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    return float(distances_m(lng1, lat1, lng2, lat2))


def _reach() -> tuple[float, datetime.timedelta]:
    return settings.WANGGE_DUPLICATE_RADIUS_M, datetime.timedelta(
        hours=settings.WANGGE_DUPLICATE_HOURS
    )


def _box_half_sides(radius_m: float, lat: float) -> tuple[float, float]:
    """Half the sides, in degrees of longitude and latitude, of a box holding every point
    within ``radius_m`` of a point at latitude ``lat``."""
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    return d_lat / max(math.cos(math.radians(lat)), 0.01), d_lat


def _originals() -> QuerySet[Case]:
    return Case.objects.exclude(status__in=NOT_ORIGINALS).defer("description")


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
    radius, window = _reach()
    # A box around the point narrows by index; the exact circle is drawn afterwards.
    d_lng, d_lat = _box_half_sides(radius, lat)
    candidates = _originals().filter(
        category=category,
        reported_at__gte=at - window,
        reported_at__lte=at,
        lat__range=(lat - d_lat, lat + d_lat),
        lng__range=(lng - d_lng, lng + d_lng),
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = [Likely(case, distance_m(lng, lat, case.lng, case.lat)) for case in candidates]
    near = sorted((f for f in found if f.distance_m <= radius), key=lambda f: f.distance_m)
    return near[:limit]


class EarlierFinds:
    """Matches complaints, batch after batch, with the case grid forces found before each: the
    nearest of its sub-class within ``WANGGE_DUPLICATE_RADIUS_M`` in the
    ``WANGGE_DUPLICATE_HOURS`` before it (先行发现).

    The finds are fetched by stretch of time and kept, so that a file of complaints in order of
    time reads each find once, where a query per batch would read the whole window again each
    time (and with it every complaint reported in it). What grid forces find while it runs
    comes after the complaints it matches, and would not count for them anyway."""

    def __init__(self) -> None:
        self._sub_classes = list(
            Category.objects.filter(parent__isnull=False).values_list("pk", flat=True)
        )
        self._since: datetime.datetime | None = None
        self._until: datetime.datetime | None = None
        # (category id, number, longitude, latitude, seconds since the epoch)
        self._finds: list[tuple[int, str, float, float, float]] = []

    def match(
        self,
        *,
        category_ids: Sequence[int],
        lng: Sequence[float],
        lat: Sequence[float],
        seconds: Sequence[float],
    ) -> list[str | None]:
        """For each complaint (a sub-class, a WGS-84 point, a time in seconds since the epoch),
        the number of the find that came first, or None."""
        found: list[str | None] = [None] * len(seconds)
        if not seconds:
            return found
        radius, window = _reach()
        end = datetime.datetime.fromtimestamp(max(seconds), datetime.UTC)
        start = datetime.datetime.fromtimestamp(min(seconds), datetime.UTC) - window
        self._cover(start, end)
        first, last = start.timestamp(), end.timestamp()
        by_category: dict[int, list[tuple[int, str, float, float, float]]] = {}
        for find in self._finds:
            if first <= find[4] <= last:
                by_category.setdefault(find[0], []).append(find)
        if not by_category:
            return found
        lngs, lats = np.asarray(lng, dtype=float), np.asarray(lat, dtype=float)
        times = np.asarray(seconds, dtype=float)
        categories = np.asarray(category_ids)
        for category_id, finds in by_category.items():
            numbers = [find[1] for find in finds]
            f_lng = np.array([find[2] for find in finds])
            f_lat = np.array([find[3] for find in finds])
            f_seconds = np.array([find[4] for find in finds])
            reports = np.flatnonzero(categories == category_id)
            step = max(1, _PAIRS_AT_ONCE // len(finds))
            for offset in range(0, len(reports), step):
                some = reports[offset : offset + step]
                distance = distances_m(
                    lngs[some, None], lats[some, None], f_lng[None, :], f_lat[None, :]
                )
                ago = times[some, None] - f_seconds[None, :]
                distance[(ago < 0) | (ago > window.total_seconds()) | (distance > radius)] = np.inf
                nearest = distance.argmin(axis=1)
                for report, find, metres in zip(
                    some.tolist(),
                    nearest.tolist(),
                    distance[np.arange(len(some)), nearest].tolist(),
                    strict=True,
                ):
                    if metres != math.inf:
                        found[report] = numbers[find]
        return found

    def _cover(self, start: datetime.datetime, end: datetime.datetime) -> None:
        """Hold every find from ``start`` to ``end``, fetching only what is not held yet."""
        if self._since is None or self._until is None or start > self._until or end < self._since:
            self._finds = self._fetch(reported_at__gte=start, reported_at__lte=end)
            self._since, self._until = start, end
            return
        if start < self._since:
            self._finds += self._fetch(reported_at__gte=start, reported_at__lt=self._since)
            self._since = start
        if end > self._until:
            self._finds += self._fetch(reported_at__gt=self._until, reported_at__lte=end)
            self._until = end
        if start > self._since:
            # Complaints in order of time will not look back this far: let the old ones go.
            first = start.timestamp()
            self._finds = [find for find in self._finds if find[4] >= first]
            self._since = start

    def _fetch(self, **when: datetime.datetime) -> list[tuple[int, str, float, float, float]]:
        # Every sub-class named, so that the query runs on the (category, reported_at) index.
        rows = (
            _originals()
            .filter(channel__in=Channel.grid_forces(), category_id__in=self._sub_classes, **when)
            .order_by()
            .values_list("category_id", "number", "lng", "lat", "reported_at")
        )
        return [(c, number, x, y, moment.timestamp()) for c, number, x, y, moment in rows]
