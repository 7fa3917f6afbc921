"""The periodic reports of ``metrics.reports`` as a page, a printable A4 PDF (WeasyPrint, its
Chinese fonts embedded, the chart drawn as SVG on the server) and an XLSX workbook; for those who
may see the town or department the report is about."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from wangge.cases.services import DEPARTMENT_KINDS, actor_for
from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.metrics.reports import (
    BREAKDOWN,
    Report,
    department_quarterly,
    report_xlsx,
    town_monthly,
)
from wangge.metrics.selectors import Scope, may_see_scope
from wangge.people.models import Organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAR_HEIGHT = 18.0
CHART_WIDTH = 480.0
LABEL_WIDTH = 160.0


@dataclass(frozen=True)
class Bar:
    name: str
    value: str
    y: float
    width: float


def chart(report: Report) -> dict[str, Any]:
    """The breakdown's first column as horizontal bars (0 to 100%) for an SVG."""
    key = BREAKDOWN[0]
    bars = []
    for index, line in enumerate(report.lines):
        value = line.values[key].value
        width = 0.0 if value is None else float(value) / 100 * (CHART_WIDTH - LABEL_WIDTH)
        shown = "—" if value is None else f"{value:.1f}%"
        bars.append(Bar(line.name, shown, index * (BAR_HEIGHT + 4), width))
    return {
        "bars": bars,
        "height": len(bars) * (BAR_HEIGHT + 4),
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


def _refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "web/report.html", {"refused": reason}, status=status)


def _town_report(request: HttpRequest, code: str, year: int, month: int) -> Report | HttpResponse:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        return _refused(request, _("There is no such month."), 404)
    town = Grid.objects.filter(code=code, level=GridLevel.TOWN).first()
    if town is None:
        return _refused(request, _("There is no such town."), 404)
    if not may_see_scope(actor_for(request.user), Scope.grid(town)):
        return _refused(request, _("You may read the reports of your own area only."), 403)
    return town_monthly(town, year=year, month=month)


def _department_report(
    request: HttpRequest, pk: int, year: int, quarter: int
) -> Report | HttpResponse:
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        return _refused(request, _("There is no such quarter."), 404)
    department = Organisation.objects.filter(pk=pk, kind__in=DEPARTMENT_KINDS).first()
    if department is None:
        return _refused(request, _("There is no such department."), 404)
    if not may_see_scope(actor_for(request.user), Scope.department(department)):
        return _refused(request, _("You may read the reports of your own area only."), 403)
    return department_quarterly(department, year=year, quarter=quarter)


def _answer(request: HttpRequest, report: Report | HttpResponse, form: str) -> HttpResponse:
    if isinstance(report, HttpResponse):
        return report
    if form == "xlsx":
        response = HttpResponse(report_xlsx(report), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{report.filename("xlsx")}"'
        return response
    context = {"report": report, "chart": chart(report)}
    if form == "pdf":
        return _pdf(request, report, context)
    return render(request, "web/report.html", context)


def _pdf(request: HttpRequest, report: Report, context: dict[str, Any]) -> HttpResponse:
    # Imported here: WeasyPrint loads Pango when imported, which only this view needs.
    from PIL import ImageFile
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint turns on Pillow's acceptance of truncated images for the whole process.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    html = render_to_string("web/report_print.html", context, request=request)
    offline = URLFetcher(allowed_protocols={"data"})
    stylesheet = finders.find("web/report.css")
    pdf = HTML(string=html, url_fetcher=offline).write_pdf(
        stylesheets=[CSS(filename=str(stylesheet), url_fetcher=offline)]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.filename("pdf")}"'
    return response


@login_required
def town_report(
    request: HttpRequest, code: str, year: int, month: int, form: str = "page"
) -> HttpResponse:
    return _answer(request, _town_report(request, code, year, month), form)


@login_required
def department_report(
    request: HttpRequest, pk: int, year: int, quarter: int, form: str = "page"
) -> HttpResponse:
    return _answer(request, _department_report(request, pk, year, quarter), form)


def last_month(today: datetime.date) -> tuple[int, int]:
    """The month before ``today``'s: what a monthly report is usually about."""
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


def last_quarter(today: datetime.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3
    return (today.year, quarter) if quarter else (today.year - 1, 4)
