"""Records come from the spreadsheets districts keep, CSV or XLSX: each row is added, or updates
the record its key names, so that importing a file again changes nothing (item 6: "Import …
from the spreadsheets districts already keep (XLSX), with a per-row error report")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from wangge.core.coords import CRS, from_wgs84
from wangge.core.tables import ColumnsNotFound
from wangge.people.testing import Cast
from wangge.records.choices import BuildingUse
from wangge.records.imports import RowError, records_import
from wangge.records.models import Building, Company, Facility, Shop
from wangge.records.tests.conftest import (
    HUAWEI,
    MANHOLE,
    MINHANG_COMPANY,
    MINHANG_SHOP,
    STREET_LAMP,
    gcj,
)

pytestmark = pytest.mark.django_db


def test_shops_from_a_csv_are_placed_and_a_second_import_updates_them(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    lng, lat = spot_a
    rows = [
        ["王记面馆", "江川路100号", *gcj(lng, lat), MINHANG_SHOP, "餐饮", "王建国", "13900000001"],
        ["古美便利店", "古美路8号", *gcj(lng + 0.05, lat), "", "零售", "李芳", "021-64301234"],
    ]
    result = records_import("shop", write_csv(rows))

    assert (result.rows, result.created, result.updated, result.errors) == (2, 2, 0, 0)
    noodles = Shop.objects.get(licence=MINHANG_SHOP)
    assert noodles.grid == cast.block_a and noodles.name == "王记面馆"
    assert (noodles.holder_name, noodles.holder_phone, noodles.business_type) == (
        "王建国",
        "13900000001",
        "餐饮",
    )
    # The spreadsheet's GCJ-02 is kept as the WGS-84 point it stands for.
    assert (noodles.lng, noodles.lat) == pytest.approx(spot_a, abs=1e-6)
    assert Shop.objects.get(name="古美便利店").grid == cast.block_b
    code = noodles.code

    again = records_import("shop", write_csv(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    rows[0][6], rows[1][7] = "王秀英", "13900000002"  # a new holder; a new phone
    changed = records_import("shop", write_csv(rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 0)
    assert Shop.objects.count() == 2
    noodles.refresh_from_db()
    assert noodles.holder_name == "王秀英" and noodles.code == code
    assert Shop.objects.get(name="古美便利店").holder_phone == "13900000002"


def test_facilities_and_companies_come_from_xlsx(
    cast: Cast, spot_a: tuple[float, float], tmp_path: Path
) -> None:
    lng, lat = (float(v) for v in from_wgs84(*spot_a, CRS.BD09))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["部件标识码", "部件名称", "位置", "经度", "纬度", "权属单位", "状态"])
    # Codes as text, as registers keep them: Excel keeps 15 digits of a number.
    sheet.append([MANHOLE, "", "江川路近100号", lng, lat, "上海城投水务", "完好"])
    sheet.append([STREET_LAMP, "路灯 JC-07", "江川路近102号", lng, lat, "区路灯所", "拆除"])
    facilities = tmp_path / "facilities.xlsx"
    book.save(facilities)

    errors: list[RowError] = []
    result = records_import("facility", facilities, crs=CRS.BD09, on_error=errors.append)
    assert [(e.row, e.key) for e in errors] == [(2, MANHOLE)]
    assert "状态 says neither yes nor no: 完好" in errors[0].reason
    lamp = Facility.objects.get()
    assert (lamp.code, lamp.name, lamp.category.name, lamp.owner) == (
        STREET_LAMP,
        "路灯 JC-07",
        "路灯",
        "区路灯所",
    )
    assert not lamp.is_active and lamp.grid == cast.block_a
    assert (lamp.lng, lamp.lat) == pytest.approx(spot_a, abs=1e-6)

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["企业名称", "统一社会信用代码", "所属园区", "经营地址", "经度", "纬度"])
    sheet.append(
        ["上海江川精密机械有限公司", MINHANG_COMPANY, "江川工业园", "江川路500号", *spot_a]
    )
    sheet.append(["华为技术有限公司", HUAWEI.lower(), "", "", *spot_a])
    companies = tmp_path / "companies.xlsx"
    book.save(companies)
    result = records_import("company", companies, crs=CRS.WGS84)
    assert (result.created, result.errors) == (2, 0)
    assert Company.objects.get(credit_code=MINHANG_COMPANY).park == "江川工业园"
    assert Company.objects.filter(credit_code=HUAWEI).exists()


def test_buildings_in_gb18030_are_known_again_by_their_address(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    header = ["楼宇名称", "地址", "经度", "纬度", "层数", "用途"]
    rows = [
        ["江川大厦", "江川路200号", *gcj(*spot_a), "18", "办公"],
        ["江川新村12号楼", "江川新村12号", *gcj(*spot_a), "6层", "住宅"],
    ]
    path = write_csv(rows, header=header, encoding="gb18030")
    assert records_import("building", path).created == 2
    tower = Building.objects.get(address="江川路200号")
    assert (tower.floors, tower.use) == (18, BuildingUse.OFFICE)

    rows[0][4], rows[0][5] = "20", "商住"
    result = records_import("building", write_csv(rows, header=header, encoding="gb18030"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    tower.refresh_from_db()
    assert (tower.floors, tower.use) == (20, BuildingUse.MIXED)


def test_each_bad_row_is_reported_and_leaves_nothing_behind(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    lng, lat = spot_a
    point = gcj(lng, lat)

    def row(name: str, **change: str) -> list[str]:
        cells = {
            "name": name,
            "address": f"江川路{len(name)}号",
            "lng": point[0],
            "lat": point[1],
            "licence": "",
            "type": "餐饮",
            "holder": "王建国",
            "phone": "13900000001",
            **change,
        }
        return list(cells.values())

    rows = [
        row("好店一"),
        row("", address="江川路1号"),
        row("坏店三", lng="东经121度"),
        row("坏店四", lng="116.39", lat="39.9"),
        row("坏店五", licence=MINHANG_SHOP[:-1] + "4"),
        row("坏店六", phone="请致电店主"),
        row("好店一"),
        row("坏店八", address="", lat=""),
        row("好店九", licence=MINHANG_SHOP),
        row("坏店十", licence=MINHANG_SHOP),
    ]
    errors: list[RowError] = []
    result = records_import("shop", write_csv(rows), on_error=errors.append)

    assert (result.rows, result.created, result.errors) == (10, 2, 8)
    assert [(e.row, e.key, e.reason) for e in errors] == [
        (3, "", "商铺名称 is empty."),
        (4, "坏店三 / 江川路3号", "经度 is not a number: 东经121度"),
        (5, "坏店四 / 江川路3号", "The point lies outside every grid."),
        (
            6,
            MINHANG_SHOP[:-1] + "4",
            "统一社会信用代码: The check character of 92310112MA1N5XLW04 should be 3: "
            "a character is mistyped.",
        ),
        (7, "坏店六 / 江川路3号", "门责人电话: Enter a telephone number."),
        (8, "好店一 / 江川路3号", "The key repeats row 2."),
        (9, "", "经营地址 is empty. 纬度 is empty."),
        (11, MINHANG_SHOP, "The key repeats row 10."),
    ]
    assert sorted(Shop.objects.values_list("name", flat=True)) == ["好店一", "好店九"]


def test_a_row_is_refused_whole_when_its_record_breaks_a_rule(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    header = ["商铺编码", "商铺名称", "经营地址", "经度", "纬度", "统一社会信用代码"]
    rows = [
        ["JC0001", "好店", "江川路1号", *gcj(*spot_a), MINHANG_SHOP],
        ["JC0002", "别的店", "江川路2号", *gcj(*spot_a), ""],
    ]
    assert records_import("shop", write_csv(rows, header=header)).created == 2
    # The second shop, renamed and given the first one's licence: refused whole.
    rows[1][1], rows[1][5] = "别的店改名", MINHANG_SHOP
    errors: list[RowError] = []
    records_import("shop", write_csv(rows, header=header), on_error=errors.append)
    assert [(e.row, e.key, e.reason) for e in errors] == [
        (3, "JC0002", "Another shop has this licence number.")
    ]
    assert sorted(Shop.objects.values_list("code", "name", "licence")) == [
        ("JC0001", "好店", MINHANG_SHOP),
        ("JC0002", "别的店", ""),
    ]


def test_columns_are_named_by_a_mapping_and_a_missing_one_is_named(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    path = write_csv([["JC-1", "江川路1号", *spot_a]], header=["编号", "坐落", "X", "Y"])
    with pytest.raises(ColumnsNotFound) as refused:
        records_import("building", path)
    assert str(refused.value) == (
        "The file has no column for: name (楼宇名称 / 建筑名称 / 名称), lng (经度), lat (纬度)."
    )
    mapping = {"name": "编号", "code": "编号", "lng": "X", "lat": "Y"}
    assert records_import("building", path, mapping=mapping, crs=CRS.WGS84).created == 1
    assert Building.objects.get().code == "JC-1"


def test_a_dry_run_checks_everything_and_writes_nothing(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            ["好店", "江川路1号", *gcj(*spot_a), "", "", "", ""],
            ["远店", "北京路1号", "116.39", "39.9", "", "", "", ""],
        ]
    )
    result = records_import("shop", path, dry_run=True)
    assert (result.created, result.errors) == (1, 1)
    assert not Shop.objects.exists()
