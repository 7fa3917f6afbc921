from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User

from wangge.grids.models import Grid
from wangge.people.choices import Role
from wangge.people.models import RoleAssignment
from wangge.people.scope import access_scope
from wangge.people.services import person_create, role_assign
from wangge.people.testing import Cast

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _set_dates(
    user: User, *, starts_on: datetime.date | None, ends_on: datetime.date | None
) -> None:
    RoleAssignment.objects.filter(person__user=user).update(starts_on=starts_on, ends_on=ends_on)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_it_ignores_a_role_that_has_ended(cast: Cast) -> None:
    _set_dates(cast.alice, starts_on=None, ends_on=datetime.date(2026, 3, 9))
    assert access_scope(cast.alice).is_empty


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_it_ignores_a_role_that_has_not_started(cast: Cast) -> None:
    _set_dates(cast.alice, starts_on=datetime.date(2026, 3, 11), ends_on=None)
    assert access_scope(cast.alice).is_empty


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 3, 10, 23, 59, tzinfo=SHANGHAI), tick=False)
def test_it_counts_the_first_and_last_days_of_a_role(cast: Cast) -> None:
    _set_dates(cast.alice, starts_on=datetime.date(2026, 3, 10), ends_on=datetime.date(2026, 3, 10))
    assert set(access_scope(cast.alice).grids(Grid.objects.all())) == cast.grids_a


@pytest.mark.django_db
def test_it_ends_roles_at_shanghai_midnight(cast: Cast) -> None:
    _set_dates(cast.alice, starts_on=None, ends_on=datetime.date(2026, 3, 9))
    # 16:30 UTC on the 9th is 00:30 on the 10th in Shanghai: the role is over.
    with time_machine.travel(
        datetime.datetime(2026, 3, 9, 16, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert access_scope(cast.alice).is_empty
    with time_machine.travel(
        datetime.datetime(2026, 3, 9, 15, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert not access_scope(cast.alice).is_empty


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_it_keeps_the_current_role_when_another_has_ended(cast: Cast) -> None:
    person = person_create(name="区督查员", organisation=cast.district_centre, username="ines")
    role_assign(person=person, role=Role.SUPERVISOR, grid=cast.unit_a)
    role_assign(
        person=person, role=Role.SUPERVISOR, grid=cast.unit_b, ends_on=datetime.date(2026, 1, 31)
    )

    grids = set(access_scope(person.user).grids(Grid.objects.all()))

    assert grids == {cast.unit_a, cast.block_a}
