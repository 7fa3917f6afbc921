"""Reports through Open311 as FixMyStreet sends them, and every bad one refused with the
specification's error body, a 4xx status and nothing written."""

from __future__ import annotations

import io
import json
import socket
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from PIL import Image
from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case, CasePhoto
from wangge.core.testing import GPS_IFD, photo_with_exif
from wangge.intake.models import Intake
from wangge.people.testing import Cast

URL = "/open311/v2"


def english() -> Client:
    return Client(headers={"Accept-Language": "en"})


def fields(cast: Cast, api_key: str, **more: str) -> dict[str, str]:
    spot = shape(cast.block_a.geometry).representative_point()
    return {
        "api_key": api_key,
        "service_code": "event-0101",
        "lat": str(spot.y),
        "long": str(spot.x),
        "description": "人行道上无证设摊",
        **more,
    }


def refused(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    body = json.loads(response.content)
    assert body[0]["code"] == status
    return str(body[0]["description"])


def test_a_report_with_its_picture_and_its_token(
    cast: Cast, api_key: str, picture_host: dict[str, bytes]
) -> None:
    picture_host["/p/1.jpg"] = photo_with_exif().read()
    base = picture_host["base"].decode()
    posted = english().post(
        f"{URL}/requests.json",
        fields(
            cast,
            api_key,
            media_url=f"{base}/p/1.jpg",
            first_name="小明",
            last_name="王",
            phone="13900000000",
            **{"attribute[location_detail]": "北门"},
        ),
    )
    assert posted.status_code == 200, posted.content
    answer = json.loads(posted.content)[0]
    case = Case.objects.get(number=answer["service_request_id"])
    assert case.channel == Channel.CITIZEN and not case.proactive
    assert case.reporter_name == "王 小明" and case.reporter_phone == "13900000000"
    assert case.address == "北门"
    with Image.open(CasePhoto.objects.get(case=case).image) as image:
        assert not image.getexif().get_ifd(GPS_IFD)

    token = english().get(f"{URL}/tokens/{answer['token']}.xml")
    assert token.status_code == 200
    root = ElementTree.fromstring(token.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == case.number


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"service_code": "event-9999"}, 404, "event-9999"),
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": ""}, 400, "lat and long"),
        ({"long": "east"}, 400, "long"),
        ({"lat": "91"}, 400, "lat"),
        ({"lat": "39.9", "long": "116.4"}, 400, "outside every grid"),
        ({"description": " "}, 400, "description"),
        ({"jurisdiction_id": "110101"}, 404, "jurisdiction_id"),
        ({"attribute[colour]": "red"}, 400, "attribute[colour]"),
        ({"attribute[facility_code]": "12"}, 400, "facility_code"),
        ({"media_url": "file:///etc/passwd"}, 400, "http"),
    ],
)
def test_a_bad_report_is_refused_with_a_reason_and_writes_nothing(
    cast: Cast, api_key: str, change: dict[str, str], status: int, says: str
) -> None:
    response = english().post(f"{URL}/requests.json", {**fields(cast, api_key), **change})
    assert says in refused(response, status)
    assert not Case.objects.exists() and not Intake.objects.exists()


def test_pictures_that_are_not_pictures_or_too_big_or_private_are_refused(
    cast: Cast, api_key: str, picture_host: dict[str, bytes], settings: Any
) -> None:
    base = picture_host["base"].decode()
    picture_host["/fake.jpg"] = b"MZ\x90\x00 an executable renamed .jpg"
    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, format="PNG")
    picture_host["/bomb.png"] = bomb.getvalue()
    for path in ("/fake.jpg", "/bomb.png", "/missing.jpg"):
        response = english().post(
            f"{URL}/requests.json", fields(cast, api_key, media_url=f"{base}{path}")
        )
        refused(response, 400)
    settings.WANGGE_MEDIA_FETCH_PRIVATE = False
    picture_host["/p.jpg"] = photo_with_exif().read()
    response = english().post(
        f"{URL}/requests.json", fields(cast, api_key, media_url=f"{base}/p.jpg")
    )
    assert "public internet" in refused(response, 400)
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_a_name_that_turns_private_after_the_check_fetches_nothing(
    cast: Cast, api_key: str, picture_host: dict[str, bytes], settings: Any, monkeypatch: Any
) -> None:
    """DNS rebinding: the name answers with a public address the first time it is asked, and
    with the picture host's (127.0.0.1) after. The picture must not come from there. (The name
    server is played by the test: none can be run here that the resolver would ask.)"""
    settings.WANGGE_MEDIA_FETCH_PRIVATE = False
    settings.WANGGE_MEDIA_FETCH_TIMEOUT = 1
    picture_host["/p.jpg"] = photo_with_exif().read()
    port = picture_host["base"].decode().rsplit(":", 1)[1]
    resolve = socket.getaddrinfo
    answers = iter(["93.184.215.14"])

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "pictures.example":
            host = next(answers, "127.0.0.1")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    response = english().post(
        f"{URL}/requests.json",
        fields(cast, api_key, media_url=f"http://pictures.example:{port}/p.jpg"),
    )
    assert "could not be fetched" in refused(response, 400)
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_errors_come_in_the_format_asked_for(cast: Cast) -> None:
    response = english().get(f"{URL}/services/event-9999.xml")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors" and root.findtext("error/code") == "404"


def test_searches_are_bounded_as_the_specification_says(cast: Cast) -> None:
    client = english()
    wide = client.get(
        f"{URL}/requests.json",
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    )
    assert "90 days" in refused(wide, 400)
    assert "W3C" in refused(client.get(f"{URL}/requests.json", {"start_date": "yesterday"}), 400)
    assert "open or closed" in refused(client.get(f"{URL}/requests.json", {"status": "done"}), 400)
    assert "page" in refused(client.get(f"{URL}/requests.json", {"page_size": "5000"}), 400)
    assert client.get(f"{URL}/requests/none.json").status_code == 404
    assert client.get(f"{URL}/tokens/not-a-token.json").status_code == 404
    assert client.get(f"{URL}/requests.json", {"jurisdiction_id": ""}).status_code == 200


def test_pages_of_requests(cast: Cast, api_key: str) -> None:
    client = english()
    numbers = [
        json.loads(client.post(f"{URL}/requests.json", fields(cast, api_key)).content)[0][
            "service_request_id"
        ]
        for _ in range(3)
    ]
    first = json.loads(client.get(f"{URL}/requests.json", {"page_size": 2}).content)
    second = json.loads(client.get(f"{URL}/requests.json", {"page_size": 2, "page": 2}).content)
    assert [r["service_request_id"] for r in first + second] == numbers[::-1]
    assert first[0]["status"] == "open" and first[0]["expected_datetime"] is None
