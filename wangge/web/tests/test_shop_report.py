"""The QR code on a shopfront (Yingpu seed 003: 市民通过沿街商铺二维码，将发现的问题准确定位)
opens the same report form as a grid board's, placed at the shop: the case lies at the shop's
point, in its grid, and its intake names the shop."""

from __future__ import annotations

import io
import time
import uuid
from typing import Any

import pytest
import segno
from django.core import signing
from django.test import Client
from shapely.geometry import shape

from wangge.cases.models import Case
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.people.testing import Cast, build_cast
from wangge.records.models import Shop
from wangge.records.services import record_save
from wangge.web.forms import SALT

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def shop(cast: Cast) -> Shop:
    spot = shape(cast.block_b.geometry).representative_point()
    return record_save(
        record=Shop(name="古美便利店", address="古美路8号", lng=spot.x + 0.001, lat=spot.y)
    )


def english() -> Client:
    return Client(headers={"Accept-Language": "en"})


def report(**more: Any) -> dict[str, Any]:
    category = Category.objects.get(family="event", code="0102")  # 暴露垃圾
    return {
        "category": category.pk,
        "description": "店门口垃圾堆放",
        "key": str(uuid.uuid4()),
        "started": signing.dumps(time.time() - 30, salt=SALT),
        **more,
    }


def test_a_report_through_a_shop_s_code_lies_at_the_shop(cast: Cast, shop: Shop) -> None:
    client = english()
    page = client.get(f"/r/s/{shop.code}/").content.decode()
    assert "古美便利店" in page and 'name="website"' in page
    assert "geolocation" not in page  # the shop's point is better than the phone's
    # A phone that sends its position anyway (far off, in town A) does not move the report.
    elsewhere = shape(cast.block_a.geometry).representative_point()
    sent = client.post(f"/r/s/{shop.code}/", report(lng=elsewhere.x, lat=elsewhere.y))
    assert sent.status_code == 302

    case = Case.objects.get()
    assert case.grid == cast.block_b and case.channel == "citizen"
    assert (case.lng, case.lat) == pytest.approx((shop.lng, shop.lat))
    assert case.intake.details["shop"] == shop.code
    assert case.intake.source == "qr" and "board" not in case.intake.details


def test_a_closed_shop_s_sticker_still_places_reports(cast: Cast, shop: Shop) -> None:
    shop.is_active = False
    record_save(record=shop)
    page = english().get(f"/r/s/{shop.code}/").content.decode()
    assert "古美便利店" not in page and cast.block_b.name in page
    assert english().post(f"/r/s/{shop.code}/", report()).status_code == 302
    assert Case.objects.get().grid == cast.block_b


def test_the_shop_s_qr_code_opens_its_report_page(shop: Shop) -> None:
    qr = english().get(f"/r/s/{shop.code}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    expected = io.BytesIO()
    segno.make(f"http://testserver/r/s/{shop.code}/", error="m").save(
        expected, kind="svg", scale=8, border=2
    )
    assert qr.content == expected.getvalue()
    assert english().get("/r/s/NOSUCH00/qr.svg").status_code == 404
    assert english().get("/r/s/NOSUCH00/").status_code == 404
