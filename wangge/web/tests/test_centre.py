"""The command centre (指挥中心): each user's start page, the counters and the live list cut to
what the user may see, the filters, dispatching several cases at once, and the map's grids and
cases (offline, or shifted for GCJ-02 tiles)."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.remarks import case_escalate
from wangge.cases.services import actor_for, case_act, case_draft, case_submit
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults, responsibility_set
from wangge.core.coords import CRS, from_wgs84
from wangge.grids.models import Grid
from wangge.grids.services import grid_tree_touch
from wangge.people.choices import Role
from wangge.people.services import person_create, role_assign
from wangge.people.testing import PASSWORD, Cast, build_cast
from wangge.web import centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def category(cast: Cast) -> Category:
    """A non-urgent event sub-class; its main class goes to 城管's town-A office in town A."""
    found = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert found is not None and found.parent is not None
    responsibility_set(category=found.parent, department=cast.chengguan_a, grid=cast.town_a)
    return found


def report(
    cast: Cast, category: Category, *, block: Grid | None = None, channel: str = Channel.PATROL
) -> Case:
    """A new report at a point inside ``block`` (town A's by default)."""
    spot = shape((block or cast.block_a).geometry).representative_point()
    draft = case_draft(
        channel=channel, category=category, lng=spot.x, lat=spot.y, description="占道设摊"
    )
    return case_submit(draft=draft)


def registered(cast: Cast, category: Category, *, block: Grid | None = None) -> Case:
    """A case registered for enforcement and waiting to be dispatched: residential units
    self-govern first, so the town's dispatcher hands it on."""
    block = block or cast.block_a
    dispatcher = actor_for(cast.alice if block == cast.block_a else cast.bob)
    case = report(cast, category, block=block)
    case = case_act(case=case, action=Action.REGISTER, actor=dispatcher, version=case.version)
    return case_act(
        case=case,
        action=Action.HAND_TO_ENFORCEMENT,
        actor=dispatcher,
        version=case.version,
        reason="劝阻无效",
    )


def logged_in(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def listed(response: Any) -> list[str]:
    """The case numbers of the live list, in order."""
    return re.findall(r'class="case-row" data-number="(\d+)"', response.content.decode())


def counter(response: Any, key: str) -> int:
    found = re.search(
        rf'class="counter counter-{key}"[^>]*><strong>(\d+)</strong>', response.content.decode()
    )
    assert found, key
    return int(found.group(1))


def test_each_user_starts_on_their_own_page(cast: Cast) -> None:
    assert Client().get("/")["Location"] == "/login/"
    assert logged_in(cast.alice).get("/")["Location"] == "/centre/"
    assert logged_in(cast.carol).get("/")["Location"] == "/centre/"
    assert logged_in(cast.root).get("/")["Location"] == "/centre/"
    # Departments and grid forces work from their inboxes.
    assert logged_in(cast.dora).get("/")["Location"] == "/inbox/"
    assert logged_in(cast.ivan).get("/")["Location"] == "/inbox/"
    # Logging in lands on the home page, which knows where to go.
    answer = Client().post("/login/", {"username": "alice", "password": PASSWORD})
    assert answer["Location"] == "/"


def test_the_centre_is_for_the_centres_and_the_leaders(cast: Cast) -> None:
    assert Client().get("/centre/")["Location"].startswith("/login/?next=/centre/")
    refused = logged_in(cast.dora).get("/centre/")
    assert refused.status_code == 403
    assert "for the operations centres" in refused.content.decode()
    assert logged_in(cast.dora).get("/centre/live/").status_code == 403

    leader = person_create(name="区领导", organisation=cast.district_centre, username="lee")
    role_assign(person=leader, role=Role.LEADER, grid=cast.district)
    assert leader.user is not None
    page = logged_in(leader.user).get("/centre/")
    assert page.status_code == 200
    assert 'name="case"' not in page.content.decode()  # leaders watch; they do not dispatch


def test_a_town_dispatcher_sees_her_town_only(cast: Cast, category: Category) -> None:
    mine = report(cast, category)
    theirs = report(cast, category, block=cast.block_b)

    page = logged_in(cast.alice).get("/centre/")
    assert listed(page) == [mine.number]
    assert counter(page, "open") == 1 and counter(page, "to_register") == 1
    markers = logged_in(cast.alice).get("/centre/cases.json").json()
    assert [point["number"] for point in markers["points"]] == [mine.number]
    assert mine.number in logged_in(cast.alice).get("/centre/live/").content.decode()

    district = logged_in(cast.carol).get("/centre/")
    assert listed(district) == [theirs.number, mine.number]  # newest first
    assert counter(district, "open") == 2


def test_the_filters_narrow_the_list_and_the_counters_link_to_them(
    cast: Cast, category: Category
) -> None:
    other = Category.objects.filter(family="facility", parent__isnull=False, urgent=False).first()
    assert other is not None
    waiting = report(cast, category, channel=Channel.HOTLINE_12345)
    overdue = registered(cast, category)
    Case.objects.filter(pk=overdue.pk).update(light="red", urgent=True)
    dispatched = registered(cast, other)
    case_act(
        case=dispatched,
        action=Action.DISPATCH,
        actor=actor_for(cast.alice),
        version=dispatched.version,
        department=cast.market_a,
    )
    old = report(cast, other)
    Case.objects.filter(pk=old.pk).update(reported_at=timezone.now() - datetime.timedelta(days=9))
    closed = report(cast, category)
    Case.objects.filter(pk=closed.pk).update(status="closed")
    client = logged_in(cast.carol)

    def numbers(query: str) -> set[str]:
        answer = client.get(f"/centre/?{query}")
        assert answer.status_code == 200, answer.content
        return set(listed(answer))

    everything_open = {waiting.number, overdue.number, dispatched.number, old.number}
    assert numbers("") == everything_open
    assert numbers(f"category={category.pk}") == {waiting.number, overdue.number}
    assert numbers(f"category={category.parent_id}") == {waiting.number, overdue.number}
    assert numbers("channel=hotline_12345") == {waiting.number}
    assert numbers("status=reported") == {waiting.number, old.number}
    assert numbers("status=closed") == {closed.number}
    assert numbers("status=to_dispatch") == {overdue.number}
    assert numbers("light=red") == {overdue.number}
    assert numbers("urgent=on") == {overdue.number}
    assert numbers(f"department={cast.market.pk}") == {dispatched.number}  # and its offices
    assert numbers("period=7d") == everything_open - {old.number}
    assert numbers(f"grid={cast.town_a.code}") == everything_open
    assert numbers(f"grid={cast.town_b.code}") == set()

    page = client.get(f"/centre/?category={category.pk}&light=red")
    assert counter(page, "open") == 2  # counters keep the place and kind, not the light
    assert counter(page, "red") == 1 and counter(page, "urgent") == 1
    assert counter(page, "to_dispatch") == 1
    body = page.content.decode()
    assert f'href="?category={category.pk}&amp;status=to_dispatch"' in body
    assert f'href="?category={category.pk}&amp;light=red"' in body


def test_the_list_goes_newest_or_nearest_deadline_first_a_page_at_a_time(
    cast: Cast, category: Category, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(centre, "PAGE_SIZE", 2)
    first, second, third = (registered(cast, category) for _ in range(3))
    now = timezone.now()
    for case, hours in ((first, 5), (second, -1), (third, 9)):
        Case.objects.filter(pk=case.pk).update(clock_due=now + datetime.timedelta(hours=hours))
    client = logged_in(cast.alice)

    page = client.get("/centre/")
    assert listed(page) == [third.number, second.number]
    assert 'href="?page=2"' in page.content.decode()
    assert listed(client.get("/centre/?page=2")) == [first.number]

    by_deadline = client.get("/centre/?order=deadline")
    assert listed(by_deadline) == [second.number, first.number]
    assert "overdue" in by_deadline.content.decode()  # the late one says by how much


def test_bad_filters_are_refused_with_the_reason_and_the_choices_kept(
    cast: Cast, category: Category
) -> None:
    client = logged_in(cast.alice)
    page = client.get(f"/centre/?light=purple&grid={cast.unit_a.code}&channel=media")
    assert page.status_code == 400
    body = page.content.decode()
    assert "Select a valid choice" in body
    assert f'<option value="{cast.unit_a.code}" selected>' in body
    assert '<option value="media" selected>' in body
    # Town B is not hers to filter by.
    assert client.get(f"/centre/?grid={cast.town_b.code}").status_code == 400
    assert client.get("/centre/live/?page=0").status_code == 400
    assert client.get("/centre/cases.json?period=forever").status_code == 400
    assert client.get("/centre/cases.json?bbox=1,2,three,4").status_code == 400


def test_bulk_dispatch_dispatches_each_and_says_why_not_for_the_others(
    cast: Cast, category: Category
) -> None:
    ready = registered(cast, category)
    unregistered = report(cast, category)
    stale = registered(cast, category)
    elsewhere = registered(cast, category, block=cast.block_b)
    seen = stale.version  # then someone else acts on it first
    case_escalate(case=stale, actor=actor_for(cast.alice), version=seen, reason="久拖不决")

    answer = logged_in(cast.alice).post(
        "/centre/dispatch/",
        {
            "case": [
                f"{ready.number}:{ready.version}",
                f"{unregistered.number}:{unregistered.version}",
                f"{stale.number}:{seen}",
                f"{elsewhere.number}:{elsewhere.version}",
            ]
        },
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert answer["HX-Trigger"] == "centre-refresh"  # the list refreshes itself
    body = answer.content.decode()
    assert re.findall(r'<li class="(done|refused)"><a href="/cases/(\d+)/">', body) == [
        ("done", ready.number),
        ("refused", unregistered.number),
        ("refused", stale.number),
        ("refused", elsewhere.number),
    ]
    assert f"Dispatched to {cast.chengguan_a.name}." in body
    assert "once registered (or returned); this one is Reported" in body
    assert "changed by someone else" in body
    assert "No such case among those you may see." in body

    ready.refresh_from_db()
    assert (ready.status, ready.holder) == ("dispatched", cast.chengguan_a)
    assert ready.events.filter(action="dispatch", actor=cast.alice).exists()
    for untouched in (unregistered, elsewhere):
        assert Case.objects.get(pk=untouched.pk).version == untouched.version


def test_bulk_dispatch_to_one_department_and_without_scripts(
    cast: Cast, category: Category
) -> None:
    first, second = registered(cast, category), registered(cast, category)
    answer = logged_in(cast.alice).post(
        "/centre/dispatch/",
        {
            "case": [f"{first.number}:{first.version}", f"{second.number}:{second.version}"],
            "department": cast.market_a.pk,
            "back": "light=red&grid=310112001",
        },
    )
    assert answer.status_code == 200
    assert 'href="/centre/?light=red&amp;grid=310112001"' in answer.content.decode()
    assert {c.holder_id for c in Case.objects.filter(pk__in=[first.pk, second.pk])} == {
        cast.market_a.pk
    }


def test_bulk_dispatch_refuses_an_empty_or_unreadable_selection(cast: Cast) -> None:
    client = logged_in(cast.alice)
    nothing = client.post("/centre/dispatch/", {}, headers={"HX-Request": "true"})
    assert nothing.status_code == 400 and "Tick the cases to dispatch." in nothing.content.decode()
    unreadable = client.post("/centre/dispatch/", {"case": "DROP TABLE"})
    assert unreadable.status_code == 400 and "does not name a case" in unreadable.content.decode()
    not_a_department = {"case": "1:1", "department": cast.town_b_centre.pk}
    assert client.post("/centre/dispatch/", not_a_department).status_code == 400
    assert client.get("/centre/dispatch/").status_code == 405


def test_the_grid_layers_are_the_users_own_simplified_and_revalidated(cast: Cast) -> None:
    client = logged_in(cast.alice)
    units = client.get("/centre/grids.geojson?level=unit")
    assert units.status_code == 200 and units["Content-Type"] == "application/geo+json"
    features = json.loads(units.content)["features"]
    assert [f["properties"]["code"] for f in features] == [cast.unit_a.code]
    ring = features[0]["geometry"]["coordinates"][0]
    assert all(len(str(value).split(".")[-1]) <= 6 for position in ring for value in position)

    again = client.get("/centre/grids.geojson?level=unit", headers={"If-None-Match": units["ETag"]})
    assert again.status_code == 304
    grid_tree_touch()  # any change of the tree
    changed = client.get(
        "/centre/grids.geojson?level=unit", headers={"If-None-Match": units["ETag"]}
    )
    assert changed.status_code == 200

    district = json.loads(logged_in(cast.carol).get("/centre/grids.geojson?level=town").content)
    assert {f["properties"]["code"] for f in district["features"]} == {
        cast.town_a.code,
        cast.town_b.code,
    }
    assert client.get("/centre/grids.geojson?level=galaxy").status_code == 400


def test_gcj02_tiles_get_grids_and_cases_shifted_to_match(
    cast: Cast, category: Category, settings: Any
) -> None:
    settings.WANGGE_TILE_CRS = "gcj02"
    settings.WANGGE_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    case = report(cast, category)
    client = logged_in(cast.alice)
    point = client.get("/centre/cases.json").json()["points"][0]
    lng, lat = from_wgs84(case.lng, case.lat, CRS.GCJ02)
    assert (point["lng"], point["lat"]) == (round(float(lng), 6), round(float(lat), 6))
    assert abs(point["lng"] - case.lng) > 0.001  # a few hundred metres in Shanghai

    # The part of the map in view comes back in GCJ-02 and is read as such.
    near = ",".join(
        str(value)
        for value in (
            point["lng"] - 1e-3,
            point["lat"] - 1e-3,
            point["lng"] + 1e-3,
            point["lat"] + 1e-3,
        )
    )
    assert client.get(f"/centre/cases.json?bbox={near}").json()["points"] == [point]

    assert settings.WANGGE_TILE_URL in client.get("/centre/").content.decode()
    unit = json.loads(client.get("/centre/grids.geojson?level=unit").content)["features"][0]
    west = min(position[0] for position in unit["geometry"]["coordinates"][0])
    assert west == pytest.approx(
        float(from_wgs84(cast.unit_a.min_lng, 31.0, CRS.GCJ02)[0]), abs=1e-5
    )


def test_a_crowded_map_counts_the_cases_by_grid(
    cast: Cast, category: Category, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(centre, "POINT_LIMIT", 2)
    for _ in range(2):
        report(cast, category)
    late = registered(cast, category)
    Case.objects.filter(pk=late.pk).update(light="red")
    report(cast, category, block=cast.block_b)

    groups = logged_in(cast.carol).get("/centre/cases.json").json()
    assert groups["points"] == []
    by_code = {group["code"]: group for group in groups["groups"]}
    assert set(by_code) == {cast.unit_a.code, cast.unit_b.code}
    assert (by_code[cast.unit_a.code]["count"], by_code[cast.unit_a.code]["red"]) == (3, 1)
    assert by_code[cast.unit_a.code]["light"] == "red"  # the worst light among them
    assert by_code[cast.unit_b.code]["light"] == "none"

    monkeypatch.setattr(centre, "GROUP_LIMIT", 1)  # then a level up, to the district
    rolled = logged_in(cast.carol).get("/centre/cases.json").json()["groups"]
    assert [(group["code"], group["count"]) for group in rolled] == [(cast.district.code, 4)]
