from __future__ import annotations

import pytest
from django.test import Client

from wangge.catalog.choices import CategoryFamily
from wangge.catalog.models import Category, Responsibility
from wangge.catalog.services import catalog_load_defaults, responsibility_set
from wangge.people.testing import Cast, build_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    catalog_load_defaults()
    return build_cast()


def main_class() -> Category:
    return Category.objects.get(family=CategoryFamily.EVENT, code="05", parent__isnull=True)


def test_a_town_administrator_reads_but_cannot_rewrite_the_district_catalog(
    client: Client, cast: Cast
) -> None:
    row = responsibility_set(category=main_class(), department=cast.chengguan)
    client.force_login(cast.ada)
    category = main_class()
    assert client.get(f"/admin/catalog/category/{category.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/catalog/category/{category.pk}/change/",
        {"family": category.family, "code": category.code, "name": "改掉", "is_active": "on"},
    )
    assert response.status_code == 403
    response = client.post(
        f"/admin/catalog/responsibility/{row.pk}/change/",
        {"category": str(category.pk), "department": str(cast.chengguan_a.pk)},
    )
    assert response.status_code == 403
    assert Responsibility.objects.get(pk=row.pk).department == cast.chengguan


def test_a_town_administrator_routes_the_town_s_own_cases(client: Client, cast: Cast) -> None:
    client.force_login(cast.ada)
    add = "/admin/catalog/responsibility/add/"
    district_wide = {"category": str(main_class().pk), "department": str(cast.chengguan_a.pk)}
    assert client.post(add, district_wide).status_code == 200
    other_town = {**district_wide, "grid": str(cast.town_b.pk)}
    assert client.post(add, other_town).status_code == 200
    assert not Responsibility.objects.exists()
    own_town = {**district_wide, "grid": str(cast.town_a.pk)}
    assert client.post(add, own_town).status_code == 302
    assert Responsibility.objects.get().grid == cast.town_a


def test_a_town_administrator_sees_the_base_list_and_its_town_s_items_only(
    client: Client, cast: Cast
) -> None:
    from wangge.catalog.services import task_item_create

    task_item_create(grid_kind="street", town=cast.town_b, task_class="市容", name="乙镇自选")
    task_item_create(grid_kind="street", town=cast.town_a, task_class="市容", name="甲镇自选")
    client.force_login(cast.ada)
    page = client.get("/admin/catalog/taskitem/", {"all": ""}).content.decode()
    assert "甲镇自选" in page
    assert "乙镇自选" not in page
