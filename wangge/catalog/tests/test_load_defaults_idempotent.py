from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangge.catalog.models import Category, TaskItem
from wangge.catalog.services import LoadSummary, catalog_load_defaults
from wangge.grids.choices import GridKind
from wangge.grids.models import Grid

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, int, int]:
    return (
        Category.objects.count(),
        TaskItem.objects.count(),
        TaskItem.categories.through.objects.count(),
    )


def test_it_changes_nothing_the_second_time(catalog: LoadSummary) -> None:
    before = _snapshot()
    again = catalog_load_defaults()
    assert _snapshot() == before
    assert not again.changed
    assert again.categories_unchanged == before[0]
    assert again.task_items_unchanged == before[1]


def test_it_writes_nothing_the_second_time(catalog: LoadSummary) -> None:
    with CaptureQueriesContext(connection) as captured:
        catalog_load_defaults()
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    # The atomic block's savepoint aside: the categories, the base items and their categories.
    assert [s for s in statements if s not in {"SAVEPOINT", "RELEASE"}] == ["SELECT"] * 3


def test_it_restores_an_edited_category(catalog: LoadSummary) -> None:
    Category.objects.filter(family="facility", code="0101").update(limit_amount=99, urgent=False)
    summary = catalog_load_defaults()
    assert summary.categories_updated == 1
    cover = Category.objects.get(family="facility", code="0101")
    assert (cover.limit_amount, cover.urgent) == (24, True)


def test_it_restores_an_item_s_categories(catalog: LoadSummary) -> None:
    item = TaskItem.objects.get(grid_kind=GridKind.STREET, town__isnull=True, name="跨门营业")
    item.categories.clear()
    summary = catalog_load_defaults()
    assert summary.task_items_updated == 1
    assert summary.task_items_created == 0
    assert list(item.categories.values_list("code", flat=True)) == ["0504"]


def test_it_leaves_a_town_s_own_items_alone(catalog: LoadSummary, town_a: Grid) -> None:
    TaskItem.objects.create(
        grid_kind=GridKind.STREET, town=town_a, task_class="街面秩序", name="跨门营业"
    )
    summary = catalog_load_defaults()
    assert not summary.changed
    assert TaskItem.objects.filter(name="跨门营业").count() == 2
