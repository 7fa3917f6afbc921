"""Smart-scene detections (Yingpu seed 003: 运用智能化场景发现 … 逐步实现智能化自动派单): the
systems that watch the cameras, the cameras they report for, the signatures on their requests,
and what becomes of a detection. It is a case placed at its camera's point through the intake
pipeline like any other report; where the district lets the system, it is then registered and
dispatched without a dispatcher, by the same workflow table a dispatcher follows.

A detection the system may not take further is still a case, waiting for a dispatcher as any
report does: a sub-class the district has not switched on, a detection less sure than its system
must be, a likely repeat of an open case, or no department responsible for the grid (the case
is then registered, and the dispatcher chooses). Why the system stopped is kept with the intake
and given in the answer."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.services import SYSTEM_ACTOR, case_act, case_facts
from wangge.cases.workflow import Action, Status, TransitionRefused, plan
from wangge.catalog.models import Category
from wangge.core.coords import CRS, point_to_wgs84
from wangge.grids.locator import grid_index
from wangge.grids.models import Grid
from wangge.intake.duplicates import likely_duplicates
from wangge.intake.models import Camera, DetectionSystem, Intake
from wangge.intake.services import Report, intake_submit

SOURCE = "detection"
SIGNATURE_SCHEME = "sha256="
# How far a request's timestamp may be from the server's clock: a captured request replayed
# later is refused, and one replayed within the window finds the case its first send made.
MAX_SKEW = datetime.timedelta(minutes=5)


class DetectionRefused(Exception):
    """Why a request or a detection is not taken, with a stable code; nothing has been written."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Detection:
    """What a detection system reports, read from its request."""

    id: str
    camera: str
    category: Category
    detected_at: datetime.datetime
    confidence: float | None = None
    description: str = ""
    snapshot: ContentFile[bytes] | None = None
    snapshot_url: str = ""


@transaction.atomic
def detection_system_create(
    *, code: str, name: str = "", channel: str = Channel.AI, min_confidence: float | None = None
) -> tuple[DetectionSystem, str]:
    """A new detection system; its secret is returned here and never shown again."""
    system = DetectionSystem(
        code=code, name=name or code, channel=channel, secret=secrets.token_urlsafe(32)
    )
    if min_confidence is not None:
        system.min_confidence = min_confidence
    system.full_clean()
    system.save()
    return system, system.secret


@transaction.atomic
def detection_system_new_secret(*, system: DetectionSystem) -> str:
    """Replace the system's secret (one that leaked); requests signed with the old one fail."""
    system.secret = secrets.token_urlsafe(32)
    system.save(update_fields=["secret"])
    return system.secret


@transaction.atomic
def camera_register(
    *,
    code: str,
    name: str,
    lng: float,
    lat: float,
    system: DetectionSystem,
    crs: CRS | str = CRS.WGS84,
    is_active: bool = True,
) -> Camera:
    """Register the camera ``code``, or move and rename it: placed in the grid under its point,
    which must lie in the district."""
    lng, lat = point_to_wgs84(lng, lat, crs)
    location = grid_index().locate(lng, lat)
    if location is None:
        raise ValidationError({"lng": _("The point lies outside every grid.")})
    camera = Camera.objects.filter(code=code).first() or Camera(code=code)
    camera.name = name or code
    camera.lng, camera.lat = lng, lat
    camera.grid = Grid.objects.get(pk=location.grid.id)
    camera.system = system
    camera.is_active = is_active
    camera.full_clean()
    camera.save()
    return camera


def signature_of(secret: str, timestamp: str, body: bytes) -> str:
    """The signature a request carries: HMAC-SHA256 of ``timestamp.body`` under the secret."""
    signed = timestamp.encode() + b"." + body
    return SIGNATURE_SCHEME + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def detection_system_verify(
    *,
    code: str,
    timestamp: str,
    signature: str,
    body: bytes,
) -> DetectionSystem:
    """The active system ``code`` if it signed ``body`` at ``timestamp`` (Unix seconds) within
    MAX_SKEW of now; DetectionRefused otherwise."""
    if not (code and timestamp and signature):
        raise DetectionRefused(_("The request is not signed."), "unsigned")
    system = DetectionSystem.objects.filter(code=code, is_active=True).first()
    # An unknown system reads the same as a wrong signature: without a valid signature the
    # sender learns nothing, not even which codes exist.
    # As bytes: compare_digest refuses strings with characters beyond ASCII, which a header
    # may well carry.
    if system is None or not hmac.compare_digest(
        signature_of(system.secret, timestamp, body).encode(), signature.encode()
    ):
        raise DetectionRefused(_("The signature does not match."), "bad_signature")
    try:
        signed_at = datetime.datetime.fromtimestamp(int(timestamp), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise DetectionRefused(_("The timestamp is not Unix seconds."), "bad_timestamp") from exc
    if abs(timezone.now() - signed_at) > MAX_SKEW:
        raise DetectionRefused(
            _("The request was signed more than five minutes from now."), "stale"
        )
    return system


def detection_receive(detection: Detection, *, system: DetectionSystem) -> tuple[Intake, bool]:
    """The case for a detection, made once per detection id of the system, and whether this
    call made it: a resend returns the first case as it is now. DetectionRefused for a camera
    that is not the system's to report for; ValidationError for what the intake pipeline
    refuses (the snapshot, a point outside every grid). Nothing is written then."""
    camera = Camera.objects.filter(code=detection.camera).first()
    if camera is None:
        raise DetectionRefused(
            _("No camera %(code)s is registered.") % {"code": detection.camera}, "unknown_camera"
        )
    if camera.system_id != system.pk:
        raise DetectionRefused(
            _("Camera %(code)s reports through another system.") % {"code": camera.code},
            "not_your_camera",
        )
    if not camera.is_active:
        raise DetectionRefused(
            _("Camera %(code)s is switched off.") % {"code": camera.code}, "camera_inactive"
        )
    details: dict[str, Any] = {
        "system": system.code,
        "camera": camera.code,
        "detection": detection.id,
        "detected_at": detection.detected_at.isoformat(),
        "confidence": detection.confidence,
    }
    report = Report(
        channel=system.channel,
        category=detection.category,
        lng=camera.lng,
        lat=camera.lat,
        description=detection.description or f"{detection.category.name} · {camera.name}",
        address=camera.name,
        photos=(detection.snapshot,) if detection.snapshot is not None else (),
        media_urls=(detection.snapshot_url,) if detection.snapshot_url else (),
        details=details,
    )
    made: list[Intake] = []

    def take_further(intake: Intake) -> None:
        intake.details["automatic"] = _automatic(intake.case, system, detection.confidence)
        intake.save(update_fields=["details"])
        made.append(intake)

    intake = intake_submit(
        report, source=SOURCE, key=f"{system.code}:{detection.id}", then=take_further
    )
    return intake, bool(made)


def _automatic(case: Case, system: DetectionSystem, confidence: float | None) -> dict[str, Any]:
    """Register and dispatch the new case as far as the table, the system's confidence and the
    open cases let the system go: the steps taken, and why it stopped short (or None)."""
    done: list[str] = []

    def stopped(code: str, reason: str) -> dict[str, Any]:
        return {"done": done, "stopped": {"code": code, "detail": reason}}

    try:
        # Asked first, without writing, so that a sub-class the district has not switched on is
        # named as the reason rather than the confidence or a repeat.
        plan(Action.REGISTER, case_facts(case, SYSTEM_ACTOR))
    except TransitionRefused as exc:
        return stopped("not_automatic", exc.reason)
    # A detection that gives no confidence is as unsure as can be.
    if (confidence or 0.0) < system.min_confidence:
        return stopped(
            "low_confidence",
            _("Less sure than %(min).2f: a dispatcher decides.") % {"min": system.min_confidence},
        )
    # A camera sees a pile of rubbish again each time it looks; one case is dispatched for it,
    # and the dispatcher merges the repeats.
    earlier = [
        likely
        for likely in likely_duplicates(
            category=case.category, lng=case.lng, lat=case.lat, at=case.reported_at, exclude=case
        )
        if Status(likely.case.status).is_open
    ]
    if earlier:
        return stopped(
            "likely_duplicate",
            _("Likely the same problem as case %(number)s: a dispatcher decides.")
            % {"number": earlier[0].case.number},
        )
    for action in (Action.REGISTER, Action.DISPATCH):
        if action == Action.DISPATCH and case.status != Status.REGISTERED:
            break  # a residential grid self-governs first; people take it from there
        try:
            case = case_act(case=case, action=action, actor=SYSTEM_ACTOR, version=case.version)
        except TransitionRefused as exc:
            return stopped(exc.code, exc.reason)
        done.append(action.value)
    return {"done": done, "stopped": None}
