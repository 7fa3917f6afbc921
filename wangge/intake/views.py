"""The detection systems' webhook, ``POST /intake/v1/detections``: one signed JSON detection in,
the case it made out. Headers ``X-Wangge-System`` (the system's code), ``X-Wangge-Timestamp``
(Unix seconds) and ``X-Wangge-Signature`` (``sha256=`` and the hex HMAC-SHA256 of the timestamp,
a dot and the raw body, under the system's secret). The body::

    {"id": "…", "camera": "…", "category": "event-0102", "detected_at": "2026-05-01T08:00:00+08:00",
     "confidence": 0.93, "description": "…", "snapshot": "<base64 picture>"}

with ``snapshot_url`` instead of ``snapshot`` for a picture to fetch. 201 with the case made, 200
with the case a resend of the same id made the first time; every refusal is a 4xx with
``{"detail": …, "code": …}`` and nothing written."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wangge.catalog.selectors import subclass_by_service_code
from wangge.intake.detections import (
    MAX_SKEW,
    Detection,
    DetectionRefused,
    detection_receive,
    detection_system_verify,
)

STATUS = {
    "unsigned": 401,
    "bad_signature": 401,
    "bad_timestamp": 401,
    "stale": 401,
    "too_large": 413,
    "not_your_camera": 403,
    "unknown_camera": 404,
}
# What the intake pipeline refuses, by the field it names.
PIPELINE_CODES = {"photos": "bad_snapshot", "media_url": "bad_snapshot", "lng": "outside_grids"}
MAX_ID = 64
MAX_DESCRIPTION = 4000


def _answer(body: dict[str, Any], status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def detections(request: HttpRequest) -> JsonResponse:
    """Take one detection: check the signature, read the body, make (or find) the case."""
    try:
        body = _body(request)
        system = detection_system_verify(
            code=request.headers.get("X-Wangge-System", ""),
            timestamp=request.headers.get("X-Wangge-Timestamp", ""),
            signature=request.headers.get("X-Wangge-Signature", ""),
            body=body,
        )
        intake, made = detection_receive(_detection(body), system=system)
    except DetectionRefused as refused:
        return _answer(
            {"detail": refused.reason, "code": refused.code}, STATUS.get(refused.code, 400)
        )
    except ValidationError as exc:
        fields = getattr(exc, "error_dict", {})
        code = next((PIPELINE_CODES[f] for f in fields if f in PIPELINE_CODES), "invalid")
        return _answer({"detail": " ".join(exc.messages), "code": code}, 400)
    case = intake.case
    answer = {
        "case": case.number,
        "status": case.status,
        "grid": case.grid.code,
        "holder": case.holder.name if case.holder else "",
        "automatic": intake.details.get("automatic"),
    }
    return _answer(answer, 201 if made else 200)


def _body(request: HttpRequest) -> bytes:
    """The raw body, as signed, read no further than the limit."""
    limit = settings.WANGGE_DETECTION_MAX_BYTES
    too_large = DetectionRefused(
        _("The request is larger than %(limit)d bytes; send the picture by snapshot_url.")
        % {"limit": limit},
        "too_large",
    )
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > limit:
        raise too_large
    body = request.read(limit + 1)
    if len(body) > limit:
        raise too_large
    return body


def _detection(body: bytes) -> Detection:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        # RecursionError: a few kilobytes of nested brackets, a bomb for the parser.
        raise DetectionRefused(_("The body is not JSON."), "bad_json") from exc
    if not isinstance(data, dict):
        raise DetectionRefused(_("The body is not a JSON object."), "bad_json")
    code = _text(data, "category", 40)
    category = subclass_by_service_code(code)
    if category is None:
        raise DetectionRefused(
            _("category %(code)s is not a sub-class one may report.") % {"code": code},
            "unknown_category",
        )
    snapshot, snapshot_url = data.get("snapshot"), data.get("snapshot_url")
    if (snapshot is None) == (snapshot_url is None):
        raise DetectionRefused(
            _("Send the picture as snapshot or as snapshot_url, one of them."), "snapshot"
        )
    return Detection(
        id=_text(data, "id", MAX_ID),
        camera=_text(data, "camera", 64),
        category=category,
        detected_at=_moment(data),
        confidence=_confidence(data),
        description=_text(data, "description", MAX_DESCRIPTION, required=False),
        snapshot=_picture(data) if snapshot is not None else None,
        snapshot_url=_text(data, "snapshot_url", 2000) if snapshot_url is not None else "",
    )


def _wrong(name: str, what: str, code: str) -> DetectionRefused:
    return DetectionRefused(f"{name}: {what}", code)


def _text(data: dict[str, Any], name: str, max_length: int, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if value is None:
        raise _wrong(name, _("required"), "missing")
    if not isinstance(value, str):
        raise _wrong(name, _("must be text"), "wrong_type")
    if "\x00" in value:
        # PostgreSQL stores no NUL character in text; it is never part of a real value.
        raise _wrong(name, _("must not contain NUL characters"), "bad_text")
    value = value.strip()
    if required and not value:
        raise _wrong(name, _("required"), "missing")
    if len(value) > max_length:
        raise _wrong(name, _("at most %(count)d characters") % {"count": max_length}, "too_long")
    return value


def _moment(data: dict[str, Any]) -> datetime.datetime:
    raw = _text(data, "detected_at", 40)
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        raise _wrong("detected_at", _("not an ISO 8601 date and time"), "bad_datetime")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment - timezone.now() > MAX_SKEW:
        raise _wrong("detected_at", _("in the future"), "bad_datetime")
    return moment


def _confidence(data: dict[str, Any]) -> float | None:
    value = data.get("confidence")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong("confidence", _("must be a number"), "wrong_type")
    if not 0 <= value <= 1:  # NaN too
        raise _wrong("confidence", _("from 0 to 1"), "out_of_range")
    return float(value)


def _picture(data: dict[str, Any]) -> ContentFile[bytes]:
    """The snapshot's bytes; the intake pipeline checks they are a picture and strips them."""
    value = data["snapshot"]
    if not isinstance(value, str):
        raise _wrong("snapshot", _("must be base64 text"), "wrong_type")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _wrong("snapshot", _("not base64"), "bad_snapshot") from exc
    return ContentFile(raw, name="snapshot")
