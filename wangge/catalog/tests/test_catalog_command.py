from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from wangge.catalog.models import Category, TaskItem

pytestmark = pytest.mark.django_db


def test_it_loads_the_defaults_and_reports_what_changed() -> None:
    first, second = StringIO(), StringIO()
    call_command("catalog", "load-defaults", stdout=first)
    call_command("catalog", "load-defaults", stdout=second)
    categories, items = Category.objects.count(), TaskItem.objects.count()
    assert f"categories: {categories} created, 0 updated" in first.getvalue()
    assert f"task list items: {items} created" in first.getvalue()
    assert f"0 created, 0 updated, {categories} unchanged" in second.getvalue()
