"""API keys and intakes in the admin: a key is revoked by switching it off and its secret is
never shown; intakes are read only, and each administrator sees those of the grids they reach."""

from __future__ import annotations

from django.test import Client

from wangge.cases.choices import Channel
from wangge.cases.testing import submit_in_town_a
from wangge.catalog.models import Category
from wangge.intake.keys import api_key_check, api_key_create
from wangge.intake.models import Intake
from wangge.people.services import administrator_grant
from wangge.people.testing import Cast


def test_a_district_administrator_revokes_a_key_it_cannot_read(client: Client, cast: Cast) -> None:
    key, raw = api_key_create(name="市民通", channel=Channel.CITIZEN)
    client.force_login(cast.root)
    page = client.get(f"/admin/intake/apikey/{key.pk}/change/").content.decode()
    assert "市民通" in page and key.prefix in page
    assert raw not in page and key.digest not in page
    response = client.post(f"/admin/intake/apikey/{key.pk}/change/", {})
    assert response.status_code == 302
    assert api_key_check(raw) is None  # switched off: it opens nothing any more
    assert client.get("/admin/intake/apikey/add/").status_code == 403


def test_a_town_administrator_sees_no_keys_and_only_its_own_intakes(
    client: Client, cast: Cast
) -> None:
    api_key_create(name="市民通")
    category = Category.objects.get(family="event", code="0102")
    case = submit_in_town_a(cast, category)
    intake = Intake.objects.create(
        case=case, source="open311", key="k-1", received_at=case.reported_at
    )
    client.force_login(cast.ada)
    assert "市民通" not in client.get("/admin/intake/apikey/").content.decode()
    assert case.number in client.get("/admin/intake/intake/").content.decode()
    assert client.post(f"/admin/intake/intake/{intake.pk}/change/", {"key": "x"}).status_code == 403
    assert Intake.objects.get(pk=intake.pk).key == "k-1"
    # Town B's dispatcher, given an administrator's rights: the admin opens, without town A.
    administrator_grant(user=cast.bob)
    client.force_login(cast.bob)
    listing = client.get("/admin/intake/intake/")
    assert listing.status_code == 200 and case.number not in listing.content.decode()
