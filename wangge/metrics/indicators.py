"""The indicators, as ratios and averages of counters (``docs/kpis.md``). No database here: the
rollups give sums of counters for a scope and a period, and :func:`evaluate` turns them into
values, each with its label, unit, direction and target.

The seeds: Yingpu 003 sets the targets (先行发现率 85%, 结案率 97%); Minhang 000 and 001 name
按时办结率, 实际解决率, 群众满意率, 前端自治解决率 (网格自行处置率) and electronic attendance;
Jing'an 002 the steps whose times are measured; Jiading 004 the whistle's response and rating.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Every counter a case can add to; the rollup tables have a column for each.
COUNTERS: tuple[str, ...] = (
    "found_proactive",
    "found_complaint",
    "rejected",
    "merged",
    "registered",
    "chronic",
    "registered_closed",
    "acceptance_seconds",
    "closed",
    "closed_on_time",
    "closed_front_end",
    "closed_reworked",
    "handling_seconds",
    "callbacks",
    "callbacks_resolved",
    "ratings",
    "ratings_satisfied",
    "overdue",
    "reworks",
    "returns",
    "whistle_calls",
    "whistle_responses",
    "whistle_response_seconds",
    "whistle_late",
    "whistle_ratings",
    "whistle_rating_sum",
)

Counters = Mapping[str, int]


class Unit(enum.StrEnum):
    PERCENT = "percent"
    CASES = "cases"
    HOURS = "hours"
    MINUTES = "minutes"
    RATING = "rating"  # of 5

    @property
    def label(self) -> str:
        return str(UNIT_LABELS[self])


UNIT_LABELS = {
    Unit.PERCENT: _("%"),
    Unit.CASES: _("cases"),
    Unit.HOURS: _("hours"),
    Unit.MINUTES: _("minutes"),
    Unit.RATING: _("of 5"),
}


class Direction(enum.StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"
    NEUTRAL = "neutral"  # a volume: neither


@dataclass(frozen=True)
class Indicator:
    """One indicator: ``numerator`` and ``denominator`` read the counters; a count has no
    denominator. ``scale`` turns the ratio into the unit (100 for a percentage, 1/3600 for
    seconds shown in hours)."""

    key: str
    label: Promise
    unit: Unit
    direction: Direction
    # None: not a sum of case counters (attendance comes from the duty table).
    numerator: Callable[[Counters], int] | None
    denominator: Callable[[Counters], int] | None = None
    scale: Decimal = Decimal(1)
    target: Decimal | None = None
    seed: str = ""


def _c(name: str) -> Callable[[Counters], int]:
    assert name in COUNTERS, name

    def read(counters: Counters) -> int:
        return counters.get(name, 0)

    return read


HUNDRED = Decimal(100)
PER_HOUR = Decimal(1) / Decimal(3600)
PER_MINUTE = Decimal(1) / Decimal(60)

INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator(
            "proactive_discovery_rate",
            _("Proactive discovery rate"),
            Unit.PERCENT,
            Direction.HIGHER,
            _c("found_proactive"),
            lambda c: c.get("found_proactive", 0) + c.get("found_complaint", 0),
            HUNDRED,
            Decimal(85),
            "003",
        ),
        Indicator(
            "closure_rate",
            _("Closure rate"),
            Unit.PERCENT,
            Direction.HIGHER,
            _c("registered_closed"),
            lambda c: c.get("registered", 0) - c.get("chronic", 0),
            HUNDRED,
            Decimal(97),
            "003",
        ),
        Indicator(
            "on_time_rate",
            _("On-time closure rate"),
            Unit.PERCENT,
            Direction.HIGHER,
            _c("closed_on_time"),
            _c("closed"),
            HUNDRED,
            seed="000",
        ),
        Indicator(
            "resolution_rate",
            _("Actual resolution rate"),
            Unit.PERCENT,
            Direction.HIGHER,
            _c("callbacks_resolved"),
            _c("callbacks"),
            HUNDRED,
            seed="000",
        ),
        Indicator(
            "satisfaction_rate",
            _("Citizen satisfaction"),
            Unit.PERCENT,
            Direction.HIGHER,
            _c("ratings_satisfied"),
            _c("ratings"),
            HUNDRED,
            seed="000",
        ),
        Indicator(
            "front_end_rate",
            _("Front-end self-resolution rate"),
            Unit.PERCENT,
            Direction.HIGHER,
            _c("closed_front_end"),
            _c("closed"),
            HUNDRED,
            seed="001",
        ),
        Indicator(
            "rework_rate",
            _("Rework rate"),
            Unit.PERCENT,
            Direction.LOWER,
            _c("closed_reworked"),
            _c("closed"),
            HUNDRED,
            seed="002",
        ),
        Indicator("overdue", _("Cases overdue"), Unit.CASES, Direction.LOWER, _c("overdue")),
        Indicator(
            "overdue_closures",
            _("Cases closed late"),
            Unit.CASES,
            Direction.LOWER,
            lambda c: c.get("closed", 0) - c.get("closed_on_time", 0),
        ),
        Indicator(
            "registered", _("Cases registered"), Unit.CASES, Direction.NEUTRAL, _c("registered")
        ),
        Indicator("closed", _("Cases closed"), Unit.CASES, Direction.NEUTRAL, _c("closed")),
        Indicator("returns", _("Returns"), Unit.CASES, Direction.LOWER, _c("returns")),
        Indicator(
            "acceptance_time",
            _("Average registration time"),
            Unit.HOURS,
            Direction.LOWER,
            _c("acceptance_seconds"),
            _c("registered"),
            PER_HOUR,
        ),
        Indicator(
            "handling_time",
            _("Average handling time"),
            Unit.HOURS,
            Direction.LOWER,
            _c("handling_seconds"),
            _c("closed"),
            PER_HOUR,
        ),
        Indicator(
            "whistle_response_rate",
            _("Whistles answered in time"),
            Unit.PERCENT,
            Direction.HIGHER,
            lambda c: c.get("whistle_calls", 0) - c.get("whistle_late", 0),
            _c("whistle_calls"),
            HUNDRED,
            seed="004",
        ),
        Indicator(
            "whistle_response_time",
            _("Average whistle response time"),
            Unit.MINUTES,
            Direction.LOWER,
            _c("whistle_response_seconds"),
            _c("whistle_responses"),
            PER_MINUTE,
            seed="004",
        ),
        Indicator(
            "whistle_rating",
            _("Average whistle rating"),
            Unit.RATING,
            Direction.HIGHER,
            _c("whistle_rating_sum"),
            _c("whistle_ratings"),
            seed="004",
        ),
    )
}

# Not a sum of case counters: read from the forces' check-ins (``selectors.attendance``).
ATTENDANCE = Indicator(
    "attendance_rate",
    _("Attendance rate"),
    Unit.PERCENT,
    Direction.HIGHER,
    None,
    scale=HUNDRED,
    seed="001",
)

DEFAULT_TARGETS: dict[str, Decimal] = {
    key: indicator.target for key, indicator in INDICATORS.items() if indicator.target is not None
}


@dataclass(frozen=True)
class Value:
    """An indicator's value for one scope and period. ``value`` is None when the denominator is
    zero: no case to judge by is not 0%, nor 100%."""

    key: str
    numerator: int
    denominator: int | None
    value: Decimal | None
    target: Decimal | None

    @property
    def indicator(self) -> Indicator:
        return ATTENDANCE if self.key == ATTENDANCE.key else INDICATORS[self.key]

    @property
    def label(self) -> str:
        return str(self.indicator.label)

    @property
    def unit(self) -> Unit:
        return self.indicator.unit

    @property
    def direction(self) -> Direction:
        return self.indicator.direction

    @property
    def meets_target(self) -> bool | None:
        """Whether the value reaches its target (in the indicator's direction); None without
        a target or a value."""
        if self.target is None or self.value is None:
            return None
        if self.direction == Direction.LOWER:
            return self.value <= self.target
        return self.value >= self.target


def ratio(
    indicator: Indicator, numerator: int, denominator: int | None, target: Decimal | None
) -> Value:
    """The value of ``indicator`` from its two sums, rounded to two decimals in its unit."""
    if denominator is None:
        value: Decimal | None = Decimal(numerator) * indicator.scale
    elif denominator == 0:
        value = None
    else:
        value = Decimal(numerator) * indicator.scale / Decimal(denominator)
    return Value(
        key=indicator.key,
        numerator=numerator,
        denominator=denominator,
        value=None if value is None else value.quantize(Decimal("0.01")),
        target=target,
    )


def evaluate(counters: Counters, targets: Mapping[str, Decimal] | None = None) -> dict[str, Value]:
    """Every case indicator from summed counters; ``targets`` override the defaults."""
    targets = DEFAULT_TARGETS if targets is None else {**DEFAULT_TARGETS, **targets}
    return {
        key: ratio(
            indicator,
            indicator.numerator(counters) if indicator.numerator else 0,
            None if indicator.denominator is None else indicator.denominator(counters),
            targets.get(key),
        )
        for key, indicator in INDICATORS.items()
    }
