from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from shapely.geometry import shape

from wangge.catalog.services import catalog_load_defaults
from wangge.core.coords import CRS, from_wgs84
from wangge.people.testing import Cast, build_cast

# Real unified social credit codes, as printed on business licences, and the worked example
# of GB 32100-2015 itself.
HUAWEI = "914403001922038216"
ALIBABA = "91330100716105852F"
STANDARD_EXAMPLE = "91350100M000100Y43"
# Codes of Minhang (310112) made for the tests, their check characters computed.
MINHANG_COMPANY = "91310112MA1GB4RD3N"
MINHANG_SHOP = "92310112MA1N5XLW03"
# 上水井盖 (catalog 0101) number 42 and 路灯 (0118) number 7 of Minhang.
MANHOLE = "3101120101000042"
STREET_LAMP = "3101120118000007"

SHOP_HEADER = [
    "商铺名称",
    "经营地址",
    "经度",
    "纬度",
    "统一社会信用代码",
    "业态",
    "门责人",
    "门责人电话",
]


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def spot_a(cast: Cast) -> tuple[float, float]:
    """A WGS-84 point inside town A's only block."""
    point = shape(cast.block_a.geometry).representative_point()
    return point.x, point.y


def gcj(lng: float, lat: float) -> tuple[str, str]:
    """A WGS-84 point as a district spreadsheet writes it: GCJ-02, seven decimals."""
    x, y = from_wgs84(lng, lat, CRS.GCJ02)
    return f"{float(x):.7f}", f"{float(y):.7f}"


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(
        rows: Sequence[Sequence[object]],
        *,
        header: Sequence[str] = SHOP_HEADER,
        encoding: str = "utf-8-sig",
        name: str = "records.csv",
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write
