"""One pipeline for every way a case comes in: check the photos (and fetch those named by
address), locate the grid, write the case with its first event, and remember the door and the
key it came with, so that a resend finds the case made the first time."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.services import (
    Evidence,
    actor_for,
    case_act,
    case_draft,
    case_submit,
    photos_within_limit,
)
from wangge.cases.workflow import Action, TransitionRefused
from wangge.catalog.models import Category
from wangge.core.coords import CRS
from wangge.core.rows import insert_new
from wangge.forces.patrols import patrol_find_record
from wangge.intake.media import media_fetch
from wangge.intake.models import ApiKey, Intake


@dataclass(frozen=True)
class Report:
    """A problem as a channel delivers it, before it is a case."""

    channel: str
    category: Category
    lng: float
    lat: float
    description: str
    crs: CRS | str = CRS.WGS84
    address: str = ""
    photos: tuple[UploadedFile | ContentFile[bytes], ...] = ()
    media_urls: tuple[str, ...] = ()
    reporter: Any = None
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_shares_contact: bool = False
    # What a patrol did about its own find there and then (当场处置): the case is registered
    # and handled in one step, and someone else still verifies it.
    fixed_on_spot: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    # When a patrol's phone made the report, if it kept the report until the network came back:
    # the case is reported then, and the find belongs to the patrol under way then, not to
    # whatever is under way on arrival.
    found_at: datetime.datetime | None = None


def intake_submit(
    report: Report,
    *,
    source: str,
    key: str = "",
    api_key: ApiKey | None = None,
    at: datetime.datetime | None = None,
    then: Callable[[Intake], None] | None = None,
) -> Intake:
    """The case for ``report``, made once per ``key`` at this ``source``: a resend with the same
    key returns the first intake untouched. ValidationError says what is wrong; then nothing
    is written. ``then`` takes a new intake's next steps in the same transaction (a resend's
    were taken the first time); if it raises, nothing is written either."""
    if key and (earlier := _earlier(source, key)) is not None:
        return earlier
    now = at or timezone.now()
    found_at = _found_at(report, now)
    try:
        photos_within_limit(len(report.photos) + len(report.media_urls))
        fetched = [media_fetch(url) for url in report.media_urls]
    except ValidationError as exc:
        raise ValidationError({"media_url": exc.messages}) from exc
    draft = case_draft(
        channel=report.channel,
        category=report.category,
        lng=report.lng,
        lat=report.lat,
        crs=report.crs,
        description=report.description,
        address=report.address,
        reporter=report.reporter,
        reporter_name=report.reporter_name,
        reporter_phone=report.reporter_phone,
        reporter_shares_contact=report.reporter_shares_contact,
        photos=[*report.photos, *fetched],
        at=now,
        # Reported when found: a find kept on the phone is dated before whatever was reported
        # while it waited, so it stays the first finder (先行发现) when the two are merged.
        found_at=found_at,
    )
    try:
        with transaction.atomic():
            case = case_submit(draft=draft)
            # A patrol's own find is linked to the patrol under way: what the patrol found.
            if case.channel == Channel.PATROL and case.reporter_id is not None:
                patrol_find_record(case_id=case.pk, reporter_id=case.reporter_id, at=found_at)
            if report.fixed_on_spot.strip():
                case = _fix_on_spot(case, report, now)
            intake = insert_new(
                Intake(
                    case=case,
                    source=source,
                    key=key,
                    api_key=api_key,
                    details=report.details,
                    received_at=now,
                )
            )
            if then is not None:
                then(intake)
            return intake
    except IntegrityError:
        # Two sends of one report raced each other; the other one made the case.
        if key and (earlier := _earlier(source, key)) is not None:
            return earlier
        raise


# A phone's clock may run a little ahead of the server's; a report kept longer than a phone's
# queue keeps anything is no longer a find on the way.
FOUND_AT_AHEAD = datetime.timedelta(minutes=5)
FOUND_AT_KEPT = datetime.timedelta(days=7)


def _found_at(report: Report, now: datetime.datetime) -> datetime.datetime:
    found_at = report.found_at
    if found_at is None:
        return now
    # Only a patrol's phone keeps reports; dating another channel's report earlier would put a
    # complaint ahead of the patrols' finds.
    if report.channel != Channel.PATROL:
        raise ValidationError({"found_at": _("Only a patrol's report says when it was found.")})
    if found_at > now + FOUND_AT_AHEAD:
        raise ValidationError({"found_at": _("The report is dated later than now.")})
    if found_at < now - FOUND_AT_KEPT:
        raise ValidationError(
            {
                "found_at": _("The report is dated more than %(days)d days ago.")
                % {"days": FOUND_AT_KEPT.days}
            }
        )
    return min(found_at, now)


def _fix_on_spot(case: Case, report: Report, now: datetime.datetime) -> Case:
    try:
        return case_act(
            case=case,
            action=Action.FIX_ON_SPOT,
            actor=actor_for(report.reporter),
            version=case.version,
            evidence=Evidence(note=report.fixed_on_spot),
            at=now,
        )
    except TransitionRefused as exc:
        raise ValidationError({"fixed_on_spot": exc.reason}) from exc


def _earlier(source: str, key: str) -> Intake | None:
    # Saying the key is not empty lets the database use the unique index, which leaves empty
    # keys out; without it SQLite reads every intake on each resend.
    intakes = Intake.objects.select_related("case").exclude(key="")
    return intakes.filter(source=source, key=key).first()
