"""The demo's live trickle, on a small demo district and a clock the test moves on."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Max

from wangge.cases.models import CaseEvent
from wangge.core.testing import beijing
from wangge.sim.cases import trickle
from wangge.sim.demo import load_demo
from wangge.sim.grids import SimSize

pytestmark = pytest.mark.django_db

SMALL = SimSize(towns_per_district=3, areas_per_town=2, units_per_district=12, blocks_per_unit=3)
START = beijing(2025, 6, 2, 9)  # a Monday morning
EVERY = 300.0  # seconds between the trickle's wake-ups
WAKE_UPS = 60  # five hours: long enough for cases to be registered and dispatched


@pytest.fixture(scope="module")
def small_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A small demo district without history, loaded once for this module."""
    with django_db_blocker.unblock():
        load_demo(size=SMALL, progress=lambda _: None)
        yield
        call_command("flush", interactive=False, verbosity=0)


@dataclass(frozen=True)
class WakeUp:
    now: datetime.datetime
    written: list[CaseEvent]  # what the trickle wrote on waking at ``now``
    ahead: list[CaseEvent]  # anything in the database dated after ``now``


def run_trickle() -> list[WakeUp]:
    """The trickle for ``WAKE_UPS`` wake-ups on the test's clock. Its ``stop`` stands in for
    waiting: it moves the clock on by the timeout, and first looks at the database as a user
    would between two wake-ups."""
    now = START
    seen = CaseEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    wake_ups: list[WakeUp] = []

    def stop(timeout: float) -> bool:
        nonlocal now, seen
        if now > START:
            written = list(CaseEvent.objects.filter(pk__gt=seen).order_by("pk"))
            seen = max([seen, *(event.pk for event in written)])
            ahead = list(CaseEvent.objects.filter(at__gt=now))
            wake_ups.append(WakeUp(now, written, ahead))
        if len(wake_ups) == WAKE_UPS:
            return True
        now += datetime.timedelta(seconds=timeout)
        return False

    trickle(every=EVERY, stop=stop, clock=lambda: now)
    return wake_ups


def test_nothing_is_written_ahead_of_the_clock(small_demo: None) -> None:
    wake_ups = run_trickle()
    assert [(w.now, e.action, e.at) for w in wake_ups for e in w.ahead] == []
    actions = {e.action for w in wake_ups for e in w.written}
    assert {"report", "register"} <= actions


def test_steps_wait_for_their_time_and_are_dated_when_it_came(small_demo: None) -> None:
    wake_ups = run_trickle()
    reported: dict[int, datetime.datetime] = {}
    later: set[str] = set()
    previous = START
    for wake_up in wake_ups:
        for event in wake_up.written:
            if event.action == "report":
                assert event.at == wake_up.now
                reported[event.case_id] = wake_up.now
                continue
            # Taken on a wake-up after the case arrived, dated when it fell due since the last.
            assert reported[event.case_id] < wake_up.now
            assert previous <= event.at < wake_up.now
            later.add(event.action)
        previous = wake_up.now
    assert len(reported) == WAKE_UPS
    assert {"register", "dispatch"} <= later
