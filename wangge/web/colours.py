"""The three-colour map and list of blocks (三色管理, Jiading seed 004) for leaders, town and area
chiefs and the centres, each over their own grids: the blocks coloured on the map, and listed worst
first with the reasons for their colour. The rating itself is ``metrics.colours``."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wangge.cases.selectors import day_start
from wangge.cases.services import Actor, actor_for
from wangge.grids.choices import GridLevel
from wangge.grids.services import grid_tree_revision
from wangge.metrics.colours import block_ratings
from wangge.metrics.scoring import Colour
from wangge.people.choices import Role
from wangge.people.scope import scope_today
from wangge.web.centre import drawn_level, scope_bounds
from wangge.web.leader import DEFAULT_DAYS, LEADER_ROLES, PeriodForm

METRICS_ROLES = LEADER_ROLES | {Role.AREA_CHIEF}
"""Who reads the block ratings and the patrol comparison: leaders, the centres, town and area
chiefs (总网格长, 片区网格长), each over their own grids."""
LISTED = 300
"""The list shows this many blocks at most, the worst; the map shows them all."""


def may_see_metrics(actor: Actor) -> bool:
    return actor.scope.everything or bool(actor.roles & METRICS_ROLES)


def period_or_error(
    request: HttpRequest,
) -> tuple[PeriodForm, datetime.date, datetime.date] | tuple[PeriodForm, None, None]:
    """The period asked for (the last 30 days by default); the dates are None when the form
    is wrong, and the form says why."""
    today = scope_today()
    default = {"start": today - datetime.timedelta(days=DEFAULT_DAYS - 1), "end": today}
    asked = "start" in request.GET or "end" in request.GET
    form = PeriodForm(request.GET if asked else None, initial=default)
    if form.is_bound and not form.is_valid():
        return form, None, None
    period = form.cleaned_data if form.is_bound else default
    return form, period["start"], period["end"]


def bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first and last days as [midnight, midnight after) in Shanghai."""
    return day_start(start), day_start(end + datetime.timedelta(days=1))


@require_GET
@login_required
def three_colour(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if not may_see_metrics(actor):
        refused = _("The three-colour rating is for leaders, town and area chiefs and the centres.")
        return render(request, "web/three_colour.html", {"refused": refused}, status=403)
    form, start, end = period_or_error(request)
    if start is None or end is None:
        return render(request, "web/three_colour.html", {"form": form}, status=400)
    ratings = block_ratings(actor.scope, start=bounds(start, end)[0], end=bounds(start, end)[1])
    tally = Counter(rating.colour for rating in ratings)
    listed = [rating for rating in ratings if rating.colour != Colour.GREEN][:LISTED]
    config = {
        "tiles": {"url": settings.WANGGE_TILE_URL, "attribution": settings.WANGGE_TILE_ATTRIBUTION},
        "bounds": scope_bounds(actor),
        "blocks": reverse("web:three-colour-blocks"),
        "colours": {colour.value: colour.hex for colour in Colour},
        "ratings": {rating.code: [rating.colour.value, str(rating.rating)] for rating in ratings},
        "texts": {"failed": _("The map could not be drawn.")},
    }
    context: dict[str, Any] = {
        "form": form,
        "start": start,
        "end": end,
        "counts": [(colour, tally[colour]) for colour in reversed(Colour)],
        "listed": listed,
        "green": tally[Colour.GREEN],
        "config": config,
    }
    return render(request, "web/three_colour.html", context)


@require_GET
@login_required
def three_colour_blocks(request: HttpRequest) -> HttpResponse:
    """The user's blocks as GeoJSON for the map, simplified like the command centre's layer and
    revalidated by the browser ("304 Not Modified" until the grid tree changes)."""
    actor = actor_for(request.user)
    if not may_see_metrics(actor):
        return HttpResponse(status=403)
    revision = grid_tree_revision()
    crs = settings.WANGGE_TILE_CRS
    paths = None if actor.scope.everything else sorted(actor.scope.grid_paths)
    etag = hashlib.sha256(json.dumps([revision, crs, paths]).encode()).hexdigest()[:32]
    etag = f'"{etag}"'
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    features = [
        feature
        for path, feature in drawn_level(revision, GridLevel.BLOCK, crs)
        if paths is None or any(path.startswith(outer) for outer in paths)
    ]
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    return HttpResponse(
        body,
        content_type="application/geo+json",
        headers={"ETag": etag, "Cache-Control": "private, no-cache"},
    )
