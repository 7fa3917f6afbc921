"""The forces' API: attendance from the phone (电子考勤, 001_980ec3ca28496f98.txt), patrols with
their tracks, who patrols where now, who is on duty and the duty gaps, each cut to the caller's
grids."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from wangge.cases.models import Case, CaseEvent
from wangge.cases.services import actor_for, case_act
from wangge.cases.testing import submit_in_town_a
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.core.coords import from_wgs84
from wangge.core.testing import beijing
from wangge.forces.geo import metres_per_degree
from wangge.forces.models import Shift
from wangge.forces.services import duty_entry_set, on_call_set, shifts_standard
from wangge.people.services import person_create
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db

TUESDAY_TEN = beijing(2025, 6, 10, 10)
INSIDE = {"lng": 121.42, "lat": 31.02}  # town A's unit and block


@pytest.fixture
def shifts(cast: Cast) -> dict[str, Shift]:
    return {shift.name: shift for shift in shifts_standard()}


@pytest.fixture
def ten_o_clock() -> Iterator[None]:
    with time_machine.travel(TUESDAY_TEN, tick=False):
        yield


def post(api: APIClient, user: Any, url: str, data: dict[str, Any]) -> Any:
    api.force_authenticate(user)
    return api.post(url, data, format="json")


def test_checking_in_inside_the_grid_is_taken_once(
    api: APIClient, cast: Cast, shifts: dict[str, Shift], ten_o_clock: None
) -> None:
    first = post(api, cast.ivan, "/api/v1/attendance/check-in", INSIDE)
    assert first.status_code == 201, first.data
    assert (first.data["shift"], first.data["grid"]) == ("日间", cast.unit_a.code)
    again = post(api, cast.ivan, "/api/v1/attendance/check-in", INSIDE)
    assert again.status_code == 200 and again.data["id"] == first.data["id"]
    out = post(api, cast.ivan, "/api/v1/attendance/check-out", INSIDE)
    assert out.status_code == 200 and out.data["checked_out_at"] is not None


def test_a_check_in_outside_the_grid_is_refused_naming_the_distance(
    api: APIClient, cast: Cast, shifts: dict[str, Shift], ten_o_clock: None
) -> None:
    # 300 m east of the unit, as an Amap phone reports it (GCJ-02).
    lng = 121.45 + 300 / metres_per_degree(31.02)[0]
    x, y = from_wgs84([lng], [31.02], "gcj02")
    answer = post(
        api,
        cast.ivan,
        "/api/v1/attendance/check-in",
        {"lng": float(x[0]), "lat": float(y[0]), "crs": "gcj02"},
    )
    assert answer.status_code == 400
    assert answer.data["code"] == "outside_grid"
    assert answer.data["distance_m"] == pytest.approx(300, abs=1)
    assert answer.data["grid"] == cast.unit_a.code
    assert "300" in answer.data["detail"]  # in the words of the request's language


def test_attendance_needs_a_person_and_a_position(
    api: APIClient, cast: Cast, shifts: dict[str, Shift], ten_o_clock: None
) -> None:
    assert post(api, cast.nobody, "/api/v1/attendance/check-in", INSIDE).status_code == 403
    bad = post(api, cast.ivan, "/api/v1/attendance/check-in", {"lng": 500, "lat": 31})
    assert bad.status_code == 400 and "lng" in bad.data
    refused = post(api, cast.ivan, "/api/v1/attendance/check-out", INSIDE)
    assert refused.status_code == 400 and refused.data["code"] == "not_checked_in"


def test_a_patrol_from_start_to_stop(api: APIClient, cast: Cast, ten_o_clock: None) -> None:
    started = post(api, cast.ivan, "/api/v1/patrols/", INSIDE)
    assert started.status_code == 201, started.data
    assert started.data["grid"] == cast.unit_a.code
    assert post(api, cast.ivan, "/api/v1/patrols/", INSIDE).data["id"] == started.data["id"]
    url = f"/api/v1/patrols/{started.data['id']}/"
    batch = {
        "points": [
            {"at": "2025-06-10T09:55:00+08:00", "lng": 121.42, "lat": 31.02},
            {"at": "2025-06-10T10:00:00+08:00", "lng": 121.421, "lat": 31.02, "accuracy": 8},
        ]
    }
    added = post(api, cast.ivan, url + "points", batch)
    # The first fix is from before the patrol began.
    assert added.status_code == 200 and added.data == {
        "added": 1,
        "outside": 1,
        "blocks": [cast.block_a.code],
        "checkpoints": [],
    }
    assert post(api, cast.ivan, url + "points", batch).data["added"] == 0

    # Alice at town A's centre sees the patrol; she cannot add to it.
    assert post(api, cast.alice, url + "points", batch).status_code == 403
    api.force_authenticate(cast.alice)
    detail = api.get(url)
    assert detail.status_code == 200
    assert [b["code"] for b in detail.data["blocks"]] == [cast.block_a.code]
    # Bob, of town B, does not see it at all.
    assert post(api, cast.bob, url + "stop", {}).status_code == 404

    malformed = post(api, cast.ivan, url + "points", {"points": [{"lng": 121.42, "lat": 31.02}]})
    assert malformed.status_code == 400 and "points" in malformed.data
    flood = {"points": [batch["points"][1]] * 1001}
    assert post(api, cast.ivan, url + "points", flood).status_code == 400

    stopped = post(api, cast.ivan, url + "stop", {})
    assert stopped.status_code == 200 and stopped.data["ended_at"] is not None


def test_a_patrol_is_started_only_on_one_s_own_grids(
    api: APIClient, cast: Cast, ten_o_clock: None
) -> None:
    refused = post(api, cast.ivan, "/api/v1/patrols/", {"grid": cast.unit_b.code})
    assert refused.status_code == 400 and "grid" in refused.data
    assert post(api, cast.ivan, "/api/v1/patrols/", {}).status_code == 400


def test_the_centre_sees_who_is_patrolling_where_now(
    api: APIClient, cast: Cast, ten_o_clock: None
) -> None:
    started = post(api, cast.ivan, "/api/v1/patrols/", INSIDE)
    post(
        api,
        cast.ivan,
        f"/api/v1/patrols/{started.data['id']}/points",
        {"points": [{"at": "2025-06-10T10:00:00+08:00", **INSIDE}]},
    )
    api.force_authenticate(cast.alice)
    [patrol] = api.get("/api/v1/patrols/now").data["results"]
    assert patrol["person"] == "江川巡查员"
    assert patrol["last_point"] == pytest.approx(INSIDE)
    in_gcj = api.get("/api/v1/patrols/now?crs=gcj02").data["results"][0]["last_point"]
    assert in_gcj["lng"] != pytest.approx(INSIDE["lng"], abs=1e-5)
    api.force_authenticate(cast.bob)
    assert api.get("/api/v1/patrols/now").data["results"] == []


def test_reports_made_on_a_patrol_are_its_finds(
    api: APIClient, cast: Cast, category: Category, ten_o_clock: None
) -> None:
    started = post(api, cast.ivan, "/api/v1/patrols/", INSIDE)
    report = post(
        api,
        cast.ivan,
        "/api/v1/cases/",
        {"category": category.pk, **INSIDE, "description": "人行道无证设摊"},
    )
    assert report.status_code == 201, report.data
    detail = api.get(f"/api/v1/patrols/{started.data['id']}/")
    assert detail.data["finds"] == [report.data["number"]]


def test_the_centre_sees_the_gaps_of_its_grids(
    api: APIClient, cast: Cast, category: Category, shifts: dict[str, Shift]
) -> None:
    standby = person_create(name="备勤人员", organisation=cast.workstation_a)
    on_call_set(organisation=cast.workstation_a, person=standby)
    with time_machine.travel(beijing(2025, 6, 10, 23), tick=False):
        case = submit_in_town_a(cast, category)
        case_act(case=case, action=Action.REGISTER, actor=actor_for(cast.alice), version=1)
    api.force_authenticate(cast.alice)
    [gap] = api.get("/api/v1/duty/gaps?open=true").data["results"]
    assert gap["case"] == case.number and gap["person"] == "备勤人员"
    assert (gap["organisation"], gap["shift"], gap["reason"]) == (
        "江川路第一居委工作站",
        "夜间",
        "no_entry",
    )
    api.force_authenticate(cast.bob)
    assert api.get("/api/v1/duty/gaps").data["results"] == []


def test_who_is_on_duty_now_over_a_grid(
    api: APIClient, cast: Cast, shifts: dict[str, Shift], ten_o_clock: None
) -> None:
    day = person_create(name="日间值守员", organisation=cast.workstation_a, phone="13900000001")
    duty_entry_set(
        grid=cast.unit_a, organisation=cast.workstation_a, shift=shifts["日间"], person=day
    )
    api.force_authenticate(cast.alice)
    answer = api.get(f"/api/v1/duty/now?grid={cast.block_a.code}")
    assert answer.data == [
        {
            "organisation": "江川路第一居委工作站",
            "shift": "日间",
            "person": "日间值守员",
            "phone": "13900000001",
            "gap": None,
        }
    ]
    api.force_authenticate(cast.bob)
    assert api.get(f"/api/v1/duty/now?grid={cast.block_a.code}").status_code == 404


def test_a_report_kept_on_the_phone_is_a_find_of_the_patrol_under_way_when_it_was_made(
    api: APIClient, cast: Cast, category: Category
) -> None:
    with time_machine.travel(TUESDAY_TEN, tick=False):
        started = post(api, cast.ivan, "/api/v1/patrols/", INSIDE)
    with time_machine.travel(TUESDAY_TEN + datetime.timedelta(hours=1), tick=False):
        post(api, cast.ivan, f"/api/v1/patrols/{started.data['id']}/stop", INSIDE)
    made = (TUESDAY_TEN + datetime.timedelta(minutes=30)).isoformat()
    with time_machine.travel(TUESDAY_TEN + datetime.timedelta(hours=3), tick=False):
        report = {"category": category.pk, **INSIDE, "description": "井盖缺失"}
        kept = post(api, cast.ivan, "/api/v1/cases/", {**report, "found_at": made})
        assert kept.status_code == 201, kept.data
        sent_now = post(api, cast.ivan, "/api/v1/cases/", report)
        assert sent_now.status_code == 201, sent_now.data
        for wrong, says in (
            ({"found_at": (TUESDAY_TEN + datetime.timedelta(hours=4)).isoformat()}, "later than"),
            ({"found_at": (TUESDAY_TEN - datetime.timedelta(days=8)).isoformat()}, "7 days ago"),
            # Only a patrol's phone keeps reports: a complaint is not dated back.
            ({"found_at": made, "channel": "citizen"}, "Only a patrol's report"),
        ):
            refused = api.post(
                "/api/v1/cases/", {**report, **wrong}, format="json", HTTP_ACCEPT_LANGUAGE="en"
            )
            assert refused.status_code == 400 and says in str(refused.data["found_at"])
    detail = api.get(f"/api/v1/patrols/{started.data['id']}/")
    assert detail.data["finds"] == [kept.data["number"]]
    assert Case.objects.count() == 2  # the refused wrote nothing
    # Reported when made on the phone, ahead of what came in while it waited; its first event
    # is when it arrived, so the centre's time to register it starts then.
    reported = dict(Case.objects.values_list("number", "reported_at"))
    assert reported[kept.data["number"]] == TUESDAY_TEN + datetime.timedelta(minutes=30)
    assert reported[sent_now.data["number"]] == TUESDAY_TEN + datetime.timedelta(hours=3)
    arrived = CaseEvent.objects.get(case__number=kept.data["number"], action="report").at
    assert arrived == TUESDAY_TEN + datetime.timedelta(hours=3)
