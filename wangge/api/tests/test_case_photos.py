"""Photos with a report and with a step: checked by content, stripped of metadata, and shown
only to those who may see the case."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient
from shapely.geometry import shape

from wangge.cases.models import Case, CasePhoto
from wangge.catalog.models import Category
from wangge.core.testing import GPS_IFD, photo_with_exif
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def report_with(api: APIClient, cast: Cast, category: Category, photos: list[Any]) -> Any:
    spot = shape(cast.block_a.geometry).representative_point()
    api.force_authenticate(cast.ivan)
    body = {
        "category": category.pk,
        "lng": spot.x,
        "lat": spot.y,
        "description": "人行道上无证设摊",
        "photos": photos,
    }
    return api.post("/api/v1/cases/", body, format="multipart")


def test_a_report_s_photo_is_kept_without_where_it_was_taken_and_shown_to_the_town(
    api: APIClient, cast: Cast, category: Category
) -> None:
    response = report_with(api, cast, category, [photo_with_exif(orientation=6)])
    assert response.status_code == 201, response.content
    photos = response.json()["photos"]
    assert [(p["sequence"], p["action"]) for p in photos] == [(1, "report")]

    api.force_authenticate(cast.alice)
    served: Any = api.get(photos[0]["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as image:
        assert not image.getexif().get_ifd(GPS_IFD)
        assert image.getexif().get(0x010F) is None  # no camera make
        assert image.size == (20, 40)  # turned upright by its orientation

    # The other town's dispatcher, and a department the case never reached, see nothing.
    for outsider in (cast.bob, cast.dora):
        api.force_authenticate(outsider)
        assert api.get(photos[0]["url"]).status_code == 404


def test_a_file_that_only_claims_to_be_a_picture_is_refused_and_no_case_is_written(
    api: APIClient, cast: Cast, category: Category
) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00not a picture", content_type="image/jpeg")
    response = report_with(api, cast, category, [fake])
    assert response.status_code == 400
    assert "photos" in response.json()
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_ten_photos_are_one_too_many(api: APIClient, cast: Cast, category: Category) -> None:
    response = report_with(api, cast, category, [photo_with_exif() for _ in range(10)])
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_handler_s_photo_is_evidence_enough_and_a_bad_one_writes_nothing(
    api: APIClient, cast: Cast, category: Category
) -> None:
    number = report_with(api, cast, category, []).json()["number"]
    url = f"/api/v1/cases/{number}/actions"
    api.force_authenticate(cast.alice)
    version = 1
    for action, body in (
        ("register", {}),
        ("hand_to_enforcement", {"reason": "劝阻无效"}),
        ("dispatch", {"department": cast.chengguan_a.pk}),
    ):
        version = api.post(f"{url}/{action}", {"version": version, **body}).json()["version"]
    api.force_authenticate(cast.dora)
    version = api.post(f"{url}/accept", {"version": version}).json()["version"]

    fake = SimpleUploadedFile("after.png", b"\x89PNG broken", content_type="image/png")
    refused = api.post(f"{url}/handle", {"version": version, "photos": [fake]}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["code"] == "image_content"
    assert Case.objects.get(number=number).version == version

    handled = api.post(
        f"{url}/handle", {"version": version, "photos": [photo_with_exif()]}, format="multipart"
    )
    assert handled.status_code == 200, handled.content
    assert handled.json()["status"] == "handled"
    assert [p["action"] for p in handled.json()["photos"]] == ["handle"]
    assert api.get(handled.json()["photos"][0]["url"]).status_code == 200


def test_a_phone_gets_a_small_copy_for_the_timeline(
    api: APIClient, cast: Cast, category: Category
) -> None:
    big = io.BytesIO()
    Image.new("RGB", (1600, 800), "green").save(big, format="PNG")
    upload = SimpleUploadedFile("wide.png", big.getvalue(), content_type="image/png")
    photo = report_with(api, cast, category, [upload]).json()["photos"][0]
    served: Any = api.get(photo["thumbnail"])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as small:
        assert small.size == (320, 160)
    full: Any = api.get(photo["url"])
    with Image.open(io.BytesIO(b"".join(full.streaming_content))) as image:
        assert image.size == (1600, 800) and image.format == "PNG"
