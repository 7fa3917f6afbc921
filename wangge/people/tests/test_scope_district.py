from __future__ import annotations

import pytest

from wangge.grids.models import Grid
from wangge.people.models import Organisation, Person
from wangge.people.scope import access_scope
from wangge.people.testing import Cast


@pytest.mark.django_db
def test_it_shows_the_district_dispatcher_the_whole_district(cast: Cast) -> None:
    scope = access_scope(cast.carol)

    assert set(scope.grids(Grid.objects.all())) == set(Grid.objects.all())
    assert set(scope.organisations(Organisation.objects.all())) == set(Organisation.objects.all())
    assert set(scope.persons(Person.objects.all())) == set(Person.objects.all())
    # The district, not "everything": another district of the same city stays apart.
    assert not scope.everything
    assert scope.grid_paths == {cast.district.path}


@pytest.mark.django_db
def test_it_shows_a_superuser_everything(cast: Cast) -> None:
    scope = access_scope(cast.root)

    assert scope.everything
    assert set(scope.grids(Grid.objects.all())) == set(Grid.objects.all())
    assert set(scope.persons(Person.objects.all())) == set(Person.objects.all())
    assert scope.can_see_grid(cast.block_b)
