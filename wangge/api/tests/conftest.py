from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from wangge.people.testing import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def api() -> APIClient:
    return APIClient()
