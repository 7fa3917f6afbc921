from __future__ import annotations

from typing import Any

import pytest

from wangge.grids.models import Grid
from wangge.people.choices import Role
from wangge.people.models import Person
from wangge.people.scope import access_scope
from wangge.people.services import role_assign
from wangge.people.testing import Cast

CAST = ["carol", "alice", "bob", "ada", "dora", "ivan", "nobody", "root"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CAST)
def test_it_builds_a_scope_in_two_queries_at_most(
    cast: Cast, name: str, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        access_scope(getattr(cast, name))


@pytest.mark.django_db
def test_it_needs_no_more_queries_for_more_roles(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    person = Person.objects.get(user=cast.carol)
    for grid in [cast.unit_a, cast.block_a, cast.unit_b, cast.block_b, cast.area_b]:
        role_assign(person=person, role=Role.SUPERVISOR, grid=grid)

    with django_assert_max_num_queries(2):
        access_scope(cast.carol)


@pytest.mark.django_db
def test_it_filters_in_the_same_query(cast: Cast, django_assert_num_queries: Any) -> None:
    scope = access_scope(cast.dora)
    with django_assert_num_queries(1):
        list(scope.grids(Grid.objects.all()))
    with django_assert_num_queries(1):
        list(scope.persons(Person.objects.all()))


@pytest.mark.django_db
def test_it_asks_nothing_of_the_database_for_anonymous_users(
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):
        access_scope(None)
