from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def test_grids_need_a_login(api: APIClient, cast: Cast) -> None:
    assert api.get("/api/v1/grids/").status_code in (401, 403)


def test_a_town_dispatcher_lists_only_the_town_s_grids(api: APIClient, cast: Cast) -> None:
    api.force_authenticate(cast.alice)
    codes = {g["code"] for g in api.get("/api/v1/grids/", {"limit": 1000}).json()["results"]}
    assert codes == {g.code for g in cast.grids_a}
    api.force_authenticate(cast.bob)
    codes = {g["code"] for g in api.get("/api/v1/grids/", {"limit": 1000}).json()["results"]}
    assert codes == {g.code for g in cast.grids_b}


def test_another_town_s_grid_is_not_found(api: APIClient, cast: Cast) -> None:
    api.force_authenticate(cast.alice)
    assert api.get(f"/api/v1/grids/{cast.unit_b.code}/").status_code == 404
    detail = api.get(f"/api/v1/grids/{cast.unit_a.code}/").json()
    assert detail["geometry"]["type"] == "Polygon"
    assert [g["code"] for g in detail["chain"]] == [
        cast.district.code,
        cast.town_a.code,
        cast.area_a.code,
    ]
    assert [g["code"] for g in detail["children"]] == [cast.block_a.code]


def test_the_tree_nests_what_the_user_may_see(api: APIClient, cast: Cast) -> None:
    api.force_authenticate(cast.carol)  # the district dispatcher
    tree = api.get("/api/v1/grids/tree", {"depth": 1}).json()
    assert [node["code"] for node in tree] == [cast.district.code]
    assert {child["code"] for child in tree[0]["children"]} == {cast.town_a.code, cast.town_b.code}
    api.force_authenticate(cast.alice)
    tree = api.get("/api/v1/grids/tree", {"depth": 4}).json()
    assert [node["code"] for node in tree] == [cast.town_a.code]
    assert tree[0]["children"][0]["children"][0]["code"] == cast.unit_a.code


def test_a_bad_filter_gets_a_reason(api: APIClient, cast: Cast) -> None:
    api.force_authenticate(cast.alice)
    response = api.get("/api/v1/grids/", {"level": "galaxy"})
    assert response.status_code == 400
    assert "level" in response.json()
    assert api.get("/api/v1/grids/tree", {"depth": "deep"}).status_code == 400


def test_token_login_works_for_apps(api: APIClient, cast: Cast) -> None:
    from wangge.people.testing import PASSWORD

    response = api.post(
        "/api/v1/auth/token", {"username": cast.alice.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/grids/").status_code == 200


def test_organisations_are_scoped(api: APIClient, cast: Cast) -> None:
    api.force_authenticate(cast.dora)
    names = {o["name"] for o in api.get("/api/v1/organisations/").json()["results"]}
    assert cast.chengguan_a.name in names
    assert cast.market_a.name not in names
    assert cast.town_b_centre.name not in names


def test_the_openapi_document_describes_the_endpoints(api: APIClient, db: None) -> None:
    response = api.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/grids/locate", "/api/v1/grids/{code}/", "/api/v1/categories/"} <= set(
        schema["paths"]
    )


def test_retired_sub_classes_are_not_offered(api: APIClient, cast: Cast) -> None:
    from wangge.catalog.models import Category
    from wangge.catalog.services import catalog_load_defaults

    catalog_load_defaults()
    retired = Category.objects.filter(parent__isnull=False).first()
    assert retired is not None
    Category.objects.filter(pk=retired.pk).update(is_active=False)
    api.force_authenticate(cast.alice)
    codes = {
        (main["family"], sub["code"])
        for main in api.get("/api/v1/categories/").json()
        for sub in main["subclasses"]
    }
    assert (retired.family, retired.code) not in codes
    assert len(codes) == Category.objects.filter(parent__isnull=False, is_active=True).count()
