"""Every page a person reaches outside the command centre passes an automated check for labels
and contrast (axe-core), the citizen's pages fit a small phone without sideways scrolling, and a
form refused for bad input keeps what was typed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.testing import closed_on_the_spot
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.intake.citizen import QR_SOURCE
from wangge.intake.models import Intake
from wangge.intake.services import Report, intake_submit
from wangge.people.testing import PASSWORD, Cast, build_cast
from wangge.records.testing import sample_records
from wangge.web.citizen import follow_path
from wangge.web.testing import accessibility_violations, screenshot
from wangge.web.tests.test_board import staff

pytestmark = pytest.mark.browser
PHONES = (320, 390)


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    catalog_load_defaults()
    cast = build_cast()
    staff(cast)
    return cast


def context_for(browser: Any, live_server: Any, width: int = 1280) -> Any:
    return browser.new_context(
        locale="zh-CN", viewport={"width": width, "height": 800}, base_url=live_server.url
    )


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = context_for(browser, live_server, width=PHONES[0])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def desk(browser: Any, live_server: Any) -> Iterator[Any]:
    context = context_for(browser, live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page: Any, username: str, then: str) -> None:
    page.goto(f"/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{then}")


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def closed_citizen_case(cast: Cast) -> Intake:
    """A citizen's report from the board, registered, handled and closed: its tracking page
    asks for a rating."""
    category = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert category is not None
    spot = shape(cast.block_a.geometry).representative_point()
    intake = intake_submit(
        Report(
            channel=Channel.CITIZEN,
            category=category,
            lng=spot.x,
            lat=spot.y,
            description="路灯不亮",
            reporter_phone="13912345678",
        ),
        source=QR_SOURCE,
        key=str(uuid.uuid4()),
    )
    closed_on_the_spot(intake.case, cast)
    return intake


def test_the_citizen_pages_pass_and_fit_a_small_phone(phone: Any, cast: Cast) -> None:
    intake = closed_citizen_case(cast)
    case: Case = intake.case
    for width in PHONES:
        phone.set_viewport_size({"width": width, "height": 780})
        for address in (
            f"/r/g/{cast.unit_a.code}/",
            f"/r/t/{intake.token}/",
            follow_path(case.number),
            f"/grids/{cast.unit_a.code}/board/",
        ):
            phone.goto(address)
            assert accessibility_violations(phone) == [], (width, address)
            assert fits(phone), (width, address)
    phone.set_viewport_size({"width": PHONES[0], "height": 780})
    phone.goto(f"/r/g/{cast.unit_a.code}/")
    screenshot(phone, "citizen-report-phone")


def test_a_refused_citizen_report_keeps_what_was_typed(phone: Any, cast: Cast) -> None:
    phone.goto(f"/r/g/{cast.unit_a.code}/")
    phone.select_option("select[name=category]", index=1)
    phone.fill("textarea[name=description]", "楼道堆物")
    phone.fill("input[name=phone]", "12345")  # not a mobile number
    phone.click("button[type=submit]")
    phone.wait_for_selector("#citizen-report .error")
    assert phone.input_value("textarea[name=description]") == "楼道堆物"
    assert phone.input_value("input[name=phone]") == "12345"
    assert accessibility_violations(phone) == []


def test_the_login_page_passes_and_keeps_the_username_on_a_wrong_password(
    desk: Any, cast: Cast
) -> None:
    desk.goto("/login/")
    assert accessibility_violations(desk) == []
    screenshot(desk, "login")
    desk.fill("input[name=username]", "carol")
    desk.fill("input[name=password]", "not the password")
    desk.click("button[type=submit]")
    desk.wait_for_selector("#login .error")
    assert desk.input_value("input[name=username]") == "carol"
    assert accessibility_violations(desk) == []


def test_the_board_passes_on_a_wall_and_on_a_phone(desk: Any, phone: Any, cast: Cast) -> None:
    log_in(desk, "alice", f"/grids/{cast.unit_a.code}/board/")  # with the print link
    desk.wait_for_function("document.querySelector('img.qr').naturalWidth > 0")
    assert accessibility_violations(desk) == []
    screenshot(desk, "board")
    phone.goto(f"/grids/{cast.block_a.code}/board/")
    assert accessibility_violations(phone) == [] and fits(phone)


def test_a_grid_s_records_pass_reached_from_its_board(desk: Any, cast: Cast) -> None:
    sample_records(cast)
    log_in(desk, "alice", f"/grids/{cast.unit_a.code}/board/")
    desk.get_by_role("link", name="网格档案").click()
    desk.wait_for_selector("table.records")
    assert "王记面馆" in desk.inner_text("table.records")
    assert accessibility_violations(desk) == []
    screenshot(desk, "grid-records")


def test_the_patrol_app_and_the_leader_view_pass(
    desk: Any, browser: Any, live_server: Any, cast: Cast
) -> None:
    log_in(desk, "carol", "/leader/")
    assert accessibility_violations(desk) == []
    screenshot(desk, "leader")
    desk.goto("/leader/?start=2025-06-20&end=2025-06-10")  # refused: the dates stay
    assert desk.input_value("input[name=start]") == "2025-06-20"
    assert accessibility_violations(desk) == []

    context = context_for(browser, live_server, width=390)
    patrol = context.new_page()
    patrol.set_default_timeout(15_000)
    log_in(patrol, "ivan", "/patrol/")
    assert accessibility_violations(patrol) == [] and fits(patrol)
    context.close()
