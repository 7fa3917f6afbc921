from __future__ import annotations

import pytest

from wangge.grids.models import Grid
from wangge.people.choices import Role
from wangge.people.models import Organisation
from wangge.people.scope import access_scope
from wangge.people.services import person_create, role_assign
from wangge.people.testing import Cast


@pytest.mark.django_db
def test_it_shows_ivan_his_unit_subtree_only(cast: Cast) -> None:
    scope = access_scope(cast.ivan)
    assert set(scope.grids(Grid.objects.all())) == {cast.unit_a, cast.block_a}
    assert set(scope.organisations(Organisation.objects.all())) == {cast.workstation_a}


@pytest.mark.django_db
def test_it_limits_a_town_employed_inspector_to_the_grid_of_the_role(cast: Cast) -> None:
    # The role's grid decides, not the employer's jurisdiction (RoleAssignment docstring).
    person = person_create(name="街道巡查员", organisation=cast.town_a_centre, username="iris")
    role_assign(person=person, role=Role.INSPECTOR, grid=cast.block_a)
    assert person.user is not None

    grids = set(access_scope(person.user).grids(Grid.objects.all()))

    assert grids == {cast.block_a}


@pytest.mark.django_db
def test_it_adds_up_several_roles(cast: Cast) -> None:
    person = person_create(name="区督查员", organisation=cast.district_centre, username="ines")
    role_assign(person=person, role=Role.SUPERVISOR, grid=cast.unit_a)
    role_assign(person=person, role=Role.SUPERVISOR, grid=cast.block_b)
    assert person.user is not None

    grids = set(access_scope(person.user).grids(Grid.objects.all()))

    assert grids == {cast.unit_a, cast.block_a, cast.block_b}
