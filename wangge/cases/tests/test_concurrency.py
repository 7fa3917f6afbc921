"""Two people act on one case at the same moment: exactly one wins."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from wangge.cases.models import Case
from wangge.cases.services import CaseConflict, actor_for, case_act
from wangge.cases.testing import submit_in_town_a
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_actions_one_wins_one_is_told(
    cast: Cast, ordinary_category: Category
) -> None:
    case = submit_in_town_a(cast, ordinary_category)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user: Any, action: Action, **more: Any) -> None:
        seen = Case.objects.get(pk=case.pk)
        actor = actor_for(user)
        barrier.wait()
        try:
            case_act(case=seen, action=action, actor=actor, version=seen.version, **more)
            outcomes.append(f"won:{action.value}")
        except CaseConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(cast.alice, Action.REGISTER)),
        threading.Thread(target=act, args=(cast.carol, Action.REJECT), kwargs={"reason": "重复"}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "won"]
    case.refresh_from_db()
    assert case.version == 2
    assert case.events.count() == 2
    winner = outcomes[0] if outcomes[0] != "conflict" else outcomes[1]
    assert case.events.get(sequence=2).action == winner.split(":")[1]
