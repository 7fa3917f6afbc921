"""What time does to open cases: lights, escalation, the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from wangge.cases.choices import Light
from wangge.cases.models import Case, Notification
from wangge.cases.services import actor_for, case_act
from wangge.cases.sweep import sweep
from wangge.cases.testing import in_enforcement, submit_in_town_a
from wangge.cases.workflow import Action, Status
from wangge.catalog.models import Category
from wangge.core.testing import beijing
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db
START = beijing(2025, 6, 2, 9)  # a Monday


def registered_case(cast: Cast, category: Category) -> Case:
    """A case in self-governance: three days on the clock, due Thursday 09:00."""
    case = submit_in_town_a(cast, category)
    return case_act(
        case=case, action=Action.REGISTER, actor=actor_for(cast.alice), version=case.version
    )


def test_lights_turn_yellow_then_red_and_red_writes_an_event_and_a_notification(
    cast: Cast, ordinary_category: Category
) -> None:
    with time_machine.travel(START, tick=False):
        case = registered_case(cast, ordinary_category)
    assert case.light == Light.GREEN
    sweep(now=START + timedelta(days=2))
    case.refresh_from_db()
    assert case.light == Light.GREEN
    result = sweep(now=START + timedelta(days=2, hours=6))  # a quarter of three days left
    assert result.turned_yellow == 1
    case.refresh_from_db()
    assert case.light == Light.YELLOW
    assert case.events.count() == 2  # a yellow light is a reading, not an event


def test_self_governance_that_runs_out_goes_to_enforcement(
    cast: Cast, ordinary_category: Category
) -> None:
    """000_5ac562c39a6533b0.txt: 前端自治 1-3 days, then 网格工作站执法联动力量…4日内完成处置."""
    with time_machine.travel(START, tick=False):
        case = registered_case(cast, ordinary_category)
    late = START + timedelta(days=3, minutes=1)
    # The sweep that catches up after a pause dates the hand-over at the moment it sweeps for.
    with time_machine.travel(late + timedelta(hours=5), tick=False):
        result = sweep(now=late)
    assert (result.turned_red, result.handed_to_enforcement) == (1, 1)
    case.refresh_from_db()
    assert case.workflow_status == Status.REGISTERED
    assert case.due_by == late + timedelta(days=4)
    assert case.events.get(action="hand_to_enforcement").at == late
    assert [e.action for e in case.events.order_by("sequence")] == [
        "report",
        "register",
        "red_light",
        "hand_to_enforcement",
    ]
    assert Notification.objects.get(case=case).kind == Notification.Kind.RED_LIGHT


def test_an_overdue_case_climbs_one_level_a_day_up_to_the_district(
    cast: Cast, ordinary_category: Category
) -> None:
    """The ladder: unit grid → area chief → town chief → district centre."""
    with time_machine.travel(START, tick=False):
        case = in_enforcement(cast, ordinary_category, cast.chengguan_a)
    due = case.due_by
    assert due is not None
    levels = []
    for hours in (1, 25, 49, 73, 97):
        sweep(now=due + timedelta(hours=hours))
        case.refresh_from_db()
        levels.append(case.escalation_level)
    assert levels == [1, 2, 3, 3, 3]
    assert case.light == Light.RED
    events = list(case.events.filter(action__in=["red_light", "escalate"]).order_by("sequence"))
    assert [e.data["escalation_level"] for e in events] == [1, 2, 3]
    assert Notification.objects.filter(case=case).count() == 3


def test_a_second_sweep_at_the_same_time_finds_nothing_left_to_do(
    cast: Cast, ordinary_category: Category
) -> None:
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            registered_case(cast, ordinary_category)
    late = START + timedelta(days=3, minutes=1)
    with time_machine.travel(late, tick=False):
        first = sweep(now=late, batch=2)  # several batches
        second = sweep(now=late)
    assert first.turned_red == 3
    assert (second.turned_red, second.escalated, second.notifications) == (0, 0, 0)
    assert Notification.objects.count() == 3


def test_someone_acting_on_a_case_the_sweep_just_changed_is_told_to_reload(
    cast: Cast, ordinary_category: Category
) -> None:
    from wangge.cases.services import CaseConflict

    with time_machine.travel(START, tick=False):
        case = registered_case(cast, ordinary_category)
        case = case_act(
            case=case,
            action=Action.HAND_TO_ENFORCEMENT,
            actor=actor_for(cast.alice),
            version=case.version,
            reason="劝阻无效",
        )
    seen_version = case.version
    assert case.due_by is not None
    sweep(now=case.due_by + timedelta(minutes=1))
    with pytest.raises(CaseConflict):
        case_act(
            case=case,
            action=Action.DISPATCH,
            actor=actor_for(cast.alice),
            version=seen_version,
            department=cast.chengguan_a,
        )


def test_an_urgent_case_answers_to_15_minutes_on_site_then_an_hour_for_a_result(
    cast: Cast,
) -> None:
    """003_7ab3c9b0f83cb58d.txt: 要求处置人员15分钟内到场…1小时内形成初步处置结果."""
    urgent = Category.objects.filter(parent__isnull=False, urgent=True).first()
    assert urgent is not None
    alice, dora = actor_for(cast.alice), actor_for(cast.dora)
    with time_machine.travel(START, tick=False):
        case = submit_in_town_a(cast, urgent)
        case = case_act(case=case, action=Action.REGISTER, actor=alice, version=case.version)
        assert case.workflow_status == Status.REGISTERED  # urgent: no self-governance first
        case = case_act(
            case=case,
            action=Action.DISPATCH,
            actor=alice,
            version=case.version,
            department=cast.chengguan_a,
        )
        case = case_act(case=case, action=Action.ACCEPT, actor=dora, version=case.version)
    assert case.clock_due == START + timedelta(minutes=15)
    sweep(now=START + timedelta(minutes=16))  # nobody on site yet
    case.refresh_from_db()
    assert case.light == Light.RED and case.escalation_level == 1
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        case = case_act(case=case, action=Action.ARRIVE, actor=dora, version=case.version)
    assert case.clock_due == START + timedelta(hours=1)
    assert case.light == Light.GREEN  # on its way to the first result
    sweep(now=START + timedelta(minutes=61))  # no result within the hour
    case.refresh_from_db()
    assert case.light == Light.RED and case.escalation_level == 1
    assert case.events.filter(action="red_light").count() == 2
