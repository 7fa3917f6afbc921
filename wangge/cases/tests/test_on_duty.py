"""Whoever is on duty for the organisation a case goes to is named on the case (DESIGN: "Day (8 h)
and night rosters decide who is on duty (7×24)"); for an organisation that keeps no duty table,
the duty chief. The tables themselves are tested in ``wangge/forces/tests``."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from wangge.cases.services import actor_for, case_act
from wangge.cases.testing import in_enforcement
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.core.testing import beijing
from wangge.people.choices import Role
from wangge.people.services import person_create, role_assign
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db
MONDAY = beijing(2025, 6, 2, 10)


def test_a_case_back_at_the_centre_is_held_by_its_duty_chief_that_day(
    cast: Cast, ordinary_category: Category
) -> None:
    chief = person_create(name="江川值班长", organisation=cast.town_a_centre)
    role_assign(
        person=chief,
        role=Role.DUTY_CHIEF,
        grid=cast.town_a,
        starts_on=MONDAY.date(),
        ends_on=MONDAY.date(),
    )
    with time_machine.travel(MONDAY, tick=False):
        case = in_enforcement(cast, ordinary_category)
        assert case.holder == cast.town_a_centre and case.holder_person == chief
        # A department names nobody on duty: whoever of it accepts first holds the case.
        alice = actor_for(cast.alice)
        case = case_act(
            case=case,
            action=Action.DISPATCH,
            actor=alice,
            version=case.version,
            department=cast.chengguan_a,
        )
        assert case.holder == cast.chengguan_a and case.holder_person is None

    # The next day the duty chief's role has ended; a returned case waits for the centre.
    with time_machine.travel(MONDAY + datetime.timedelta(days=1), tick=False):
        case = case_act(
            case=case,
            action=Action.RETURN,
            actor=actor_for(cast.dora),
            version=case.version,
            reason="不属于本部门职责",
        )
    assert case.holder == cast.town_a_centre and case.holder_person is None


def test_two_duty_chiefs_at_once_name_neither(cast: Cast, ordinary_category: Category) -> None:
    for name in ("甲值班长", "乙值班长"):
        role_assign(
            person=person_create(name=name, organisation=cast.town_a_centre),
            role=Role.DUTY_CHIEF,
        )
    case = in_enforcement(cast, ordinary_category)
    assert case.holder == cast.town_a_centre and case.holder_person is None
