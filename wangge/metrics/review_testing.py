"""Closed cases and raters on the fixed cast, for the quality review's tests.

sam     supervisor at town A's centre, over town A        — rates; verifies some cases
ina     inspector of town A's workstation, on unit A       — rates
ben     inspector at town B's centre, on unit B            — rates (district rounds only)
olga    inspector of 城管's town-A office                   — a department's: never rates
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wangge.cases.models import Case
from wangge.cases.services import Evidence, actor_for, case_act
from wangge.cases.sweep import sweep
from wangge.cases.testing import in_enforcement
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.people.choices import Role
from wangge.people.services import person_create, role_assign
from wangge.people.testing import PASSWORD, Cast

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Raters:
    sam: User
    ina: User
    ben: User
    olga: User


def build_raters(cast: Cast) -> Raters:
    def member(name: str, organisation: Any, role: str, username: str, **grid: Any) -> User:
        person = person_create(
            name=name, organisation=organisation, username=username, password=PASSWORD
        )
        role_assign(person=person, role=role, **grid)
        assert person.user is not None
        return person.user

    return Raters(
        sam=member("江川监督员", cast.town_a_centre, Role.SUPERVISOR, "sam", grid=cast.town_a),
        ina=member("江川二号巡查员", cast.workstation_a, Role.INSPECTOR, "ina", grid=cast.unit_a),
        ben=member("古美巡查员", cast.town_b_centre, Role.INSPECTOR, "ben", grid=cast.unit_b),
        olga=member("城管巡查员", cast.chengguan_a, Role.INSPECTOR, "olga", grid=cast.unit_a),
    )


def close_case(
    cast: Cast,
    category: Category,
    *,
    verifier: Any = None,
    rework: bool = False,
    red: bool = False,
) -> Case:
    """A case of town A dispatched to 城管's office, handled by dora and closed by ``verifier``
    (alice unless told): sent back once for rework, or left to go red first, if asked."""
    case = in_enforcement(cast, category, cast.chengguan_a)
    dora = actor_for(cast.dora)
    at: datetime.datetime | None = None
    if red:
        assert case.due_by is not None
        at = case.due_by + datetime.timedelta(hours=1)
        sweep(now=at)
        case.refresh_from_db()
    case = case_act(case=case, action=Action.ACCEPT, actor=dora, version=case.version, at=at)
    closer = actor_for(verifier or cast.alice)
    for time in range(2 if rework else 1):
        case = case_act(
            case=case,
            action=Action.HANDLE,
            actor=dora,
            version=case.version,
            evidence=Evidence(note="已取缔"),
            at=at,
        )
        again = rework and time == 0
        case = case_act(
            case=case,
            action=Action.REWORK if again else Action.VERIFY,
            actor=closer,
            version=case.version,
            reason="未整改到位" if again else "",
            at=at,
        )
    return case
