"""A grid's records through the API (Jiading seed 004: 人、地、事、物、组织 in each grid), cut to
what the caller may see: a town's dispatcher sees the town's, not the other town's."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from wangge.people.testing import Cast
from wangge.records.testing import sample_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast: Cast) -> None:
    sample_records(cast)


def test_a_town_sees_the_records_of_its_grids(api: APIClient, cast: Cast, records: None) -> None:
    api.force_authenticate(cast.alice)
    answer = api.get(f"/api/v1/grids/{cast.town_a.code}/records").json()
    assert answer["grid"]["code"] == cast.town_a.code
    assert answer["counts"] == {"shops": 2, "buildings": 1, "facilities": 1, "companies": 1}
    assert [s["name"] for s in answer["shops"]] == ["旧书店", "王记面馆"]
    noodles = answer["shops"][1]
    assert noodles["holder_name"] == "王建国" and noodles["grid_code"] == cast.block_a.code
    assert len(noodles["code"]) == 8
    lamp = answer["facilities"][0]
    assert (lamp["code"], lamp["category"], lamp["category_name"]) == (
        "3101120118000007",
        "0118",
        "路灯",
    )
    assert answer["companies"][0]["credit_code"] == "914403001922038216"
    # A unit's records are those of its blocks.
    unit = api.get(f"/api/v1/grids/{cast.unit_a.code}/records", {"kind": "shop", "active": "true"})
    assert unit.json()["counts"] == {"shops": 1}
    assert [s["name"] for s in unit.json()["shops"]] == ["王记面馆"]


def test_another_town_s_records_are_not_found(api: APIClient, cast: Cast, records: None) -> None:
    api.force_authenticate(cast.bob)
    assert api.get(f"/api/v1/grids/{cast.town_a.code}/records").status_code == 404
    assert api.get(f"/api/v1/grids/{cast.unit_a.code}/records").status_code == 404
    answer = api.get(f"/api/v1/grids/{cast.town_b.code}/records").json()
    assert [s["name"] for s in answer["shops"]] == ["古美便利店"]
    # Seen from the district, neither town's records hide the other's.
    api.force_authenticate(cast.carol)
    district = api.get(f"/api/v1/grids/{cast.district.code}/records").json()
    assert district["counts"]["shops"] == 3
    api.force_authenticate(None)
    assert api.get(f"/api/v1/grids/{cast.town_a.code}/records").status_code in (401, 403)


def test_lists_are_paged_and_bad_parameters_get_a_reason(
    api: APIClient, cast: Cast, records: None
) -> None:
    api.force_authenticate(cast.ivan)  # the inspector of town A's unit
    page = api.get(
        f"/api/v1/grids/{cast.unit_a.code}/records", {"kind": "shop", "limit": "1", "offset": "1"}
    ).json()
    assert page["counts"] == {"shops": 2} and [s["name"] for s in page["shops"]] == ["王记面馆"]
    refused = api.get(f"/api/v1/grids/{cast.unit_a.code}/records", {"kind": "tree", "limit": "0"})
    assert refused.status_code == 400 and set(refused.json()) == {"kind", "limit"}
