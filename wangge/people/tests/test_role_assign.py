from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from wangge.people.choices import Role
from wangge.people.models import Person, RoleAssignment
from wangge.people.scope import scope_today
from wangge.people.services import person_create, role_assign, role_update
from wangge.people.testing import Cast, error_codes


def _person(cast: Cast, name: str) -> Person:
    return Person.objects.get(user=getattr(cast, name))


@pytest.mark.django_db
def test_it_assigns_a_grid_role(cast: Cast) -> None:
    assignment = role_assign(person=_person(cast, "alice"), role=Role.GRID_CHIEF, grid=cast.unit_a)
    assert assignment.pk is not None
    assert assignment.grid == cast.unit_a


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.GRID_CHIEF, Role.INSPECTOR, Role.BLOCK_CHIEF])
def test_it_requires_a_grid_for_grid_roles(cast: Cast, role: Role) -> None:
    with pytest.raises(ValidationError) as error:
        role_assign(person=_person(cast, "alice"), role=role)
    assert error_codes(error.value) == {"grid": {"grid_required"}}


@pytest.mark.django_db
def test_it_refuses_a_grid_outside_the_organisations_jurisdiction(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        role_assign(person=_person(cast, "alice"), role=Role.INSPECTOR, grid=cast.unit_b)
    assert error_codes(error.value) == {"grid": {"outside_jurisdiction"}}
    assert not RoleAssignment.objects.filter(grid=cast.unit_b).exists()


@pytest.mark.django_db
def test_it_names_the_grid_and_the_organisation_in_the_message(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        role_assign(person=_person(cast, "alice"), role=Role.INSPECTOR, grid=cast.unit_b)
    message = error.value.message_dict["grid"][0]
    assert cast.unit_b.code in message
    assert cast.town_a_centre.name in message


@pytest.mark.django_db
def test_it_lets_a_district_body_assign_anywhere_in_the_district(cast: Cast) -> None:
    person = _person(cast, "carol")
    role_assign(person=person, role=Role.INSPECTOR, grid=cast.unit_a)
    role_assign(person=person, role=Role.INSPECTOR, grid=cast.unit_b)
    assert person.roles.filter(role=Role.INSPECTOR).count() == 2


@pytest.mark.django_db
def test_it_puts_level_named_roles_on_their_level(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        role_assign(person=_person(cast, "alice"), role=Role.BLOCK_CHIEF, grid=cast.unit_a)
    assert error_codes(error.value) == {"grid": {"grid_level"}}
    role_assign(person=_person(cast, "alice"), role=Role.BLOCK_CHIEF, grid=cast.block_a)


@pytest.mark.django_db
def test_it_refuses_an_end_before_the_start(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        role_assign(
            person=_person(cast, "alice"),
            role=Role.SUPERVISOR,
            grid=cast.unit_a,
            starts_on=datetime.date(2026, 3, 10),
            ends_on=datetime.date(2026, 3, 9),
        )
    assert "ends_on" in error.value.message_dict


@pytest.mark.django_db
def test_it_refuses_the_same_role_twice(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        role_assign(person=_person(cast, "ivan"), role=Role.INSPECTOR, grid=cast.unit_a)
    assert error_codes(error.value) == {"__all__": {"duplicate_role"}}


@pytest.mark.django_db
def test_it_refuses_the_same_role_without_a_grid_twice(cast: Cast) -> None:
    # The database constraint lets this through (NULL grids differ), so the service checks.
    with pytest.raises(ValidationError) as error:
        role_assign(person=_person(cast, "alice"), role=Role.DISPATCHER)
    assert error_codes(error.value) == {"__all__": {"duplicate_role"}}


@pytest.mark.django_db
def test_it_refuses_an_unknown_role(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        role_assign(person=_person(cast, "alice"), role="emperor")
    assert "role" in error.value.message_dict


@pytest.mark.django_db
def test_it_refuses_roles_for_inactive_people(cast: Cast) -> None:
    person = _person(cast, "alice")
    person.is_active = False
    person.save()
    with pytest.raises(ValidationError) as error:
        role_assign(person=person, role=Role.LEADER)
    assert error_codes(error.value) == {"person": {"person_inactive"}}


@pytest.mark.django_db
def test_it_ends_a_role_through_role_update(cast: Cast) -> None:
    assignment = RoleAssignment.objects.get(person__user=cast.ivan)
    role_update(assignment=assignment, ends_on=datetime.date(2026, 1, 31))
    assignment.refresh_from_db()
    assert assignment.ends_on == datetime.date(2026, 1, 31)


@pytest.mark.django_db
def test_it_refuses_to_move_a_role_out_of_the_jurisdiction(cast: Cast) -> None:
    assignment = RoleAssignment.objects.get(person__user=cast.ivan)
    with pytest.raises(ValidationError):
        role_update(assignment=assignment, grid=cast.unit_b)
    assignment.refresh_from_db()
    assert assignment.grid == cast.unit_a


@pytest.mark.django_db
def test_it_gives_a_role_to_a_person_without_a_login(cast: Cast) -> None:
    person = person_create(name="楼组长", organisation=cast.workstation_a)
    assignment = role_assign(person=person, role=Role.THREE_HEADS, grid=cast.block_a)
    assert assignment.pk is not None


def test_ending_the_administrator_role_takes_the_admin_away(cast: Cast) -> None:
    assignment = RoleAssignment.objects.get(person__user=cast.ada, role="administrator")
    yesterday = scope_today() - datetime.timedelta(days=1)
    role_update(
        assignment=assignment, starts_on=yesterday - datetime.timedelta(days=30), ends_on=yesterday
    )
    cast.ada.refresh_from_db()
    assert not cast.ada.is_staff
    assert not cast.ada.has_perm("grids.change_grid")
