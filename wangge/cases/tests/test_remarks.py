"""Escalation on request, supervision orders, consultations and the whistle."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from wangge.cases.models import Notification, WhistleCall
from wangge.cases.remarks import (
    case_consult,
    case_escalate,
    case_supervise,
    whistle_blow,
    whistle_rate,
    whistle_respond,
)
from wangge.cases.services import Evidence, actor_for, case_act
from wangge.cases.sweep import sweep
from wangge.cases.testing import in_enforcement
from wangge.cases.workflow import Action, TransitionRefused
from wangge.catalog.models import Category
from wangge.core.testing import beijing
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db
START = beijing(2025, 6, 2, 9)


def test_a_chief_escalates_on_request_and_the_district_is_the_top(
    cast: Cast, ordinary_category: Category
) -> None:
    case = in_enforcement(cast, ordinary_category)
    alice = actor_for(cast.alice)
    for level in (1, 2, 3):
        case = case_escalate(case=case, actor=alice, version=case.version, reason="久拖未决")
        assert case.escalation_level == level
    with pytest.raises(TransitionRefused) as refused:
        case_escalate(case=case, actor=alice, version=case.version, reason="再升级")
    assert refused.value.code == "top_level"
    assert Notification.objects.filter(case=case, kind="escalation").count() == 3


def test_supervision_and_consultation_are_recorded_on_the_case(
    cast: Cast, ordinary_category: Category
) -> None:
    """002_f379301d1ac1d4c4.txt: 督办推进; 定期对…疑难反复案件进行分析 (consultation)."""
    case = in_enforcement(cast, ordinary_category)
    carol = actor_for(cast.carol)
    case = case_supervise(
        case=case, actor=carol, version=case.version, note="三日内反馈", respond_by=None
    )
    case = case_consult(
        case=case,
        actor=carol,
        version=case.version,
        note="城管牵头，市场监管配合",
        participants=[cast.chengguan_a, cast.market_a],
    )
    events = {e.action: e for e in case.events.all()}
    assert events["supervise"].note == "三日内反馈"
    assert events["consult"].data["participants"] == [cast.chengguan_a.pk, cast.market_a.pk]
    with pytest.raises(TransitionRefused):  # a department does not supervise
        case_supervise(
            case=case, actor=actor_for(cast.dora), version=case.version, note="x", respond_by=None
        )


def test_the_whistle_summons_departments_who_answer_or_go_late(
    cast: Cast, ordinary_category: Category
) -> None:
    """004_33b6eee281a71861.txt: 一键吹哨 / 一键响应 / 一键评价."""
    with time_machine.travel(START, tick=False):
        case = in_enforcement(cast, ordinary_category)
        whistle = whistle_blow(
            case=case,
            actor=actor_for(cast.alice),
            version=case.version,
            departments=[cast.chengguan_a, cast.market_a],
            note="联合执法",
        )
    chengguan = WhistleCall.objects.get(whistle=whistle, department=cast.chengguan_a)
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        case.refresh_from_db()
        chengguan = whistle_respond(
            call=chengguan,
            actor=actor_for(cast.dora),
            version=case.version,
            arrive_by=START + timedelta(minutes=40),
        )
    assert chengguan.responder is not None and chengguan.responder.user == cast.dora
    result = sweep(now=START + timedelta(minutes=31))
    assert result.whistles_late == 1  # 市场监管 never answered
    market = WhistleCall.objects.get(whistle=whistle, department=cast.market_a)
    assert market.overdue and not chengguan.overdue
    assert Notification.objects.filter(case=case, kind="whistle_late").count() == 1


def test_departments_are_rated_after_closure_without_knowing_by_whom(
    cast: Cast, ordinary_category: Category
) -> None:
    case = in_enforcement(cast, ordinary_category)
    alice, dora = actor_for(cast.alice), actor_for(cast.dora)
    whistle = whistle_blow(
        case=case, actor=alice, version=case.version, departments=[cast.chengguan_a], note="到场"
    )
    call = whistle.calls.get()
    case.refresh_from_db()
    with pytest.raises(TransitionRefused):  # not before closure
        whistle_rate(call=call, actor=alice, version=case.version, rating=4)
    case = case_act(
        case=case,
        action=Action.DISPATCH,
        actor=alice,
        version=case.version,
        department=cast.chengguan_a,
    )
    case = case_act(case=case, action=Action.ACCEPT, actor=dora, version=case.version)
    case = case_act(
        case=case,
        action=Action.HANDLE,
        actor=dora,
        version=case.version,
        evidence=Evidence(note="已处置"),
    )
    case = case_act(case=case, action=Action.VERIFY, actor=alice, version=case.version)
    call = whistle_rate(call=call, actor=alice, version=case.version, rating=4)
    assert call.rating == 4
    rated = case.events.get(action="rate")
    assert (
        rated.actor is None
        and rated.organisation is None
        and rated.data
        == {"department": cast.chengguan_a.pk, "whistle": call.whistle_id, "rating": 4}
    )
