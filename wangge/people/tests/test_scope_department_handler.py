from __future__ import annotations

import pytest

from wangge.grids.models import Grid
from wangge.people.choices import Role
from wangge.people.models import Organisation, Person
from wangge.people.scope import access_scope
from wangge.people.services import person_create, role_assign
from wangge.people.testing import Cast


@pytest.mark.django_db
def test_it_shows_dora_her_office_and_town_a_grids(cast: Cast) -> None:
    scope = access_scope(cast.dora)
    assert set(scope.grids(Grid.objects.all())) == cast.grids_a
    assert set(scope.organisations(Organisation.objects.all())) == {cast.chengguan_a}


@pytest.mark.django_db
def test_it_hides_other_departments_from_dora(cast: Cast) -> None:
    scope = access_scope(cast.dora)
    assert not scope.can_see_organisation(cast.market_a)
    assert not scope.can_see_organisation(cast.chengguan)
    assert cast.mia not in scope.persons(Person.objects.all())


@pytest.mark.django_db
def test_it_shows_a_department_handler_the_whole_department(cast: Cast) -> None:
    head_office = person_create(name="城管局处置员", organisation=cast.chengguan, username="hana")
    role_assign(person=head_office, role=Role.HANDLER)
    assert head_office.user is not None

    scope = access_scope(head_office.user)

    assert set(scope.organisations(Organisation.objects.all())) == {
        cast.chengguan,
        cast.chengguan_a,
    }
    assert set(scope.grids(Grid.objects.all())) == set(Grid.objects.all())


@pytest.mark.django_db
def test_it_lets_a_grid_role_see_the_organisations_on_its_grid(cast: Cast) -> None:
    # An embedded enforcement officer posted to a unit works with the unit's workstation.
    person = person_create(name="下沉队员", organisation=cast.chengguan_a, username="enzo")
    role_assign(person=person, role=Role.ENFORCEMENT_OFFICER, grid=cast.unit_a)
    assert person.user is not None

    scope = access_scope(person.user)

    assert set(scope.organisations(Organisation.objects.all())) == {
        cast.chengguan_a,
        cast.workstation_a,
    }
    assert set(scope.grids(Grid.objects.all())) == {cast.unit_a, cast.block_a}
