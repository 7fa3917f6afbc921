from __future__ import annotations

import pytest
from django.test import Client

from wangge.people.models import Organisation, Person
from wangge.people.testing import Cast


def _listed(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {str(row) for row in response.context["cl"].result_list}


@pytest.mark.django_db
def test_it_lists_a_town_administrator_their_towns_organisations(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.ada)
    listed = _listed(client, "/admin/people/organisation/")
    assert listed == {
        cast.town_a_centre.name,
        cast.chengguan_a.name,
        cast.market_a.name,
        cast.workstation_a.name,
    }


@pytest.mark.django_db
def test_it_lists_a_town_administrator_their_towns_people(cast: Cast, client: Client) -> None:
    client.force_login(cast.ada)
    listed = _listed(client, "/admin/people/person/")
    town_a_people = Person.objects.filter(
        organisation__jurisdiction__path__startswith="310112/310112001/"
    )
    assert listed == {person.name for person in town_a_people}
    assert Person.objects.get(user=cast.bob).name not in listed


@pytest.mark.django_db
def test_it_lists_a_town_administrator_their_towns_roles(cast: Cast, client: Client) -> None:
    client.force_login(cast.ada)
    listed = _listed(client, "/admin/people/roleassignment/")
    assert all("古美" not in row and "区值班员" not in row for row in listed)
    assert any("江川巡查员" in row for row in listed)


@pytest.mark.django_db
def test_it_hides_another_towns_organisation_from_a_town_administrator(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.ada)
    response = client.get(f"/admin/people/organisation/{cast.town_b_centre.pk}/change/")
    # The admin treats an object outside the queryset as missing and goes back to the index.
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_lists_a_superuser_everything(cast: Cast, client: Client) -> None:
    client.force_login(cast.root)
    listed = _listed(client, "/admin/people/organisation/")
    assert listed == {organisation.name for organisation in Organisation.objects.all()}


@pytest.mark.django_db
def test_it_keeps_admin_out_of_reach_of_dispatchers(cast: Cast, client: Client) -> None:
    client.force_login(cast.alice)
    response = client.get("/admin/people/organisation/")
    assert response.status_code == 302
