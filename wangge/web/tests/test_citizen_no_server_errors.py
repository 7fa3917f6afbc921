"""Whatever anyone posts to the open report pages (a grid board's, a shop's) or to a tracking
page, the answer is a page with a reason or the report (or rating) taken, never a 5xx, and no
case is left without its intake."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from wangge.cases.models import Case
from wangge.cases.services import Evidence, actor_for, case_act
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.intake.models import Intake
from wangge.people.testing import Cast, build_cast
from wangge.records.models import Shop
from wangge.records.services import record_save
from wangge.web.forms import SALT

pytestmark = pytest.mark.django_db

junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "nan", "inf", "-inf", "1e309", "-0", "\x00", "on", "off", "1", "0"]),
)
FIELDS = ["category", "description", "name", "phone", "lng", "lat", "key", "started", "confirmed"]
FIELDS_ALSO = [*FIELDS, "website", "rating", "photo"]
CHECKS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def shop(cast: Cast) -> Shop:
    spot = shape(cast.block_a.geometry).representative_point()
    return record_save(record=Shop(name="小吃店", address="江川路1号", lng=spot.x, lat=spot.y))


def good(cast: Cast) -> dict[str, Any]:
    """A report that would be taken, for the junk to change a few fields of."""
    category = Category.objects.filter(family="event", parent__isnull=False).first()
    assert category is not None
    spot = shape(cast.block_a.geometry).representative_point()
    return {
        "category": category.pk,
        "description": "路灯不亮",
        "phone": "13912345678",
        "lng": spot.x,
        "lat": spot.y,
        "key": str(uuid.uuid4()),
        "started": signing.dumps(time.time() - 30, salt=SALT),
        "confirmed": "on",
    }


@CHECKS
@given(
    door=st.sampled_from(["grid", "shop"]),
    changed=st.dictionaries(st.sampled_from(FIELDS_ALSO), junk, max_size=4),
)
def test_random_citizen_reports_never_fail_the_server(
    cast: Cast, shop: Shop, door: str, changed: dict[str, str], settings: Any
) -> None:
    # The hourly limit of one phone is not what is tried here.
    settings.WANGGE_CITIZEN_REPORTS_PER_HOUR = 10_000
    path = f"/r/g/{cast.unit_a.code}/" if door == "grid" else f"/r/s/{shop.code}/"
    response = Client(raise_request_exception=False).post(path, good(cast) | changed)
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.content
    assert Case.objects.count() == Intake.objects.count()


@CHECKS
@given(
    rating=st.one_of(junk, st.integers(min_value=-1, max_value=7).map(str)),
    more=st.dictionaries(st.sampled_from(FIELDS_ALSO), junk, max_size=2),
)
def test_random_ratings_on_the_tracking_page_never_fail_the_server(
    cast: Cast, rating: str, more: dict[str, str], settings: Any
) -> None:
    settings.WANGGE_CITIZEN_REPORTS_PER_HOUR = 10_000
    client = Client(raise_request_exception=False)
    taken = client.post(f"/r/g/{cast.unit_a.code}/", good(cast))
    assert taken.status_code == 302, taken.content
    case = Case.objects.get(intake__token=taken["Location"].rstrip("/").rsplit("/", 1)[1])
    for action, who, evidence in (
        (Action.REGISTER, cast.alice, None),
        (Action.RESOLVE_FRONT_END, cast.ivan, Evidence("已修复")),
        (Action.VERIFY, cast.carol, None),
    ):
        case = case_act(
            case=case, action=action, actor=actor_for(who), version=case.version, evidence=evidence
        )
    response = client.post(taken["Location"], {"rating": rating, **more})
    event(f"answered {response.status_code}")
    assert response.status_code in (302, 400), response.content
    case.refresh_from_db()
    if response.status_code == 302:
        assert case.reporter_rating == int(rating)
    else:
        assert case.reporter_rating is None
