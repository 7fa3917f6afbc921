"""Work orders from the 12345 export become complaints in the grid under their point, each with
its report event and an intake that remembers the order number."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from wangge.cases.choices import Channel
from wangge.cases.models import Case, CaseEvent
from wangge.core.coords import CRS
from wangge.intake.hotline import SOURCE, RowError, hotline_import
from wangge.intake.models import Intake
from wangge.intake.tests.conftest import WHEN, beijing, order_row
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def test_a_utf8_export_with_bom_becomes_complaints_in_the_right_grids(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    lng, lat = spot_a
    town_b = (lng + 0.05, lat)
    path = write_csv(
        [
            order_row("SH2026112000001", lng, lat),
            order_row("SH2026112000002", *town_b, category="event-0201", when="2026/11/20 10:05"),
        ]
    )
    result = hotline_import(path)

    assert (result.rows, result.imported, result.skipped, result.errors) == (2, 2, 0, 0)
    first = Case.objects.get(intake__key="SH2026112000001")
    assert first.channel == Channel.HOTLINE_12345 and not first.proactive
    assert first.status == "reported" and first.grid == cast.block_a
    assert first.category.name == "暴露垃圾"
    assert first.reported_at == beijing(WHEN)
    assert first.number.startswith("20261120")
    assert (first.reporter_name, first.reporter_phone, first.address) == (
        "王先生",
        "13800000000",
        "江川路100号",
    )
    # The export's GCJ-02 coordinates are stored as the WGS-84 point they stand for.
    assert first.lng == pytest.approx(lng, abs=1e-7) and first.lat == pytest.approx(lat, abs=1e-7)
    second = Case.objects.get(intake__key="SH2026112000002")
    assert second.grid == cast.block_b and second.category.name == "非法小广告"
    assert second.reported_at == beijing("2026-11-20 10:05:00")


def test_every_imported_case_has_one_report_event_and_one_intake(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    path = write_csv([order_row(f"A{i:04d}", *spot_a) for i in range(25)])
    hotline_import(path, batch=10)

    assert Case.objects.count() == 25
    for case in Case.objects.all():
        events = list(CaseEvent.objects.filter(case=case))
        assert [(e.sequence, e.action, e.from_status, e.to_status) for e in events] == [
            (1, "report", "", "reported")
        ]
        assert events[0].at == case.reported_at
        assert case.intake.source == SOURCE
    assert set(Intake.objects.values_list("key", flat=True)) == {f"A{i:04d}" for i in range(25)}
    # Numbers of one day follow one another, whatever the batches.
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert numbers == [f"20261120{i:05d}" for i in range(1, 26)]


def test_an_xlsx_export_with_its_own_headers_is_mapped(
    cast: Cast, spot_a: tuple[float, float], tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单号", "内容", "X", "Y", "类别", "时间"])
    # Spreadsheet cells keep numbers and times as such: the order number too.
    sheet.append(
        [
            2026112000001,
            "路灯不亮",
            spot_a[0],
            spot_a[1],
            "暴露垃圾",
            beijing(WHEN).replace(tzinfo=None),
        ]
    )
    sheet.append([])
    sheet.append(["W-2", "垃圾满溢", spot_a[0], spot_a[1], "event-0102", "2026年11月20日 11:00"])
    sheet.append(["W-3", "垃圾满溢", spot_a[0], spot_a[1], "垃圾", "2026-11-20 11:00"])
    path = tmp_path / "orders.xlsx"
    book.save(path)

    errors: list[RowError] = []
    result = hotline_import(
        path,
        on_error=errors.append,
        mapping={
            "order": "单号",
            "description": "内容",
            "lng": "X",
            "lat": "Y",
            "category": "类别",
            "reported_at": "时间",
        },
        crs=CRS.WGS84,
    )

    assert result.imported == 2
    # Rows are numbered as the spreadsheet shows them, the empty one counted.
    assert [(e.row, e.order) for e in errors] == [(5, "W-3")]
    case = Case.objects.get(intake__key="2026112000001")
    assert case.description == "路灯不亮" and case.reported_at == beijing(WHEN)
    assert case.grid == cast.block_a and case.address == "" and case.reporter_name == ""
    other = Case.objects.get(intake__key="W-2", category__name="暴露垃圾")
    assert other.reported_at == beijing("2026-11-20 11:00:00")


def test_a_gb18030_export_is_read(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [order_row("GB-1", *spot_a, description="噪声扰民，夜间施工")], encoding="gb18030"
    )
    assert hotline_import(path).imported == 1
    case = Case.objects.get()
    assert case.description == "噪声扰民，夜间施工" and case.reporter_name == "王先生"


def test_baidu_coordinates_are_converted(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    path = write_csv([order_row("BD-1", *spot_a, crs=CRS.BD09)])
    hotline_import(path, crs=CRS.BD09)
    case = Case.objects.get()
    assert case.lng == pytest.approx(spot_a[0], abs=1e-7)
    assert case.lat == pytest.approx(spot_a[1], abs=1e-7)


def test_a_dry_run_checks_everything_and_writes_nothing(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    path = write_csv([order_row("D-1", *spot_a), order_row("D-2", 0, 0)])
    result = hotline_import(path, dry_run=True)
    assert (result.imported, result.errors) == (1, 1)
    assert not Case.objects.exists() and not Intake.objects.exists()
    assert hotline_import(path).imported == 1
    # The dry run took back its case numbers too.
    assert Case.objects.get().number == "2026112000001"
