"""The command centre in a real headless Chromium, with no tile server: the grids and the cases
are drawn on a plain background, the live list picks up a new case without a reload, several
cases are dispatched at once, and the page passes the accessibility check."""

from __future__ import annotations

from typing import Any

import pytest

from wangge.cases.models import Case
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults, responsibility_set
from wangge.people.testing import PASSWORD, Cast, build_cast
from wangge.web import centre
from wangge.web.testing import accessibility_violations, screenshot
from wangge.web.tests.test_centre import registered, report

# Cases drawn on the map: single markers, and the numbers on the clusters of those close by.
ON_THE_MAP = (
    "[...document.querySelectorAll('.case-cluster')].reduce("
    "(n, cluster) => n + Number(cluster.textContent), "
    "document.querySelectorAll('path.case-marker').length)"
)


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def category(cast: Cast) -> Category:
    found = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert found is not None and found.parent is not None
    responsibility_set(category=found.parent, department=cast.chengguan_a, grid=cast.town_a)
    return found


@pytest.fixture
def centre_page(
    browser: Any, live_server: Any, cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Any:
    settings.WANGGE_TILE_URL = ""  # offline: no base map at all
    monkeypatch.setattr(centre, "REFRESH_SECONDS", 1)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1440, "height": 1000}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Nothing may come from outside the test server: the centre must work without a network.
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else outside.append(request.url)
        ),
    )
    page.goto("/")
    page.fill("input[name=username]", cast.alice.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/centre/")
    yield page
    assert outside == []
    context.close()


def test_the_centre_draws_the_map_offline_and_its_list_stays_live(
    centre_page: Any, cast: Cast, category: Category
) -> None:
    page = centre_page
    first = registered(cast, category)
    page.reload()
    page.wait_for_selector("path.grid-unit")
    page.wait_for_selector("path.grid-town")
    page.wait_for_selector("path.case-marker.light-green")
    assert page.locator(f"#live tr[data-number='{first.number}']").count() == 1
    assert accessibility_violations(page) == []
    screenshot(page, "centre")

    # A report arriving after the page loaded shows up in the list and on the map by itself.
    page.evaluate("window.stillTheSamePage = true")
    later = report(cast, category)
    page.wait_for_selector(f"#live tr[data-number='{later.number}']")
    page.wait_for_function(f"({ON_THE_MAP}) === 2")
    assert page.evaluate("window.stillTheSamePage") is True


def test_several_cases_are_dispatched_at_once_from_the_list(
    centre_page: Any, cast: Cast, category: Category
) -> None:
    page = centre_page
    ready = [registered(cast, category) for _ in range(2)]
    page.reload()
    # Nothing ticked: told so, and the choice of department stays as it was.
    page.select_option("#dispatch-form select[name=department]", str(cast.chengguan_a.pk))
    page.click("#dispatch-form button[type=submit]")
    page.wait_for_selector("#dispatch-result .notice.error")
    value = page.input_value("#dispatch-form select[name=department]")
    assert value == str(cast.chengguan_a.pk)

    page.check("#select-all")
    for case in ready:
        assert page.is_checked(f"#live input[name=case][value^='{case.number}:']")
    page.click("#dispatch-form button[type=submit]")
    page.wait_for_selector("#dispatch-result li.done >> nth=1")
    assert page.locator("#dispatch-result li.refused").count() == 0
    # The list refreshes on its own and shows where they went.
    page.wait_for_function("!document.querySelector('#live input[name=case]')", timeout=15_000)
    assert {c.status for c in Case.objects.filter(pk__in=[c.pk for c in ready])} == {"dispatched"}
    assert accessibility_violations(page) == []
    screenshot(page, "centre-dispatched")


def test_the_centre_lays_out_on_a_phone(centre_page: Any, cast: Cast, category: Category) -> None:
    page = centre_page
    report(cast, category)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("path.case-marker")
    # One column: the page is no wider than the phone, the table scrolls within itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert accessibility_violations(page) == []
    screenshot(page, "centre-phone")
