"""The data files themselves: every sub-class can be registered, timed and closed, and every task
list item points at sub-classes that exist. These read the JSON, so they need no database."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wangge.catalog.choices import CategoryFamily, LimitCalendar, LimitUnit
from wangge.catalog.services import CATEGORIES_FILE, DATA_DIR, LIST_KINDS, TASK_LISTS_FILE


def _read(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


CATEGORIES = _read(CATEGORIES_FILE)
TASK_LISTS = _read(TASK_LISTS_FILE)
SUBCLASSES = [
    (family, main, sub)
    for family, mains in CATEGORIES.items()
    for main in mains
    for sub in main["subclasses"]
]


def test_it_has_both_families_and_only_those() -> None:
    assert set(CATEGORIES) == set(CategoryFamily.values)


@pytest.mark.parametrize(
    ("family", "main", "sub"), SUBCLASSES, ids=[f"{f}-{s['code']}" for f, _, s in SUBCLASSES]
)
def test_it_gives_every_subclass_standards_and_a_limit(
    family: str, main: dict[str, Any], sub: dict[str, Any]
) -> None:
    assert len(sub["code"]) == 4
    assert sub["code"].startswith(main["code"])
    assert sub["name"].strip()
    assert sub["registration_standard"].strip()
    assert sub["closure_standard"].strip()
    assert isinstance(sub["limit_amount"], int)
    assert sub["limit_amount"] >= 1
    assert sub["limit_unit"] in LimitUnit.values
    assert sub["limit_calendar"] in LimitCalendar.values
    assert isinstance(sub["urgent"], bool)
    if sub["urgent"]:
        # The urgent clock runs day and night (Yingpu seed 003: 15 分钟内到场,
        # 1 小时内形成初步处置结果).
        assert sub["limit_calendar"] == LimitCalendar.NATURAL


def test_it_keeps_codes_unique_within_a_family() -> None:
    for family, mains in CATEGORIES.items():
        codes = [m["code"] for m in mains] + [s["code"] for m in mains for s in m["subclasses"]]
        assert len(codes) == len(set(codes)), family


def test_it_gives_main_classes_no_standards_or_limit() -> None:
    allowed = {"code", "name", "subclasses"}
    for mains in CATEGORIES.values():
        for main in mains:
            assert set(main) == allowed
            assert len(main["code"]) == 2


def test_it_marks_the_dangerous_problems_urgent() -> None:
    urgent = {(f, s["code"]) for f, _, s in SUBCLASSES if s["urgent"]}
    assert {
        ("facility", "0101"),  # 上水井盖 missing
        ("facility", "0114"),  # 无主井盖
        ("event", "0403"),  # 燃气管道破裂
        ("event", "0410"),  # 树木倒伏
        ("event", "0413"),  # 重大安全隐患
    } <= urgent
    assert ("event", "0102") not in urgent  # 暴露垃圾


def test_it_covers_the_problems_the_seeds_name() -> None:
    names = " ".join(s["name"] + s["registration_standard"] for _, _, s in SUBCLASSES)
    for problem in [
        "违法建筑",
        "无证设摊",
        "跨门营业",
        "乱堆物",
        "群租",
        "违法居住",
        "消防安全隐患",
        "安全生产隐患",
        "渣土",
        "积水",
        "消火栓",
        "井盖",
        "占道",
        "非机动车乱停放",
        "油烟",
        "噪声",
        "违法排污",
        "河道",
    ]:
        assert problem in names, problem


def test_it_points_every_task_item_at_an_existing_subclass() -> None:
    known = {(family, sub["code"]) for family, _, sub in SUBCLASSES}
    assert set(TASK_LISTS) == set(LIST_KINDS)
    for kind, items in TASK_LISTS.items():
        names = [item["name"] for item in items]
        assert len(names) == len(set(names)), kind
        for item in items:
            assert item["task_class"].strip() and item["description"].strip()
            assert item["categories"], item["name"]
            for ref in item["categories"]:
                assert (ref["family"], ref["code"]) in known, (kind, item["name"], ref)
