"""The case page and the inbox on a 390 px phone: one column, nothing wider than the screen,
every control big enough for a thumb (44 px), and labelled and legible for everyone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from wangge.cases.models import Case
from wangge.cases.remarks import whistle_blow
from wangge.cases.services import actor_for
from wangge.cases.testing import in_enforcement
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.people.testing import PASSWORD, Cast, build_cast
from wangge.web.testing import accessibility_violations, screenshot

pytestmark = pytest.mark.browser

# Controls a thumb presses, in the page's own content (the map's zoom buttons are Leaflet's).
CONTROLS = (
    "main button, main summary, main .row-link, main select, main textarea,"
    " main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main .choices label"
)


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def case(cast: Cast) -> Case:
    """A case dispatched to dora's squad, with a whistle it must answer."""
    category = Category.objects.get(family="event", code="0504")
    case = in_enforcement(cast, category, cast.chengguan_a)
    whistle_blow(
        case=case,
        actor=actor_for(cast.alice),
        version=case.version,
        departments=[cast.chengguan_a],
        note="联合整治",
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def phone(browser: Any, live_server: Any, cast: Cast) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login/?next=/inbox/")
    page.fill("input[name=username]", cast.dora.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_url("**/inbox/")
    yield page
    context.close()


def fits_a_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    small = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((e) => e.offsetParent !== null)
            .filter((e) => e.getBoundingClientRect().height < 44)
            .map((e) => e.outerHTML.slice(0, 80))""",
        CONTROLS,
    )
    assert small == []
    assert accessibility_violations(page) == []


def test_the_inbox_and_the_case_page_lay_out_for_a_phone(case: Case, phone: Any) -> None:
    phone.wait_for_selector(f"#to_accept a[href='/cases/{case.number}/']")
    fits_a_phone(phone)
    screenshot(phone, "inbox-phone")

    with phone.expect_navigation():
        phone.click(f"#to_accept a[href='/cases/{case.number}/']")
    phone.wait_for_selector("#case-map .leaflet-interactive")
    # One column: what the user may do comes before the timeline, full width.
    actions = phone.locator("#actions").bounding_box()
    timeline = phone.locator("#timeline").bounding_box()
    assert actions["width"] > 330 and actions["y"] < timeline["y"]
    phone.click("#step-return summary")
    phone.wait_for_selector("#id_return-reason")
    fits_a_phone(phone)
    screenshot(phone, "case")


def test_a_refused_step_keeps_what_was_typed_in_the_browser(case: Case, phone: Any) -> None:
    phone.goto(f"/cases/{case.number}/")
    phone.click("#step-accept button")
    phone.wait_for_selector("#step-handle summary")
    phone.click("#step-handle summary")
    phone.fill("#id_handle-note", "摊位已清除，店主承诺不再占道")
    phone.set_input_files(
        "#id_handle-photos",
        files=[{"name": "result.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"}],
    )
    with phone.expect_navigation():
        phone.click("#step-handle button[type=submit]")
    assert phone.input_value("#id_handle-note") == "摊位已清除，店主承诺不再占道"
    assert phone.locator("#step-handle [role=alert]").count() == 1
    fits_a_phone(phone)
    case.refresh_from_db()
    assert case.status == "accepted"
