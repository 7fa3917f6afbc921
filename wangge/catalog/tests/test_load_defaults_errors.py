from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from wangge.catalog.models import Category, TaskItem
from wangge.catalog.services import (
    CATEGORIES_FILE,
    DATA_DIR,
    TASK_LISTS_FILE,
    catalog_load_defaults,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for name in (CATEGORIES_FILE, TASK_LISTS_FILE):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


Data = dict[str, Any]


def _edit(path: Path, change: Callable[[Data], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_it_names_an_item_whose_category_is_missing(data_dir: Path) -> None:
    def point_nowhere(data: Data) -> None:
        data["street"][0]["categories"].append({"family": "event", "code": "0599"})

    _edit(data_dir / TASK_LISTS_FILE, point_nowhere)
    with pytest.raises(ValidationError, match=r"task_lists\.json street .*event 0599"):
        catalog_load_defaults(data_dir=data_dir)
    # All or nothing: the categories loaded before the failure are rolled back too.
    assert not Category.objects.exists()
    assert not TaskItem.objects.exists()


def test_it_names_a_subclass_that_breaks_the_model_rules(data_dir: Path) -> None:
    def miscode(data: Data) -> None:
        data["facility"][0]["subclasses"][0]["code"] = "0201"

    _edit(data_dir / CATEGORIES_FILE, miscode)
    with pytest.raises(ValidationError, match=r"categories\.json facility 0201"):
        catalog_load_defaults(data_dir=data_dir)


def test_it_rejects_a_list_for_a_kind_without_one(data_dir: Path) -> None:
    def village(data: Data) -> None:
        data["village"] = data.pop("residential")

    _edit(data_dir / TASK_LISTS_FILE, village)
    with pytest.raises(ValidationError, match=r"task_lists\.json village"):
        catalog_load_defaults(data_dir=data_dir)
