"""Deadlines and lights, on frozen time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from wangge.cases.choices import Light
from wangge.cases.clocks import clock_on_register, light_at, yellow_time
from wangge.cases.services import actor_for, case_act
from wangge.cases.testing import submit_in_town_a
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.core.calendar import WorkingCalendar
from wangge.core.testing import beijing
from wangge.people.testing import Cast

PACKAGE = WorkingCalendar.from_package()


def test_urgent_cases_are_on_site_in_15_minutes_with_a_first_result_in_an_hour() -> None:
    """003_7ab3c9b0f83cb58d.txt: 要求处置人员15分钟内到场…1小时内形成初步处置结果."""
    at = beijing(2025, 6, 10, 22, 40)  # at night: urgent clocks run in natural time
    clock = clock_on_register(
        at=at, urgent=True, self_governance=False, limit=(24, "hours", False), calendar=PACKAGE
    )
    assert clock.on_site_by == beijing(2025, 6, 10, 22, 55)
    assert clock.first_result_by == beijing(2025, 6, 10, 23, 40)
    assert clock.due_by == beijing(2025, 6, 11, 22, 40)


def due_in_working_days(at: datetime, days: int) -> datetime:
    clock = clock_on_register(
        at=at, urgent=False, self_governance=False, limit=(days, "days", True), calendar=PACKAGE
    )
    return clock.due_by


def test_a_working_day_limit_follows_holidays_and_adjusted_workdays() -> None:
    # Tuesday 30 September 2025: 1–8 October are the National Day holiday, so two working days
    # later is Friday the 10th. From Friday the 26th, one working day later is Sunday the 28th,
    # an adjusted workday (调休上班).
    assert due_in_working_days(beijing(2025, 9, 30, 10), 2) == beijing(2025, 10, 10, 10)
    assert due_in_working_days(beijing(2025, 9, 26, 10), 1) == beijing(2025, 9, 28, 10)


def test_lights_turn_yellow_in_the_last_quarter_and_red_when_overdue() -> None:
    started, due = beijing(2025, 6, 2, 9), beijing(2025, 6, 6, 9)
    yellow = yellow_time(started=started, due_by=due, yellow_share=0.25)
    assert yellow == beijing(2025, 6, 5, 9)
    assert light_at(beijing(2025, 6, 4, 9), yellow_at=yellow, due_by=due) == Light.GREEN
    assert light_at(beijing(2025, 6, 5, 10), yellow_at=yellow, due_by=due) == Light.YELLOW
    assert light_at(due, yellow_at=yellow, due_by=due) == Light.RED
    assert light_at(due, yellow_at=None, due_by=None) == Light.NONE


@pytest.mark.django_db
def test_self_governance_gets_three_days_and_enforcement_four_more(
    cast: Cast, ordinary_category: Category
) -> None:
    """000_5ac562c39a6533b0.txt: 居村网格应在1-3天内…并于4日内完成处置任务 (7 days in all)."""
    with time_machine.travel(beijing(2025, 6, 2, 9), tick=False) as clock:
        case = submit_in_town_a(cast, ordinary_category)
        alice = actor_for(cast.alice)
        case = case_act(case=case, action=Action.REGISTER, actor=alice, version=case.version)
        assert case.due_by == beijing(2025, 6, 5, 9)
        assert case.light == Light.GREEN
        clock.move_to(beijing(2025, 6, 5, 9))
        case = case_act(
            case=case,
            action=Action.HAND_TO_ENFORCEMENT,
            actor=alice,
            version=case.version,
            reason="劝阻无效",
        )
        assert case.due_by == beijing(2025, 6, 9, 9)
        assert (
            case.events.get(action="hand_to_enforcement")
            .data["due_by"]
            .startswith("2025-06-09T09:00")
        )


@pytest.mark.django_db
def test_time_on_hold_does_not_count_against_the_case(
    cast: Cast, ordinary_category: Category
) -> None:
    with time_machine.travel(beijing(2025, 6, 2, 9), tick=False) as clock:
        case = submit_in_town_a(cast, ordinary_category)
        carol = actor_for(cast.carol)
        case = case_act(case=case, action=Action.REGISTER, actor=carol, version=case.version)
        due = case.due_by
        assert due is not None
        case = case_act(
            case=case,
            action=Action.SUSPEND,
            actor=carol,
            version=case.version,
            reason="等待产权人回国",
        )
        assert case.light == Light.NONE
        clock.move_to(beijing(2025, 6, 4, 9))
        case = case_act(case=case, action=Action.RESUME, actor=carol, version=case.version)
        assert case.due_by == due + timedelta(days=2)
        assert case.events.get(action="resume").data["due_by"]
