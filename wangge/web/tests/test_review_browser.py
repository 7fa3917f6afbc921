"""The quality review in a real Chromium (Minhang attachment 001_980ec3ca28496f98.txt:
随机抽样、定量抽取、分组互评、多人评分): the town's desk opens a round, a rater scores her
cases, the desk closes the round and reads the agreement and the results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.metrics.models import ReviewRound
from wangge.metrics.models.review import Criterion
from wangge.metrics.review import rater_queue, review_rate
from wangge.metrics.review_testing import Raters, build_raters, close_case
from wangge.people.scope import scope_today
from wangge.people.testing import PASSWORD, Cast, build_cast
from wangge.web.testing import accessibility_violations, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def raters(cast: Cast) -> Raters:
    return build_raters(cast)


@pytest.fixture
def desk(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def opening(username: str) -> Any:
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
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
    with page.expect_navigation():
        page.click(selector)


def test_a_round_from_opening_to_results(cast: Cast, raters: Raters, desk: Any) -> None:
    category = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert category is not None
    numbers = sorted(close_case(cast, category).number for _ in range(2))
    today = scope_today().isoformat()

    alice = desk("alice")
    submit(alice, "nav a[href='/review/']")
    assert accessibility_violations(alice) == []
    submit(alice, "a[href='/review/new/']")
    alice.fill("#id_title", "三月质量抽查")
    alice.fill("#id_start", today)
    alice.fill("#id_end", today)
    alice.fill("#id_random_size", "2")
    alice.fill("#id_random_percent", "")
    alice.fill("#id_seed", "2026")
    assert accessibility_violations(alice) == []
    submit(alice, ".review-form button[type=submit]")
    alice.wait_for_selector("#sample")
    for number in numbers:
        assert alice.is_visible(f"#sample a:text('{number}')")
    assert accessibility_violations(alice) == []
    review_round = ReviewRound.objects.get()

    # sam rates through the services; ina through her queue, forgetting a grade at first.
    for assignment in rater_queue(raters.sam):
        review_rate(
            user=raters.sam,
            assignment=assignment,
            grades={c: 2 for c in Criterion.values},
            note="符合",
        )
    ina = desk("ina")
    submit(ina, "nav a[href='/review/']")
    ina.wait_for_selector(".review-due")
    assert accessibility_violations(ina) == []
    submit(ina, ".rows a.row-link")
    ina.fill("#id_note", "结案照片与现场不符")
    submit(ina, "#rate button[type=submit]")
    ina.wait_for_selector("#rate .error")
    assert ina.input_value("#id_note") == "结案照片与现场不符"
    assert accessibility_violations(ina) == []
    for _ in numbers:
        for criterion in Criterion.values:
            # The choices run meets, partly, fails, not applicable: the photo fails for her.
            ina.check(f"#id_{criterion}_{2 if criterion == 'closure_photo' else 0}")
        submit(ina, "#rate button[type=submit]")
    ina.wait_for_selector("text=" + numbers[0])
    assert ina.locator(".review-due").count() == 0

    submit(alice, "form[action$='/close'] button")
    alice.wait_for_selector("#agreement")
    assert alice.is_visible("#disputes .review-dispute")
    assert accessibility_violations(alice) == []
    screenshot(alice, "quality-review")
    review_round.refresh_from_db()
    assert not review_round.is_open
