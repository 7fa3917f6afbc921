"""A case's whole life through the services, on the fixed cast."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.services import (
    CaseConflict,
    Evidence,
    actor_for,
    case_act,
    case_draft,
    case_submit,
)
from wangge.cases.testing import submit_in_town_a
from wangge.cases.workflow import Action, Status, TransitionRefused
from wangge.catalog.models import Category, Responsibility
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def act(case: Case, user: object, action: Action, **more: Any) -> Case:
    return case_act(case=case, action=action, actor=actor_for(user), version=case.version, **more)


def test_a_patrol_find_is_numbered_placed_and_proactive(
    cast: Cast, ordinary_category: Category
) -> None:
    case = submit_in_town_a(cast, ordinary_category)
    assert case.grid == cast.block_a
    assert case.proactive
    assert len(case.number) == 13 and case.number.endswith("00001")
    assert [(e.sequence, e.action, e.to_status) for e in case.events.all()] == [
        (1, "report", "reported")
    ]


def test_a_draft_is_checked_and_placed_without_a_write_and_numbered_when_written(
    cast: Cast, ordinary_category: Category
) -> None:
    spot = shape(cast.block_a.geometry).representative_point()
    with CaptureQueriesContext(connection) as queries:
        draft = case_draft(
            channel=Channel.PATROL,
            category=ordinary_category,
            lng=spot.x,
            lat=spot.y,
            description="占道堆物",
            reporter=cast.ivan,
        )
    # Everything before the write runs outside the transaction that holds the write lock.
    statements = {q["sql"].split(None, 1)[0].upper() for q in queries}
    assert not statements & {"INSERT", "UPDATE", "DELETE", "BEGIN", "SAVEPOINT"}
    assert draft.case.grid_id == cast.block_a.pk and draft.case.pk is None
    first = case_submit(draft=draft)
    second = submit_in_town_a(cast, ordinary_category)
    assert (first.number[-5:], second.number[-5:]) == ("00001", "00002")
    assert first.events.get().action == "report"


def test_a_residential_case_self_governs_then_goes_to_enforcement_and_closes(
    cast: Cast, ordinary_category: Category
) -> None:
    """000_5ac562c39a6533b0.txt: 前端自治+后端共治 — the unit first, then the departments."""
    case = submit_in_town_a(cast, ordinary_category)
    case = act(case, cast.alice, Action.REGISTER)
    assert case.workflow_status == Status.SELF_GOVERNANCE
    assert case.holder == cast.workstation_a
    case = act(case, cast.alice, Action.HAND_TO_ENFORCEMENT, reason="劝阻无效")
    assert case.holder == cast.town_a_centre
    case = act(case, cast.alice, Action.DISPATCH, department=cast.chengguan_a)
    assert case.holder == cast.chengguan_a
    case = act(case, cast.dora, Action.ACCEPT)
    case = act(case, cast.dora, Action.HANDLE, evidence=Evidence(note="已取缔"))
    assert case.handler == cast.dora
    with pytest.raises(TransitionRefused):
        act(case, cast.dora, Action.VERIFY)
    case = act(case, cast.alice, Action.VERIFY)
    assert case.workflow_status == Status.CLOSED
    case = act(case, cast.alice, Action.EVALUATE, rating=5)
    assert case.rating == 5
    assert [e.action for e in case.events.order_by("sequence")] == [
        "report",
        "register",
        "hand_to_enforcement",
        "dispatch",
        "accept",
        "handle",
        "verify",
        "evaluate",
    ]
    assert all(e.sequence == i for i, e in enumerate(case.events.order_by("sequence"), start=1))
    assert case.closed_at is not None and case.dispatched_at is not None


def test_a_wrong_dispatch_comes_back_to_the_centre_with_its_reason(
    cast: Cast, ordinary_category: Category
) -> None:
    case = submit_in_town_a(cast, ordinary_category)
    case = act(case, cast.alice, Action.REGISTER)
    case = act(case, cast.alice, Action.HAND_TO_ENFORCEMENT, reason="劝阻无效")
    case = act(case, cast.alice, Action.DISPATCH, department=cast.chengguan_a)
    case = act(case, cast.dora, Action.RETURN, reason="不属于城管职责")
    assert case.workflow_status == Status.RETURNED
    assert case.holder == cast.town_a_centre
    assert case.events.get(action="return").note == "不属于城管职责"


def test_a_stale_version_loses_and_writes_nothing(cast: Cast, ordinary_category: Category) -> None:
    case = submit_in_town_a(cast, ordinary_category)
    seen = Case.objects.get(pk=case.pk)
    act(case, cast.alice, Action.REGISTER)
    with pytest.raises(CaseConflict):
        case_act(
            case=seen,
            action=Action.REJECT,
            actor=actor_for(cast.alice),
            version=seen.version,
            reason="重复",
        )
    case.refresh_from_db()
    assert case.workflow_status == Status.SELF_GOVERNANCE
    assert case.events.count() == 2


def test_another_town_cannot_touch_the_case(cast: Cast, ordinary_category: Category) -> None:
    case = submit_in_town_a(cast, ordinary_category)
    with pytest.raises(TransitionRefused) as refused:
        act(case, cast.bob, Action.REGISTER)
    assert refused.value.code == "out_of_scope"
    case.refresh_from_db()
    assert case.version == 1 and case.events.count() == 1


def test_a_department_that_does_not_hold_the_case_cannot_accept_it(
    cast: Cast, ordinary_category: Category
) -> None:
    case = submit_in_town_a(cast, ordinary_category)
    case = act(case, cast.alice, Action.REGISTER)
    case = act(case, cast.alice, Action.HAND_TO_ENFORCEMENT, reason="劝阻无效")
    case = act(case, cast.alice, Action.DISPATCH, department=cast.market_a)
    with pytest.raises(TransitionRefused):
        act(case, cast.dora, Action.ACCEPT)


def test_dispatch_without_a_department_follows_the_responsibility_table(
    cast: Cast, ordinary_category: Category
) -> None:
    from wangge.catalog.services import fallback_owner_set, responsibility_set

    responsibility_set(category=ordinary_category, grid=cast.town_a, department=cast.chengguan_a)
    case = submit_in_town_a(cast, ordinary_category)
    case = act(case, cast.alice, Action.REGISTER)
    case = act(case, cast.alice, Action.HAND_TO_ENFORCEMENT, reason="劝阻无效")
    case = act(case, cast.alice, Action.DISPATCH)
    assert case.holder == cast.chengguan_a
    assert case.events.get(action="dispatch").data["routed"] is True

    # Without a row, the fallback owner of events is the town itself: it must choose.
    Responsibility.objects.all().delete()
    fallback_owner_set(family="event", town_centre=True)
    other = submit_in_town_a(cast, ordinary_category)
    other = act(other, cast.alice, Action.REGISTER)
    other = act(other, cast.alice, Action.HAND_TO_ENFORCEMENT, reason="劝阻无效")
    with pytest.raises(TransitionRefused) as refused:
        act(other, cast.alice, Action.DISPATCH)
    assert refused.value.code == "choose_department"
