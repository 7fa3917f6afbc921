"""Reports from the apps go through the intake pipeline: a resend with the same key makes no
second case, and earlier reports of the same problem are offered before a second is made."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient
from shapely.geometry import shape

from wangge.cases.models import Case
from wangge.catalog.models import Category
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def report(api: APIClient, cast: Cast, category: Category, key: str = "", east_m: float = 0) -> Any:
    spot = shape(cast.block_a.geometry).representative_point()
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(
        "/api/v1/cases/",
        {
            "category": category.pk,
            "lng": spot.x + east_m / 95_000,  # about 95 km to a degree of longitude here
            "lat": spot.y,
            "description": "占道经营",
        },
        format="json",
        headers=headers,
    )


def test_ten_sends_with_one_key_make_one_case(
    api: APIClient, cast: Cast, category: Category
) -> None:
    api.force_authenticate(cast.ivan)
    numbers = {report(api, cast, category, key="phone-7f3a").json()["number"] for _ in range(10)}
    assert len(numbers) == 1 and Case.objects.count() == 1
    # Another person's key, even the same string, is another person's report.
    api.force_authenticate(cast.alice)
    assert report(api, cast, category, key="phone-7f3a").json()["number"] not in numbers
    assert report(api, cast, category, key="x" * 65).status_code == 400
    for unprintable in ("phone\t7f3a", "phoné"):
        refused = report(api, cast, category, key=unprintable)
        assert refused.status_code == 400 and "Idempotency-Key" in refused.json()


def test_the_dispatcher_is_offered_the_earlier_report_of_the_same_problem(
    api: APIClient, cast: Cast, category: Category
) -> None:
    api.force_authenticate(cast.ivan)
    first = report(api, cast, category).json()["number"]
    far = report(api, cast, category, east_m=300).json()["number"]
    second = report(api, cast, category, east_m=10).json()["number"]
    api.force_authenticate(cast.alice)
    offered = api.get(f"/api/v1/cases/{second}/").json()["likely_duplicates"]
    assert [o["number"] for o in offered] == [first]
    assert 5 < offered[0]["distance_m"] < 20
    merged = api.post(
        f"/api/v1/cases/{second}/actions/merge",
        {"version": 1, "duplicate_of": first},
        format="json",
    )
    assert merged.status_code == 200, merged.content
    # Neither the merged report nor the one 300 m away is the first one's likely duplicate.
    again = api.get(f"/api/v1/cases/{first}/").json()["likely_duplicates"]
    assert {o["number"] for o in again} & {second, far} == set()


def test_a_citizen_sees_it_was_already_reported_before_reporting(
    api: APIClient, cast: Cast, category: Category
) -> None:
    api.force_authenticate(cast.ivan)
    number = report(api, cast, category).json()["number"]
    api.force_authenticate(None)
    spot = shape(cast.block_a.geometry).representative_point()
    nearby = api.get(
        "/api/v1/cases/nearby", {"category": category.pk, "lng": spot.x, "lat": spot.y}
    )
    assert nearby.status_code == 200
    assert [n["number"] for n in nearby.json()] == [number]
    assert set(nearby.json()[0]) == {"number", "status", "reported_at", "distance_m"}
    other = Category.objects.filter(parent__isnull=False).exclude(pk=category.pk).first()
    assert other is not None
    assert (
        api.get("/api/v1/cases/nearby", {"category": other.pk, "lng": spot.x, "lat": spot.y}).json()
        == []
    )
    assert api.get("/api/v1/cases/nearby", {"category": category.pk}).status_code == 400


def test_a_patrol_fixes_its_find_in_the_same_report_and_a_citizen_cannot(
    api: APIClient, cast: Cast, category: Category
) -> None:
    """002_f379301d1ac1d4c4.txt: 对一些当场发现并能处置的问题,应立即予以处置."""
    spot = shape(cast.block_a.geometry).representative_point()
    body = {
        "category": category.pk,
        "lng": spot.x,
        "lat": spot.y,
        "description": "共享单车倒地堵塞盲道",
        "fixed_on_spot": "已扶正并归位",
    }
    api.force_authenticate(cast.ivan)
    fixed = api.post("/api/v1/cases/", body, format="json").json()
    assert fixed["status"] == "handled"
    assert [e["action"] for e in fixed["events"]] == ["report", "fix_on_spot"]
    api.force_authenticate(cast.nobody)
    refused = api.post("/api/v1/cases/", body, format="json")
    assert refused.status_code == 400 and "fixed_on_spot" in refused.json()
    assert Case.objects.count() == 1


def test_a_grid_s_task_list_names_what_to_report_it_under(
    api: APIClient, cast: Cast, category: Category
) -> None:
    api.force_authenticate(cast.ivan)
    items = api.get(f"/api/v1/grids/{cast.unit_a.code}/tasks").json()
    assert items and all(item["categories"] for item in items)
    api.force_authenticate(cast.bob)  # the other town's dispatcher does not see this grid
    assert api.get(f"/api/v1/grids/{cast.unit_a.code}/tasks").status_code == 404
