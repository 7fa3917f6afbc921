from __future__ import annotations

import pytest

from wangge.people.models import Organisation, RoleAssignment
from wangge.people.scope import access_scope
from wangge.people.testing import Cast


@pytest.mark.django_db
def test_it_filters_rows_by_a_related_grid(cast: Cast) -> None:
    # The shape later apps use: Case.objects.filter(scope.grid_q("grid")).
    q = access_scope(cast.ivan).grid_q("grid")
    assignments = set(RoleAssignment.objects.filter(q))
    assert assignments == {RoleAssignment.objects.get(person__user=cast.ivan)}


@pytest.mark.django_db
def test_it_filters_through_a_longer_relation(cast: Cast) -> None:
    q = access_scope(cast.bob).grid_q("jurisdiction")
    assert set(Organisation.objects.filter(q)) == {cast.town_b_centre}


@pytest.mark.django_db
def test_it_matches_nothing_for_an_empty_scope(cast: Cast) -> None:
    q = access_scope(cast.nobody).grid_q("grid")
    assert not RoleAssignment.objects.filter(q).exists()


@pytest.mark.django_db
def test_it_matches_everything_for_a_superuser(cast: Cast) -> None:
    q = access_scope(cast.root).grid_q("grid")
    # Roles without a grid too: nothing is hidden from a superuser.
    assert RoleAssignment.objects.filter(q).count() == RoleAssignment.objects.count()


@pytest.mark.django_db
def test_it_shows_role_assignments_of_visible_people(cast: Cast) -> None:
    visible = access_scope(cast.dora).role_assignments(RoleAssignment.objects.all())
    assert {a.person for a in visible} == {cast.dora.person}
