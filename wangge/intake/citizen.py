"""Citizens reporting by QR code, without an account: where a code places their report (a grid
board, or a shopfront: 沿街商铺二维码), how often one may report, and the points their valid reports
earn (Yingpu seed 003: 扫码上报, with reward points)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.workflow import Status
from wangge.grids.models import Grid
from wangge.intake.models import Intake
from wangge.records.selectors import shop_by_code

QR_SOURCE = "qr"
# A report counts once the centre registered it as a real problem, not a duplicate or a joke.
NOT_VALID = (Status.REPORTED.value, Status.REJECTED.value, Status.MERGED.value)


@dataclass(frozen=True)
class ReportPlace:
    """Where a QR code hangs and how a report through it is placed. A grid board's report lies
    where the phone says, or else in the board's grid; a shopfront's lies at the shop, whose
    point is surveyed, not guessed by a phone between tall buildings. ``details`` go with the
    report's intake, naming the board or the shop."""

    title: str
    grid: Grid
    details: dict[str, str] = field(default_factory=dict)
    point: tuple[float, float] | None = None

    @property
    def asks_phone(self) -> bool:
        """Whether the phone's position places the report better than the code does."""
        return self.point is None

    def where(self, lng: float | None, lat: float | None) -> tuple[float, float]:
        """Where a report lies, given the phone's position if it gave one."""
        if self.point is not None:
            return self.point
        if lng is not None and lat is not None:
            return lng, lat
        spot = shape(Grid.objects.get(pk=self.grid.pk).geometry).representative_point()
        return spot.x, spot.y


def board_place(code: str) -> ReportPlace | None:
    """The place of the QR code on the board of the grid ``code``."""
    grid = Grid.objects.defer("geometry").filter(code=code).first()
    if grid is None:
        return None
    return ReportPlace(title=grid.name, grid=grid, details={"board": grid.code})


def shop_place(code: str) -> ReportPlace | None:
    """The place of the QR code on the shopfront of the shop ``code``."""
    shop = shop_by_code(code)
    if shop is None:
        return None
    # A closed shop's sticker may outlive it: it still places a report exactly, under the
    # grid's name rather than that of a shop that is gone.
    return ReportPlace(
        title=shop.name if shop.is_active else shop.grid.name,
        grid=shop.grid,
        details={"shop": shop.code},
        point=(shop.lng, shop.lat),
    )


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
