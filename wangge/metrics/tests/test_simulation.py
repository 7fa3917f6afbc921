"""A long random history through the real services: whatever legal path each case takes, at
whatever times, the incremental rollups equal those rebuilt from the events, and
``wangge kpi check`` finds nothing (the issue's "rollups rebuilt from events equal the
incremental rollups after a long random simulation")."""

from __future__ import annotations

import contextlib
import datetime
import random
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections
from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case, CaseEvent, WhistleCall
from wangge.cases.remarks import (
    case_consult,
    case_escalate,
    case_rate_by_reporter,
    whistle_blow,
    whistle_rate,
    whistle_respond,
)
from wangge.cases.services import (
    CaseConflict,
    Evidence,
    actor_for,
    case_act,
    case_draft,
    case_facts,
    case_submit,
    case_visible_to,
)
from wangge.cases.sweep import sweep
from wangge.cases.workflow import Action, Need, TransitionRefused, allowed_actions
from wangge.catalog.models import Category
from wangge.metrics import rollups
from wangge.people.testing import Cast

SHANGHAI = ZoneInfo("Asia/Shanghai")
STEPS = 800
FINISHED = frozenset({"evaluated", "rejected", "merged"})


def _spot(grid: Any) -> tuple[float, float]:
    point = shape(grid.geometry).representative_point()
    return point.x, point.y


def _simulate(cast: Cast, seed: int, steps: int = STEPS) -> None:
    rng = random.Random(seed)
    categories = list(
        Category.objects.filter(parent__isnull=False, family="event", urgent=False)[:3]
    ) + list(Category.objects.filter(parent__isnull=False, urgent=True)[:1])
    people = [cast.alice, cast.bob, cast.carol, cast.dora, cast.ivan]
    actors = {user.pk: actor_for(user) for user in people}
    reporters = [
        (cast.ivan, Channel.PATROL, cast.block_a),
        (cast.ivan, Channel.CITIZEN, cast.block_a),
        (cast.alice, Channel.HOTLINE_12345, cast.block_a),
        (cast.alice, Channel.VIDEO, cast.block_a),
        (cast.bob, Channel.HOTLINE_12319, cast.block_b),
        (cast.carol, Channel.AI, cast.block_b),
        (cast.carol, Channel.MEDIA, cast.block_a),
    ]
    now = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)
    with time_machine.travel(now, tick=False) as clock:
        for _ in range(steps):
            now += datetime.timedelta(minutes=rng.choice([1, 7, 30, 90, 240, 600, 1500]))
            clock.move_to(now)
            roll = rng.random()
            cases = list(Case.objects.select_related("grid", "category", "holder"))
            # Mostly cases still on their way, so that paths run to their end.
            moving = [c for c in cases if c.status not in FINISHED] or cases
            if roll < 0.08 or not cases:
                user, channel, grid = rng.choice(reporters)
                lng, lat = _spot(grid)
                case_submit(
                    draft=case_draft(
                        channel=channel,
                        category=rng.choice(categories),
                        lng=lng,
                        lat=lat,
                        description="随机",
                        reporter=user,
                        at=now,
                    )
                )
            elif roll < 0.2:
                sweep(now=now)
            elif roll < 0.3:
                in_town_a = [c for c in cases if c.grid_id == cast.block_a.pk]
                _remark(rng, cast, actors, rng.choice(in_town_a or cases))
            else:
                departments = [cast.chengguan_a, cast.market_a]
                case = rng.choice(moving if rng.random() < 0.9 else cases)
                _step(rng, actors, case, cases, now, departments)


def _step(
    rng: random.Random,
    actors: dict[int, Any],
    case: Case,
    cases: list[Case],
    now: Any,
    departments: list[Any],
) -> None:
    choices = [
        (actor, action)
        for actor in actors.values()
        if case_visible_to(case, actor)
        for action in allowed_actions(case_facts(case, actor))
    ]
    if not choices:
        return
    # Holds and chronic tracking are open to many at most times: taken rarely, or they would
    # crowd out the paths to closure.
    rare = {Action.SUSPEND, Action.TRACK_CHRONIC, Action.REJECT, Action.MERGE}
    choices = [c for c in choices if c[1] not in rare or rng.random() < 0.15] or choices
    actor, action = rng.choice(choices)
    needs = {need for row_need in _needs(action) for need in row_need}
    originals = [c for c in cases if c.pk != case.pk and c.duplicate_of_id is None]
    department = None
    if Need.DEPARTMENT in needs:
        department = rng.choice([None, *departments])
    with contextlib.suppress(TransitionRefused, CaseConflict, IndexError):
        case_act(
            case=case,
            action=action,
            actor=actor,
            version=case.version,
            reason="原因" if Need.REASON in needs else "",
            department=department,
            duplicate_of=rng.choice(originals) if Need.DUPLICATE_OF in needs else None,
            evidence=Evidence(note="已处理") if Need.EVIDENCE in needs else None,
            rating=rng.randint(1, 5) if Need.RATING in needs else None,
            at=now,
        )


def _needs(action: Action) -> list[frozenset[Need]]:
    from wangge.cases.workflow import NEEDS

    return [NEEDS[action]]


def _remark(rng: random.Random, cast: Cast, actors: dict[int, Any], case: Case) -> None:
    alice, dora = actors[cast.alice.pk], actors[cast.dora.pk]
    calls = list(WhistleCall.objects.select_related("whistle__case"))
    try:
        kinds = ["whistle", "whistle", "respond", "respond", "rate", "reporter", "escalate"]
        kind = rng.choice([*kinds, "consult"])
        if kind == "whistle":
            whistle_blow(
                case=case,
                actor=alice,
                version=case.version,
                departments=rng.sample([cast.chengguan_a, cast.market_a], rng.randint(1, 2)),
                note="吹哨",
                response=datetime.timedelta(minutes=rng.choice([10, 30, 120])),
            )
        elif kind == "respond" and calls:
            call = rng.choice(calls)
            version = call.whistle.case.version
            whistle_respond(
                call=call, actor=dora, version=version, arrive_by=call.whistle.respond_by
            )
        elif kind == "rate" and calls:
            call = rng.choice(calls)
            version = call.whistle.case.version
            whistle_rate(call=call, actor=alice, version=version, rating=rng.randint(1, 5))
        elif kind == "reporter":
            case_rate_by_reporter(case=case, rating=rng.randint(1, 5))
        elif kind == "escalate":
            case_escalate(case=case, actor=alice, version=case.version, reason="上报")
        elif kind == "consult":
            case_consult(case=case, actor=alice, version=case.version, note="会商", participants=[])
    except (TransitionRefused, CaseConflict):
        pass


def _assert_rebuilt_equals_incremental() -> None:
    incremental = rollups.stored()
    assert rollups.differences() == []
    call_command("kpi", "check")  # exits 1 (CommandError) on any difference
    rollups.rebuild()
    rebuilt = rollups.stored()
    assert rebuilt.cases == incremental.cases
    assert rebuilt.scopes == incremental.scopes
    assert incremental.cases, "the simulation counted nothing"


@pytest.mark.django_db(transaction=False)
def test_a_long_random_history_rebuilds_to_the_incremental_rollups(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    _simulate(cast, seed=20260302)
    # Checked and rebuilt in pieces of 5 cases, added up every 3 pieces: as a city's history is,
    # in pieces of 10,000 added up every 20, with rows that many pieces add to.
    monkeypatch.setattr(rollups, "_CASES_AT_ONCE", 5)
    monkeypatch.setattr(rollups, "_PIECES_A_FOLD", 3)
    assert Case.objects.count() > 5 * 3 * 2, "too few cases for several folds"
    _assert_rebuilt_equals_incremental()
    actions = set(Case.objects.values_list("events__action", flat=True))
    # The walk reached the paths the indicators care about.
    assert {
        "register",
        "verify",
        "return",
        "rework",
        "red_light",
        "whistle",
        "respond",
        "rate",
        "whistle_late",
        "track_chronic",
        "resume",
    } <= actions


def test_check_reports_a_tampered_rollup(cast: Cast) -> None:
    from django.core.management.base import CommandError

    from wangge.metrics.models import ScopeRollup

    _simulate(cast, seed=7, steps=100)  # a short history has rollups enough to tamper with
    first = ScopeRollup.objects.order_by("pk").values_list("pk", flat=True)[0]
    ScopeRollup.objects.filter(pk=first).update(closed=999)
    with pytest.raises(CommandError, match="differences"):
        call_command("kpi", "check")
    call_command("kpi", "rebuild")
    call_command("kpi", "check")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's check holds the write lock: none writes"
)
def test_a_check_finds_no_difference_in_what_is_written_while_it_runs(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    _simulate(cast, seed=11, steps=80)
    staged = rollups._stage_piece
    written: list[bool] = []

    def stage_then_let_others_write(*args: Any) -> None:
        staged(*args)
        if not written:  # the cases of this piece are staged: the history moves on meanwhile
            writer = threading.Thread(target=_writing_elsewhere, args=(cast, written))
            writer.start()
            writer.join(60)

    monkeypatch.setattr(rollups, "_stage_piece", stage_then_let_others_write)
    assert rollups.differences() == []
    assert written == [True], "the other writer did not write"
    monkeypatch.undo()
    assert rollups.differences() == []  # and what it wrote is counted right


def _writing_elsewhere(cast: Cast, written: list[bool]) -> None:
    try:
        events = CaseEvent.objects.count()
        _simulate(cast, seed=12, steps=40)
        written.append(CaseEvent.objects.count() > events)
    finally:
        connections.close_all()
