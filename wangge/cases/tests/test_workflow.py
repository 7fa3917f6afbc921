"""The workflow table, tested without a database (no test here may touch one)."""

from __future__ import annotations

from collections import deque
from dataclasses import replace

import pytest

from wangge.cases.workflow import (
    NEEDS,
    OPEN,
    SYSTEM,
    TABLE,
    TERMINAL,
    Action,
    Facts,
    Need,
    Status,
    Step,
    TransitionRefused,
    allowed_actions,
    plan,
)
from wangge.people.choices import Role

DISPATCHER = frozenset({"dispatcher"})
HANDLER = frozenset({"handler"})


def facts(status: Status, roles: frozenset[str] = DISPATCHER, **more: object) -> Facts:
    return Facts(status=status, roles=roles, **more)  # type: ignore[arg-type]


def take(action: Action, facts: Facts) -> Step:
    """Plan ``action`` bringing exactly what the table asks of it."""
    return plan(action, replace(facts, brings=NEEDS[action]))


def test_every_status_is_reachable_and_every_unfinished_one_has_a_way_out() -> None:
    reached, queue = {Status.REPORTED}, deque([Status.REPORTED])
    while queue:
        status = queue.popleft()
        for row in TABLE:
            if row.source == status and row.target not in reached:
                reached.add(row.target)
                queue.append(row.target)
    assert reached == set(Status)
    for status in set(Status) - TERMINAL:
        assert any(row.source == status for row in TABLE), status
    assert not any(row.source in TERMINAL for row in TABLE)
    assert Status.CLOSED not in OPEN and Status.REPORTED in OPEN


def test_the_table_speaks_only_of_roles_that_exist() -> None:
    for row in TABLE:
        assert row.roles - {SYSTEM} <= set(Role.values), row


def test_the_system_hands_over_self_governance_dispatches_detections_and_never_verifies() -> None:
    assert {row.action for row in TABLE if SYSTEM in row.roles} == {
        Action.HAND_TO_ENFORCEMENT,
        Action.REGISTER,
        Action.DISPATCH,
    }
    with pytest.raises(TransitionRefused):
        take(Action.VERIFY, facts(Status.HANDLED, frozenset({SYSTEM, "dispatcher"})))


def test_the_system_registers_and_dispatches_only_what_the_district_switched_on() -> None:
    """003_7ab3c9b0f83cb58d.txt: 逐步实现智能化自动派单 — scene by scene, never past the rules a
    dispatcher keeps: a residential grid's case still goes to self-governance first."""
    system = frozenset({SYSTEM})
    for status, action in (
        (Status.REPORTED, Action.REGISTER),
        (Status.REGISTERED, Action.DISPATCH),
    ):
        with pytest.raises(TransitionRefused) as refused:
            take(action, facts(status, system))
        assert refused.value.code == "guard"
    detected = facts(Status.REPORTED, system, auto_dispatch=True)
    assert take(Action.REGISTER, detected).target == Status.REGISTERED
    residential = replace(detected, front_end_eligible=True)
    assert take(Action.REGISTER, residential).target == Status.SELF_GOVERNANCE
    assert take(Action.DISPATCH, replace(detected, status=Status.REGISTERED)).target == (
        Status.DISPATCHED
    )
    # A department sent it back as wrongly dispatched: a person decides where it goes next.
    with pytest.raises(TransitionRefused):
        take(Action.DISPATCH, replace(detected, status=Status.RETURNED))
    # People register and dispatch as before, whatever the case's category.
    assert take(Action.DISPATCH, facts(Status.RETURNED)).target == Status.DISPATCHED


def test_an_action_the_table_does_not_allow_is_refused_with_the_reason() -> None:
    with pytest.raises(TransitionRefused) as refused:
        take(Action.VERIFY, facts(Status.REPORTED))
    assert refused.value.code == "illegal_transition"
    assert refused.value.reason == "Verify and close is not possible while the case is reported."


def test_a_residential_case_goes_to_self_governance_first() -> None:
    """000_5ac562c39a6533b0.txt: 居村网格应在1-3天内…尽量将问题解决在前端; then 后端共治."""
    step = take(Action.REGISTER, facts(Status.REPORTED, front_end_eligible=True))
    assert step.target == Status.SELF_GOVERNANCE
    assert take(Action.REGISTER, facts(Status.REPORTED)).target == Status.REGISTERED
    chief = facts(Status.SELF_GOVERNANCE, frozenset({"grid_chief"}))
    assert take(Action.HAND_TO_ENFORCEMENT, chief).target == Status.REGISTERED
    assert take(Action.RESOLVE_FRONT_END, chief).target == Status.HANDLED


def test_the_handler_never_verifies_their_own_work() -> None:
    """002_f379301d1ac1d4c4.txt: 街镇网格化管理中心…负责…结案复核: another checks the closure."""
    handled = facts(Status.HANDLED, frozenset({"inspector"}), actor_id=7, handler_id=7)
    with pytest.raises(TransitionRefused, match="cannot verify"):
        take(Action.VERIFY, handled)
    assert take(Action.VERIFY, replace(handled, actor_id=8)).target == Status.CLOSED


def test_only_the_holding_department_accepts_returns_and_handles() -> None:
    dispatched = facts(Status.DISPATCHED, HANDLER, actor_in_holder=False)
    for action in (Action.ACCEPT, Action.RETURN):
        with pytest.raises(TransitionRefused, match="holding the case"):
            plan(action, dispatched)
    assert take(Action.ACCEPT, replace(dispatched, actor_in_holder=True)).target == Status.ACCEPTED


def test_a_return_needs_a_reason() -> None:
    accepted = Facts(status=Status.ACCEPTED, roles=HANDLER, actor_in_holder=True)
    with pytest.raises(TransitionRefused) as refused:
        plan(Action.RETURN, accepted)
    assert refused.value.code == "missing_reason"
    step = plan(Action.RETURN, replace(accepted, brings=frozenset({Need.REASON})))
    assert step.target == Status.RETURNED
    assert take(Action.DISPATCH, facts(Status.RETURNED)).target == Status.DISPATCHED


def test_rework_goes_back_to_whoever_handled_it() -> None:
    verifier = frozenset({"supervisor"})
    assert take(Action.REWORK, facts(Status.HANDLED, verifier, dispatched=True)).target == (
        Status.ACCEPTED
    )
    assert take(Action.REWORK, facts(Status.HANDLED, verifier)).target == Status.SELF_GOVERNANCE


def test_a_patrol_fixes_its_own_find_on_the_spot_with_evidence() -> None:
    """002_f379301d1ac1d4c4.txt: 对一些当场发现并能处置的问题,应立即予以处置."""
    patrol = facts(Status.REPORTED, frozenset({"inspector"}), actor_id=3, reporter_id=3)
    assert take(Action.FIX_ON_SPOT, patrol).target == Status.HANDLED  # someone else verifies
    with pytest.raises(TransitionRefused, match="found the problem"):
        take(Action.FIX_ON_SPOT, replace(patrol, reporter_id=4))
    with pytest.raises(TransitionRefused, match="needs photo or note"):
        plan(Action.FIX_ON_SPOT, replace(patrol, brings=frozenset()))


def test_chronic_problems_are_tracked_by_the_district_only() -> None:
    """002_f379301d1ac1d4c4.txt: 一时难以处置的管理顽症,
    由区城市网格化综合管理中心进行专项调查和动态管控."""
    town = facts(Status.DISPATCHED, actor_is_district=False)
    with pytest.raises(TransitionRefused, match="district"):
        take(Action.TRACK_CHRONIC, town)
    district = replace(town, actor_is_district=True)
    assert take(Action.TRACK_CHRONIC, district).target == Status.CHRONIC
    back = replace(district, status=Status.CHRONIC)
    assert take(Action.UNTRACK_CHRONIC, back).target == Status.REGISTERED


@pytest.mark.parametrize("before", [Status.REGISTERED, Status.ACCEPTED, Status.SELF_GOVERNANCE])
def test_a_suspended_case_resumes_where_it_was(before: Status) -> None:
    assert take(Action.SUSPEND, facts(before)).target == Status.SUSPENDED
    suspended = facts(Status.SUSPENDED, status_before_suspension=before)
    assert take(Action.RESUME, suspended).target == before


def test_what_a_step_has_no_use_for_is_refused_not_dropped() -> None:
    registering = replace(facts(Status.REPORTED), brings=frozenset({Need.DEPARTMENT}))
    with pytest.raises(TransitionRefused) as refused:
        plan(Action.REGISTER, registering)
    assert refused.value.code == "unexpected_department"
    verifying = Facts(Status.HANDLED, frozenset({"inspector"}), actor_id=8, handler_id=7)
    with pytest.raises(TransitionRefused, match="takes no rating, reason"):
        plan(Action.VERIFY, replace(verifying, brings=frozenset({Need.REASON, Need.RATING})))
    # A note or a photo fits any step: the verifier may say what was seen.
    assert plan(Action.VERIFY, replace(verifying, brings=frozenset({Need.EVIDENCE}))).target == (
        Status.CLOSED
    )


def test_the_wrong_role_is_told_which_roles_may_act() -> None:
    with pytest.raises(TransitionRefused) as refused:
        take(Action.DISPATCH, facts(Status.REGISTERED, HANDLER))
    assert refused.value.code == "forbidden_role"
    assert refused.value.reason == "Dispatch is for: Administrator, Dispatcher, Duty chief."


def test_the_actions_on_offer_depend_on_status_and_role() -> None:
    assert set(allowed_actions(facts(Status.REPORTED))) == {
        Action.REGISTER,
        Action.REJECT,
        Action.MERGE,
    }
    holder = facts(Status.ACCEPTED, HANDLER, actor_in_holder=True)
    assert set(allowed_actions(holder)) == {Action.RETURN, Action.ARRIVE, Action.HANDLE}
    assert allowed_actions(facts(Status.EVALUATED)) == []
