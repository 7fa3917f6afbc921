"""The three-colour rating of blocks (三色管理, Jiading seed 004) from the cases of a period.

A handful of aggregate queries over the cases reported in the period, grouped by block, give the
facts the pure scoring model (``metrics.scoring``) rates: counts by block, the chronic problems
of each block, and the cases that came back to the same spot (a window over the cases of each
block and sub-class, so only the repeats leave the database). Each town's blocks are rated by the
town's model, or the district's, or the defaults (``ColourModel``).
"""

from __future__ import annotations

import datetime
import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Window
from django.db.models.functions import Lag
from django.utils import timezone

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.workflow import Status
from wangge.grids.choices import GridLevel
from wangge.grids.models import PATH_SEPARATOR, Grid
from wangge.grids.services import grid_tree_revision
from wangge.metrics.models import ColourModel
from wangge.metrics.scoring import DEFAULT_MODEL, BlockFacts, Colour, Rating, ScoringModel, rate
from wangge.people.scope import AccessScope

COMPLAINT_CHANNELS = frozenset(
    {
        Channel.HOTLINE_12345,
        Channel.HOTLINE_12319,
        Channel.CITIZEN,
        Channel.MEDIA,
        Channel.REPRESENTATIVE,
    }
)
"""Channels by which the public complains (Jing'an seed 002: 12345, 12319, media,
representatives; Yingpu seed 003: citizens' QR reports)."""
COMPLAINT = Q(channel__in=COMPLAINT_CHANNELS, proactive=False)
"""A complaint that no find of the grid's forces preceded: the opposite of 先行发现."""
NOT_A_CASE = (Status.REJECTED, Status.MERGED)
"""Rejected reports and merged duplicates count nowhere: the case they merged into does."""
OFF_THE_CLOCK = (Status.CHRONIC, Status.SUSPENDED)

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LNG_AT_EQUATOR = 111.320


@dataclass(frozen=True)
class BlockRating:
    """One block's colour in a period, with the facts behind it."""

    pk: int
    code: str
    name: str
    town_code: str
    facts: BlockFacts
    rating: Rating

    @property
    def colour(self) -> Colour:
        return self.rating.colour


def block_ratings(
    scope: AccessScope,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    now: datetime.datetime | None = None,
) -> list[BlockRating]:
    """Every block in ``scope`` rated on the cases reported in [start, end), the worst first
    (red before yellow before green, then by score and number of cases). Overdue is judged at
    ``now``: an open case past its deadline is overdue already."""
    now = now or timezone.now()
    blocks = list(
        scope.grids(Grid.objects.filter(level=GridLevel.BLOCK))
        .order_by()
        .values_list("pk", "code", "name", "path", "min_lat")
    )
    if not blocks:
        return []
    models = scoring_models()
    town_of = {pk: town_code(path) for pk, _code, _name, path, _lat in blocks}
    cases = Case.objects.filter(grid__level=GridLevel.BLOCK).filter(scope.grid_q("grid"))
    counts = _counts(cases, start=start, end=end, now=now)
    chronic = dict(
        cases.filter(status=Status.CHRONIC, reported_at__lt=end)
        .order_by()
        .values("grid_id")
        .annotate(n=Count("pk"))
        .values_list("grid_id", "n")
    )
    repeats = _recurrences(
        cases,
        start=start,
        end=end,
        model_of=lambda grid_id: _model(models, town_of.get(grid_id, "")),
        days=max(model.recurrence_days for model in models.values()),
        metres=max(model.recurrence_metres for model in models.values()),
        latitude=sum(row[4] for row in blocks) / len(blocks),
    )
    areas = block_areas()
    days = max(1, round((end - start) / datetime.timedelta(days=1)))
    ratings = []
    for pk, code, name, _path, _lat in blocks:
        cases_n, clocked, overdue, complaints = counts.get(pk, (0, 0, 0, 0))
        facts = BlockFacts(
            cases=cases_n,
            days=days,
            area_km2=areas.get(pk),
            recurrences=repeats.get(pk, 0),
            clocked=clocked,
            overdue=overdue,
            complaints=complaints,
            chronic=chronic.get(pk, 0),
        )
        rating = rate(facts, _model(models, town_of[pk]))
        ratings.append(BlockRating(pk, code, name, town_of[pk], facts, rating))
    ratings.sort(key=lambda r: (-r.colour.rank, -r.rating.score, -r.facts.cases, r.code))
    return ratings


def scoring_models() -> dict[str | None, ScoringModel]:
    """The models by town code; None for the district's (the defaults when nobody set one)."""
    models: dict[str | None, ScoringModel] = {None: DEFAULT_MODEL}
    for row in ColourModel.objects.select_related("town"):
        models[row.town.code if row.town else None] = row.as_scoring()
    return models


def _model(models: dict[str | None, ScoringModel], town_code: str) -> ScoringModel:
    return models.get(town_code) or models[None]


def town_code(path: str) -> str:
    codes = path.rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)
    return codes[1] if len(codes) > 1 else ""


def _counts(
    cases: QuerySet[Case],
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    now: datetime.datetime,
) -> dict[int, tuple[int, int, int, int]]:
    """Per block: cases reported in the period, of them on a clock, overdue, and complaints."""
    clocked = Q(due_by__isnull=False) & ~Q(status__in=OFF_THE_CLOCK)
    late = Q(closed_at__isnull=False, closed_at__gt=F("due_by")) | Q(
        closed_at__isnull=True, due_by__lt=now
    )
    rows = (
        cases.filter(reported_at__gte=start, reported_at__lt=end)
        .exclude(status__in=NOT_A_CASE)
        .order_by()
        .values("grid_id")
        .annotate(
            n=Count("pk"),
            clocked=Count("pk", filter=clocked),
            overdue=Count("pk", filter=clocked & late),
            complaints=Count("pk", filter=COMPLAINT),
        )
        .values_list("grid_id", "n", "clocked", "overdue", "complaints")
    )
    return {
        grid_id: (n, on_clock, late_n, complaints)
        for grid_id, n, on_clock, late_n, complaints in rows
    }


def _recurrences(
    cases: QuerySet[Case],
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    model_of: Callable[[int], ScoringModel],
    days: int,
    metres: float,
    latitude: float,
) -> dict[int, int]:
    """Per block, the cases of the period whose previous case of the same sub-class in the block
    came at most ``recurrence_days`` before and at most ``recurrence_metres`` away (each block
    by its town's model). The window reaches back before the period, so a repeat on its first
    day counts. The database keeps only the pairs within the widest limits (``days``,
    ``metres``), measured on a flat map at ``latitude``; each is then held to its own town's."""
    metres_per_lng = KM_PER_DEGREE_LNG_AT_EQUATOR * 1000 * math.cos(math.radians(latitude))
    metres_per_lat = KM_PER_DEGREE_LAT * 1000
    dx = (F("lng") - F("previous_lng")) * metres_per_lng
    dy = (F("lat") - F("previous_lat")) * metres_per_lat
    pairs = (
        cases.filter(reported_at__gte=start - datetime.timedelta(days=days), reported_at__lt=end)
        .exclude(status__in=NOT_A_CASE)
        .order_by()
        .annotate(
            previous_at=_previous("reported_at"),
            previous_lng=_previous("lng"),
            previous_lat=_previous("lat"),
        )
        .annotate(distance2=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField()))
        .filter(
            previous_at__gte=F("reported_at") - datetime.timedelta(days=days),
            distance2__lte=metres * metres,
        )
        .values_list("grid_id", "reported_at", "previous_at", "distance2")
    )
    found: dict[int, int] = {}
    for grid_id, at, previous_at, distance2 in pairs:
        model = model_of(grid_id)
        if at < start or at - previous_at > datetime.timedelta(days=model.recurrence_days):
            continue
        if distance2 > model.recurrence_metres**2:
            continue
        found[grid_id] = found.get(grid_id, 0) + 1
    return found


def _previous(field: str) -> Window:
    """The field of the previous case of the same sub-class in the same block."""
    return Window(
        Lag(field),
        partition_by=[F("grid_id"), F("category_id")],
        order_by=[F("reported_at").asc(), F("pk").asc()],
    )


_areas_lock = threading.Lock()
_areas: tuple[str, dict[int, float]] | None = None


def block_areas() -> dict[int, float]:
    """Every block's area in km², worked out once per grid tree revision, like the locator's
    index: the boundaries change seldom, the ratings are asked for all day."""
    global _areas
    revision = grid_tree_revision()
    built = _areas
    if built is not None and built[0] == revision:
        return built[1]
    with _areas_lock:
        if _areas is None or _areas[0] != revision:
            rows = list(
                Grid.objects.filter(level=GridLevel.BLOCK).order_by().values_list("pk", "geometry")
            )
            shapes = shapely.from_geojson([json.dumps(g) for _pk, g in rows]) if rows else []
            if rows:
                lat = shapely.get_coordinates(shapely.centroid(shapes))[:, 1]
                scale = KM_PER_DEGREE_LAT * KM_PER_DEGREE_LNG_AT_EQUATOR * np.cos(np.radians(lat))
                km2 = shapely.area(shapes) * scale
            else:
                km2 = np.array([])
            _areas = (revision, {pk: float(a) for (pk, _g), a in zip(rows, km2, strict=True)})
        return _areas[1]
