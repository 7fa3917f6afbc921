"""Cases for tests, submitted through the services on the fixed cast."""

from __future__ import annotations

from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.services import Evidence, actor_for, case_act, case_draft, case_submit
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.people.models import Organisation
from wangge.people.testing import Cast


def submit_in_town_a(cast: Cast, category: Category, channel: str = Channel.PATROL) -> Case:
    spot = shape(cast.block_a.geometry).representative_point()
    draft = case_draft(
        channel=channel,
        category=category,
        lng=spot.x,
        lat=spot.y,
        description="人行道上无证设摊",
        reporter=cast.ivan,
    )
    return case_submit(draft=draft)


def in_enforcement(cast: Cast, category: Category, department: Organisation | None = None) -> Case:
    """A case in town A that self-governance could not settle: registered, handed to
    enforcement by the town's dispatcher, and dispatched to ``department`` if one is given."""
    case = submit_in_town_a(cast, category)
    alice = actor_for(cast.alice)
    case = case_act(case=case, action=Action.REGISTER, actor=alice, version=case.version)
    case = case_act(
        case=case,
        action=Action.HAND_TO_ENFORCEMENT,
        actor=alice,
        version=case.version,
        reason="劝阻无效",
    )
    if department is not None:
        case = case_act(
            case=case,
            action=Action.DISPATCH,
            actor=alice,
            version=case.version,
            department=department,
        )
    return case


def closed_on_the_spot(case: Case, cast: Cast) -> Case:
    """A new case of town A closed by the shortest road: registered by the town's dispatcher,
    settled by the patrol there and then (前端自治), verified by the district's."""
    for action, who, evidence in (
        (Action.REGISTER, cast.alice, None),
        (Action.RESOLVE_FRONT_END, cast.ivan, Evidence("已修复")),
        (Action.VERIFY, cast.carol, None),
    ):
        case = case_act(
            case=case, action=action, actor=actor_for(who), version=case.version, evidence=evidence
        )
    return case
