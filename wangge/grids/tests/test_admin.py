from __future__ import annotations

import json
from collections.abc import Mapping

import pytest
from django.test import Client

from wangge.grids.locator import grid_index
from wangge.grids.models import Grid
from wangge.people.testing import Cast, build_cast

pytestmark = pytest.mark.django_db
ADD = "/admin/grids/grid/add/"


@pytest.fixture
def cast() -> Cast:
    return build_cast()


@pytest.fixture
def root_client(client: Client, cast: Cast) -> Client:
    client.force_login(cast.root)
    return client


def form(code: str, parent: Grid, geometry: Mapping[str, object]) -> dict[str, str]:
    return {
        "code": code,
        "name": "新块",
        "level": "5",
        "kind": "residential",
        "parent": str(parent.pk),
        "geometry": json.dumps(geometry),
    }


def test_a_grid_added_in_the_admin_joins_the_tree_and_the_locator(
    root_client: Client, cast: Cast
) -> None:
    grids_before = len(grid_index())
    unit = cast.unit_b
    response = root_client.post(ADD, form("310112002001001002", unit, unit.geometry))
    assert response.status_code == 302
    block = Grid.objects.get(code="310112002001001002")
    assert block.path == unit.path + "310112002001001002/"
    assert block.bbox == unit.bbox
    assert len(grid_index()) == grids_before + 1


def test_the_admin_shows_why_a_grid_is_refused_and_saves_nothing(
    root_client: Client, cast: Cast
) -> None:
    unit = cast.unit_b
    before = Grid.objects.count()
    bad_code = root_client.post(ADD, form("310112001001001009", unit, unit.geometry))
    assert bad_code.status_code == 200
    assert (
        "310112002001001" in bad_code.content.decode()
    )  # names the parent code it must start with
    line = {"type": "LineString", "coordinates": [[121.3, 31.0], [121.4, 31.1]]}
    bad_shape = root_client.post(ADD, form("310112002001001002", unit, line))
    assert bad_shape.status_code == 200
    assert "LineString" in bad_shape.content.decode()
    assert Grid.objects.count() == before


def test_a_town_administrator_adds_grids_only_inside_the_town(client: Client, cast: Cast) -> None:
    client.force_login(cast.ada)  # administrator of town A
    outside = client.post(ADD, form("310112002001001002", cast.unit_b, cast.unit_b.geometry))
    assert outside.status_code == 200
    new_root = form("310113", cast.unit_a, cast.district.geometry)
    new_root.update(parent="", level="1", kind="administrative")
    assert client.post(ADD, new_root).status_code == 200
    assert not Grid.objects.filter(code__in=["310112002001001002", "310113"]).exists()
    inside = client.post(ADD, form("310112001001001002", cast.unit_a, cast.unit_a.geometry))
    assert inside.status_code == 302
    assert Grid.objects.filter(code="310112001001001002").exists()


def test_recoding_a_grid_with_children_is_refused_in_the_form(
    root_client: Client, cast: Cast
) -> None:
    data = form("310112001001009", cast.area_a, cast.unit_a.geometry)
    data.update(level="4")
    response = root_client.post(f"/admin/grids/grid/{cast.unit_a.pk}/change/", data)
    assert response.status_code == 200
    cast.unit_a.refresh_from_db()
    assert cast.unit_a.code == "310112001001001"
