from __future__ import annotations

from typing import Any

import pytest

from wangge.people.testing import PASSWORD, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sees_the_grid_tree_in_chinese(live_server: Any, page: Any) -> None:
    cast = build_cast()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", cast.root.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content")
    assert "网格化综合管理平台" in page.content()  # the site header, in Chinese by default

    page.goto(f"{live_server.url}/admin/grids/grid/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 9
    names = rows.locator("td.field-indented_name, th.field-indented_name").all_inner_texts()
    assert names[0].strip() == cast.district.name
    assert cast.block_b.name in [n.strip() for n in names]

    page.click(f"text={cast.unit_a.name}")
    page.wait_for_selector("svg")
    assert page.locator("#id_code").input_value() == cast.unit_a.code
