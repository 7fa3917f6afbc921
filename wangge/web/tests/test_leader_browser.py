"""The leader dashboard in a real Chromium: the seeds' indicators with their targets and weekly
sparklines, the worst grids and departments, reachable and accessible."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from wangge.cases.sweep import sweep
from wangge.cases.testing import in_enforcement, submit_in_town_a
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.core.testing import beijing
from wangge.people.testing import PASSWORD, Cast, build_cast
from wangge.web.testing import accessibility_violations, screenshot

pytestmark = pytest.mark.browser
MONDAY = beijing(2025, 6, 2, 9)


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    catalog_load_defaults()
    cast = build_cast()
    category = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert category is not None
    with time_machine.travel(MONDAY, tick=False):
        submit_in_town_a(cast, category)
        in_enforcement(cast, category, department=cast.chengguan_a)
    sweep(now=MONDAY + timedelta(days=20))
    return cast


@pytest.fixture
def leader_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login/?next=/leader/%3Fstart%3D2025-05-24%26end%3D2025-06-22")
    page.fill("input[name=username]", "carol")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    yield page
    context.close()


def test_the_leader_dashboard_shows_the_indicators_against_their_targets(
    cast: Cast, leader_page: Any
) -> None:
    page = leader_page
    closure = page.locator('[data-indicator="closure_rate"]')
    closure.wait_for()
    # One case registered in the district, none closed: 0% against Yingpu's 97% (seed 003).
    assert "0%" in closure.inner_text() and "97%" in closure.inner_text()
    assert page.locator('[data-indicator="proactive_discovery_rate"] svg.sparkline').count() == 1
    assert cast.chengguan_a.name in page.locator("#worst-departments-kpi").inner_text()
    assert accessibility_violations(page) == []
    screenshot(page, "leader-dashboard")
