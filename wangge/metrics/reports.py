"""Periodic reports: a town's monthly report and a department's quarterly report (Minhang seed 000:
职能部门…按季度形成数据报告; the towns report to the district month by month), as figures, and as
an XLSX workbook with a chart. The web layer prints the same figures as a page and a PDF.

A report holds the scope's indicators for the period against their targets and the period
before, a breakdown (the town's unit grids ranked; the department's months), and a trend.
"""

from __future__ import annotations

import calendar
import datetime
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.metrics.dashboard import HEADLINE
from wangge.metrics.indicators import INDICATORS, Unit, Value
from wangge.metrics.models import ScopeKind
from wangge.metrics.rankings import ranking
from wangge.metrics.selectors import Scope, indicator_series, indicators
from wangge.people.models import Organisation

# The breakdown's columns: what a town or department is judged by first.
BREAKDOWN = (
    "proactive_discovery_rate",
    "closure_rate",
    "on_time_rate",
    "satisfaction_rate",
    "overdue",
)
RANKED_BY = "proactive_discovery_rate"


@dataclass(frozen=True)
class Line:
    """A row of the breakdown: a unit grid of the town, or a month of the quarter."""

    name: str
    values: dict[str, Value]

    @property
    def cells(self) -> list[Value]:
        """The breakdown's columns, in order."""
        return [self.values[key] for key in BREAKDOWN]


@dataclass(frozen=True)
class Report:
    """The figures of one report."""

    kind: str  # "town-monthly" or "department-quarterly"
    title: str
    scope_name: str
    start: datetime.date
    end: datetime.date
    values: list[Value]
    previous: dict[str, Value]
    breakdown_title: str
    lines: list[Line]

    @property
    def columns(self) -> list[str]:
        return [str(INDICATORS[key].label) for key in BREAKDOWN]

    def filename(self, suffix: str) -> str:
        return f"{self.kind}-{self.start:%Y%m%d}-{self.end:%Y%m%d}.{suffix}"


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(
        year, month, calendar.monthrange(year, month)[1]
    )


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = 3 * (quarter - 1) + 1
    return month_bounds(year, first)[0], month_bounds(year, first + 2)[1]


def _headline(scope: Scope, start: datetime.date, end: datetime.date) -> list[Value]:
    values = indicators(scope=scope, start=start, end=end)
    keys = [*HEADLINE, *(k for k in ("attendance_rate",) if k in values)]
    return [values[key] for key in keys]


def _before(scope: Scope, start: datetime.date, end: datetime.date) -> dict[str, Value]:
    length = end - start + datetime.timedelta(days=1)
    return indicators(scope=scope, start=start - length, end=start - datetime.timedelta(days=1))


def town_monthly(town: Grid, *, year: int, month: int) -> Report:
    """The town's month: its indicators, and its unit grids ranked by proactive discovery."""
    if town.level != GridLevel.TOWN:
        raise ValueError("a monthly report is a town's")
    start, end = month_bounds(year, month)
    scope = Scope.grid(town)
    units = {
        g.pk: g.name for g in Grid.objects.filter(path__startswith=town.path, level=GridLevel.UNIT)
    }
    ranked = ranking(
        kind=ScopeKind.GRID, scope_ids=list(units), indicator=RANKED_BY, start=start, end=end
    )
    return Report(
        kind="town-monthly",
        title=_("%(town)s: monthly report on grid governance, %(year)d-%(month)02d")
        % {"town": town.name, "year": year, "month": month},
        scope_name=town.name,
        start=start,
        end=end,
        values=_headline(scope, start, end),
        previous=_before(scope, start, end),
        breakdown_title=_("Unit grids, best first by %(indicator)s")
        % {"indicator": INDICATORS[RANKED_BY].label},
        lines=[Line(units[r.scope_id], r.values) for r in ranked],
    )


def department_quarterly(department: Organisation, *, year: int, quarter: int) -> Report:
    """The department's quarter: its indicators (with attendance) and each month's."""
    if not 1 <= quarter <= 4:
        raise ValueError("a quarter is 1 to 4")
    start, end = quarter_bounds(year, quarter)
    scope = Scope.department(department)
    months = indicator_series(scope=scope, start=start, end=end, step="month")
    return Report(
        kind="department-quarterly",
        title=_("%(department)s: quarterly data report, %(year)d Q%(quarter)d")
        % {"department": department.name, "year": year, "quarter": quarter},
        scope_name=department.name,
        start=start,
        end=end,
        values=_headline(scope, start, end),
        previous=_before(scope, start, end),
        breakdown_title=_("Month by month"),
        lines=[Line(f"{bucket.start:%Y-%m}", bucket.values) for bucket in months],
    )


SHEET_SUMMARY = gettext_lazy("Indicators")
SHEET_BREAKDOWN = gettext_lazy("Breakdown")


def _cell(value: Value) -> float | None:
    return None if value.value is None else float(value.value)


def report_xlsx(report: Report) -> bytes:
    """The report as a workbook: the indicators with target and the period before, then the
    breakdown with a chart of its first column."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = str(SHEET_SUMMARY)
    summary.append([report.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("From %(start)s to %(end)s") % {"start": report.start, "end": report.end}])
    summary.append([])
    summary.append(
        [_("Indicator"), _("Value"), _("Unit"), _("Target"), _("Reached"), _("Period before")]
    )
    for value in report.values:
        reached = {True: _("yes"), False: _("no"), None: ""}[value.meets_target]
        summary.append(
            [
                value.label,
                _cell(value),
                value.unit.label if value.unit != Unit.PERCENT else "%",
                None if value.target is None else float(value.target),
                reached,
                _cell(report.previous[value.key]) if value.key in report.previous else None,
            ]
        )
    summary.column_dimensions["A"].width = 36

    sheet = book.create_sheet(str(SHEET_BREAKDOWN))
    sheet.append([report.breakdown_title])
    sheet.append([_("Name"), *report.columns])
    for line in report.lines:
        sheet.append([line.name, *(_cell(value) for value in line.cells)])
    sheet.column_dimensions["A"].width = 30
    if report.lines:
        chart = BarChart()
        chart.title = str(INDICATORS[BREAKDOWN[0]].label)
        rows = len(report.lines) + 2
        chart.add_data(Reference(sheet, min_col=2, min_row=2, max_row=rows), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=rows))
        sheet.add_chart(chart, f"{chr(ord('B') + len(BREAKDOWN) + 1)}2")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
