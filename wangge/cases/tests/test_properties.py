"""Random action sequences by random people: whatever they try, the case stays inside the table,
no event is lost, closure is verified by someone other than the handler, and a deadline never
moves without an event saying so."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from wangge.cases.models import Case
from wangge.cases.services import CaseConflict, Evidence, actor_for, case_act, case_facts
from wangge.cases.testing import submit_in_town_a
from wangge.cases.workflow import (
    NEEDS,
    TABLE,
    Action,
    Need,
    Status,
    TransitionRefused,
    allowed_actions,
)
from wangge.catalog.models import Category
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db
PEOPLE = ["alice", "carol", "ada", "dora", "ivan", "bob"]
LEGAL = {(row.source, row.target) for row in TABLE}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_sequence_of_attempts_breaks_the_rules(
    cast: Cast, ordinary_category: Category, data: st.DataObject
) -> None:
    original = submit_in_town_a(cast, ordinary_category)
    case = submit_in_town_a(cast, ordinary_category)
    for _ in range(data.draw(st.integers(min_value=1, max_value=30), label="steps")):
        who = data.draw(st.sampled_from(PEOPLE), label="who")
        user = getattr(cast, who)
        # Mostly what the table offers this person now, sometimes anything at all.
        offered = allowed_actions(case_facts(case, actor_for(user)))
        anything = data.draw(st.integers(0, 4)) == 0
        choices = list(Action) if anything or not offered else offered
        action = data.draw(st.sampled_from(choices), label="action")
        was_status, was_due_by, was_version = case.workflow_status, case.due_by, case.version
        # Mostly what the action takes, sometimes something it has no use for.
        takes = NEEDS[action] | {
            need for need in Need if data.draw(st.integers(0, 9), label=f"extra {need}") == 0
        }
        department = data.draw(st.sampled_from([None, "chengguan_a", "market_a"]))
        try:
            case = case_act(
                case=Case.objects.get(pk=case.pk),
                action=action,
                actor=actor_for(user),
                version=was_version - 1 if data.draw(st.integers(0, 9)) == 0 else was_version,
                reason="理由" if Need.REASON in takes and data.draw(st.integers(0, 5)) else "",
                department=getattr(cast, department)
                if department and Need.DEPARTMENT in takes
                else None,
                duplicate_of=original if Need.DUPLICATE_OF in takes else None,
                evidence=Evidence(note="现场照片" if data.draw(st.integers(0, 5)) else ""),
                rating=data.draw(st.one_of(st.none(), st.integers(min_value=0, max_value=6)))
                if Need.RATING in takes
                else None,
            )
        except (TransitionRefused, CaseConflict):
            case = Case.objects.get(pk=case.pk)
            assert case.version == was_version  # a refusal writes nothing
            assert case.events.count() == was_version
            continue
        assert (was_status, case.workflow_status) in LEGAL
        event = case.events.get(sequence=case.version)
        assert event.action == action.value
        if case.due_by != was_due_by:
            assert "due_by" in event.data
    # Steer the search towards long lives: cases that get far exercise the most rules.
    target(float(case.version), label="steps taken")
    events = list(case.events.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, case.version + 1))
    assert events[-1].to_status == case.status
    if case.workflow_status in (Status.CLOSED, Status.EVALUATED):
        closing = next(e for e in events if e.to_status == Status.CLOSED)
        assert closing.action == Action.VERIFY and closing.actor_id is not None
        handled = [e for e in events if e.to_status == Status.HANDLED]
        assert closing.actor_id != handled[-1].actor_id
