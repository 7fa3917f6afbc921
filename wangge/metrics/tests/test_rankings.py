from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from wangge.grids.models import Grid
from wangge.metrics.models import ScopeKind, ScopeRollup, Target
from wangge.metrics.rankings import ranking, trend
from wangge.metrics.selectors import Scope

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2025, 3, 3)


def _day(scope_id: int, day: datetime.date, kind: str = ScopeKind.GRID, **counters: int) -> None:
    ScopeRollup.objects.create(scope=kind, scope_id=scope_id, day=day, **counters)


def test_grids_rank_best_first_with_ties_sharing_a_place_and_no_cases_last() -> None:
    # Proactive discovery (Yingpu 003): found by patrols ÷ (patrols + complaints they missed).
    _day(1, MONDAY, found_proactive=9, found_complaint=1)  # 90%
    _day(2, MONDAY, found_proactive=3, found_complaint=1)  # 75%
    _day(2, MONDAY + datetime.timedelta(days=1), found_proactive=3, found_complaint=1)
    _day(3, MONDAY, found_proactive=18, found_complaint=2)  # 90%
    _day(4, MONDAY - datetime.timedelta(days=1), found_proactive=1)  # before the period
    ranked = ranking(
        kind=ScopeKind.GRID,
        scope_ids=[1, 2, 3, 4],
        indicator="proactive_discovery_rate",
        start=MONDAY,
        end=MONDAY + datetime.timedelta(days=6),
    )
    assert [(r.scope_id, r.place) for r in ranked] == [(1, 1), (3, 1), (2, 3), (4, None)]
    assert ranked[2].values["proactive_discovery_rate"].value == Decimal("75.00")
    assert ranked[0].values["proactive_discovery_rate"].meets_target is True
    assert ranked[2].values["proactive_discovery_rate"].meets_target is False


def test_a_lower_is_better_indicator_ranks_the_lowest_first() -> None:
    _day(1, MONDAY, ScopeKind.DEPARTMENT, closed=10, closed_reworked=3)
    _day(2, MONDAY, ScopeKind.DEPARTMENT, closed=10, closed_reworked=1)
    ranked = ranking(
        kind=ScopeKind.DEPARTMENT,
        scope_ids=[1, 2],
        indicator="rework_rate",
        start=MONDAY,
        end=MONDAY,
    )
    assert [r.scope_id for r in ranked] == [2, 1]


def test_a_grids_own_target_wins_over_the_default() -> None:
    grid = Grid.objects.create(
        code="310999",
        name="试验区",
        level=1,
        path="310999/",
        geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        min_lng=0,
        min_lat=0,
        max_lng=1,
        max_lat=1,
    )
    other = grid.pk + 1  # a grid without a target of its own
    _day(grid.pk, MONDAY, registered=100, registered_closed=95)
    _day(other, MONDAY, registered=100, registered_closed=95)
    Target.objects.create(indicator="closure_rate", grid=grid, value=Decimal(90))
    ranked = ranking(
        kind=ScopeKind.GRID,
        scope_ids=[grid.pk, other],
        indicator="closure_rate",
        start=MONDAY,
        end=MONDAY,
    )
    by_id = {r.scope_id: r.values["closure_rate"] for r in ranked}
    assert by_id[grid.pk].target == Decimal(90) and by_id[grid.pk].meets_target is True
    # Yingpu's default, 97%: 95% falls short.
    assert by_id[other].target == Decimal(97) and by_id[other].meets_target is False


def test_a_weekly_trend_has_a_value_per_week_and_none_for_a_week_without_cases() -> None:
    _day(7, MONDAY, closed=4, closed_on_time=3)
    _day(7, MONDAY + datetime.timedelta(days=6), closed=4, closed_on_time=4)
    _day(7, MONDAY + datetime.timedelta(days=14), closed=2, closed_on_time=1)
    points = trend(
        [Scope(ScopeKind.GRID, 7)],
        indicator="on_time_rate",
        start=MONDAY + datetime.timedelta(days=2),
        end=MONDAY + datetime.timedelta(days=15),
    )
    # The first week is cut to the period: the Monday's cases fall outside it.
    assert [p.start for p in points] == [
        MONDAY + datetime.timedelta(days=2),
        MONDAY + datetime.timedelta(weeks=1),
        MONDAY + datetime.timedelta(weeks=2),
    ]
    assert [p.value.value for p in points] == [Decimal("100.00"), None, Decimal("50.00")]


def test_a_monthly_trend_steps_by_calendar_month() -> None:
    _day(7, datetime.date(2025, 1, 31), closed=1, closed_on_time=1)
    _day(7, datetime.date(2025, 3, 1), closed=2, closed_on_time=1)
    points = trend(
        [Scope(ScopeKind.GRID, 7)],
        indicator="on_time_rate",
        start=datetime.date(2025, 1, 15),
        end=datetime.date(2025, 3, 10),
        step="month",
    )
    assert [(p.start.month, p.value.value) for p in points] == [
        (1, Decimal("100.00")),
        (2, None),
        (3, Decimal("50.00")),
    ]


def test_several_scopes_together_add_their_cases_rather_than_average_their_rates() -> None:
    _day(1, MONDAY, closed=1, closed_on_time=1)  # 100%
    _day(2, MONDAY, closed=9, closed_on_time=0)  # 0%
    points = trend(
        [Scope(ScopeKind.GRID, 1), Scope(ScopeKind.GRID, 2)],
        indicator="on_time_rate",
        start=MONDAY,
        end=MONDAY,
    )
    # 1 of 10 closures on time: 10%, not the 50% an average of the two rates would say.
    assert [p.value.value for p in points] == [Decimal("10.00")]
