from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.people.testing import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def category(cast: Cast) -> Category:
    """A non-urgent event sub-class (事件), with the whole catalog loaded."""
    catalog_load_defaults()
    found = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert found is not None
    return found
