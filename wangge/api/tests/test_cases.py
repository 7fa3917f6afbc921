from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from shapely.geometry import shape

from wangge.catalog.models import Category
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def report(api: APIClient, cast: Cast, category: Category) -> dict[str, object]:
    spot = shape(cast.block_a.geometry).representative_point()
    api.force_authenticate(cast.ivan)
    response = api.post(
        "/api/v1/cases/",
        {"category": category.pk, "lng": spot.x, "lat": spot.y, "description": "占道经营"},
        format="json",
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_an_inspector_reports_and_the_town_sees_it_the_other_town_does_not(
    api: APIClient, cast: Cast, category: Category
) -> None:
    case = report(api, cast, category)
    assert case["grid"] == cast.block_a.code and case["proactive"] is True
    api.force_authenticate(cast.alice)
    assert [c["number"] for c in api.get("/api/v1/cases/").json()["results"]] == [case["number"]]
    detail = api.get(f"/api/v1/cases/{case['number']}/").json()
    assert set(detail["actions"]) == {"register", "reject", "merge"}
    api.force_authenticate(cast.bob)
    assert api.get("/api/v1/cases/").json()["results"] == []
    assert api.get(f"/api/v1/cases/{case['number']}/").status_code == 404


def test_acting_says_why_not_and_who_was_first(
    api: APIClient, cast: Cast, category: Category
) -> None:
    case = report(api, cast, category)
    url = f"/api/v1/cases/{case['number']}/actions"
    api.force_authenticate(cast.alice)
    refused = api.post(f"{url}/verify", {"version": case["version"]}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "illegal_transition"
    done = api.post(f"{url}/register", {"version": case["version"]}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "self_governance"
    # Acting on the version seen before the registration: someone else was first.
    stale = api.post(
        f"{url}/hand_to_enforcement",
        {"version": case["version"], "reason": "劝阻无效"},
        format="json",
    )
    assert stale.status_code == 409
    assert api.post(f"{url}/fly", {"version": 2}, format="json").status_code == 400


def test_a_department_sees_only_what_it_holds_and_never_the_citizen_s_phone(
    api: APIClient, cast: Cast, category: Category
) -> None:
    case = report(api, cast, category)
    number = str(case["number"])
    api.force_authenticate(cast.dora)
    assert api.get("/api/v1/cases/").json()["results"] == []
    api.force_authenticate(cast.alice)
    version = int(str(case["version"]))
    for action, body in (
        ("register", {}),
        ("hand_to_enforcement", {"reason": "劝阻无效"}),
        ("dispatch", {"department": cast.chengguan_a.pk}),
    ):
        response = api.post(
            f"/api/v1/cases/{number}/actions/{action}", {"version": version, **body}, format="json"
        )
        assert response.status_code == 200, response.content
        version = response.json()["version"]
    assert api.get(f"/api/v1/cases/{number}/").json()["reporter"] is not None
    api.force_authenticate(cast.dora)
    detail = api.get(f"/api/v1/cases/{number}/").json()
    assert detail["reporter"] is None
    assert "accept" in detail["actions"]
    assert [e["action"] for e in detail["events"]][-1] == "dispatch"


def test_a_department_reads_the_timeline_without_the_reporter_s_name(
    api: APIClient, cast: Cast, category: Category
) -> None:
    case = report(api, cast, category)
    number, version = str(case["number"]), int(str(case["version"]))
    api.force_authenticate(cast.alice)
    for action, body in (
        ("register", {}),
        ("hand_to_enforcement", {"reason": "劝阻无效"}),
        ("dispatch", {"department": cast.chengguan_a.pk}),
    ):
        version = api.post(
            f"/api/v1/cases/{number}/actions/{action}", {"version": version, **body}, format="json"
        ).json()["version"]
    api.force_authenticate(cast.dora)
    events = api.get(f"/api/v1/cases/{number}/").json()["events"]
    assert events[0]["action"] == "report" and events[0]["actor"] is None
    api.force_authenticate(cast.alice)
    assert api.get(f"/api/v1/cases/{number}/").json()["events"][0]["actor"] == cast.ivan.username


def test_the_whistle_through_the_api(api: APIClient, cast: Cast, category: Category) -> None:
    """004_33b6eee281a71861.txt: 一键吹哨, 一键响应."""
    case = report(api, cast, category)
    number, version = str(case["number"]), int(str(case["version"]))
    api.force_authenticate(cast.alice)
    for action, body in (("register", {}), ("hand_to_enforcement", {"reason": "劝阻无效"})):
        version = api.post(
            f"/api/v1/cases/{number}/actions/{action}", {"version": version, **body}, format="json"
        ).json()["version"]
    refused = api.post(
        f"/api/v1/cases/{number}/remarks/whistle",
        {"version": version, "departments": [cast.town_b_centre.pk]},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "not_a_department"
    blown = api.post(
        f"/api/v1/cases/{number}/remarks/whistle",
        {"version": version, "departments": [cast.chengguan_a.pk], "note": "联合执法"},
        format="json",
    )
    assert blown.status_code == 200, blown.content
    call = blown.json()["whistles"][0]
    assert call["department"] == cast.chengguan_a.name and call["responded_at"] is None
    api.force_authenticate(cast.dora)
    answered = api.post(
        f"/api/v1/cases/{number}/remarks/respond",
        {
            "version": blown.json()["version"],
            "call": call["call"],
            "arrive_by": "2030-01-01T10:00:00+08:00",
        },
        format="json",
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["whistles"][0]["responded_at"] is not None


def test_a_department_s_leader_sees_no_more_than_its_handlers(
    api: APIClient, cast: Cast, category: Category
) -> None:
    from wangge.people.services import person_create, role_assign

    chief = person_create(name="城管中队长", organisation=cast.chengguan_a, username="squadlead")
    role_assign(person=chief, role="leader")
    report(api, cast, category)
    assert chief.user is not None
    api.force_authenticate(chief.user)
    assert api.get("/api/v1/cases/").json()["results"] == []


def test_only_grid_forces_report_as_patrols(api: APIClient, cast: Cast, category: Category) -> None:
    """先行发现 counts what grid forces find first: a department cannot file a 'patrol'."""
    spot = shape(cast.block_a.geometry).representative_point()
    api.force_authenticate(cast.dora)
    body = {"category": category.pk, "lng": spot.x, "lat": spot.y, "description": "占道"}
    refused = api.post("/api/v1/cases/", {**body, "channel": "patrol"}, format="json")
    assert refused.status_code == 400 and "channel" in refused.json()
    accepted = api.post("/api/v1/cases/", {**body, "channel": "department"}, format="json")
    assert accepted.status_code == 201 and accepted.json()["proactive"] is False
