"""Patrol against complaint for a town (Minhang seed 000: 主动巡查与群众投诉的数据比对): a heat
map of complaints by sub-class and hour, and where and when to patrol. The counts are
``metrics.hotspots``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wangge.cases.services import actor_for
from wangge.metrics.hotspots import BAND, HOURS, patrol_vs_complaint
from wangge.web.colours import bounds, may_see_metrics, period_or_error

HEAT_ROWS = 15
SHADES = 5


@require_GET
@login_required
def patrol_vs_complaint_page(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if not may_see_metrics(actor):
        refused = _("The patrol comparison is for leaders, town and area chiefs and the centres.")
        return render(request, "web/hotspots.html", {"refused": refused}, status=403)
    form, start, end = period_or_error(request)
    if start is None or end is None:
        return render(request, "web/hotspots.html", {"form": form}, status=400)
    since, until = bounds(start, end)
    result = patrol_vs_complaint(actor.scope, start=since, end=until)
    heat = result.heat[:HEAT_ROWS]
    peak = max((cell.complaints for row in heat for cell in row.hours), default=0)
    rows = [
        (
            row,
            [
                (cell, -(-cell.complaints * (SHADES - 1) // peak) if peak else 0)
                for cell in row.hours
            ],
        )
        for row in heat
    ]
    context: dict[str, Any] = {
        "form": form,
        "start": start,
        "end": end,
        "result": result,
        "rows": rows,
        "hours": range(HOURS),
        "band": BAND,
    }
    return render(request, "web/hotspots.html", context)
