from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from wangge.people.models import Organisation, Person
from wangge.people.services import person_create
from wangge.people.testing import Cast, error_codes


@pytest.mark.django_db
def test_it_creates_a_person_without_a_login(cast: Cast) -> None:
    person = person_create(name="志愿者", organisation=cast.workstation_a, phone="13800000000")
    assert person.user is None
    assert person.phone == "13800000000"


@pytest.mark.django_db
def test_it_creates_a_login_that_is_not_staff(cast: Cast) -> None:
    person = person_create(
        name="新受理员",
        organisation=cast.town_a_centre,
        username="nina",
        password="grid-governance-2026",
    )
    assert person.user is not None
    assert person.user.check_password("grid-governance-2026")
    assert not person.user.is_staff


@pytest.mark.django_db
def test_it_refuses_a_taken_username(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        person_create(name="重名", organisation=cast.town_a_centre, username="alice")
    assert error_codes(error.value) == {"username": {"unique"}}
    assert get_user_model().objects.filter(username="alice").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_weak_password(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        person_create(
            name="弱口令", organisation=cast.town_a_centre, username="weak", password="123456"
        )
    assert "password_too_common" in error_codes(error.value)["password"]
    assert not get_user_model().objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_it_refuses_an_inactive_organisation(cast: Cast) -> None:
    Organisation.objects.filter(pk=cast.market_a.pk).update(is_active=False)
    cast.market_a.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        person_create(name="迟到者", organisation=cast.market_a)
    assert error_codes(error.value) == {"organisation": {"organisation_inactive"}}


@pytest.mark.django_db
def test_it_creates_nothing_when_the_person_is_invalid(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        person_create(name="", organisation=cast.town_a_centre, username="ghost")
    assert not get_user_model().objects.filter(username="ghost").exists()
    assert not Person.objects.filter(name="").exists()
