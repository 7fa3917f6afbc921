from __future__ import annotations

import pytest

from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.forces.models import Shift
from wangge.forces.services import shifts_standard
from wangge.people.testing import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def shifts(cast: Cast) -> dict[str, Shift]:
    """The standard day, night and rest-day shifts, by name."""
    return {shift.name: shift for shift in shifts_standard()}


@pytest.fixture
def street_vending(cast: Cast) -> Category:
    """An event sub-class of 街面秩序 (street order): what street patrols find at night too."""
    category = Category.objects.get(family="event", code="0501")
    return category
