"""Patrols (网格巡查): a person starts a patrol on the phone, the phone sends its GPS track in
batches, and the patrol stops. From the track come the blocks it passed through each day
(Minhang seed 000: 确保每个责任路段每天有人在岗巡查) and the checkpoints it visited (定点巡更;
Jing'an seed 002: 定点化巡更); the cases its person reports while it runs are its finds.

A batch sent again adds nothing: a fix is kept once per patrol and time, and coverage and visits
are sets. Fixes are joined into a walked line when they are at most ``JOIN`` apart in time; a
longer silence (no signal, a ride) counts only the fixes themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.calendar import CHINA
from wangge.forces.geo import distances_m, metres_per_degree
from wangge.forces.models import (
    Checkpoint,
    CheckpointVisit,
    Patrol,
    PatrolBlock,
    PatrolFind,
    TrackPoint,
)
from wangge.grids.choices import GridLevel
from wangge.grids.locator import NOT_FOUND, grid_index
from wangge.grids.models import Grid
from wangge.people.models import Person

JOIN = datetime.timedelta(minutes=2)
STEP_M = 10.0
"""A walked line is sampled every this many metres to find the blocks it crosses."""
MAX_POINTS = 1000
CLOCK_SKEW = datetime.timedelta(minutes=5)
"""How far ahead of the server a phone's clock may run."""


class PatrolRefused(Exception):
    """A patrol step that is not taken; nothing is written. ``code`` is stable for clients."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Fix:
    """A GPS fix as the phone sends it, in WGS-84."""

    at: datetime.datetime
    lng: float
    lat: float
    accuracy_m: float | None = None


@dataclass(frozen=True)
class BatchResult:
    """What a batch added: fixes new to the patrol, blocks and checkpoints passed for the first
    time; and fixes outside the patrol's time, left out."""

    added: int
    outside: int
    blocks: list[Grid]
    checkpoints: list[Checkpoint]


def patrol_grid_at(lng: float, lat: float) -> Grid | None:
    """The grid a patrol starting at the WGS-84 position patrols: the unit grid holding it (or
    the deepest grid, where the tree stops above units)."""
    location = grid_index().locate(lng, lat)
    if location is None:
        return None
    units = [ref for ref in location.chain if ref.level <= GridLevel.UNIT]
    return Grid.objects.get(pk=units[-1].id)


def patrol_start(
    *, person: Person, grid: Grid, at: datetime.datetime | None = None
) -> tuple[Patrol, bool]:
    """Start a patrol of ``grid``; the patrol, and whether it is new: a person has one patrol
    under way at a time, and starting again returns it."""
    under_way = Patrol.objects.filter(person=person, ended_at__isnull=True).first()
    if under_way is not None:
        return under_way, False
    try:
        with transaction.atomic():
            return Patrol.objects.create(
                person=person, grid=grid, started_at=at or timezone.now()
            ), True
    except IntegrityError:
        # The phone sent the start twice at once; the other one started it.
        return Patrol.objects.get(person=person, ended_at__isnull=True), False


def patrol_stop(*, patrol: Patrol, at: datetime.datetime | None = None) -> Patrol:
    """Stop the patrol; stopping a stopped patrol changes nothing."""
    Patrol.objects.filter(pk=patrol.pk, ended_at__isnull=True).update(
        ended_at=max(at or timezone.now(), patrol.started_at)
    )
    patrol.refresh_from_db()
    return patrol


@transaction.atomic
def patrol_track_add(
    *, patrol: Patrol, fixes: Sequence[Fix], now: datetime.datetime | None = None
) -> BatchResult:
    """Add a batch of fixes to the patrol's track, with the blocks and checkpoints they pass.
    Fixes from before the start or after the end (or from the future) are left out."""
    if len(fixes) > MAX_POINTS:
        raise PatrolRefused(
            _("At most %(count)d points go in one batch.") % {"count": MAX_POINTS},
            "too_many_points",
        )
    now = now or timezone.now()
    end = patrol.ended_at or now + CLOCK_SKEW
    kept = sorted(
        {fix.at: fix for fix in fixes if patrol.started_at <= fix.at <= end}.values(),
        key=lambda fix: fix.at,
    )
    outside = len(fixes) - len(kept)
    if not kept:
        return BatchResult(0, outside, [], [])
    before = TrackPoint.objects.filter(patrol=patrol).count()
    TrackPoint.objects.bulk_create(
        [
            TrackPoint(patrol=patrol, at=f.at, lng=f.lng, lat=f.lat, accuracy_m=f.accuracy_m)
            for f in kept
        ],
        ignore_conflicts=True,
    )
    added = TrackPoint.objects.filter(patrol=patrol).count() - before
    line = _with_neighbours(patrol, kept)
    blocks = _cover(patrol, line)
    checkpoints = _visit(patrol, kept)
    last = kept[-1]
    Patrol.objects.filter(pk=patrol.pk).filter(
        Q(last_at__isnull=True) | Q(last_at__lt=last.at)
    ).update(last_lng=last.lng, last_lat=last.lat, last_at=last.at)
    patrol.refresh_from_db()
    return BatchResult(added, outside, blocks, checkpoints)


def _with_neighbours(patrol: Patrol, fixes: list[Fix]) -> list[Fix]:
    """The batch with the stored fixes just before and after it, so that the line walked between
    batches counts too, whichever batch arrives first."""
    points = TrackPoint.objects.filter(patrol=patrol)
    previous = points.filter(at__lt=fixes[0].at, at__gte=fixes[0].at - JOIN).order_by("-at").first()
    following = (
        points.filter(at__gt=fixes[-1].at, at__lte=fixes[-1].at + JOIN).order_by("at").first()
    )
    around = [Fix(p.at, p.lng, p.lat) for p in (previous, following) if p is not None]
    return sorted([*fixes, *around], key=lambda fix: fix.at)


def _walked(fixes: list[Fix]) -> tuple[np.ndarray, np.ndarray, list[datetime.datetime]]:
    """Positions along the line walked, every ``STEP_M`` metres or closer, with their times."""
    lngs: list[float] = []
    lats: list[float] = []
    times: list[datetime.datetime] = []
    for index, fix in enumerate(fixes):
        lngs.append(fix.lng)
        lats.append(fix.lat)
        times.append(fix.at)
        following = fixes[index + 1] if index + 1 < len(fixes) else None
        if following is None or following.at - fix.at > JOIN:
            continue
        kx, ky = metres_per_degree(fix.lat)
        length = float(np.hypot((following.lng - fix.lng) * kx, (following.lat - fix.lat) * ky))
        steps = int(length // STEP_M)
        for step in range(1, steps + 1):
            share = step / (steps + 1)
            lngs.append(fix.lng + (following.lng - fix.lng) * share)
            lats.append(fix.lat + (following.lat - fix.lat) * share)
            times.append(fix.at + (following.at - fix.at) * share)
    return np.array(lngs), np.array(lats), times


def _cover(patrol: Patrol, fixes: list[Fix]) -> list[Grid]:
    """Record the blocks the line passes through, each day; the blocks new to the patrol."""
    lngs, lats, times = _walked(fixes)
    index = grid_index()
    first_seen: dict[tuple[int, datetime.date], datetime.datetime] = {}
    for grid_id, at in zip(index.locate_ids(lngs, lats).tolist(), times, strict=True):
        if grid_id == NOT_FOUND or index.chain(grid_id)[-1].level != GridLevel.BLOCK:
            continue
        key = (grid_id, at.astimezone(CHINA).date())
        first_seen[key] = min(at, first_seen.get(key, at))
    if not first_seen:
        return []
    known = set(
        PatrolBlock.objects.filter(
            patrol=patrol, grid_id__in={g for g, _ in first_seen}
        ).values_list("grid_id", "day")
    )
    PatrolBlock.objects.bulk_create(
        [
            PatrolBlock(patrol=patrol, grid_id=grid_id, day=day, first_at=at)
            for (grid_id, day), at in first_seen.items()
            if (grid_id, day) not in known
        ],
        ignore_conflicts=True,
    )
    for (grid_id, day), at in first_seen.items():
        if (grid_id, day) in known:
            PatrolBlock.objects.filter(
                patrol=patrol, grid_id=grid_id, day=day, first_at__gt=at
            ).update(first_at=at)
    new = {grid_id for grid_id, day in first_seen if (grid_id, day) not in known}
    return list(Grid.objects.filter(pk__in=new).order_by("code"))


def _visit(patrol: Patrol, fixes: list[Fix]) -> list[Checkpoint]:
    """Record the checkpoints the fixes came within reach of; those visited for the first time."""
    lngs = np.array([fix.lng for fix in fixes])
    lats = np.array([fix.lat for fix in fixes])
    widest = (
        Checkpoint.objects.filter(is_active=True)
        .order_by("-radius_m")
        .values_list("radius_m", flat=True)
        .first()
    )
    if widest is None:
        return []
    kx, ky = metres_per_degree(float(lats.mean()))
    margin_lng, margin_lat = widest / kx, widest / ky
    near = Checkpoint.objects.filter(
        is_active=True,
        lng__gte=lngs.min() - margin_lng,
        lng__lte=lngs.max() + margin_lng,
        lat__gte=lats.min() - margin_lat,
        lat__lte=lats.max() + margin_lat,
    )
    visited: list[Checkpoint] = []
    for checkpoint in near:
        distances = distances_m(checkpoint.lng, checkpoint.lat, lngs, lats)
        reached = np.flatnonzero(distances <= checkpoint.radius_m)
        if not reached.size:
            continue
        first = int(reached[0])
        visit, created = CheckpointVisit.objects.get_or_create(
            patrol=patrol,
            checkpoint=checkpoint,
            defaults={"at": fixes[first].at, "distance_m": float(distances[first])},
        )
        if created:
            visited.append(checkpoint)
        elif visit.at > fixes[first].at:
            # A batch from earlier in the patrol arrived late: the first visit moves back.
            visit.at, visit.distance_m = fixes[first].at, float(distances[first])
            visit.save(update_fields=["at", "distance_m"])
    return visited


def patrol_find_record(
    *, case_id: int, reporter_id: int, at: datetime.datetime
) -> PatrolFind | None:
    """Link a case to the patrol its reporter had under way when reporting it, if any."""
    patrol = (
        Patrol.objects.filter(person__user_id=reporter_id, started_at__lte=at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=at))
        .order_by("-started_at")
        .first()
    )
    if patrol is None:
        return None
    return PatrolFind.objects.create(patrol=patrol, case_id=case_id)
