from __future__ import annotations

import pytest

from wangge.grids.models import Grid
from wangge.people.models import Organisation, Person
from wangge.people.scope import access_scope
from wangge.people.testing import Cast


@pytest.mark.django_db
def test_it_shows_alice_town_a_grids_only(cast: Cast) -> None:
    grids = set(access_scope(cast.alice).grids(Grid.objects.all()))
    assert grids == cast.grids_a


@pytest.mark.django_db
def test_it_shows_bob_town_b_grids_only(cast: Cast) -> None:
    grids = set(access_scope(cast.bob).grids(Grid.objects.all()))
    assert grids == cast.grids_b


@pytest.mark.django_db
def test_it_shows_alice_the_organisations_working_in_town_a(cast: Cast) -> None:
    organisations = set(access_scope(cast.alice).organisations(Organisation.objects.all()))
    # A dispatcher dispatches to the departments' town offices, so she sees them all.
    assert organisations == {
        cast.town_a_centre,
        cast.chengguan_a,
        cast.market_a,
        cast.workstation_a,
    }


@pytest.mark.django_db
def test_it_hides_town_a_people_from_bob(cast: Cast) -> None:
    people = set(access_scope(cast.bob).persons(Person.objects.all()))
    assert people == {cast.bob.person}


@pytest.mark.django_db
def test_it_answers_can_see_grid_per_town(cast: Cast) -> None:
    scope = access_scope(cast.alice)
    assert scope.can_see_grid(cast.block_a)
    assert not scope.can_see_grid(cast.town_b)
    assert not scope.can_see_grid(cast.district)
