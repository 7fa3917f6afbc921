"""Cases for tests, submitted through the services on the fixed cast."""

from __future__ import annotations

from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.services import actor_for, case_act, case_draft, case_submit
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
