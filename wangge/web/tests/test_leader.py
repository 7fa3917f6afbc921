"""The leader view: the seeds' indicators for the user's area and period against their targets,
the grids and departments that do worst, and what the cases table says of the open cases."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from shapely.geometry import shape

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.services import case_draft, case_submit
from wangge.cases.sweep import sweep
from wangge.cases.testing import in_enforcement, submit_in_town_a
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.core.testing import beijing
from wangge.people.testing import Cast, build_cast

pytestmark = pytest.mark.django_db
MONDAY = beijing(2025, 6, 2, 9)
LATER = MONDAY + timedelta(days=20)  # every clock started on Monday has run out


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def category(cast: Cast) -> Category:
    found = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert found is not None
    return found


def in_town_b(cast: Cast, category: Category) -> Case:
    spot = shape(cast.block_b.geometry).representative_point()
    draft = case_draft(
        channel=Channel.CITIZEN, category=category, lng=spot.x, lat=spot.y, description="噪声扰民"
    )
    return case_submit(draft=draft)


@pytest.fixture
def cases(cast: Cast, category: Category) -> dict[str, Case]:
    """In town A: a patrol find left reported, and one dispatched to 城管's town office that runs
    out of time; in town B a citizen's report."""
    with time_machine.travel(MONDAY, tick=False):
        found = submit_in_town_a(cast, category)
        late = in_enforcement(cast, category, department=cast.chengguan_a)
        other = in_town_b(cast, category)
    sweep(now=LATER)
    return {"found": found, "late": late, "other": other}


def logged_in(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def leader_page(user: Any, query: str = "") -> Any:
    with time_machine.travel(LATER, tick=False):
        return logged_in(user).get(f"/leader/{query}")


def counter(html: str, label: str) -> int:
    found = re.search(rf"<span>{re.escape(label)}</span><strong>(\d+)</strong>", html)
    assert found, label
    return int(found.group(1))


def test_a_town_dispatcher_sees_the_towns_figures_only(cast: Cast, cases: dict[str, Case]) -> None:
    html = leader_page(cast.alice).content.decode()
    assert counter(html, "Reported") == 2
    assert counter(html, "Proactively discovered") == 2
    assert counter(html, "Closed") == 0
    assert counter(html, "Open") == 2
    assert counter(html, "Overdue (red light)") == 1
    assert cast.unit_b.name not in html and cast.town_b.name not in html


def test_the_district_sees_every_town_and_the_worst_grids_and_departments(
    cast: Cast, cases: dict[str, Case]
) -> None:
    html = leader_page(cast.carol).content.decode()
    assert counter(html, "Reported") == 3 and counter(html, "Overdue (red light)") == 1
    towns = html[html.index('id="worst-towns"') : html.index('id="worst-units"')]
    assert towns.index(cast.town_a.name) < towns.index(cast.town_b.name)  # town A is overdue
    units = html[html.index('id="worst-units"') : html.index('id="worst-departments"')]
    assert f'href="/grids/{cast.unit_a.code}/board/"' in units
    departments = html[html.index('id="worst-departments"') :]
    assert cast.chengguan_a.name in departments


def test_each_figure_is_compared_with_the_period_before(cast: Cast, cases: dict[str, Case]) -> None:
    # Monday's cases fall in the first of two back-to-back weeks.
    week = "?start=2025-06-09&end=2025-06-15"
    quiet = leader_page(cast.carol, week).content.decode()
    assert counter(quiet, "Reported") == 0 and "3 fewer than before" in quiet
    busy = leader_page(cast.carol, "?start=2025-06-02&end=2025-06-08").content.decode()
    assert counter(busy, "Reported") == 3 and "3 more than before" in busy


def indicator(html: str, key: str) -> str:
    """The text of one indicator's tile, tags stripped."""
    start = html.index(">", html.index(f'data-indicator="{key}"')) + 1
    tile = html[start : html.index("</li>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", tile).split())


def test_the_indicators_are_computed_for_the_users_area_against_their_targets(
    cast: Cast, cases: dict[str, Case]
) -> None:
    html = leader_page(cast.alice).content.decode()
    # Town A registered one case (the patrol find handed to enforcement) and closed none: the
    # closure rate is 0% against Yingpu's 97% (seed 003); it ran out of time once.
    assert indicator(html, "closure_rate").startswith("Closure rate 0% target 97% · not reached")
    assert indicator(html, "overdue").startswith("Cases overdue 1 cases")
    assert indicator(html, "proactive_discovery_rate").startswith(
        "Proactive discovery rate 100% target 85% · reached"
    )
    # Nothing closed: no case to judge timeliness by is no figure, not 0%.
    assert "no cases to judge by" in indicator(html, "on_time_rate")


def test_the_worst_grids_and_departments_by_a_chosen_indicator(
    cast: Cast, cases: dict[str, Case]
) -> None:
    html = leader_page(cast.carol, "?by=overdue").content.decode()
    worst = html[html.index('id="worst"') :]
    grids = worst[worst.index('id="worst-grids"') : worst.index('id="worst-departments-kpi"')]
    assert cast.town_a.name in grids  # the town of the overdue case, one level below the district
    departments = worst[worst.index('id="worst-departments-kpi"') :]
    assert cast.chengguan_a.name in departments
    assert f'href="/reports/departments/{cast.chengguan_a.pk}/2025/q1/"' in departments
    assert leader_page(cast.carol, "?by=nonsense").status_code == 400


def test_the_leader_finds_last_months_report_of_each_town(
    cast: Cast, cases: dict[str, Case]
) -> None:
    district = leader_page(cast.carol).content.decode()
    reports = district[district.index('id="reports"') :]
    for town in (cast.town_a, cast.town_b):
        assert f'href="/reports/towns/{town.code}/2025/5/"' in reports
    town = leader_page(cast.alice).content.decode()
    assert f"/reports/towns/{cast.town_b.code}/" not in town


def test_a_bad_period_is_refused_and_keeps_what_was_typed(cast: Cast) -> None:
    refused = leader_page(cast.carol, "?start=2025-06-20&end=2025-06-10")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "The period ends before it starts." in html
    assert 'value="2025-06-20"' in html and 'value="2025-06-10"' in html
    too_long = leader_page(cast.carol, "?start=2025-01-01&end=2025-06-10")
    assert too_long.status_code == 400 and "at most 92 days" in too_long.content.decode()
    assert leader_page(cast.carol, "?start=soon&end=2025-06-10").status_code == 400


def test_the_leader_view_is_for_leaders_and_centres(cast: Cast) -> None:
    refused = leader_page(cast.dora)  # a department handler
    assert refused.status_code == 403
    assert "for leaders, town chiefs and the centres" in refused.content.decode()
    assert leader_page(cast.ivan).status_code == 403  # an inspector
    assert Client().get("/leader/").status_code == 302


def test_the_page_costs_the_same_few_queries_whatever_the_cases(
    cast: Cast, cases: dict[str, Case], django_assert_max_num_queries: Any
) -> None:
    client = logged_in(cast.carol)
    # The session and the user's scope, then one query per figure or list and one for the
    # navigation; the indicators are sums of the rollups' rows, a few grouped queries whatever
    # the number of grids and cases.
    with time_machine.travel(LATER, tick=False), django_assert_max_num_queries(36):
        assert client.get("/leader/").status_code == 200
