from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.testing import Cast


def _person_form(person: Person, **roles: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": person.name,
        "phone": person.phone,
        "organisation": person.organisation_id,
        "user": person.user_id or "",
        "is_active": "on",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    existing = list(person.roles.all())
    rows = [
        {"id": a.pk, "person": person.pk, "role": a.role, "grid": a.grid_id or ""} for a in existing
    ]
    if roles:
        rows.append({"person": person.pk, **roles})
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"roles-{i}-{key}"] = value
    data["roles-TOTAL_FORMS"] = str(len(rows))
    data["roles-INITIAL_FORMS"] = str(len(existing))
    return data


@pytest.mark.django_db
def test_it_adds_an_organisation_through_the_service(cast: Cast, client: Client) -> None:
    client.force_login(cast.ada)
    response = client.post(
        "/admin/people/organisation/add/",
        {
            "name": "江川路联勤队",
            "short_name": "",
            "kind": OrganisationKind.JOINT_TEAM,
            "parent": cast.town_a_centre.pk,
            "jurisdiction": cast.area_a.pk,
            "phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Organisation.objects.filter(name="江川路联勤队", jurisdiction=cast.area_a).exists()


@pytest.mark.django_db
def test_it_refuses_a_jurisdiction_outside_the_administrators_scope(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.ada)
    response = client.post(
        "/admin/people/organisation/add/",
        {
            "name": "越界队",
            "kind": OrganisationKind.JOINT_TEAM,
            "parent": cast.town_a_centre.pk,
            "jurisdiction": cast.area_b.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "jurisdiction" in response.context["adminform"].form.errors
    assert not Organisation.objects.filter(name="越界队").exists()


@pytest.mark.django_db
def test_it_keeps_a_parent_the_administrator_cannot_see(cast: Cast, client: Client) -> None:
    client.force_login(cast.ada)
    response = client.post(
        f"/admin/people/organisation/{cast.town_a_centre.pk}/change/",
        {
            "name": cast.town_a_centre.name,
            "short_name": "江川城运",
            "kind": OrganisationKind.TOWN_CENTRE,
            "parent": cast.district_centre.pk,
            "jurisdiction": cast.town_a.pk,
            "phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    cast.town_a_centre.refresh_from_db()
    assert cast.town_a_centre.short_name == "江川城运"
    assert cast.town_a_centre.parent == cast.district_centre


@pytest.mark.django_db
def test_it_assigns_roles_inline_through_the_service(cast: Cast, client: Client) -> None:
    client.force_login(cast.ada)
    alice = Person.objects.get(user=cast.alice)
    response = client.post(
        f"/admin/people/person/{alice.pk}/change/",
        _person_form(alice, role=Role.ADMINISTRATOR, grid=""),
    )
    assert response.status_code == 302, response.context["errors"]
    assert alice.roles.filter(role=Role.ADMINISTRATOR).exists()
    cast.alice.refresh_from_db()
    assert cast.alice.is_staff


@pytest.mark.django_db
def test_it_shows_the_services_objection_to_an_inline_role(cast: Cast, client: Client) -> None:
    client.force_login(cast.ada)
    alice = Person.objects.get(user=cast.alice)
    response = client.post(
        f"/admin/people/person/{alice.pk}/change/",
        _person_form(alice, role=Role.BLOCK_CHIEF, grid=cast.unit_a.pk),
    )
    assert response.status_code == 200
    assert response.context["errors"]
    assert not alice.roles.filter(role=Role.BLOCK_CHIEF).exists()


@pytest.mark.django_db
def test_it_offers_no_grid_of_another_town(cast: Cast, client: Client) -> None:
    client.force_login(cast.ada)
    response = client.post(
        "/admin/people/roleassignment/add/",
        {
            "person": Person.objects.get(user=cast.alice).pk,
            "role": Role.SUPERVISOR,
            "grid": cast.unit_b.pk,
        },
    )
    assert response.status_code == 200
    assert "grid" in response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(grid=cast.unit_b).exists()


@pytest.mark.django_db
def test_it_withdraws_staff_with_the_last_administrator_role(cast: Cast, client: Client) -> None:
    client.force_login(cast.root)
    assignment = RoleAssignment.objects.get(person__user=cast.ada, role=Role.ADMINISTRATOR)
    response = client.post(f"/admin/people/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    cast.ada.refresh_from_db()
    assert not cast.ada.is_staff
    assert not cast.ada.groups.exists()
