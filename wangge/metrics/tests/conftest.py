from __future__ import annotations

import pytest

from wangge.catalog.services import catalog_load_defaults
from wangge.people.testing import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()
