"""Walks through the real pages in a real Chromium, each person in a browser of their own.

The loop (Jing'an seed 002's six steps, Yingpu seed 003's QR code on a shopfront): a citizen
reports from the board of a street grid, the town's dispatcher registers and dispatches, 城管's
handler accepts and reports the result with a photo, the grid's inspector verifies and the case
closes, and the citizen rates the result. A street grid, because its cases go straight to
enforcement.

The whistle (Jiading seed 004: 一键吹哨, 一键响应, 一键评价): in a residential grid, which governs
itself first (Minhang seed 000), the grid chief summons two departments, both answer from their
inboxes, and after closure the chief rates each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from shapely.geometry import shape

from wangge.cases.models import Case, CasePhoto, WhistleCall
from wangge.cases.services import actor_for, case_act
from wangge.cases.testing import submit_in_town_a
from wangge.cases.workflow import Action, Status
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.core.testing import photo_with_exif
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.models import Grid
from wangge.grids.services import grid_create
from wangge.grids.testing import box
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation
from wangge.people.services import organisation_create, person_create, role_assign
from wangge.people.testing import PASSWORD, Cast, build_cast
from wangge.web import forms
from wangge.web.testing import accessibility_violations, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Street:
    """A town with a street grid (街面网格), its centre, 城管's office there and their people."""

    grid: Grid
    office: Organisation
    category: Category


def _member(name: str, organisation: Organisation, role: str, username: str, **grid: Any) -> None:
    person = person_create(
        name=name, organisation=organisation, username=username, password=PASSWORD
    )
    role_assign(person=person, role=role, **grid)


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def category(cast: Cast) -> Category:
    return Category.objects.get(family="event", code="0504")  # 店外经营（跨门营业）


@pytest.fixture
def street(cast: Cast, category: Category) -> Street:
    outline = box(121.40, 31.05, 121.45, 31.10)  # beside the cast's towns, inside the district
    town = grid_create(
        code="310112003",
        name="莘庄镇",
        level=GridLevel.TOWN,
        kind=GridKind.ADMINISTRATIVE,
        geometry=outline,
        parent=cast.district,
    )
    area = grid_create(
        code="310112003001",
        name="莘庄镇第一片区",
        level=GridLevel.AREA,
        kind=GridKind.ADMINISTRATIVE,
        geometry=outline,
        parent=town,
    )
    grid = grid_create(
        code="310112003001001",
        name="沪闵路街面",
        level=GridLevel.UNIT,
        kind=GridKind.STREET,
        geometry=outline,
        parent=area,
    )
    centre = organisation_create(
        name="莘庄镇城运中心",
        kind=OrganisationKind.TOWN_CENTRE,
        jurisdiction=town,
        parent=cast.district_centre,
    )
    office = organisation_create(
        name="城管执法局莘庄中队",
        kind=OrganisationKind.DEPARTMENT_OFFICE,
        jurisdiction=town,
        parent=cast.chengguan,
    )
    _member("莘庄受理员", centre, Role.DISPATCHER, "zhou")
    _member("城管队员", office, Role.HANDLER, "han")
    _member("街面巡查员", centre, Role.INSPECTOR, "wu", grid=grid)
    return Street(grid=grid, office=office, category=category)


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """Opens a page in a browser of its own (a phone or a desk), logged in if a user is named."""
    contexts: list[Any] = []

    def opening(username: str | None = None, phone: bool = True, **options: Any) -> Any:
        context = browser.new_context(
            locale="zh-CN",
            viewport=PHONE if phone else {"width": 1280, "height": 900},
            base_url=live_server.url,
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            page.goto("/login/?next=/inbox/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("#login button[type=submit]")
            page.wait_for_url("**/inbox/")
        return page

    yield opening
    for context in contexts:
        context.close()


def submit(page: Any, selector: str) -> None:
    """Press a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def open_case(page: Any, section: str, number: str) -> None:
    """From the inbox: find the case in its section and open it."""
    page.wait_for_selector(f"#{section} .row-number:text('{number}')")
    accessible(page)
    submit(page, f"#{section} a[href='/cases/{number}/']")
    page.wait_for_selector("#case-map .leaflet-interactive")  # the map drew the grid
    accessible(page)


def accessible(page: Any) -> None:
    assert accessibility_violations(page) == []


def test_a_citizen_s_report_goes_round_the_loop_to_a_rating(
    street: Street, open_page: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    # The form turns away anything sent within seconds of opening it; a test types faster.
    monkeypatch.setattr(forms, "MIN_SECONDS", 0)
    picture = tmp_path / "shop.jpg"
    picture.write_bytes(photo_with_exif().read())
    spot = shape(street.grid.geometry).representative_point()

    # The citizen scans the QR code on the shopfront and reports with a photo.
    citizen = open_page(
        geolocation={"longitude": spot.x, "latitude": spot.y}, permissions=["geolocation"]
    )
    citizen.goto(f"/r/g/{street.grid.code}/")
    citizen.select_option("#id_category", str(street.category.pk))
    citizen.fill("#id_description", "沪闵路88号水果店把货架摆到人行道上")
    citizen.set_input_files("#id_photo", str(picture))
    citizen.fill("#id_phone", "13912345678")
    citizen.wait_for_function("document.getElementById('id_lng').value !== ''")
    accessible(citizen)
    screenshot(citizen, "citizen-report")
    submit(citizen, "#citizen-report button[type=submit]")
    tracking = citizen.url
    case = Case.objects.get()
    assert "/r/t/" in tracking and case.number in citizen.text_content("h1, header")
    assert case.grid == street.grid

    # The town's dispatcher registers it and dispatches it to 城管's squad.
    desk = open_page("zhou", phone=False)
    screenshot(desk, "inbox-centre")
    open_case(desk, "to_register", case.number)
    screenshot(desk, "case-reported")
    submit(desk, "#step-register button")
    desk.click("#step-dispatch summary")
    desk.select_option("#id_dispatch-department", str(street.office.pk))
    submit(desk, "#step-dispatch button[type=submit]")
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.holder == street.office

    # The handler accepts on the phone and reports the result with a photo.
    handler = open_page("han")
    screenshot(handler, "inbox-department")
    open_case(handler, "to_accept", case.number)
    submit(handler, "#step-accept button")
    handler.click("#step-handle summary")
    handler.fill("#id_handle-note", "已责令店主将货架收回店内")
    handler.set_input_files("#id_handle-photos", str(picture))
    submit(handler, "#step-handle button[type=submit]")
    handler.wait_for_selector("#photos img")
    accessible(handler)
    screenshot(handler, "case-handled")
    case.refresh_from_db()
    assert case.status == Status.HANDLED

    # The grid's inspector checks it and closes it.
    inspector = open_page("wu")
    screenshot(inspector, "inbox-verifier")
    open_case(inspector, "to_verify", case.number)
    inspector.click("#step-verify summary")
    inspector.fill("#id_verify-note", "现场复核，人行道已畅通")
    submit(inspector, "#step-verify button[type=submit]")
    inspector.wait_for_selector("#no-steps")
    case.refresh_from_db()
    assert case.status == Status.CLOSED

    # The citizen comes back to the tracking page and rates the result.
    citizen.goto(tracking)
    citizen.check("#rating input[name=rating][value='5']")
    accessible(citizen)
    submit(citizen, "#rating button[type=submit]")
    accessible(citizen)
    screenshot(citizen, "citizen-track")
    case.refresh_from_db()
    assert case.reporter_rating == 5
    assert list(case.events.order_by("sequence").values_list("action", flat=True)) == [
        "report",
        "register",
        "dispatch",
        "accept",
        "handle",
        "verify",
        "reporter_rating",
    ]
    assert CasePhoto.objects.filter(case=case).count() == 2  # the problem and the result


def test_a_grid_chief_summons_two_departments_who_answer_and_are_rated(
    cast: Cast, category: Category, open_page: Any
) -> None:
    _member("江川网格长", cast.workstation_a, Role.GRID_CHIEF, "chen", grid=cast.unit_a)
    _member("市场监管所员", cast.market_a, Role.HANDLER, "mike")
    case = submit_in_town_a(cast, category)  # the inspector's patrol find
    case = case_act(case=case, action=Action.REGISTER, actor=actor_for(cast.alice), version=1)
    assert case.status == Status.SELF_GOVERNANCE

    # The chief finds it in the grid's own work and blows the whistle.
    chief = open_page("chen")
    screenshot(chief, "inbox-chief")
    open_case(chief, "self_governance", case.number)
    chief.click("#step-whistle summary")
    for department in (cast.chengguan_a, cast.market_a):
        chief.check(f"#step-whistle input[value='{department.pk}']")
    chief.fill("#id_whistle-note", "店外经营屡劝不改，请城管、市场监管联合执法")
    submit(chief, "#step-whistle button[type=submit]")
    calls = list(WhistleCall.objects.order_by("pk"))
    assert [call.department for call in calls] == [cast.chengguan_a, cast.market_a]

    # Each department answers from its inbox in one click, offered to be there in half an hour.
    for username, call in (("dora", calls[0]), ("mike", calls[1])):
        department = open_page(username, phone=False)
        department.wait_for_selector(f"#answer #step-respond-{call.pk}")
        accessible(department)
        screenshot(department, f"inbox-whistle-{username}")
        submit(department, f"#step-respond-{call.pk} button")
        department.wait_for_selector("main [role=status]")
        assert department.locator(f"#step-respond-{call.pk}").count() == 0
        call.refresh_from_db()
        assert call.responded_at is not None and call.arrive_by is not None

    # Settled together; someone other than the chief checks it, and it closes.
    chief.goto(f"/cases/{case.number}/")
    chief.click("#step-resolve_front_end summary")
    chief.fill("#id_resolve_front_end-note", "城管、市场监管到场，店主已将货架收回")
    submit(chief, "#step-resolve_front_end button[type=submit]")
    case.refresh_from_db()
    case = case_act(
        case=case, action=Action.VERIFY, actor=actor_for(cast.ivan), version=case.version
    )

    # The chief rates each department; the rating carries no name.
    chief.goto(f"/cases/{case.number}/")
    for call, rating in zip(calls, (5, 3), strict=True):
        chief.click(f"#step-rate-{call.pk} summary")
        chief.select_option(f"#id_rate-rating_{call.pk}", str(rating))
        submit(chief, f"#step-rate-{call.pk} button[type=submit]")
    accessible(chief)
    screenshot(chief, "case-whistle")
    assert [call.rating for call in WhistleCall.objects.order_by("pk")] == [5, 3]
    assert case.events.filter(action="rate", actor__isnull=True).count() == 2
