"""The worker, as a real process: killed mid-sweep and started again, it finishes the work once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import time_machine
from django.db import connection

from wangge.cases.models import Case, CaseEvent, Notification
from wangge.cases.services import actor_for, case_act
from wangge.cases.testing import submit_in_town_a
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.core.testing import beijing
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db(transaction=True)
CASES = 120


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def worker(*args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WANGGE_DB": database_url(), "WANGGE_NOTIFY_TRANSPORTS": "console"}
    return subprocess.Popen(
        [sys.executable, "-m", "wangge.cli", "worker", "--once", "--batch", "1", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_sweep_leaves_nothing_done_twice(
    cast: Cast, ordinary_category: Category
) -> None:
    with time_machine.travel(beijing(2025, 6, 2, 9), tick=False):
        alice = actor_for(cast.alice)
        for _ in range(CASES):
            case = submit_in_town_a(cast, ordinary_category)
            case = case_act(case=case, action=Action.REGISTER, actor=alice, version=case.version)
            case = case_act(
                case=case,
                action=Action.HAND_TO_ENFORCEMENT,
                actor=alice,
                version=case.version,
                reason="劝阻无效",
            )
    # The cases went overdue in June 2025; the worker runs now.
    first = worker()
    deadline = time.monotonic() + 60
    while CaseEvent.objects.filter(action="red_light").count() < 5:
        assert time.monotonic() < deadline and first.poll() is None, "the worker never started"
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    done_before_restart = CaseEvent.objects.filter(action="red_light").count()
    assert 0 < done_before_restart < CASES

    second = worker()
    assert second.wait(timeout=120) == 0
    for case in Case.objects.all():
        actions = list(case.events.order_by("sequence").values_list("action", "sequence"))
        assert [a for a, _ in actions].count("red_light") == 1, case.number
        assert [s for _, s in actions] == list(range(1, len(actions) + 1))
        assert case.version == len(actions)
    assert Notification.objects.count() == CASES
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
