from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django import DjangoAssertNumQueries

from wangge.catalog.models import Category, TaskItem
from wangge.catalog.selectors import task_list_for_grid
from wangge.catalog.services import LoadSummary, task_item_create
from wangge.catalog.tests.conftest import MakeGrid
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.models import Grid

pytestmark = pytest.mark.django_db


def _base(kind: str) -> list[TaskItem]:
    return list(TaskItem.objects.filter(grid_kind=kind, town__isnull=True).order_by("position"))


def test_it_lists_the_base_items_of_the_grid_s_kind(catalog: LoadSummary, unit_a: Grid) -> None:
    assert task_list_for_grid(unit_a) == _base(GridKind.RESIDENTIAL)


def test_it_gives_villages_the_residential_list(
    catalog: LoadSummary, make_grid: MakeGrid, area_a: Grid
) -> None:
    village = make_grid("310112001001002", "友爱村", GridLevel.UNIT, area_a, GridKind.VILLAGE)
    assert task_list_for_grid(village) == _base(GridKind.RESIDENTIAL)


def test_it_gives_special_grids_the_extended_list(
    catalog: LoadSummary, make_grid: MakeGrid, area_a: Grid
) -> None:
    market = make_grid("310112001001003", "农贸市场", GridLevel.UNIT, area_a, GridKind.MARKET)
    assert task_list_for_grid(market) == _base(GridKind.EXTENDED)


def test_it_adds_the_town_s_own_items_after_the_base(
    catalog: LoadSummary,
    category: Callable[[str, str], Category],
    town_a: Grid,
    unit_a: Grid,
    block_a: Grid,
) -> None:
    """Seed 000: 各街镇结合地区实际，采取"规定+自选"方式 … 制定个性化任务清单."""
    river = task_item_create(
        grid_kind=GridKind.RESIDENTIAL,
        town=town_a,
        task_class="河道治理",
        name="河道保洁",
        categories=[category("event", "0105")],
    )
    fields = task_item_create(
        grid_kind=GridKind.RESIDENTIAL, town=town_a, task_class="田园模式", name="田园整治"
    )
    expected = [*_base(GridKind.RESIDENTIAL), river, fields]
    assert task_list_for_grid(unit_a) == expected
    assert task_list_for_grid(block_a) == expected


def test_it_leaves_out_another_town_s_items(
    catalog: LoadSummary, town_a: Grid, town_b: Grid, unit_a: Grid, street_unit_b: Grid
) -> None:
    task_item_create(
        grid_kind=GridKind.RESIDENTIAL, town=town_b, task_class="人口管理", name="来沪人员登记"
    )
    task_item_create(grid_kind=GridKind.STREET, town=town_a, task_class="食品安全", name="无证餐饮")
    assert task_list_for_grid(unit_a) == _base(GridKind.RESIDENTIAL)
    assert task_list_for_grid(street_unit_b) == _base(GridKind.STREET)


def test_it_reads_the_list_in_two_queries(
    catalog: LoadSummary,
    town_a: Grid,
    block_a: Grid,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    task_item_create(grid_kind=GridKind.RESIDENTIAL, town=town_a, task_class="自选", name="自选项")
    with django_assert_num_queries(2):
        items = task_list_for_grid(block_a)
        categories = [list(item.categories.all()) for item in items]
    assert len(categories) == 11
