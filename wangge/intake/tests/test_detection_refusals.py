"""Every bad detection is refused with a 4xx, a reason and a code, and writes nothing: no case, no
intake, no photo, no file."""

from __future__ import annotations

import base64
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from wangge.cases.models import Case, CaseEvent, CasePhoto
from wangge.core.testing import photo_with_exif
from wangge.intake.detections import detection_system_create
from wangge.intake.models import Camera, Intake
from wangge.intake.tests.conftest import URL, Scene, Send, detection
from wangge.people.testing import Cast


@pytest.fixture(autouse=True)
def nothing_written(scene: Scene) -> Iterator[None]:
    yield
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not Intake.objects.exists() and not CasePhoto.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def refused(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    body = json.loads(response.content)
    assert body["code"] == code, body
    assert body["detail"]
    return str(body["detail"])


def picture(data: bytes) -> str:
    return base64.b64encode(data).decode()


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"id": None}, "missing"),
        ({"id": " "}, "missing"),
        ({"id": 17}, "wrong_type"),
        ({"id": "x" * 65}, "too_long"),
        ({"camera": ["CAM-B"]}, "wrong_type"),
        ({"camera": "CAM-B\x00"}, "bad_text"),
        ({"description": "路口\x00垃圾"}, "bad_text"),
        ({"category": None}, "missing"),
        ({"category": "event-9999"}, "unknown_category"),
        ({"category": "event-01"}, "unknown_category"),
        ({"detected_at": "yesterday"}, "bad_datetime"),
        ({"detected_at": "2026-02-30T08:00:00"}, "bad_datetime"),
        ({"detected_at": "2999-01-01T00:00:00+08:00"}, "bad_datetime"),
        ({"confidence": "high"}, "wrong_type"),
        ({"confidence": True}, "wrong_type"),
        ({"confidence": 1.5}, "out_of_range"),
        ({"description": 3}, "wrong_type"),
        ({"snapshot": None}, "snapshot"),
        ({"snapshot_url": "https://example.org/p.jpg"}, "snapshot"),
        ({"snapshot": 12}, "wrong_type"),
        ({"snapshot": "not base64!"}, "bad_snapshot"),
        ({"snapshot": picture(b"MZ\x90\x00 an executable renamed .jpg")}, "bad_snapshot"),
        ({"snapshot": picture(b"")}, "bad_snapshot"),
        ({"snapshot": picture(photo_with_exif().read()[:300])}, "bad_snapshot"),
        ({"snapshot": None, "snapshot_url": "file:///etc/passwd"}, "bad_snapshot"),
        ({"snapshot": None, "snapshot_url": "http://127.0.0.1/p.jpg"}, "bad_snapshot"),
    ],
)
def test_a_bad_field_is_refused(send: Send, change: dict[str, Any], code: str) -> None:
    body = detection(**change)
    refused(send({k: v for k, v in body.items() if v is not None}), 400, code)


def test_a_decompression_bomb_is_refused(send: Send) -> None:
    assert "picture" in refused(send(detection(snapshot=picture(bomb()))), 400, "bad_snapshot")


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"\xff\xfe", b"[1, 2]", b'"text"', b"[" * 100_000, b"NaN"]
)
def test_a_body_that_is_not_a_json_object_is_refused(send: Send, raw: bytes) -> None:
    refused(send(raw), 400, "bad_json")


def test_a_request_larger_than_the_limit_is_refused_unread(send: Send, settings: Any) -> None:
    settings.WANGGE_DETECTION_MAX_BYTES = 10_000
    big = picture(b"\0" * 20_000)
    assert "snapshot_url" in refused(send(detection(snapshot=big)), 413, "too_large")


def test_unsigned_forged_stale_and_replayed_requests_are_refused(
    cast: Cast, scene: Scene, send: Send
) -> None:
    client = Client()
    raw = json.dumps(detection()).encode()
    refused(client.post(URL, raw, content_type="application/json"), 401, "unsigned")
    refused(send(headers={"X-Wangge-Signature": ""}), 401, "unsigned")
    refused(send(secret="guessed"), 401, "bad_signature")
    refused(send(system="nobody"), 401, "bad_signature")
    refused(send(headers={"X-Wangge-Signature": "sha256=" + "0" * 64}), 401, "bad_signature")
    refused(send(headers={"X-Wangge-Signature": "sha256=签名"}), 401, "bad_signature")
    refused(send(system="系统"), 401, "bad_signature")
    refused(send(timestamp=str(int(time.time()) - 301)), 401, "stale")
    refused(send(timestamp=str(int(time.time()) + 301)), 401, "stale")
    refused(send(timestamp="soon"), 401, "bad_timestamp")
    scene.system.is_active = False
    scene.system.save()
    refused(send(), 401, "bad_signature")


def test_a_body_changed_after_signing_is_refused(scene: Scene, send: Send) -> None:
    from wangge.intake.detections import signature_of

    stamp = str(int(time.time()))
    signed = json.dumps(detection(camera="CAM-A")).encode()
    headers = {
        "X-Wangge-System": scene.system.code,
        "X-Wangge-Timestamp": stamp,
        "X-Wangge-Signature": signature_of(scene.secret, stamp, signed),
    }
    tampered = json.dumps(detection(camera="CAM-B")).encode()
    response = Client().post(URL, tampered, content_type="application/json", headers=headers)
    refused(response, 401, "bad_signature")


def test_a_camera_that_is_not_the_system_s_to_report_for_is_refused(
    scene: Scene, send: Send
) -> None:
    refused(send(detection(camera="CAM-Z")), 404, "unknown_camera")
    other, _secret = detection_system_create(code="someone-else")
    Camera.objects.filter(code="CAM-A").update(system=other)
    refused(send(detection(camera="CAM-A")), 403, "not_your_camera")
    Camera.objects.filter(code="CAM-B").update(is_active=False)
    refused(send(detection(camera="CAM-B")), 400, "camera_inactive")


def test_a_camera_whose_point_lies_outside_the_district_is_refused(
    scene: Scene, send: Send
) -> None:
    # The grid tree was redrawn after the camera was registered.
    Camera.objects.filter(code="CAM-B").update(lng=116.4, lat=39.9)
    refused(send(), 400, "outside_grids")


def test_only_post_is_answered(scene: Scene) -> None:
    assert Client().get(URL).status_code == 405
