from __future__ import annotations

import pytest
from django.test import Client

from wangge.cases.testing import in_enforcement
from wangge.catalog.models import Category
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def test_the_admin_shows_cases_with_their_timeline_and_changes_none(
    client: Client, cast: Cast, ordinary_category: Category
) -> None:
    case = in_enforcement(cast, ordinary_category)
    client.force_login(cast.root)
    listing = client.get("/admin/cases/case/").content.decode()
    assert case.number in listing
    page = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "hand_to_enforcement" in page
    response = client.post(f"/admin/cases/case/{case.pk}/change/", {"status": "closed"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "registered"
