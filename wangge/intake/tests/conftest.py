from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from shapely.geometry import shape

from wangge.catalog.services import catalog_load_defaults
from wangge.core.coords import CRS, from_wgs84
from wangge.people.testing import Cast, build_cast

HEADER = [
    "工单编号",
    "诉求内容",
    "事发地址",
    "经度",
    "纬度",
    "问题分类",
    "来电人",
    "联系电话",
    "受理时间",
]
# An hour in Beijing time, as the hotline writes it.
WHEN = "2026-11-20 09:30:00"


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def spot(cast: Cast) -> tuple[float, float]:
    """A WGS-84 point inside town A's only block."""
    point = shape(cast.block_a.geometry).representative_point()
    return point.x, point.y


def order_row(
    order: str,
    lng: float,
    lat: float,
    *,
    category: str = "暴露垃圾",
    when: str = WHEN,
    description: str = "小区门口垃圾堆放多日无人清运",
    crs: CRS = CRS.GCJ02,
) -> list[str]:
    """A work order at a WGS-84 point, its coordinates written in ``crs`` as the export has them."""
    x, y = from_wgs84(lng, lat, crs)
    return [
        order,
        description,
        "江川路100号",
        f"{x:.7f}",
        f"{y:.7f}",
        category,
        "王先生",
        "13800000000",
        when,
    ]


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(
        rows: Sequence[Sequence[str]],
        *,
        header: Sequence[str] = HEADER,
        encoding: str = "utf-8-sig",
        name: str = "orders.csv",
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


def beijing(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text + "+08:00")
