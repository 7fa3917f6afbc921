"""Patrols: a GPS track sent from the phone in batches yields the blocks it passed through each
day (Minhang, 000_5ac562c39a6533b0.txt: 确保每个责任路段每天有人在岗巡查) and the checkpoints it
visited (Jing'an, 002_f379301d1ac1d4c4.txt: 定点化巡更); the cases reported on the way are its
finds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
import time_machine

from wangge.cases.choices import Channel
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.core.testing import beijing
from wangge.forces.models import Checkpoint, PatrolBlock, TrackPoint
from wangge.forces.patrols import (
    Fix,
    PatrolRefused,
    patrol_grid_at,
    patrol_start,
    patrol_stop,
    patrol_track_add,
)
from wangge.forces.selectors import blocks_covered, patrols_now
from wangge.grids.models import Grid
from wangge.grids.testing import import_small_tree, point
from wangge.intake.services import Report, intake_submit
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Person
from wangge.people.scope import access_scope
from wangge.people.services import organisation_create, person_create, role_assign

pytestmark = pytest.mark.django_db

START = beijing(2025, 6, 10, 9)
UNIT = "310112001001001"


@dataclass(frozen=True)
class Ground:
    unit: Grid
    inspector: Person
    stranger: Person


@pytest.fixture
def ground(db: None) -> Ground:
    """The small tree: town A's unit in four blocks (001 south-west, 002 south-east, 003
    north-west, 004 north-east), an inspector on it, and one on town B's unit."""
    import_small_tree()
    catalog_load_defaults()
    unit = Grid.objects.get(code=UNIT)
    other = Grid.objects.get(code="310112002001001")
    people = []
    for name, grid, username in (("江川巡查员", unit, "walker"), ("古美巡查员", other, "other")):
        station = organisation_create(
            name=f"{grid.name}工作站", kind=OrganisationKind.WORKSTATION, jurisdiction=grid
        )
        person = person_create(name=name, organisation=station, username=username)
        role_assign(person=person, role=Role.INSPECTOR, grid=grid)
        people.append(person)
    return Ground(unit, *people)


def walk(
    *spots: tuple[float, float], every: int = 30, start: datetime.datetime = START
) -> list[Fix]:
    """Fixes at the spots (in the small tree's hundredths of a degree), ``every`` seconds."""
    return [
        Fix(start + datetime.timedelta(seconds=every * i), *point(x, y))
        for i, (x, y) in enumerate(spots)
    ]


def line(x0: float, y0: float, x1: float, y1: float, steps: int) -> list[tuple[float, float]]:
    return [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(steps + 1)]


def codes(grids: list[Grid]) -> list[str]:
    return [grid.code[-3:] for grid in grids]


def test_a_track_yields_the_blocks_it_passed_through(ground: Ground) -> None:
    patrol, _ = patrol_start(person=ground.inspector, grid=ground.unit, at=START)
    # East along the south of the unit, then north up its east side: 001, 002, then 004.
    fixes = walk(*line(0.2, 0.5, 1.8, 0.5, 16), *line(1.8, 0.6, 1.8, 1.5, 9)[1:])
    result = patrol_track_add(patrol=patrol, fixes=fixes, now=START + datetime.timedelta(hours=1))
    assert codes(result.blocks) == ["001", "002", "004"]
    covered = blocks_covered(START.date(), within=ground.unit)
    assert [grid.code[-3:] for grid in covered] == ["001", "002", "004"]


def test_the_line_between_two_fixes_counts_as_walked_unless_the_silence_is_long(
    ground: Ground,
) -> None:
    patrol, _ = patrol_start(person=ground.inspector, grid=ground.unit, at=START)
    # Two fixes two minutes apart, in blocks 001 and 004: the path between them, across a
    # corner of block 002, was walked.
    result = patrol_track_add(patrol=patrol, fixes=walk((0.95, 0.85), (1.1, 1.05), every=120))
    assert codes(result.blocks) == ["001", "002", "004"]
    later = START + datetime.timedelta(hours=1)
    # Ten minutes without a fix: a ride, or no signal. Only where the fixes were counts.
    patrol_b, _ = patrol_start(person=ground.stranger, grid=ground.unit, at=START)
    gap = walk((0.5, 1.5), (1.5, 0.5), every=600, start=later)
    assert codes(patrol_track_add(patrol=patrol_b, fixes=gap).blocks) == ["002", "003"]


def test_a_batch_sent_twice_or_late_adds_nothing_twice(ground: Ground) -> None:
    patrol, _ = patrol_start(person=ground.inspector, grid=ground.unit, at=START)
    fixes = walk(*line(0.25, 0.5, 1.85, 0.5, 16))
    second_half, first_half = fixes[8:], fixes[:8]
    first = patrol_track_add(patrol=patrol, fixes=second_half)
    again = patrol_track_add(patrol=patrol, fixes=second_half)
    late = patrol_track_add(patrol=patrol, fixes=first_half)
    assert (first.added, again.added, late.added) == (9, 0, 8)
    assert codes(first.blocks) == ["002"] and again.blocks == [] and codes(late.blocks) == ["001"]
    assert TrackPoint.objects.filter(patrol=patrol).count() == 17
    assert PatrolBlock.objects.filter(patrol=patrol).count() == 2
    patrol.refresh_from_db()
    assert patrol.last_at == fixes[-1].at


def test_a_checkpoint_is_visited_when_the_track_comes_within_its_radius(ground: Ground) -> None:
    near = Checkpoint.objects.create(
        grid=ground.unit, name="小区南门", lng=point(1.5, 0.5)[0], lat=point(1.5, 0.5)[1] + 0.0002
    )
    far = Checkpoint.objects.create(
        grid=ground.unit, name="垃圾房", lng=point(1.5, 1.5)[0], lat=point(1.5, 1.5)[1]
    )
    patrol, _ = patrol_start(person=ground.inspector, grid=ground.unit, at=START)
    result = patrol_track_add(patrol=patrol, fixes=walk(*line(0.2, 0.5, 1.8, 0.5, 16)))
    assert result.checkpoints == [near]
    visit = patrol.visits.get()
    assert visit.checkpoint == near and visit.distance_m == pytest.approx(22.2, abs=0.5)
    assert not far.visits.exists()


def test_fixes_outside_the_patrol_s_time_are_left_out(ground: Ground) -> None:
    patrol, _ = patrol_start(person=ground.inspector, grid=ground.unit, at=START)
    patrol_stop(patrol=patrol, at=START + datetime.timedelta(minutes=10))
    before = walk((0.5, 0.5), start=START - datetime.timedelta(minutes=5))
    after = walk((0.5, 0.5), start=START + datetime.timedelta(minutes=20))
    during = walk((0.6, 0.5), start=START + datetime.timedelta(minutes=5))
    result = patrol_track_add(patrol=patrol, fixes=[*before, *during, *after])
    assert (result.added, result.outside) == (1, 2)
    with pytest.raises(PatrolRefused):
        patrol_track_add(patrol=patrol, fixes=walk(*([(0.5, 0.5)] * 1001), every=1))


def test_a_person_has_one_patrol_at_a_time_and_starting_again_returns_it(ground: Ground) -> None:
    first, new = patrol_start(person=ground.inspector, grid=ground.unit, at=START)
    again, again_new = patrol_start(person=ground.inspector, grid=ground.unit)
    assert new and not again_new and again == first
    patrol_stop(patrol=first)
    patrol_stop(patrol=first)
    assert patrol_start(person=ground.inspector, grid=ground.unit)[1]


def test_a_patrol_starting_in_a_block_patrols_its_unit(ground: Ground) -> None:
    assert patrol_grid_at(*point(1.5, 1.5)) == ground.unit
    assert patrol_grid_at(*point(9, 9)) is None


def test_cases_reported_on_the_way_are_the_patrol_s_finds(ground: Ground) -> None:
    category = Category.objects.filter(family="event", parent__isnull=False).first()
    assert category is not None
    patrol, _ = patrol_start(person=ground.inspector, grid=ground.unit, at=START)

    def report(at: datetime.datetime, channel: str = Channel.PATROL) -> None:
        with time_machine.travel(at, tick=False):
            intake_submit(
                Report(
                    channel=channel,
                    category=category,
                    lng=point(0.5, 0.5)[0],
                    lat=point(0.5, 0.5)[1],
                    description="人行道无证设摊",
                    reporter=ground.inspector.user,
                ),
                source="app",
            )

    report(START + datetime.timedelta(minutes=5))
    report(START + datetime.timedelta(minutes=6), channel=Channel.CITIZEN)
    patrol_stop(patrol=patrol, at=START + datetime.timedelta(minutes=30))
    report(START + datetime.timedelta(minutes=40))
    assert [find.case.description for find in patrol.finds.all()] == ["人行道无证设摊"]
    assert patrol.finds.get().case.reported_at == START + datetime.timedelta(minutes=5)


def test_the_centre_sees_who_is_patrolling_where_now(ground: Ground) -> None:
    mine, _ = patrol_start(person=ground.inspector, grid=ground.unit, at=START)
    patrol_track_add(patrol=mine, fixes=walk((0.5, 0.5), (0.6, 0.5)))
    done, _ = patrol_start(person=ground.stranger, grid=ground.unit, at=START)
    patrol_stop(patrol=done)
    now = patrols_now(access_scope(ground.inspector.user))
    assert [(p.person, p.last_lng, p.last_lat) for p in now] == [
        (ground.inspector, *point(0.6, 0.5))
    ]
    assert not patrols_now(access_scope(ground.stranger.user)).exists()
