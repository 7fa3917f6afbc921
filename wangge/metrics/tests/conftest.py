from __future__ import annotations

import pytest

from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.people.testing import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def ordinary_category(cast: Cast) -> Category:
    """A non-urgent event sub-class (事件), such as street vending."""
    category = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert category is not None
    return category
