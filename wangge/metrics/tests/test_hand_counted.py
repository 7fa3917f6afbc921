"""A small history written out by hand, and every indicator counted by hand (docs/kpis.md): for a
unit grid, a town, the district and two departments, over a day, a week and a month.

Twelve cases; times are Shanghai time in March 2026 (Monday 2 March to Sunday 8 March is the
week). A and B are the cast's two towns; D1 is 城管's town-A office, D2 市场监管's. Sub-class L is
on the task list of the cast's grids, U is not (先行发现 counts complaints on the task list only:
Minhang seed 000, "以责任倒查评价网格先行发现率"). Targets are Yingpu's (seed 003): 85% and 97%.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.cases.choices import Channel
from wangge.cases.models import Case, CaseEvent
from wangge.catalog.models import Category, TaskItem
from wangge.grids.choices import GridKind
from wangge.metrics.rollups import rebuild
from wangge.metrics.selectors import Scope, indicators
from wangge.people.testing import Cast

SHANGHAI = ZoneInfo("Asia/Shanghai")


def t(when: str) -> datetime.datetime:
    """'03-02 09:00' in Shanghai, 2026."""
    return datetime.datetime.strptime(f"2026-{when}", "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def iso(when: str) -> str:
    return t(when).isoformat()


def d(when: str) -> datetime.date:
    return t(f"{when} 12:00").date()


@pytest.fixture
def history(cast: Cast) -> dict[str, Any]:
    main = Category.objects.create(family="event", code="99", name="测试大类")
    listed = Category.objects.create(family="event", code="9901", name="L", parent=main)
    unlisted = Category.objects.create(family="event", code="9902", name="U", parent=main)
    for kind in {GridKind.task_list_kind(g.kind) for g in (cast.block_a, cast.block_b)}:
        item = TaskItem.objects.create(grid_kind=kind, task_class="测试", name="测试项")
        item.categories.add(listed)
    d1, d2 = cast.chengguan_a.pk, cast.market_a.pk
    number = iter(range(1, 100))

    def case(grid: Any, channel: str, category: Category, reporter: Any, *events: Any) -> None:
        row = Case.objects.create(
            number=f"T{next(number)}",
            channel=channel,
            category=category,
            grid=grid,
            lng=0,
            lat=0,
            description="手写",
            reporter=reporter,
            reported_at=t(events[0][2]),
            status=events[-1][1],
        )
        for sequence, (action, to_status, when, *data) in enumerate(events, start=1):
            CaseEvent.objects.create(
                case=row,
                sequence=sequence,
                action=action,
                to_status=to_status,
                at=t(when),
                data=data[0] if data else {},
            )

    a, b = cast.block_a, cast.block_b
    # C1: patrol find, resolved by self-governance, closed 3/3, callback 5.
    case(a, Channel.PATROL, listed, cast.ivan,
         ("report", "reported", "03-02 09:00"),
         ("register", "self_governance", "03-02 10:00", {"due_by": iso("03-05 10:00")}),
         ("resolve_front_end", "handled", "03-03 09:00"),
         ("verify", "closed", "03-03 12:00"),
         ("evaluate", "evaluated", "03-04 09:00", {"rating": 5}))  # fmt: skip
    # C2: hotline complaint on the list, D1, reworked once, closed 3/5 on time; callback 2, the
    # reporter's own rating 4 (which is the citizen rating).
    case(a, Channel.HOTLINE_12345, listed, cast.alice,
         ("report", "reported", "03-02 11:00"),
         ("register", "self_governance", "03-02 11:30", {"due_by": iso("03-05 11:30")}),
         ("hand_to_enforcement", "registered", "03-03 09:00", {"due_by": iso("03-07 09:00")}),
         ("dispatch", "dispatched", "03-03 10:00", {"department": d1}),
         ("accept", "accepted", "03-03 11:00"),
         ("handle", "handled", "03-04 10:00"),
         ("rework", "accepted", "03-04 15:00"),
         ("handle", "handled", "03-05 10:00"),
         ("verify", "closed", "03-05 16:00"),
         ("evaluate", "evaluated", "03-06 09:00", {"rating": 2}),
         ("reporter_rating", "evaluated", "03-06 10:00", {"rating": 4}))  # fmt: skip
    # C3: citizen report off the list; D1 returns it, D2 takes it, red light 3/7, closed late 3/9.
    case(a, Channel.CITIZEN, unlisted, cast.ivan,
         ("report", "reported", "03-02 12:00"),
         ("register", "self_governance", "03-02 13:00", {"due_by": iso("03-05 13:00")}),
         ("hand_to_enforcement", "registered", "03-03 08:00", {"due_by": iso("03-07 08:00")}),
         ("dispatch", "dispatched", "03-03 09:00", {"department": d1}),
         ("return", "returned", "03-03 10:00"),
         ("dispatch", "dispatched", "03-03 11:00", {"department": d2}),
         ("red_light", "dispatched", "03-07 08:05"),
         ("accept", "accepted", "03-08 09:00"),
         ("handle", "handled", "03-08 10:00"),
         ("verify", "closed", "03-09 10:00"))  # fmt: skip
    # C4: fixed on the spot by the patrol that found it.
    case(a, Channel.PATROL, unlisted, cast.ivan,
         ("report", "reported", "03-03 09:00"),
         ("fix_on_spot", "handled", "03-03 09:10"),
         ("verify", "closed", "03-03 10:00"))  # fmt: skip
    # C5: a duplicate, merged; C6: rejected.
    case(a, Channel.HOTLINE_12345, listed, None,
         ("report", "reported", "03-03 14:00"),
         ("merge", "merged", "03-03 15:00"))  # fmt: skip
    case(a, Channel.CITIZEN, listed, None,
         ("report", "reported", "03-04 08:00"),
         ("reject", "rejected", "03-04 09:00"))  # fmt: skip
    # C7: video patrol find, D1, then under chronic tracking.
    case(a, Channel.VIDEO, listed, cast.alice,
         ("report", "reported", "03-04 10:00"),
         ("register", "self_governance", "03-04 10:30", {"due_by": iso("03-07 10:30")}),
         ("hand_to_enforcement", "registered", "03-04 12:00", {"due_by": iso("03-08 12:00")}),
         ("dispatch", "dispatched", "03-04 13:00", {"department": d1}),
         ("track_chronic", "chronic", "03-05 09:00"))  # fmt: skip
    # C8: hotline, D1; whistle for D1 and D2 (D1 answers in 15 minutes, D2 never; rated 4 and
    # 2); suspended for a day; closed 3/6.
    case(a, Channel.HOTLINE_12345, listed, None,
         ("report", "reported", "03-05 09:00"),
         ("register", "self_governance", "03-05 09:30", {"due_by": iso("03-08 09:30")}),
         ("hand_to_enforcement", "registered", "03-05 10:00", {"due_by": iso("03-09 10:00")}),
         ("dispatch", "dispatched", "03-05 11:00", {"department": d1}),
         ("whistle", "dispatched", "03-05 11:30", {"whistle": 1, "departments": [d1, d2]}),
         ("respond", "dispatched", "03-05 11:45", {"whistle": 1, "department": d1}),
         ("suspend", "suspended", "03-05 12:00"),
         ("whistle_late", "suspended", "03-05 12:05", {"whistle": 1, "department": d2}),
         ("resume", "dispatched", "03-06 12:00", {"due_by": iso("03-10 10:00")}),
         ("accept", "accepted", "03-06 13:00"),
         ("handle", "handled", "03-06 15:00"),
         ("verify", "closed", "03-06 18:00"),
         ("rate", "closed", "03-07 09:00", {"whistle": 1, "department": d1, "rating": 4}),
         ("rate", "closed", "03-07 09:05", {"whistle": 1, "department": d2, "rating": 2}),
         )  # fmt: skip
    # C9: town B, hotline on the list; self-governance ran out (red light), still open.
    case(b, Channel.HOTLINE_12345, listed, cast.bob,
         ("report", "reported", "03-02 09:00"),
         ("register", "self_governance", "03-02 09:30", {"due_by": iso("03-05 09:30")}),
         ("red_light", "self_governance", "03-05 09:35"),
         ("hand_to_enforcement", "registered", "03-05 09:35", {"due_by": iso("03-09 09:35")}),
         )  # fmt: skip
    # C10: town B, patrol find, self-governed, closed 3/2, callback 4.
    case(b, Channel.PATROL, unlisted, cast.carol,
         ("report", "reported", "03-02 10:00"),
         ("register", "self_governance", "03-02 10:05", {"due_by": iso("03-05 10:05")}),
         ("resolve_front_end", "handled", "03-02 16:00"),
         ("verify", "closed", "03-02 17:00"),
         ("evaluate", "evaluated", "03-03 09:00", {"rating": 4}))  # fmt: skip
    # C11: town B, later in March.
    case(b, Channel.HOTLINE_12345, listed, cast.bob,
         ("report", "reported", "03-20 09:00"),
         ("register", "self_governance", "03-20 09:20", {"due_by": iso("03-23 09:20")}),
         ("resolve_front_end", "handled", "03-21 08:00"),
         ("verify", "closed", "03-21 09:20"))  # fmt: skip
    # C12: reported on 31 March, registered on 1 April.
    case(a, Channel.HOTLINE_12345, listed, cast.alice,
         ("report", "reported", "03-31 23:30"),
         ("register", "self_governance", "04-01 00:30", {"due_by": iso("04-04 00:30")}),
         )  # fmt: skip
    rebuild()
    return {"cast": cast, "d1": cast.chengguan_a, "d2": cast.market_a}


def values(scope: Scope, start: str, end: str) -> dict[str, Decimal | None]:
    return {key: v.value for key, v in indicators(scope=scope, start=d(start), end=d(end)).items()}


def D(text: str) -> Decimal:
    return Decimal(text)


def test_unit_grid_on_a_day(history: dict[str, Any]) -> None:
    got = values(Scope.grid(history["cast"].unit_a), "03-03", "03-03")
    assert got == {
        "proactive_discovery_rate": D("100.00"),  # C4 found by patrol; no complaint on 3/3
        "closure_rate": D("100.00"),  # C4 registered 3/3 and closed
        "on_time_rate": D("100.00"),  # C1 (due 3/5), C4 (no deadline)
        "resolution_rate": D("100.00"),  # C1's callback 5
        "satisfaction_rate": D("100.00"),  # C1's callback 5
        "front_end_rate": D("100.00"),  # C1 self-governance, C4 on the spot
        "rework_rate": D("0.00"),
        "overdue": D("0.00"),
        "overdue_closures": D("0.00"),
        "registered": D("1.00"),
        "closed": D("2.00"),
        "returns": D("1.00"),  # D1 returned C3 on 3/3
        "acceptance_time": D("0.17"),  # C4: 10 minutes
        "handling_time": D("13.42"),  # (26 h + 50 min) / 2
        "whistle_response_rate": None,
        "whistle_response_time": None,
        "whistle_rating": None,
    }


def test_unit_grid_over_a_week_and_a_month(history: dict[str, Any]) -> None:
    unit = Scope.grid(history["cast"].unit_a)
    week = values(unit, "03-02", "03-08")
    assert week == {
        "proactive_discovery_rate": D("60.00"),  # C1 C4 C7 ÷ (those + C2 C8); C3 off the list
        "closure_rate": D("100.00"),  # C1 C2 C3 C4 C8 closed ÷ (6 registered − C7 chronic)
        "on_time_rate": D("100.00"),  # closed in the week: C1 C2 C4 C8, all on time
        "resolution_rate": D("50.00"),  # callbacks: C1 5 (solved), C2 2 (not)
        "satisfaction_rate": D("100.00"),  # C1 5, C2 the reporter's own 4
        "front_end_rate": D("50.00"),  # C1 C4 of 4
        "rework_rate": D("25.00"),  # C2 of 4
        "overdue": D("1.00"),  # C3 turned red on 3/7
        "overdue_closures": D("0.00"),  # C3 closed late, but on 3/9
        "registered": D("6.00"),
        "closed": D("4.00"),
        "returns": D("1.00"),
        "acceptance_time": D("0.61"),  # (60+30+60+10+30+30 min) / 6 = 36.67 min
        "handling_time": D("27.96"),  # (26 h + 76.5 h + 50 min + 8.5 h) / 4; C8 less 24 h held
        "whistle_response_rate": D("50.00"),  # D1 answered, D2 late
        "whistle_response_time": D("15.00"),  # D1 in 15 minutes
        "whistle_rating": D("3.00"),  # (4 + 2) / 2
    }
    month = values(unit, "03-01", "03-31")
    assert month["proactive_discovery_rate"] == D("50.00")  # + C12, reported 3/31
    assert month["registered"] == D("6.00")  # C12 registered 4/1
    assert month["closed"] == D("5.00")  # + C3 on 3/9
    assert month["on_time_rate"] == D("80.00")  # C3 late (due 3/7 08:00)
    assert month["overdue_closures"] == D("1.00")
    assert month["front_end_rate"] == D("40.00")
    assert month["rework_rate"] == D("20.00")
    assert month["handling_time"] == D("55.37")  # (111.83 h + 165 h) / 5


def test_town_and_district(history: dict[str, Any]) -> None:
    cast = history["cast"]
    town_b = values(Scope.grid(cast.town_b), "03-02", "03-08")
    assert town_b["proactive_discovery_rate"] == D("50.00")  # C10 ÷ (C10 + C9)
    assert town_b["closure_rate"] == D("50.00")  # C10 of C9 C10
    assert town_b["handling_time"] == D("6.92")  # C10: 6 h 55 min
    assert town_b["overdue"] == D("1.00")  # C9
    assert town_b["acceptance_time"] == D("0.29")  # (30 + 5 min) / 2
    assert town_b["whistle_rating"] is None
    district = values(Scope.grid(cast.district), "03-01", "03-31")
    assert district["proactive_discovery_rate"] == D("44.44")  # 4 ÷ 9
    assert district["closure_rate"] == D("87.50")  # 7 ÷ (9 − 1)
    assert district["on_time_rate"] == D("85.71")  # 6 ÷ 7
    assert district["front_end_rate"] == D("57.14")  # C1 C4 C10 C11 of 7
    assert district["rework_rate"] == D("14.29")
    assert district["resolution_rate"] == D("66.67")  # callbacks C1 5, C2 2, C10 4
    assert district["satisfaction_rate"] == D("100.00")
    assert district["handling_time"] == D("43.96")  # 1,107,900 s / 7
    assert district["acceptance_time"] == D("0.51")  # 16,500 s / 9
    assert district["overdue"] == D("2.00")
    april = values(Scope.grid(cast.district), "04-01", "04-01")
    assert april["registered"] == D("1.00") and april["acceptance_time"] == D("1.00")
    assert april["proactive_discovery_rate"] is None  # nothing reported that day


def test_departments(history: dict[str, Any]) -> None:
    d1 = values(Scope.department(history["d1"]), "03-02", "03-08")
    assert d1["proactive_discovery_rate"] is None  # discovery is the grid's, not D1's
    assert d1["registered"] == D("3.00")  # C2 C7 C8 (C3 went on to D2)
    assert d1["closure_rate"] == D("100.00")  # C2 C8 ÷ (3 − C7 chronic)
    assert d1["rework_rate"] == D("50.00")  # C2 of C2 C8
    assert d1["handling_time"] == D("42.50")  # (76.5 h + 8.5 h) / 2
    assert d1["resolution_rate"] == D("0.00")  # C2's callback 2
    assert d1["returns"] == D("1.00")  # C3
    assert d1["whistle_response_rate"] == D("100.00")
    assert d1["whistle_response_time"] == D("15.00")
    assert d1["whistle_rating"] == D("4.00")
    d2 = values(Scope.department(history["d2"]), "03-02", "03-08")
    assert d2["closure_rate"] == D("100.00")  # C3, closed 3/9, registered 3/2
    assert d2["on_time_rate"] is None  # nothing closed in the week
    assert d2["overdue"] == D("1.00")
    assert d2["whistle_response_rate"] == D("0.00")
    assert d2["whistle_response_time"] is None
    assert d2["whistle_rating"] == D("2.00")


def test_targets_are_yingpus(history: dict[str, Any]) -> None:
    got = indicators(scope=Scope.grid(history["cast"].unit_a), start=d("03-02"), end=d("03-08"))
    assert got["proactive_discovery_rate"].target == D("85")
    assert got["proactive_discovery_rate"].meets_target is False  # 60%
    assert got["closure_rate"].target == D("97")
    assert got["closure_rate"].meets_target is True
