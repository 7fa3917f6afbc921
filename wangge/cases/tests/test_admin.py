from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from wangge.cases.models import Notification
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


def test_the_admin_tells_given_up_notifications_from_waiting_and_sent_ones(
    client: Client, cast: Cast, ordinary_category: Category
) -> None:
    case = in_enforcement(cast, ordinary_category)
    now = timezone.now()
    waiting, sent, given_up = Notification.objects.bulk_create(
        [
            Notification(case=case, kind="red_light", created_at=now, attempts=1),
            Notification(case=case, kind="red_light", created_at=now, sent_at=now),
            Notification(case=case, kind="red_light", created_at=now, failed_at=now, attempts=8),
        ]
    )
    client.force_login(cast.root)
    for state, expected in {"waiting": waiting, "sent": sent, "given_up": given_up}.items():
        page = client.get(f"/admin/cases/notification/?delivery={state}").content.decode()
        shown = {
            n.pk
            for n in (waiting, sent, given_up)
            if f"/admin/cases/notification/{n.pk}/change/" in page
        }
        assert shown == {expected.pk}, state
