"""Rankings and trends: grids, departments and inspectors ordered by an indicator over a period,
each against its target, and the indicators of several scopes together (a leader who sees many
districts), now, before and week by week.

Every figure comes from ``metrics.selectors`` (sums of ``ScopeRollup`` rows); several scopes are
combined by adding their numerators and denominators, never by averaging their rates. The seeds
rank by these indicators: Minhang 000 (先行发现率, 按时办结率, 实际解决率, 群众满意率 per grid
and town; department quarterly reports), Yingpu 003 (targets 85% and 97%), Jiading 004
(department ratings).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from wangge.metrics.indicators import INDICATORS, Direction, Value, ratio
from wangge.metrics.models import ScopeKind, Target
from wangge.metrics.selectors import Scope, indicator_series, indicators_many, targets_for


@dataclass(frozen=True)
class Ranked:
    """One scope's place in a ranking, with all its indicators for the period."""

    scope_id: int
    place: int | None  # None: no value to rank by (no case to judge)
    values: dict[str, Value]


@dataclass(frozen=True)
class Point:
    """An indicator over one step of a trend: the step's first day and its value."""

    start: datetime.date
    value: Value


def ranking(
    *,
    kind: ScopeKind,
    scope_ids: Sequence[int],
    indicator: str,
    start: datetime.date,
    end: datetime.date,
) -> list[Ranked]:
    """The scopes ordered best first by ``indicator`` over the period; scopes without a value
    come last, unranked. Equal values share a place (1, 1, 3)."""
    if indicator not in INDICATORS:
        raise ValueError(f"unknown indicator {indicator!r}")
    found = indicators_many(scopes=[Scope(kind, i) for i in scope_ids], start=start, end=end)
    evaluated = {scope.id: values for scope, values in found.items()}
    higher = INDICATORS[indicator].direction != Direction.LOWER

    def order(scope_id: int) -> tuple[int, Decimal, int]:
        value = evaluated[scope_id][indicator].value
        if value is None:
            return (1, Decimal(0), scope_id)
        return (0, -value if higher else value, scope_id)

    ranked: list[Ranked] = []
    previous: Decimal | None = None
    place = 0
    for position, scope_id in enumerate(sorted(scope_ids, key=order), start=1):
        value = evaluated[scope_id][indicator].value
        if value is not None and value != previous:
            place = position
        previous = value
        ranked.append(Ranked(scope_id, place if value is not None else None, evaluated[scope_id]))
    return ranked


def combined(
    scopes: Sequence[Scope], *, start: datetime.date, end: datetime.date
) -> dict[str, Value]:
    """The case indicators of several scopes together (scopes that do not overlap, such as the
    districts of a city): one scope is judged against its own targets, several against the
    defaults."""
    found = indicators_many(scopes=scopes, start=start, end=end)
    return _combine([found[scope] for scope in scopes], _targets(scopes))


def series(
    scopes: Sequence[Scope],
    *,
    start: datetime.date,
    end: datetime.date,
    step: Literal["week", "month"] = "week",
) -> list[tuple[datetime.date, dict[str, Value]]]:
    """The indicators of the scopes together per week (from Monday) or calendar month that meets
    the period, oldest first, each step cut to the period (``selectors.indicator_series``)."""
    by_scope = [indicator_series(scope=s, start=start, end=end, step=step) for s in scopes]
    if not by_scope:
        return []
    targets = _targets(scopes)
    return [
        (buckets[0].start, _combine([b.values for b in buckets], targets))
        for buckets in zip(*by_scope, strict=True)
    ]


def trend(
    scopes: Sequence[Scope],
    *,
    indicator: str,
    start: datetime.date,
    end: datetime.date,
    step: Literal["week", "month"] = "week",
) -> list[Point]:
    """One indicator of ``series``."""
    return [
        Point(day, values[indicator])
        for day, values in series(scopes, start=start, end=end, step=step)
    ]


def _targets(scopes: Sequence[Scope]) -> dict[str, Decimal]:
    if len(scopes) == 1:
        return targets_for(scopes[0])
    defaults = Target.objects.filter(grid__isnull=True, department__isnull=True)
    return {target.indicator: target.value for target in defaults}


def _combine(values: Sequence[dict[str, Value]], targets: dict[str, Decimal]) -> dict[str, Value]:
    if len(values) == 1:
        return values[0]
    combined: dict[str, Value] = {}
    for key, indicator in INDICATORS.items():
        numerator = sum(v[key].numerator for v in values)
        denominator = (
            None if indicator.denominator is None else sum(v[key].denominator or 0 for v in values)
        )
        combined[key] = ratio(indicator, numerator, denominator, targets.get(key))
    return combined
