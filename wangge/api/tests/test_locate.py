from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from wangge.core.coords import CRS, from_wgs84
from wangge.grids.testing import import_small_tree, point

pytestmark = pytest.mark.django_db
URL = "/api/v1/grids/locate"


@pytest.fixture(autouse=True)
def tree() -> None:
    import_small_tree()


def test_anyone_can_locate_a_point_and_get_its_chain(api: APIClient) -> None:
    lng, lat = point(1.5, 0.5)
    response = api.get(URL, {"lat": lat, "lng": lng})
    assert response.status_code == 200
    body = response.json()
    assert body["grid"]["code"] == "310112001001001002"
    assert [g["level"] for g in body["chain"]] == [1, 2, 3, 4, 5]
    assert body["chain"][1]["name"] == "江川路街道"


def test_amap_coordinates_are_converted_before_locating(api: APIClient) -> None:
    # A phone using Amap's SDK reports GCJ-02, about 500 m off: it must land in the same block.
    lng, lat = point(1.5, 0.5)
    gcj_lng, gcj_lat = from_wgs84(lng, lat, CRS.GCJ02)
    query = {"lat": str(gcj_lat), "lng": str(gcj_lng), "crs": "gcj02"}
    response = api.get(URL, query)
    assert response.json()["grid"]["code"] == "310112001001001002"


def test_a_point_outside_every_grid_is_not_found(api: APIClient) -> None:
    lng, lat = point(9, 9)
    response = api.get(URL, {"lat": lat, "lng": lng})
    assert response.status_code == 404
    assert response.json() == {"detail": "No grid holds this point."}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lat": "north", "lng": "121.3"}, "lat"),
        ({"lat": "31", "lng": "200"}, "lng"),
        ({"lng": "121"}, "lat"),
    ],
)
def test_bad_coordinates_get_a_reason(api: APIClient, query: dict[str, str], field: str) -> None:
    response = api.get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_batch_answers_each_point_in_order(api: APIClient) -> None:
    points = [list(point(0.5, 0.5)), list(point(9, 9)), list(point(3, 1))]
    response = api.post(URL, {"points": points}, format="json")
    assert response.status_code == 200
    answers = response.json()
    assert answers[0]["grid"]["code"] == "310112001001001001"
    assert answers[1] is None
    assert answers[2]["grid"]["code"] == "310112002001001"


def test_a_batch_of_malformed_points_is_refused(api: APIClient) -> None:
    response = api.post(URL, {"points": [[121.3]]}, format="json")
    assert response.status_code == 400
    assert "points" in response.json()
