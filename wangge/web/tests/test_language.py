"""The language switch in every page's header: Chinese by default, English on request, and back,
on the citizen's pages and on the console alike; the choice stays for the pages that follow."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from wangge.catalog.services import catalog_load_defaults
from wangge.people.testing import PASSWORD, Cast, build_cast


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def visitor(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def switch_to(page: Any, language: str) -> None:
    page.select_option("header select[name=language]", language)
    page.wait_for_function(f"document.documentElement.lang === '{language}'")


@pytest.mark.browser
def test_switching_to_english_and_back_on_the_citizen_and_console_pages(
    visitor: Any, cast: Cast
) -> None:
    visitor.goto(f"/r/g/{cast.unit_a.code}/")
    assert visitor.evaluate("document.documentElement.lang") == "zh-hans"
    assert "问题上报" in visitor.text_content("header")

    switch_to(visitor, "en")
    assert visitor.url.endswith(f"/r/g/{cast.unit_a.code}/")  # the same page, in English
    assert "Report a problem" in visitor.text_content("header")
    assert "What is the problem?" in visitor.text_content("#citizen-report")

    visitor.goto("/login/?next=/leader/")  # the choice holds on the next page
    assert "Log in" in visitor.text_content("#login")
    visitor.fill("input[name=username]", "carol")
    visitor.fill("input[name=password]", PASSWORD)
    visitor.click("button[type=submit]")
    visitor.wait_for_url("**/leader/")
    assert "Log out" in visitor.text_content("header")
    assert "Leader view" in visitor.text_content("h1")

    switch_to(visitor, "zh-hans")
    assert "退出" in visitor.text_content("header")
    visitor.goto(f"/r/g/{cast.unit_a.code}/")
    assert "问题上报" in visitor.text_content("header")


def test_a_page_speaks_the_browsers_language_and_chinese_by_default(cast: Cast) -> None:
    board = f"/grids/{cast.unit_a.code}/board/"
    assert (
        "Report a problem" in Client(headers={"Accept-Language": "en"}).get(board).content.decode()
    )
    assert "问题上报" in Client().get(board).content.decode()  # Chinese, the default
