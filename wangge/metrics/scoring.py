"""The three-colour scoring model (三色管理) of blocks, without the database.

Jiading seed 004 asks the towns to rate micro-grids "以客观评价为原则,以模型算法为支撑,综合各类
网格数据要素": objectively, by a model. Here a block's facts for a period (its cases, how many
came back to the same spot, went overdue, were complaints rather than patrol finds, are chronic
problems, and how crowded with cases it is) are each compared with two thresholds; a factor at
its yellow threshold adds half its weight to the score, at its red threshold all of it; the score
against two limits gives the colour. The model is explained with a worked example in
``docs/three-colour.md``; its parameters are edited in the admin (``metrics.models.colours``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Colour(enum.StrEnum):
    """A block's colour, worst last, with the colour the console paints it."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def label(self) -> str:
        return str(COLOUR_LABELS[self])

    @property
    def hex(self) -> str:
        return {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828"}[self.value]

    @property
    def rank(self) -> int:
        return {"green": 0, "yellow": 1, "red": 2}[self.value]


COLOUR_LABELS = {
    Colour.GREEN: gettext_lazy("Green"),
    Colour.YELLOW: gettext_lazy("Yellow"),
    Colour.RED: gettext_lazy("Red"),
}


class FactorKey(enum.StrEnum):
    DENSITY = "density"  # cases per km² per 30 days
    RECURRENCE = "recurrence"  # cases that came back to the same spot
    OVERDUE = "overdue"  # share of the clocked cases that went past their deadline
    COMPLAINTS = "complaints"  # share of the cases that came as complaints
    CHRONIC = "chronic"  # chronic problems (顽症) under district tracking

    @property
    def label(self) -> str:
        return str(FACTOR_LABELS[self])


FACTOR_LABELS = {
    FactorKey.DENSITY: gettext_lazy("Case density"),
    FactorKey.RECURRENCE: gettext_lazy("Recurrence"),
    FactorKey.OVERDUE: gettext_lazy("Overdue share"),
    FactorKey.COMPLAINTS: gettext_lazy("Complaint share"),
    FactorKey.CHRONIC: gettext_lazy("Chronic cases"),
}


@dataclass(frozen=True)
class Factor:
    """A factor's weight (points at red; half at yellow) and the values where it turns yellow
    and red. Shares are fractions (0.3 is 30%)."""

    weight: float
    yellow_at: float
    red_at: float


@dataclass(frozen=True)
class ScoringModel:
    """Every parameter of the rating. ``min_cases``: a share needs at least this many cases
    below it before it counts, so that one late case of two does not paint a quiet block red.
    ``recurrence_days``/``recurrence_metres``: a case recurs when the previous case of the same
    sub-class in the block came at most this long before and this far away."""

    factors: Mapping[FactorKey, Factor]
    yellow_score: float = 20.0
    red_score: float = 40.0
    min_cases: int = 3
    recurrence_days: int = 30
    recurrence_metres: float = 50.0


DEFAULT_FACTORS: Mapping[FactorKey, Factor] = {
    FactorKey.DENSITY: Factor(weight=15, yellow_at=300, red_at=600),
    FactorKey.RECURRENCE: Factor(weight=20, yellow_at=2, red_at=5),
    FactorKey.OVERDUE: Factor(weight=25, yellow_at=0.1, red_at=0.3),
    FactorKey.COMPLAINTS: Factor(weight=20, yellow_at=0.15, red_at=0.4),
    FactorKey.CHRONIC: Factor(weight=20, yellow_at=1, red_at=2),
}
DEFAULT_MODEL = ScoringModel(factors=DEFAULT_FACTORS)

PER_DAYS = 30
"""Density is counted per this many days, so that one set of thresholds fits any period."""
SHARES = frozenset({FactorKey.OVERDUE, FactorKey.COMPLAINTS})


@dataclass(frozen=True)
class BlockFacts:
    """What the cases say about one block in one period. ``clocked``: the cases that had a
    deadline, of them ``overdue`` went past it; ``area_km2`` is None when unknown."""

    cases: int = 0
    days: int = 30
    area_km2: float | None = None
    recurrences: int = 0
    clocked: int = 0
    overdue: int = 0
    complaints: int = 0
    chronic: int = 0


@dataclass(frozen=True)
class Reason:
    """A factor that reached a threshold: its level, its value and the threshold it reached,
    with the counts behind a share."""

    factor: FactorKey
    level: Colour
    value: float
    threshold: float
    points: float
    part: int = 0
    whole: int = 0

    def __str__(self) -> str:
        return describe(self)


@dataclass(frozen=True)
class Rating:
    colour: Colour
    score: float
    reasons: tuple[Reason, ...] = field(default=())

    def __str__(self) -> str:
        """ "red: 4 overdue of 9 (44% ≥ 30%), 2 chronic cases (≥ 2)"."""
        if not self.reasons:
            return self.colour.label
        return _("%(colour)s: %(reasons)s") % {
            "colour": self.colour.label,
            "reasons": _(", ").join(describe(reason) for reason in self.reasons),
        }


def factor_values(facts: BlockFacts, model: ScoringModel) -> dict[FactorKey, float]:
    """The value of each factor that can be judged; a share over too few cases, or a density
    without an area, is left out."""
    values: dict[FactorKey, float] = {
        FactorKey.RECURRENCE: facts.recurrences,
        FactorKey.CHRONIC: facts.chronic,
    }
    if facts.area_km2 and facts.days > 0:
        values[FactorKey.DENSITY] = facts.cases / facts.area_km2 * PER_DAYS / facts.days
    if facts.clocked >= model.min_cases:
        values[FactorKey.OVERDUE] = facts.overdue / facts.clocked
    if facts.cases >= model.min_cases:
        values[FactorKey.COMPLAINTS] = facts.complaints / facts.cases
    return values


def rate(facts: BlockFacts, model: ScoringModel = DEFAULT_MODEL) -> Rating:
    """The block's colour, score and the reasons for them, the heaviest reason first."""
    counts = {
        FactorKey.OVERDUE: (facts.overdue, facts.clocked),
        FactorKey.COMPLAINTS: (facts.complaints, facts.cases),
    }
    reasons = []
    for key, value in factor_values(facts, model).items():
        factor = model.factors.get(key)
        if factor is None or factor.weight <= 0:
            continue
        if value >= factor.red_at:
            level, threshold, points = Colour.RED, factor.red_at, factor.weight
        elif value >= factor.yellow_at:
            level, threshold, points = Colour.YELLOW, factor.yellow_at, factor.weight / 2
        else:
            continue
        part, whole = counts.get(key, (0, 0))
        reasons.append(Reason(key, level, value, threshold, points, part, whole))
    reasons.sort(key=lambda reason: (-reason.points, list(FactorKey).index(reason.factor)))
    score = sum(reason.points for reason in reasons)
    if score >= model.red_score:
        colour = Colour.RED
    elif score >= model.yellow_score:
        colour = Colour.YELLOW
    else:
        colour = Colour.GREEN
    return Rating(colour=colour, score=score, reasons=tuple(reasons))


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def describe(reason: Reason) -> str:
    """A reason as the list shows it: "4 overdue of 9 (44% ≥ 30%)"."""
    values = {
        "part": reason.part,
        "whole": reason.whole,
        "share": _percent(reason.value),
        "threshold": _percent(reason.threshold)
        if reason.factor in SHARES
        else _number(reason.threshold),
        # Densities are large numbers: a decimal adds nothing.
        "value": f"{reason.value:.0f}"
        if reason.factor == FactorKey.DENSITY
        else _number(reason.value),
    }
    texts = {
        FactorKey.OVERDUE: _("%(part)s overdue of %(whole)s (%(share)s ≥ %(threshold)s)"),
        FactorKey.COMPLAINTS: _("%(part)s complaints of %(whole)s (%(share)s ≥ %(threshold)s)"),
        FactorKey.RECURRENCE: _("%(value)s cases again at the same spot (≥ %(threshold)s)"),
        FactorKey.CHRONIC: _("%(value)s chronic cases (≥ %(threshold)s)"),
        FactorKey.DENSITY: _("%(value)s cases per km² in 30 days (≥ %(threshold)s)"),
    }
    return texts[reason.factor] % values
