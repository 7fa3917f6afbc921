from __future__ import annotations

import base64
import csv
import datetime
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from shapely.geometry import shape

from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults, responsibility_set
from wangge.core.coords import CRS, from_wgs84
from wangge.core.testing import photo_with_exif
from wangge.grids.choices import GridKind
from wangge.grids.models import Grid
from wangge.grids.services import grid_update
from wangge.intake.detections import camera_register, detection_system_create, signature_of
from wangge.intake.models import DetectionSystem
from wangge.people.testing import Cast, build_cast

URL = "/intake/v1/detections"
Send = Callable[..., Any]

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
    """The fixed cast, with town B's unit and block made a street grid (街面网格): town A is
    residential, town B is street."""
    catalog_load_defaults()
    cast = build_cast()
    for grid in (cast.unit_b, cast.block_b):
        grid_update(grid=grid, kind=GridKind.STREET)
    return cast


def spot(grid: Grid) -> tuple[float, float]:
    point = shape(grid.geometry).representative_point()
    return point.x, point.y


@dataclass(frozen=True)
class Scene:
    system: DetectionSystem
    secret: str
    rubbish: Category  # 暴露垃圾, dispatched automatically to 城管
    vending: Category  # 无证设摊, not switched on


@pytest.fixture
def scene(cast: Cast) -> Scene:
    """A smart-scene system with a camera on town A's residential block (CAM-A) and one on town
    B's street (CAM-B); 暴露垃圾 dispatched automatically and handled by 城管 district-wide."""
    system, secret = detection_system_create(code="yingpu-ai", name="盈浦智能场景")
    for code, grid in (("CAM-A", cast.block_a), ("CAM-B", cast.block_b)):
        lng, lat = spot(grid)
        camera_register(code=code, name=f"{grid.name}路口", lng=lng, lat=lat, system=system)
    rubbish = Category.objects.get(family="event", code="0102")
    rubbish.auto_dispatch = True
    rubbish.save()
    responsibility_set(category=rubbish, department=cast.chengguan)
    vending = Category.objects.get(family="event", code="0501")
    return Scene(system=system, secret=secret, rubbish=rubbish, vending=vending)


def snapshot() -> str:
    return base64.b64encode(photo_with_exif().read()).decode()


def detection(**more: Any) -> dict[str, Any]:
    return {
        "id": "det-0001",
        "camera": "CAM-B",
        "category": "event-0102",
        "detected_at": "2026-05-01T08:00:00+08:00",
        "confidence": 0.93,
        "snapshot": snapshot(),
        **more,
    }


@pytest.fixture
def send(scene: Scene) -> Send:
    """POST a detection signed as the scene's system; ``body`` (bytes or a dict), the system,
    the secret, the timestamp and any header may be changed."""
    client = Client(headers={"Accept-Language": "en"})

    def post(
        body: bytes | dict[str, Any] | None = None,
        *,
        system: str = scene.system.code,
        secret: str = scene.secret,
        timestamp: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        raw = body if isinstance(body, bytes) else json.dumps(body or detection()).encode()
        stamp = timestamp if timestamp is not None else str(int(time.time()))
        signed = {
            "X-Wangge-System": system,
            "X-Wangge-Timestamp": stamp,
            "X-Wangge-Signature": signature_of(secret, stamp, raw),
            **(headers or {}),
        }
        return client.post(URL, raw, content_type="application/json", headers=signed)

    return post


@pytest.fixture
def spot_a(cast: Cast) -> tuple[float, float]:
    """A WGS-84 point inside town A's only block."""
    return spot(cast.block_a)


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
