"""The leader view: the seeds' indicators for the user's grids and the chosen period (value,
target, change and a weekly sparkline, from ``metrics.dashboard``), the grids and departments
that do worst by a chosen indicator, and the day-by-day counts and open cases from the cases
table, for leaders, town chiefs and the operations centres."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from wangge.cases.selectors import (
    DayCounts,
    cases_visible,
    daily_counts,
    day_start,
    open_by_grid,
    open_by_holder,
    open_counts,
    period_counts,
)
from wangge.cases.services import DEPARTMENT_KINDS, actor_for
from wangge.cases.workflow import DISTRICT_LEADS
from wangge.grids.choices import GridLevel
from wangge.metrics.dashboard import (
    HEADLINE,
    headlines,
    indicator_choices,
    scope_grids,
    towns_in,
    worst_departments,
    worst_grids,
)
from wangge.metrics.indicators import INDICATORS
from wangge.metrics.rankings import Point
from wangge.people.choices import Role
from wangge.people.scope import scope_today
from wangge.web.reports import last_month, last_quarter

LEADER_ROLES = DISTRICT_LEADS | {Role.TOWN_CHIEF}
"""Who reads the leader view: leaders, the centres' dispatchers, duty chiefs and administrators,
and town chiefs (总网格长), each over their own scope."""

DEFAULT_DAYS = 30
MAX_DAYS = 92  # a quarter: the seeds' reporting period
WORST = 10
CHART_HEIGHT = 120.0
BAR_WIDTH = 8.0


def _date_input() -> forms.DateInput:
    # A date input takes ISO dates whatever the language; the localised format would not show.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=_date_input())
    end = forms.DateField(label=_("To"), widget=_date_input())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None or end is None:
            return cleaned
        if end < start:
            raise forms.ValidationError(_("The period ends before it starts."), code="order")
        if end > scope_today():
            raise forms.ValidationError(_("The period cannot end after today."), code="future")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(
                _("A period is at most %(days)d days long.") % {"days": MAX_DAYS}, code="long"
            )
        return cleaned


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    kind: str
    width: float = BAR_WIDTH


@dataclass(frozen=True)
class Chart:
    """The daily counts drawn as pairs of bars (reported, closed) in an SVG of fixed height."""

    width: float
    height: float
    bars: list[Bar]
    peak: int


@dataclass(frozen=True)
class Trend:
    """A count against the same count in the period just before."""

    difference: int

    @property
    def size(self) -> int:
        return abs(self.difference)


def daily_chart(days: list[DayCounts]) -> Chart:
    peak = max((max(d.reported, d.closed) for d in days), default=0)
    scale = CHART_HEIGHT / peak if peak else 0.0
    bars = []
    for index, day in enumerate(days):
        x = index * BAR_WIDTH * 2.5
        for offset, kind, value in ((0.0, "reported", day.reported), (1.0, "closed", day.closed)):
            height = value * scale
            bars.append(Bar(x + offset * BAR_WIDTH, CHART_HEIGHT - height, height, kind))
    return Chart(width=len(days) * BAR_WIDTH * 2.5, height=CHART_HEIGHT, bars=bars, peak=peak)


def _bounds(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime, datetime.datetime]:
    """The period before, as long as the chosen one, and the chosen one: three midnights."""
    length = end - start + datetime.timedelta(days=1)
    return day_start(start - length), day_start(start), day_start(end + datetime.timedelta(days=1))


SPARK_WIDTH = 100.0
SPARK_HEIGHT = 24.0


def sparkline(points: list[Point]) -> str:
    """The SVG polyline points of a trend, scaled into the sparkline's box; steps without a
    value are left out (the line joins its neighbours)."""
    known = [(i, float(p.value.value)) for i, p in enumerate(points) if p.value.value is not None]
    if not known:
        return ""
    low = min(v for _, v in known)
    high = max(v for _, v in known)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(points) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - 2 - (v - low) / span * (SPARK_HEIGHT - 4):.1f}"
        for i, v in known
    )


class RankForm(forms.Form):
    by = forms.ChoiceField(label=_("Worst by"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["by"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = indicator_choices()


@login_required
def leader(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if not (actor.scope.everything or actor.roles & LEADER_ROLES):
        refused = _("The leader view is for leaders, town chiefs and the centres.")
        return render(request, "web/leader.html", {"refused": refused}, status=403)
    today = scope_today()
    default = {"start": today - datetime.timedelta(days=DEFAULT_DAYS - 1), "end": today}
    asked = "start" in request.GET or "end" in request.GET
    form = PeriodForm(request.GET if asked else None, initial=default)
    rank_form = RankForm(request.GET)
    if (form.is_bound and not form.is_valid()) or not rank_form.is_valid():
        return render(request, "web/leader.html", {"form": form}, status=400)
    by = rank_form.cleaned_data["by"] or HEADLINE[0]
    period = form.cleaned_data if form.is_bound else default
    start, end = period["start"], period["end"]
    before, since, until = _bounds(start, end)

    cases = cases_visible(actor)
    grids = scope_grids(actor)
    now = period_counts(cases, start=since, end=until)
    previous = period_counts(cases, start=before, end=since)
    days = daily_counts(cases, start=start, end=end)
    by_grid = open_by_grid(cases, levels=(GridLevel.TOWN, GridLevel.UNIT))
    towns = by_grid[GridLevel.TOWN]
    context: dict[str, Any] = {
        "form": form,
        "start": start,
        "end": end,
        "now": now,
        "previous": previous,
        "changes": {
            "reported": Trend(now.reported - previous.reported),
            "closed": Trend(now.closed - previous.closed),
            "proactive": Trend(now.proactive - previous.proactive),
        },
        "open": open_counts(cases),
        "days": days,
        "chart": daily_chart(days),
        "towns": towns[:WORST] if len(towns) > 1 else [],
        "units": by_grid[GridLevel.UNIT][:WORST],
        "departments": open_by_holder(cases, kinds=DEPARTMENT_KINDS)[:WORST],
        "headlines": [
            (line, sparkline(line.weeks)) for line in headlines(grids, start=start, end=end)
        ],
        "by": by,
        "by_label": INDICATORS[by].label,
        "rank_form": rank_form,
        "worst_grids": worst_grids(grids, indicator=by, start=start, end=end),
        "worst_departments": worst_departments(grids, indicator=by, start=start, end=end),
        "report_towns": towns_in(grids),
        # The last whole month and quarter up to the period's end.
        "month": last_month(end + datetime.timedelta(days=1)),
        "quarter": last_quarter(end + datetime.timedelta(days=1)),
        "shortcuts": [
            (days_back, today - datetime.timedelta(days=days_back - 1))
            for days_back in (7, DEFAULT_DAYS, 90)
        ],
        "today": today,
    }
    return render(request, "web/leader.html", context)
