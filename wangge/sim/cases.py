"""A district at work: case streams for the demo, with the week behind it and a live trickle.

Cases arrive by hour of day and by grid kind; patrols and cameras find about half of them first,
the hotline and citizens the rest. The town registers them, residential grids try
self-governance first, departments accept, some return wrong dispatches, most handle on time,
some late; the town verifies, sometimes sends work back, and calls back hotline reporters.
Every step goes through the case services at its own time: the history backdated, so it reads
like the real one, the live trickle each step once its time has come.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone
from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.services import (
    Actor,
    CaseConflict,
    Evidence,
    actor_for,
    case_act,
    case_draft,
    case_route,
    case_submit,
)
from wangge.cases.sweep import sweep
from wangge.cases.workflow import Action, Status, TransitionRefused
from wangge.catalog.models import Category
from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation, RoleAssignment

# Arrivals by hour of day (a district's day: quiet at night, busy mid-morning and afternoon).
HOURLY = np.array([1, 1, 1, 1, 1, 2, 4, 7, 10, 11, 10, 8, 6, 8, 10, 10, 9, 8, 6, 5, 4, 3, 2, 1.0])
CHANNELS = {
    Channel.PATROL: 0.45,
    Channel.VIDEO: 0.07,
    Channel.AI: 0.05,
    Channel.HOTLINE_12345: 0.3,
    Channel.CITIZEN: 0.08,
    Channel.HOTLINE_12319: 0.03,
    Channel.DEPARTMENT: 0.02,
}
MINUTE = datetime.timedelta(minutes=1)
DESCRIPTIONS = {
    "event": [
        "沿街商铺跨门营业",
        "人行道无证设摊",
        "绿地内堆放杂物",
        "夜间施工噪声扰民",
        "非机动车乱停放堵塞通道",
        "小区内乱搭建",
        "垃圾满溢未及时清运",
    ],
    "facility": [
        "窨井盖破损",
        "路灯不亮",
        "消防栓漏水",
        "人行道板松动",
        "护栏损坏",
        "行道树倒伏",
        "公交站牌破损",
    ],
}


@dataclass
class _Cast:
    """Who acts for each grid and office, as workflow actors (looked up once)."""

    dispatcher: dict[int, Actor]  # town grid id → the town centre's dispatcher
    chief: dict[int, Actor]  # unit grid id → grid chief
    inspector: dict[int, Actor]  # unit grid id → inspector
    handler: dict[int, Actor]  # organisation id → a handler of it
    offices: dict[tuple[int, int], Organisation]  # (town id, department id) → town office


def _cast() -> _Cast:
    users = {u.pk: u for u in get_user_model().objects.filter(person__isnull=False)}
    roles = RoleAssignment.objects.select_related("person", "grid").filter(
        role__in=[Role.DISPATCHER, Role.GRID_CHIEF, Role.INSPECTOR, Role.HANDLER]
    )
    cast = _Cast({}, {}, {}, {}, {})
    actors: dict[int, Actor] = {}

    def actor(user_id: int) -> Actor:
        if user_id not in actors:
            actors[user_id] = actor_for(users[user_id])
        return actors[user_id]

    for assignment in roles.order_by("pk"):
        user_id = assignment.person.user_id
        if user_id is None:
            continue
        if assignment.role == Role.HANDLER:
            cast.handler.setdefault(assignment.person.organisation_id, actor(user_id))
            continue
        grid = assignment.grid
        if grid is None:
            continue
        grid_id = grid.pk
        if assignment.role == Role.DISPATCHER and grid.level == GridLevel.TOWN:
            cast.dispatcher.setdefault(grid_id, actor(user_id))
        elif assignment.role == Role.GRID_CHIEF:
            cast.chief.setdefault(grid_id, actor(user_id))
        elif assignment.role == Role.INSPECTOR:
            cast.inspector.setdefault(grid_id, actor(user_id))
    for office in Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT_OFFICE):
        cast.offices[(office.jurisdiction_id, office.parent_id or 0)] = office
    return cast


class CaseStream:
    """Deterministic arrivals and lives of cases, step by step, in simulated time."""

    def __init__(self, seed: int = 2017) -> None:
        self.rng = np.random.default_rng(seed)
        self.cast = _cast()
        self.blocks = list(
            Grid.objects.filter(level=GridLevel.BLOCK).select_related("parent__parent__parent")
        )
        self.categories = list(Category.objects.filter(parent__isnull=False, is_active=True))

    def arrivals(
        self, start: datetime.datetime, end: datetime.datetime, per_day: float
    ) -> list[datetime.datetime]:
        """Arrival times between ``start`` and ``end``, by hour of day."""
        times = []
        hour = start.replace(minute=0, second=0, microsecond=0)
        local = timezone.localtime
        while hour < end:
            rate = per_day * HOURLY[local(hour).hour] / HOURLY.sum()
            for _ in range(int(self.rng.poisson(rate))):
                moment = hour + self.rng.uniform(0, 60) * MINUTE
                if start <= moment < end:
                    times.append(moment)
            hour += 60 * MINUTE
        return sorted(times)

    def arrive(self, arrived: datetime.datetime) -> _Life | None:
        """A case reported at ``arrived``, its life ahead of it: nothing after the report is
        written until the life is advanced."""
        block = self.blocks[int(self.rng.integers(len(self.blocks)))]
        unit = block.parent
        town = unit.parent.parent if unit is not None and unit.parent else None
        if unit is None or town is None or town.pk not in self.cast.dispatcher:
            return None
        channel = str(self.rng.choice(list(CHANNELS), p=np.array(list(CHANNELS.values()))))
        category = self.categories[int(self.rng.integers(len(self.categories)))]
        spot = shape(block.geometry).representative_point()
        inspector = self.cast.inspector.get(unit.pk)
        patrol = channel in Channel.grid_forces()
        draft = case_draft(
            channel=channel,
            category=category,
            lng=spot.x,
            lat=spot.y,
            description=str(self.rng.choice(DESCRIPTIONS[category.family])),
            reporter=inspector.user if patrol and inspector else None,
            reporter_name="" if patrol else "市民",
            reporter_phone="" if patrol else "13800000000",
            at=arrived,
        )
        return _Life(self, case_submit(draft=draft), town, unit)


# A step of a case's life: it yields its time and is taken when resumed, its result whether it
# was taken. The life waits at each yield, so its driver decides when the step happens.
Step = Generator[datetime.datetime, None, bool]


class _Life:
    """One case's steps, each after a realistic delay, taken as :meth:`advance` lets time pass.

    Someone in the demo may act on the case between two steps: the next one then meets a
    conflict or a refusal, and the simulated life leaves the case to them."""

    def __init__(self, stream: CaseStream, case: Case, town: Grid, unit: Grid) -> None:
        self.s, self.case, self.town, self.unit = stream, case, town, unit
        self.rng = stream.rng
        self.steps = self.run(case.reported_at)
        # When the next step happens; None once the life is over.
        self.due: datetime.datetime | None = next(self.steps, None)

    def advance(self, until: datetime.datetime) -> None:
        """Take the steps due before ``until``."""
        while self.due is not None and self.due < until:
            self.due = next(self.steps, None)

    def later(self, now: datetime.datetime, low: float, high: float) -> datetime.datetime:
        return now + float(self.rng.uniform(low, high)) * MINUTE

    def step(self, at: datetime.datetime, actor: Actor | None, action: Action, **more: Any) -> Step:
        if actor is None:
            return False
        yield at
        try:
            self.case = case_act(
                case=self.case, action=action, actor=actor, version=self.case.version, at=at, **more
            )
        except (TransitionRefused, CaseConflict):
            return False
        return True

    def run(self, now: datetime.datetime) -> Iterator[datetime.datetime]:
        dispatcher = self.s.cast.dispatcher[self.town.pk]
        chief = self.s.cast.chief.get(self.unit.pk)
        roll = self.rng.random
        now = self.later(now, 3, 60)
        if roll() < 0.04:
            yield from self.step(now, dispatcher, Action.REJECT, reason="不属于网格化管理范围")
            return
        if not (yield from self.step(now, dispatcher, Action.REGISTER)):
            return
        if self.case.workflow_status == Status.SELF_GOVERNANCE:
            now = self.later(now, 120, 3 * 24 * 60 * 1.2)  # some run past the three days
            if roll() < 0.55:
                if (
                    yield from self.step(
                        now, chief, Action.RESOLVE_FRONT_END, evidence=Evidence("劝导后已整改")
                    )
                ):
                    yield from self.step(self.later(now, 30, 600), dispatcher, Action.VERIFY)
                return
            if self.case.workflow_status == Status.SELF_GOVERNANCE and not (
                yield from self.step(
                    now, chief or dispatcher, Action.HAND_TO_ENFORCEMENT, reason="劝阻无效，转执法"
                )
            ):
                return
        yield from self.enforce(self.later(now, 5, 90), dispatcher)

    def enforce(self, now: datetime.datetime, dispatcher: Actor) -> Iterator[datetime.datetime]:
        office = self.office()
        if office is None or not (
            yield from self.step(now, dispatcher, Action.DISPATCH, department=office)
        ):
            return
        handler = self.s.cast.handler.get(office.pk)
        roll = self.rng.random
        now = self.later(now, 10, 240)
        if roll() < 0.08:  # a wrong dispatch comes back, and goes to another office
            if (yield from self.step(now, handler, Action.RETURN, reason="不属于本部门职责")):
                yield from self.enforce(self.later(now, 10, 60), dispatcher)
            return
        if not (yield from self.step(now, handler, Action.ACCEPT)):
            return
        # Most finish well in time, a few late: a long tail of handling times.
        now = self.later(
            now,
            30,
            60 * 24 * float(self.rng.choice([0.3, 1, 2, 4, 9], p=[0.3, 0.3, 0.2, 0.15, 0.05])),
        )
        if not (
            yield from self.step(
                now, handler, Action.HANDLE, evidence=Evidence("已处置，附现场照片")
            )
        ):
            return
        now = self.later(now, 20, 480)
        if roll() < 0.06 and (
            yield from self.step(now, dispatcher, Action.REWORK, reason="现场核查未整改到位")
        ):
            now = self.later(now, 60, 1440)
            if not (
                yield from self.step(now, handler, Action.HANDLE, evidence=Evidence("返工完成"))
            ):
                return
            now = self.later(now, 20, 240)
        if (yield from self.step(now, dispatcher, Action.VERIFY)) and self.case.channel.startswith(
            "hotline"
        ):
            rating = int(self.rng.choice([5, 4, 3, 2], p=[0.6, 0.25, 0.1, 0.05]))
            yield from self.step(
                self.later(now, 60, 1440), dispatcher, Action.EVALUATE, rating=rating
            )

    def office(self) -> Organisation | None:
        """The responsible department's office in the case's town, else the town's squad."""
        try:
            department = case_route(self.case).department
        except TransitionRefused:
            department = None
        offices = self.s.cast.offices
        if department is not None and department.kind == OrganisationKind.DEPARTMENT_OFFICE:
            return department
        if department is not None and (self.town.pk, department.pk) in offices:
            return offices[(self.town.pk, department.pk)]
        squads = [o for (town, _), o in offices.items() if town == self.town.pk]
        return squads[int(self.rng.integers(len(squads)))] if squads else None


def load_history(
    *,
    days: int = 7,
    per_day: float = 60,
    now: datetime.datetime | None = None,
    progress: Callable[[str], None] = print,
) -> int:
    """The past ``days`` of the district's cases, as far as each has got by ``now``."""
    now = now or timezone.now()
    stream = CaseStream()
    start = now - datetime.timedelta(days=days)
    count = 0
    for arrived in stream.arrivals(start, now, per_day):
        life = stream.arrive(arrived)
        if life is not None:
            life.advance(now)
            count += 1
    result = sweep(now=now)
    progress(f"cases: {count} over the past {days} days ({result.turned_red} overdue)")
    return count


def trickle(
    *,
    every: float,
    stop: Callable[[float], bool],
    clock: Callable[[], datetime.datetime] = timezone.now,
) -> None:
    """The demo's district at work until ``stop(timeout)`` says so: a new case every ``every``
    seconds, and every step of the cases' lives taken once ``clock`` has passed its time, so
    some cases wait for registration while others have just been dispatched. Nothing is
    written ahead of the clock: the timeline, the KPIs and the sweep see only what happened."""
    stream = CaseStream(seed=int(clock().timestamp()))
    # Lives with steps to come, the soonest first; the count orders lives due at the same time.
    waiting: list[tuple[datetime.datetime, int, _Life]] = []
    order = itertools.count()

    def wait(life: _Life) -> None:
        if life.due is not None:
            heapq.heappush(waiting, (life.due, next(order), life))

    while not stop(every):
        now = clock()
        while waiting and waiting[0][0] < now:
            life = heapq.heappop(waiting)[2]
            life.advance(now)
            wait(life)
        arrival = stream.arrive(now)
        if arrival is not None:
            wait(arrival)
