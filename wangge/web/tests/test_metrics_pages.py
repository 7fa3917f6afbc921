"""The three-colour page and the patrol comparison: who may see them, what they show, and the
same pages in a real Chromium with the accessibility check."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from wangge.cases.choices import Channel
from wangge.catalog.services import catalog_load_defaults
from wangge.metrics.testing import at, make_case
from wangge.metrics.tests.test_colours import NOW, _history
from wangge.metrics.tests.test_hotspots import _listed_and_unlisted
from wangge.people.testing import PASSWORD, Cast, build_cast
from wangge.web.testing import accessibility_violations, screenshot

MARCH = "?start=2026-03-01&end=2026-03-31"


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


def _client(user: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def _evening_complaints(cast: Cast) -> None:
    inside, _outside = _listed_and_unlisted()
    for day in range(1, 15):
        make_case(cast.block_a, inside, at(3, day, 19), channel=Channel.HOTLINE_12345)
    make_case(cast.block_a, inside, at(3, 3, 18, 30))


def test_the_district_sees_every_block_the_worst_first_with_reasons(cast: Cast) -> None:
    _history(cast)
    with time_machine.travel(NOW, tick=False):
        page = _client(cast.carol).get("/colours/" + MARCH).content.decode()
    assert page.index(cast.block_a.code) < page.index(cast.block_b.code)
    assert "4 overdue of 9 (44% ≥ 30%)" in page
    assert "2 complaints of 4 (50% ≥ 40%)" in page
    assert "1 block is green." in page


def test_a_town_sees_only_its_blocks_on_the_list_and_the_map(cast: Cast) -> None:
    _history(cast)
    bob = _client(cast.bob)
    with time_machine.travel(NOW, tick=False):
        page = bob.get("/colours/" + MARCH).content.decode()
        blocks = bob.get("/colours/blocks.geojson").json()
    assert cast.block_b.code in page and cast.block_a.code not in page
    assert [f["properties"]["code"] for f in blocks["features"]] == [cast.block_b.code]


def test_the_pages_refuse_whoever_is_not_a_leader_chief_or_centre(cast: Cast) -> None:
    dora = _client(cast.dora)  # a department's handler
    for address in ("/colours/", "/colours/blocks.geojson", "/hotspots/"):
        assert dora.get(address).status_code == 403
    assert "Three-colour rating" not in dora.get("/inbox/").content.decode()
    assert "Three-colour rating" in _client(cast.alice).get("/inbox/").content.decode()
    assert Client().get("/colours/").status_code == 302


def test_a_wrong_period_is_a_400_saying_why(cast: Cast) -> None:
    alice = _client(cast.alice)
    for address in ("/colours/", "/hotspots/"):
        response = alice.get(address + "?start=2026-03-31&end=2026-03-01")
        assert response.status_code == 400
        assert "The period ends before it starts." in response.content.decode()
        assert alice.get(address + "?start=yesterday&end=").status_code == 400


def test_the_patrol_comparison_tells_the_town_where_and_when(cast: Cast) -> None:
    _evening_complaints(cast)
    inside, _outside = _listed_and_unlisted()
    with time_machine.travel(NOW, tick=False):
        page = _client(cast.alice).get("/hotspots/" + MARCH).content.decode()
        theirs = _client(cast.bob).get("/hotspots/" + MARCH).content.decode()
    line = f"{cast.unit_a.name}, {inside.name}, 18–21 h: 14 complaints, 1 patrol find"
    assert line in page
    assert line not in theirs


@pytest.mark.browser
def test_both_pages_in_a_browser(
    browser: Any, live_server: Any, transactional_db: None, settings: Any
) -> None:
    settings.WANGGE_TILE_URL = ""
    catalog_load_defaults()
    cast = build_cast()
    _history(cast)
    _evening_complaints(cast)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1440, "height": 1000}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        with time_machine.travel(NOW, tick=True):
            page.goto("/login/")
            page.fill("input[name=username]", cast.carol.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/centre/")
            page.click("nav a[href='/colours/']")
            page.goto("/colours/" + MARCH)
            page.wait_for_selector("path.block-red")
            page.wait_for_selector("path.block-yellow")
            assert page.locator("#colour-list tbody tr").count() == 2
            assert accessibility_violations(page) == []
            screenshot(page, "three-colour")
            page.click("nav a[href='/hotspots/']")
            page.goto("/hotspots/" + MARCH)
            page.wait_for_selector("#gaps li")
            assert page.locator("table.heat td.heat-4").count() == 1
            assert accessibility_violations(page) == []
            screenshot(page, "patrol-vs-complaint")
    finally:
        context.close()
