from __future__ import annotations

from collections.abc import Callable

import pytest

from wangge.catalog.models import Category, TaskItem
from wangge.catalog.services import LoadSummary
from wangge.grids.choices import GridKind

pytestmark = pytest.mark.django_db


def test_it_loads_the_minhang_base_task_lists(catalog: LoadSummary) -> None:
    """Minhang seed 000_5ac562c39a6533b0.txt: 区级统一发布居村网格巡查基础任务清单（3类、10项）,
    街面网格巡查基础任务清单（3类、11项）, 拓展网格巡查基础任务清单（3类、5项）."""
    for kind, classes, items in [
        (GridKind.RESIDENTIAL, 3, 10),
        (GridKind.STREET, 3, 11),
        (GridKind.EXTENDED, 3, 5),
    ]:
        base = TaskItem.objects.filter(grid_kind=kind, town__isnull=True)
        assert base.count() == items, kind
        assert len(set(base.values_list("task_class", flat=True))) == classes, kind


def test_it_gives_the_street_list_its_seed_focus(catalog: LoadSummary) -> None:
    """Seed 000: 街面网格巡查，以市容环卫、街面秩序、治安防控为重点;
    拓展网格巡查以安全生产为重点."""
    street = TaskItem.objects.filter(grid_kind=GridKind.STREET, town__isnull=True)
    assert set(street.values_list("task_class", flat=True)) == {"市容环卫", "街面秩序", "治安防控"}
    extended = TaskItem.objects.filter(grid_kind=GridKind.EXTENDED, town__isnull=True)
    assert extended.order_by("position").first().task_class == "安全生产"  # type: ignore[union-attr]


def test_it_loads_both_families_after_the_national_pattern(catalog: LoadSummary) -> None:
    main = Category.objects.filter(parent__isnull=True)
    assert list(main.filter(family="facility").values_list("code", "name")) == [
        ("01", "公用设施"),
        ("02", "道路交通"),
        ("03", "市容环境"),
        ("04", "园林绿化"),
        ("05", "房屋土地"),
        ("06", "其他设施"),
    ]
    assert list(main.filter(family="event").values_list("code", "name")) == [
        ("01", "市容环境"),
        ("02", "宣传广告"),
        ("03", "施工管理"),
        ("04", "突发事件"),
        ("05", "街面秩序"),
        ("06", "其他"),
    ]
    subclasses = Category.objects.filter(parent__isnull=False).count()
    assert 70 <= subclasses <= 110
    assert catalog.categories_created == 12 + subclasses


def test_it_keeps_the_standard_codes(
    category: Callable[[str, str], Category],
) -> None:
    assert category("facility", "0101").name == "上水井盖"
    assert category("facility", "0102").name == "污水井盖"
    assert category("facility", "0103").name == "雨水井盖"
    assert category("event", "0102").name == "暴露垃圾"
    assert category("event", "0103").name == "积存垃圾渣土"
    assert category("event", "0101").name.startswith("私搭乱建")
    assert category("event", "0101").parent == category("event", "01")


def test_it_links_task_items_to_their_categories(catalog: LoadSummary) -> None:
    item = TaskItem.objects.get(grid_kind=GridKind.STREET, town__isnull=True, name="跨门营业")
    assert [(c.family, c.code) for c in item.categories.all()] == [("event", "0504")]
    assert all(item.categories.exists() for item in TaskItem.objects.filter(town__isnull=True))
