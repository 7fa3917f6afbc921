"""A grid's page in the console: its place in the tree and its records (Jiading seed 004: 人、
地、事、物、组织 in each grid) kind by kind, for those whose scope holds the grid."""

from __future__ import annotations

import pytest
from django.test import Client

from wangge.people.testing import Cast, build_cast
from wangge.records.models import Shop
from wangge.records.services import record_save
from wangge.records.testing import sample_records, spot

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def records(cast: Cast) -> None:
    sample_records(cast)


def english(client: Client, cast: Cast, who: str) -> Client:
    client.force_login(getattr(cast, who))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_town_s_page_shows_the_shops_of_its_blocks_with_holders_and_qr_codes(
    client: Client, cast: Cast, records: None
) -> None:
    page = english(client, cast, "alice").get(f"/grids/{cast.town_a.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "王记面馆" in text and "王建国" in text and "旧书店" in text
    assert "古美便利店" not in text  # town B's
    noodles = Shop.objects.get(name="王记面馆")
    assert f"/r/s/{noodles.code}/qr.svg" in text
    # Each kind says how many there are, and lists its own columns.
    assert page.context["kinds"] == [
        ("shop", "Shop", 2),
        ("building", "Building", 1),
        ("facility", "Facility", 1),
        ("company", "Company", 1),
    ]
    lamps = client.get(f"/grids/{cast.town_a.code}/", {"kind": "facility"}).content.decode()
    assert "3101120118000007" in lamps and "路灯" in lamps
    companies = client.get(f"/grids/{cast.unit_a.code}/", {"kind": "company"}).content.decode()
    assert "914403001922038216" in companies


def test_records_are_found_by_name_address_or_code(
    client: Client, cast: Cast, records: None
) -> None:
    english(client, cast, "alice")
    found = client.get(f"/grids/{cast.town_a.code}/", {"q": "102号"})
    assert [row.record.name for row in found.context["rows"]] == ["旧书店"]
    by_holder = client.get(f"/grids/{cast.town_a.code}/", {"q": "王建国"})
    assert [row.record.name for row in by_holder.context["rows"]] == ["王记面馆"]
    none = client.get(f"/grids/{cast.town_a.code}/", {"q": "no such shop"})
    assert "No record matches" in none.content.decode()


def test_a_grid_outside_one_s_scope_is_not_found_and_a_bad_kind_gets_a_reason(
    client: Client, cast: Cast, records: None
) -> None:
    english(client, cast, "bob")
    assert client.get(f"/grids/{cast.town_a.code}/").status_code == 404
    assert "古美便利店" in client.get(f"/grids/{cast.town_b.code}/").content.decode()
    refused = client.get(f"/grids/{cast.town_b.code}/", {"kind": "person"})
    assert refused.status_code == 400
    assert "Unknown kind of record: person" in refused.content.decode()
    # The district sees both towns' shops.
    english(client, cast, "carol")
    district = client.get(f"/grids/{cast.district.code}/")
    assert district.context["kinds"][0] == ("shop", "Shop", 3)
    client.logout()
    assert client.get(f"/grids/{cast.town_a.code}/").status_code == 302  # to the login


def test_a_long_list_comes_a_page_at_a_time(client: Client, cast: Cast, records: None) -> None:
    for number in range(60):
        record_save(record=Shop(name=f"店{number:02d}", address="江川路", **spot(cast.block_a)))
    english(client, cast, "alice")
    first = client.get(f"/grids/{cast.unit_a.code}/")
    assert len(first.context["rows"]) == 50 and "Page 1 of 2" in first.content.decode()
    second = client.get(f"/grids/{cast.unit_a.code}/", {"page": 2})
    assert len(second.context["rows"]) == 12
