from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from wangge.people.testing import PASSWORD, Cast


@pytest.mark.django_db
def test_it_gives_the_cast_one_known_password(cast: Cast) -> None:
    for user in [cast.alice, cast.root, cast.nobody]:
        assert authenticate(username=user.username, password=PASSWORD) == user


@pytest.mark.django_db
def test_it_builds_the_two_towns_side_by_side(cast: Cast) -> None:
    assert {grid.parent for grid in [cast.town_a, cast.town_b]} == {cast.district}
    assert cast.block_a.path == "310112/310112001/310112001001/310112001001001/310112001001001001/"
    assert cast.grids_a.isdisjoint(cast.grids_b)
