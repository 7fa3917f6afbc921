"""The indicators and the contributions without a database."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from wangge.metrics.contributions import (
    NEUTRAL_ACTIONS,
    CaseInfo,
    Event,
    contribution,
    event_delta,
    fold,
)
from wangge.metrics.indicators import COUNTERS, DEFAULT_TARGETS, INDICATORS, evaluate
from wangge.metrics.models import CaseRollup

SHANGHAI = ZoneInfo("Asia/Shanghai")
INFO = CaseInfo(
    grid_id=1, category_id=2, channel="hotline_12345", reporter_id=0, proactive=False,
    in_task_list=True,
)  # fmt: skip


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=SHANGHAI)


def test_no_case_to_judge_by_is_no_value_not_zero() -> None:
    values = evaluate({}, DEFAULT_TARGETS)
    assert values["closure_rate"].value is None
    assert values["closure_rate"].meets_target is None
    assert values["closed"].value == Decimal("0.00")


def test_targets_follow_the_direction_and_default_to_yingpus() -> None:
    # Yingpu seed 003: 先行发现率 85%, 结案率 97%.
    assert DEFAULT_TARGETS == {"proactive_discovery_rate": 85, "closure_rate": 97}
    values = evaluate({"closed": 10, "closed_reworked": 1}, {"rework_rate": Decimal(5)})
    assert values["rework_rate"].value == Decimal("10.00")
    assert values["rework_rate"].meets_target is False  # lower is better
    assert all(indicator.label for indicator in INDICATORS.values())


def test_every_counter_has_a_column() -> None:
    columns = {field.name for field in CaseRollup._meta.get_fields()}
    assert set(COUNTERS) <= columns


def test_a_chronic_case_leaves_the_closure_rate_and_comes_back_when_tracking_ends() -> None:
    events = [
        Event("report", "reported", at(2, 9)),
        Event("register", "registered", at(2, 10), {"due_by": at(5, 10).isoformat()}),
        Event("track_chronic", "chronic", at(3, 9)),
    ]
    (counted,) = [c for c in contribution(INFO, fold(events)).values() if "registered" in c]
    assert counted["chronic"] == 1
    events.append(Event("untrack_chronic", "registered", at(10, 9)))
    (counted,) = [c for c in contribution(INFO, fold(events)).values() if "registered" in c]
    assert counted["chronic"] == 0


def test_time_on_hold_is_not_handling_time() -> None:
    events = [
        Event("report", "reported", at(2, 9)),
        Event("register", "registered", at(2, 10), {"due_by": at(3, 10).isoformat()}),
        Event("suspend", "suspended", at(2, 12)),
        Event("resume", "registered", at(3, 12), {"due_by": at(4, 10).isoformat()}),
        Event("fix_on_spot", "handled", at(3, 13)),
        Event("verify", "closed", at(4, 9)),
    ]
    closure = next(c for c in contribution(INFO, fold(events)).values() if "closed" in c)
    assert closure["handling_seconds"] == (47 - 24) * 3600
    assert closure["closed_on_time"] == 1  # the resumed deadline, 4 March 10:00


def test_a_return_counts_for_the_department_that_returned() -> None:
    events = [
        Event("report", "reported", at(2, 9)),
        Event("register", "registered", at(2, 10)),
        Event("dispatch", "dispatched", at(2, 11), {"department": 7}),
        Event("return", "returned", at(2, 12)),
        Event("dispatch", "dispatched", at(2, 13), {"department": 8}),
    ]
    counted = contribution(INFO, fold(events))
    assert {key.department_id for key, c in counted.items() if c["returns"]} == {7}
    assert {key.department_id for key, c in counted.items() if c["registered"]} == {8}


def test_neutral_events_change_nothing() -> None:
    events = [
        Event("report", "reported", at(2, 9)),
        Event("register", "registered", at(2, 10)),
    ]
    for action in NEUTRAL_ACTIONS - {"report"}:
        assert event_delta(INFO, [*events, Event(action, "registered", at(2, 11))]) == {}
    assert event_delta(INFO, events[:1]) == {}
