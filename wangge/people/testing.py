"""The fixed cast every app's tests share: one district, two towns, their centres, a department with
a town office, and the people who work there. Built through the services, so a test that passes
against the cast passes against data the admin could have entered.

    carol   dispatcher of the district operations centre — sees the whole district
    alice   dispatcher of town A's centre                — sees town A
    bob     dispatcher of town B's centre                — sees town B
    ada     administrator of town A's centre (staff)     — town A, in the admin too
    dora    handler of 城管's town-A office              — her office and town A's grids
    ivan    inspector on town A's unit (workstation)     — that unit's subtree
    mia     handler of 市场监管's town-A office, no login — someone dora must not see
    nobody  a user without a person                      — nothing
    root    a superuser                                  — everything

Use it from pytest through the ``cast`` fixture in ``wangge/people/tests/conftest.py``, or call
:func:`build_cast` in another app's conftest. Prefer ``client.force_login(cast.alice)``; tests of a
login form itself can use every account's password, :data:`PASSWORD`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.models import Grid
from wangge.grids.services import grid_create
from wangge.grids.testing import box
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation, Person
from wangge.people.services import organisation_create, person_create, role_assign

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PASSWORD = "wangge-cast-2026"
"""The password of every account in the cast."""

DISTRICT_CODE = "310112"
TOWN_A_CODE = "310112001"
TOWN_B_CODE = "310112002"


@dataclass(frozen=True)
class Cast:
    district: Grid
    town_a: Grid
    area_a: Grid
    unit_a: Grid
    block_a: Grid
    town_b: Grid
    area_b: Grid
    unit_b: Grid
    block_b: Grid

    district_centre: Organisation
    town_a_centre: Organisation
    town_b_centre: Organisation
    chengguan: Organisation
    chengguan_a: Organisation
    market: Organisation
    market_a: Organisation
    workstation_a: Organisation

    carol: User
    alice: User
    bob: User
    ada: User
    dora: User
    ivan: User
    nobody: User
    root: User
    mia: Person

    @property
    def grids_a(self) -> set[Grid]:
        return {self.town_a, self.area_a, self.unit_a, self.block_a}

    @property
    def grids_b(self) -> set[Grid]:
        return {self.town_b, self.area_b, self.unit_b, self.block_b}


@functools.cache
def _password_hash() -> str:
    # Hashing is slow on purpose (hundreds of milliseconds); the cast is built for most tests,
    # so hash once per process and give every account the same hash.
    return make_password(PASSWORD)


def error_codes(error: ValidationError) -> dict[str, set[str | None]]:
    """The codes of a ValidationError by field ("__all__" for the rest), so tests can match on
    codes rather than on the translated words."""
    if hasattr(error, "error_dict"):
        return {field: {e.code for e in errors} for field, errors in error.error_dict.items()}
    return {"__all__": {e.code for e in error.error_list}}


def _branch(parent: Grid, town_code: str, name: str, lng: float, lat: float) -> list[Grid]:
    """A town with one area, one unit and one block, each filling its parent (a single child
    tiles its parent, so the tree passes the topology check)."""
    shape = box(lng, lat, lng + 0.05, lat + 0.05)
    town = grid_create(
        code=town_code,
        name=name,
        level=GridLevel.TOWN,
        kind=GridKind.ADMINISTRATIVE,
        geometry=shape,
        parent=parent,
    )
    area = grid_create(
        code=f"{town_code}001",
        name=f"{name}第一片区",
        level=GridLevel.AREA,
        kind=GridKind.ADMINISTRATIVE,
        geometry=shape,
        parent=town,
    )
    unit = grid_create(
        code=f"{town_code}001001",
        name=f"{name}第一居委",
        level=GridLevel.UNIT,
        kind=GridKind.RESIDENTIAL,
        geometry=shape,
        parent=area,
    )
    block = grid_create(
        code=f"{town_code}001001001",
        name=f"{name}第一居委一号块",
        level=GridLevel.BLOCK,
        kind=GridKind.RESIDENTIAL,
        geometry=shape,
        parent=unit,
    )
    return [town, area, unit, block]


def _member(
    *,
    name: str,
    organisation: Organisation,
    role: str,
    username: str | None,
    grid: Grid | None = None,
) -> Person:
    person = person_create(name=name, organisation=organisation, username=username)
    role_assign(person=person, role=role, grid=grid)
    return person


def _user(person: Person) -> User:
    assert person.user is not None
    return person.user


def build_cast() -> Cast:
    district = grid_create(
        code=DISTRICT_CODE,
        name="闵行区",
        level=GridLevel.DISTRICT,
        kind=GridKind.ADMINISTRATIVE,
        geometry=box(121.40, 31.00, 121.50, 31.10),
        parent=None,
    )
    town_a, area_a, unit_a, block_a = _branch(district, TOWN_A_CODE, "江川路街道", 121.40, 31.00)
    town_b, area_b, unit_b, block_b = _branch(district, TOWN_B_CODE, "古美路街道", 121.45, 31.00)

    district_centre = organisation_create(
        name="闵行区城市运行管理中心",
        kind=OrganisationKind.DISTRICT_CENTRE,
        jurisdiction=district,
    )
    town_a_centre = organisation_create(
        name="江川路街道城运中心",
        kind=OrganisationKind.TOWN_CENTRE,
        jurisdiction=town_a,
        parent=district_centre,
    )
    town_b_centre = organisation_create(
        name="古美路街道城运中心",
        kind=OrganisationKind.TOWN_CENTRE,
        jurisdiction=town_b,
        parent=district_centre,
    )
    chengguan = organisation_create(
        name="闵行区城管执法局",
        short_name="城管",
        kind=OrganisationKind.DEPARTMENT,
        jurisdiction=district,
    )
    chengguan_a = organisation_create(
        name="城管执法局江川路中队",
        kind=OrganisationKind.DEPARTMENT_OFFICE,
        jurisdiction=town_a,
        parent=chengguan,
    )
    market = organisation_create(
        name="闵行区市场监管局",
        short_name="市场监管",
        kind=OrganisationKind.DEPARTMENT,
        jurisdiction=district,
    )
    market_a = organisation_create(
        name="市场监管局江川路所",
        kind=OrganisationKind.DEPARTMENT_OFFICE,
        jurisdiction=town_a,
        parent=market,
    )
    workstation_a = organisation_create(
        name="江川路第一居委工作站",
        kind=OrganisationKind.WORKSTATION,
        jurisdiction=unit_a,
        parent=town_a_centre,
    )

    carol = _member(
        name="区值班员", organisation=district_centre, role=Role.DISPATCHER, username="carol"
    )
    alice = _member(
        name="江川受理员", organisation=town_a_centre, role=Role.DISPATCHER, username="alice"
    )
    bob = _member(
        name="古美受理员", organisation=town_b_centre, role=Role.DISPATCHER, username="bob"
    )
    ada = _member(
        name="江川管理员", organisation=town_a_centre, role=Role.ADMINISTRATOR, username="ada"
    )
    dora = _member(name="城管处置员", organisation=chengguan_a, role=Role.HANDLER, username="dora")
    ivan = _member(
        name="江川巡查员",
        organisation=workstation_a,
        role=Role.INSPECTOR,
        username="ivan",
        grid=unit_a,
    )
    mia = _member(name="市场监管处置员", organisation=market_a, role=Role.HANDLER, username=None)

    user_model = get_user_model()
    nobody = user_model.objects.create_user(username="nobody")
    root = user_model.objects.create_superuser(username="root", email="root@example.org")

    accounts = [_user(person) for person in (carol, alice, bob, ada, dora, ivan)] + [nobody, root]
    for account in accounts:
        account.password = _password_hash()
    user_model.objects.filter(pk__in=[a.pk for a in accounts]).update(password=_password_hash())

    return Cast(
        district=district,
        town_a=town_a,
        area_a=area_a,
        unit_a=unit_a,
        block_a=block_a,
        town_b=town_b,
        area_b=area_b,
        unit_b=unit_b,
        block_b=block_b,
        district_centre=district_centre,
        town_a_centre=town_a_centre,
        town_b_centre=town_b_centre,
        chengguan=chengguan,
        chengguan_a=chengguan_a,
        market=market,
        market_a=market_a,
        workstation_a=workstation_a,
        carol=_user(carol),
        alice=_user(alice),
        bob=_user(bob),
        ada=_user(ada),
        dora=_user(dora),
        ivan=_user(ivan),
        nobody=nobody,
        root=root,
        mia=mia,
    )
