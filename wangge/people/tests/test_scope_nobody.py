from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from wangge.grids.models import Grid
from wangge.people.models import Organisation, Person
from wangge.people.scope import access_scope
from wangge.people.services import person_create
from wangge.people.testing import Cast


def _sees_nothing(user: object) -> bool:
    scope = access_scope(user)
    return (
        scope.is_empty
        and not scope.grids(Grid.objects.all()).exists()
        and not scope.organisations(Organisation.objects.all()).exists()
        and not scope.persons(Person.objects.all()).exists()
    )


@pytest.mark.django_db
def test_it_shows_a_user_without_a_person_nothing(cast: Cast) -> None:
    assert _sees_nothing(cast.nobody)


@pytest.mark.django_db
def test_it_shows_anonymous_users_nothing(cast: Cast) -> None:
    assert _sees_nothing(AnonymousUser())
    assert _sees_nothing(None)


@pytest.mark.django_db
def test_it_shows_an_inactive_user_nothing(cast: Cast) -> None:
    cast.carol.is_active = False
    cast.carol.save()
    assert _sees_nothing(cast.carol)


@pytest.mark.django_db
def test_it_shows_an_inactive_superuser_nothing(cast: Cast) -> None:
    cast.root.is_active = False
    cast.root.save()
    assert _sees_nothing(cast.root)


@pytest.mark.django_db
def test_it_shows_an_inactive_person_nothing(cast: Cast) -> None:
    Person.objects.filter(user=cast.alice).update(is_active=False)
    assert _sees_nothing(cast.alice)


@pytest.mark.django_db
def test_it_shows_the_people_of_an_inactive_organisation_nothing(cast: Cast) -> None:
    Organisation.objects.filter(pk=cast.town_a_centre.pk).update(is_active=False)
    assert _sees_nothing(cast.alice)
    assert not access_scope(cast.bob).is_empty


@pytest.mark.django_db
def test_it_shows_a_person_without_a_role_nothing(cast: Cast) -> None:
    # Being on the roster is not access: a role is.
    person = person_create(name="新同事", organisation=cast.town_a_centre, username="newbie")
    assert _sees_nothing(person.user)
