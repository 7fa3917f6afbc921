"""The records in the admin follow the access scope: a town's administrator lists and adds the
town's records only, each placed by the services in the grid under its point."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from wangge.people.testing import Cast
from wangge.records.models import Shop
from wangge.records.services import record_save

pytestmark = pytest.mark.django_db


def shop_form(lng: float, lat: float, **more: Any) -> dict[str, Any]:
    return {
        "name": "新开茶饮",
        "address": "江川路300号",
        "lng": lng,
        "lat": lat,
        "is_active": "on",
        "code": "",
        "licence": "",
        "business_type": "餐饮",
        "holder_name": "赵敏",
        "holder_phone": "13900000003",
        **more,
    }


def test_an_administrator_lists_and_adds_the_town_s_shops_only(
    cast: Cast, spot_a: tuple[float, float]
) -> None:
    lng, lat = spot_a
    record_save(record=Shop(name="古美便利店", address="古美路8号", lng=lng + 0.05, lat=lat))
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(cast.ada)  # the administrator of town A

    listed = client.get("/admin/records/shop/")
    assert listed.status_code == 200 and "古美便利店" not in listed.content.decode()

    refused = client.post("/admin/records/shop/add/", shop_form(lng + 0.05, lat))
    assert refused.status_code == 200
    assert "outside your responsibility" in refused.content.decode()

    added = client.post("/admin/records/shop/add/", shop_form(lng, lat))
    assert added.status_code == 302
    shop = Shop.objects.get(name="新开茶饮")
    assert shop.grid == cast.block_a and len(shop.code) == 8
    page = client.get(f"/admin/records/shop/{shop.pk}/change/").content.decode()
    assert f"/r/s/{shop.code}/qr.svg" in page
