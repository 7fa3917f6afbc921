"""A NUL character anywhere a lookup could take it from (the path, the query, a header, a
cookie) is refused with a 400 and the reason, on every door: on PostgreSQL each of these was a
500, the database refusing the text before the view could say "not found"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from wangge.catalog.services import catalog_load_defaults
from wangge.people.testing import Cast, build_cast

pytestmark = pytest.mark.django_db

REASON = "The request holds a NUL character"


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/2026112400001%00/",
        "/api/v1/cases/2026112400001%00/actions/register",
        "/api/v1/grids/310112%00/",
        "/open311/v2/requests/2026112400001%00.json",
        "/open311/v2/tokens/ab%00cd.xml",
        "/open311/v2/services/event-0101%00.json",
        "/r/g/310112001001001%00/",
        "/r/s/shop%00/qr.svg",
        "/r/c/signed%00/",
    ],
)
def test_a_nul_in_the_path_is_refused_with_the_reason(cast: Cast, path: str) -> None:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(cast.carol)
    refused(client.get(path))


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/cases/", {"grid": "310112\x00"}),
        ("/open311/v2/requests.json", {"service_request_id": "2026\x00"}),
        ("/centre/", {"q": "井盖\x00"}),
    ],
)
def test_a_nul_in_the_query_is_refused_with_the_reason(
    cast: Cast, path: str, query: dict[str, str]
) -> None:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(cast.carol)
    refused(client.get(path, query))


def test_a_nul_in_a_header_or_a_cookie_is_refused_with_the_reason(cast: Cast) -> None:
    client = Client(headers={"Accept-Language": "en", "Authorization": "Token abc\x00def"})
    refused(client.get("/api/v1/cases/"))
    for door, header in (
        ("/api/v1/cases/", "Idempotency-Key"),  # an idempotency key is looked up
        ("/intake/v1/detections", "X-Wangge-System"),  # so is the system that signed
    ):
        client = Client(headers={"Accept-Language": "en", header: "phone-7f3a\x00"})
        client.force_login(cast.ivan)
        refused(client.post(door, {}, content_type="application/json"))
    client = Client(headers={"Accept-Language": "en"})
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    refused(client.get("/centre/"))


def test_the_reason_is_in_chinese_too(cast: Cast) -> None:
    answer = Client(headers={"Accept-Language": "zh-hans"}).get("/r/g/31%00/")
    assert answer.status_code == 400 and "空字符" in answer.content.decode()


def test_the_same_requests_without_the_nul_are_answered(cast: Cast) -> None:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(cast.carol)
    assert client.get("/api/v1/cases/2026112400001/").status_code == 404
    assert client.get("/api/v1/cases/", {"grid": "310112"}).status_code == 200
    assert client.get(f"/r/g/{cast.unit_a.code}/").status_code == 200


def refused(response: Any) -> None:
    assert response.status_code == 400, response.content
    assert REASON in response.content.decode()
