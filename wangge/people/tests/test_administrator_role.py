from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wangge.people.choices import Role
from wangge.people.models import Person
from wangge.people.services import ADMINISTRATORS_GROUP, person_create, role_assign
from wangge.people.testing import Cast, error_codes


@pytest.mark.django_db
def test_it_makes_administrators_staff(cast: Cast) -> None:
    assert cast.ada.is_staff
    assert not cast.alice.is_staff
    assert not cast.dora.is_staff


@pytest.mark.django_db
def test_it_gives_administrators_the_permissions_of_every_wangge_app(cast: Cast) -> None:
    ada = cast.ada
    ada.refresh_from_db()
    assert ada.groups.filter(name=ADMINISTRATORS_GROUP).exists()
    for permission in [
        "people.change_person",
        "people.add_roleassignment",
        "grids.change_grid",
        "catalog.view_category",
    ]:
        assert ada.has_perm(permission), permission
    # Accounts stay with the superusers: a town administrator editing users could make
    # themselves superuser.
    assert not ada.has_perm("auth.change_user")


@pytest.mark.django_db
def test_it_makes_a_later_administrator_staff(cast: Cast) -> None:
    role_assign(person=Person.objects.get(user=cast.alice), role=Role.ADMINISTRATOR)
    cast.alice.refresh_from_db()
    assert cast.alice.is_staff


@pytest.mark.django_db
def test_it_refuses_an_administrator_without_an_account(cast: Cast) -> None:
    person = person_create(name="无账号", organisation=cast.town_a_centre)
    with pytest.raises(ValidationError) as error:
        role_assign(person=person, role=Role.ADMINISTRATOR)
    assert error_codes(error.value) == {"role": {"administrator_account"}}
