"""Citizens reporting by QR code, without an account: how often one may report, and the points
their valid reports earn (Yingpu seed 003: 扫码上报, with reward points)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.workflow import Status
from wangge.intake.models import Intake

QR_SOURCE = "qr"
# A report counts once the centre registered it as a real problem, not a duplicate or a joke.
NOT_VALID = (Status.REPORTED.value, Status.REJECTED.value, Status.MERGED.value)


def sender_fingerprint(address: str) -> str:
    """Who sent a report, as far as rate limits need to know: a keyed hash of the network
    address, so the address itself is not kept."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def citizen_report_allowed(
    *, sender: str, phone: str, now: datetime.datetime | None = None
) -> None:
    """ValidationError when this sender or phone has reported too often in the last hour."""
    since = (now or timezone.now()) - datetime.timedelta(hours=1)
    recent = Intake.objects.filter(source=QR_SOURCE, received_at__gte=since)
    limit = settings.WANGGE_CITIZEN_REPORTS_PER_HOUR
    by_sender = recent.filter(details__sender=sender).count()
    by_phone = recent.filter(case__reporter_phone=phone).count() if phone else 0
    if max(by_sender, by_phone) >= limit:
        raise ValidationError(
            _("Too many reports in an hour; please try again later."), code="rate_limited"
        )


@dataclass(frozen=True)
class Rewards:
    """A phone number's valid reports and the points they earned."""

    valid_reports: int
    points: int


def reward_points(phone: str) -> Rewards:
    """Points are read from the cases themselves, so a report merged or rejected later earns
    nothing and no ledger can drift from what happened."""
    if not phone:
        return Rewards(0, 0)
    valid = (
        Case.objects.filter(channel=Channel.CITIZEN, reporter_phone=phone)
        .exclude(status__in=NOT_VALID)
        .count()
    )
    return Rewards(valid, valid * settings.WANGGE_CITIZEN_POINTS_PER_REPORT)
