from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from wangge.catalog.models import Category, TaskItem
from wangge.catalog.services import task_item_create
from wangge.grids.choices import GridKind
from wangge.grids.models import Grid

pytestmark = pytest.mark.django_db

GetCategory = Callable[[str, str], Category]


def test_it_adds_a_town_s_items_in_order(category: GetCategory, town_a: Grid) -> None:
    first = task_item_create(
        grid_kind=GridKind.STREET,
        town=town_a,
        task_class="食品安全",
        name="无证餐饮",
        description="沿街有无无证无照餐饮店和流动早点摊。",
        categories=[category("event", "0604"), category("event", "0501")],
    )
    second = task_item_create(
        grid_kind=GridKind.STREET, town=town_a, task_class="违法居住", name="商铺住人"
    )
    assert (first.town, first.position, second.position) == (town_a, 1, 2)
    assert {c.code for c in first.categories.all()} == {"0604", "0501"}


@pytest.mark.parametrize("grid_name", ["district", "area_a", "unit_a"])
def test_it_rejects_a_grid_that_is_not_a_town(
    grid_name: str, request: pytest.FixtureRequest
) -> None:
    grid: Grid = request.getfixturevalue(grid_name)
    with pytest.raises(ValidationError) as raised:
        task_item_create(grid_kind=GridKind.RESIDENTIAL, town=grid, task_class="自选", name="x")
    assert "town" in raised.value.message_dict
    assert not TaskItem.objects.exists()


def test_it_rejects_a_kind_without_a_list_of_its_own(town_a: Grid) -> None:
    # Villages follow the residential list, so an item for "village" would never be shown.
    with pytest.raises(ValidationError) as raised:
        task_item_create(grid_kind=GridKind.VILLAGE, town=town_a, task_class="自选", name="x")
    assert "grid_kind" in raised.value.message_dict


def test_it_rejects_a_main_class(category: GetCategory, town_a: Grid) -> None:
    with pytest.raises(ValidationError) as raised:
        task_item_create(
            grid_kind=GridKind.STREET,
            town=town_a,
            task_class="自选",
            name="x",
            categories=[category("event", "05")],
        )
    assert "categories" in raised.value.message_dict
    assert not TaskItem.objects.filter(town=town_a).exists()
