"""Whatever a phone sends to the app's doors (a report, an action on a case), the answer is a 2xx
or a 4xx with a reason, never a 5xx, and a refused request changes nothing: no case without its
intake, no event without a change of the case."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st
from rest_framework.test import APIClient
from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case, CaseEvent
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.core.coords import CRS
from wangge.core.testing import DOOR_CHECKS, some_fields
from wangge.intake.models import Intake
from wangge.people.models import Organisation
from wangge.people.testing import Cast

# Each field as a phone would fill it (near the block, a channel, a case's number…); some_fields
# sends some of them so, some as junk.
REPORT = {
    "channel": st.sampled_from(Channel.values),
    "crs": st.sampled_from([c.value for c in CRS]),
    "address": st.text(max_size=250),
    "description": st.text(max_size=30),
    "photos": st.lists(st.text(max_size=20), max_size=2),
    "fixed_on_spot": st.text(max_size=30),
}
ACT = {
    "version": st.integers(min_value=0, max_value=4),
    "reason": st.text(max_size=30),
    "note": st.text(max_size=30),
    "rating": st.integers(min_value=-2, max_value=7),
    "lng": st.floats(min_value=121.0, max_value=122.0),
    "lat": st.floats(min_value=30.9, max_value=31.5),
}


def post(api: APIClient, path: str, body: dict[str, Any], **headers: str) -> Any:
    # Sent as written: the test client's own encoder refuses NaN, a phone's may not.
    return api.post(path, json.dumps(body), content_type="application/json", headers=headers)


def report_body(cast: Cast, category: Category) -> dict[str, Any]:
    spot = shape(cast.block_a.geometry).representative_point()
    return {"category": category.pk, "lng": spot.x, "lat": spot.y, "description": "占道经营"}


def assert_refused_with_a_reason(response: Any) -> None:
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics: what was reached
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        # JSON from the API; plain text from the door that refuses a NUL before any view.
        is_json = response["Content-Type"] == "application/json"
        assert response.json() if is_json else response.content.strip(), response.content


@DOOR_CHECKS
@given(data=st.data(), key=st.one_of(st.none(), st.text(max_size=80)))
def test_random_reports_never_fail_the_server(
    api: APIClient, cast: Cast, category: Category, data: st.DataObject, key: str | None
) -> None:
    spot = shape(cast.block_a.geometry).representative_point()
    plausible = REPORT | {
        "category": st.sampled_from(list(Category.objects.values_list("pk", flat=True))),
        "lng": st.floats(min_value=spot.x - 0.01, max_value=spot.x + 0.01),
        "lat": st.floats(min_value=spot.y - 0.01, max_value=spot.y + 0.01),
        # From nine days back (two more than a phone may keep a report) to ten minutes ahead.
        "found_at": st.integers(min_value=-9 * 24 * 60, max_value=10).map(
            lambda minutes: (timezone.now() + datetime.timedelta(minutes=minutes)).isoformat()
        ),
    }
    body = report_body(cast, category) | some_fields(data, plausible)
    api.force_authenticate(cast.ivan)
    headers = {} if key is None else {"Idempotency-Key": key}
    try:
        response = post(api, "/api/v1/cases/", body, **headers)
    except UnicodeEncodeError:
        return  # a header the HTTP client itself cannot send
    assert_refused_with_a_reason(response)
    assert Case.objects.count() == Intake.objects.count()


@DOOR_CHECKS
@given(
    data=st.data(),
    # Those a new case allows, any other action, or any word where an action goes (a path the
    # API has no door for is another matter).
    action=st.one_of(
        st.sampled_from([Action.REGISTER.value, Action.REJECT.value, Action.MERGE.value]),
        st.sampled_from([a.value for a in Action]),
        st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
    ),
)
def test_random_actions_never_fail_the_server(
    api: APIClient, cast: Cast, category: Category, data: st.DataObject, action: str
) -> None:
    api.force_authenticate(cast.ivan)
    earlier, number = (
        post(api, "/api/v1/cases/", report_body(cast, category)).json()["number"] for _ in "12"
    )
    plausible = ACT | {
        "department": st.sampled_from(list(Organisation.objects.values_list("pk", flat=True))),
        "duplicate_of": st.sampled_from([earlier, number, "2099010100001"]),
    }
    body = {"version": 1} | some_fields(data, plausible)
    api.force_authenticate(data.draw(st.sampled_from([cast.alice, cast.carol, cast.ada])))
    before = _state()
    response = post(api, f"/api/v1/cases/{number}/actions/{action}", body)
    assert_refused_with_a_reason(response)
    if response.status_code >= 400:
        assert _state() == before


def _state() -> tuple[int, int]:
    """The events written, and the sum of every case's version: what any change moves."""
    versions = Case.objects.aggregate(total=Sum("version"))["total"] or 0
    return CaseEvent.objects.count(), versions
