from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django import DjangoAssertNumQueries

from wangge.catalog.models import Category
from wangge.catalog.selectors import Routing, responsible_department
from wangge.catalog.services import responsibility_set
from wangge.catalog.tests.conftest import MakeOrganisation
from wangge.grids.models import Grid
from wangge.people.choices import OrganisationKind
from wangge.people.models import Organisation

pytestmark = pytest.mark.django_db

GetCategory = Callable[[str, str], Category]


def test_it_routes_by_a_district_wide_row(
    category: GetCategory, unit_a: Grid, water_utility: Organisation
) -> None:
    cover = category("facility", "0101")
    responsibility_set(category=cover, department=water_utility)
    assert responsible_department(category=cover, grid=unit_a) == Routing(
        department=water_utility, fallback=False
    )


def test_it_uses_the_main_class_row_when_the_subclass_has_none(
    category: GetCategory, unit_a: Grid, enforcement_bureau: Organisation
) -> None:
    responsibility_set(category=category("event", "05"), department=enforcement_bureau)
    routing = responsible_department(category=category("event", "0504"), grid=unit_a)
    assert routing == Routing(department=enforcement_bureau, fallback=False)


def test_it_prefers_the_subclass_to_its_main_class(
    category: GetCategory,
    town_a: Grid,
    unit_a: Grid,
    water_utility: Organisation,
    make_organisation: MakeOrganisation,
) -> None:
    # Even a main-class row for the town itself does not take a water cover from the utility.
    town_office = make_organisation("江川路市政所", OrganisationKind.DEPARTMENT_OFFICE, town_a)
    responsibility_set(category=category("facility", "01"), grid=unit_a, department=town_office)
    responsibility_set(category=category("facility", "0101"), department=water_utility)
    routing = responsible_department(category=category("facility", "0101"), grid=unit_a)
    assert routing.department == water_utility


def test_it_prefers_the_deepest_grid_on_the_path(
    category: GetCategory,
    town_a: Grid,
    unit_a: Grid,
    block_a: Grid,
    enforcement_bureau: Organisation,
    make_organisation: MakeOrganisation,
) -> None:
    vending = category("event", "0501")
    town_team = make_organisation("江川路城管中队", OrganisationKind.DEPARTMENT_OFFICE, town_a)
    station = make_organisation("东风居委工作站", OrganisationKind.WORKSTATION, unit_a)
    responsibility_set(category=vending, department=enforcement_bureau)
    responsibility_set(category=vending, grid=town_a, department=town_team)
    assert responsible_department(category=vending, grid=block_a).department == town_team
    responsibility_set(category=vending, grid=unit_a, department=station)
    assert responsible_department(category=vending, grid=block_a).department == station
    assert responsible_department(category=vending, grid=town_a).department == town_team


def test_it_ignores_rows_for_other_towns(
    category: GetCategory,
    town_b: Grid,
    unit_a: Grid,
    enforcement_bureau: Organisation,
    make_organisation: MakeOrganisation,
) -> None:
    vending = category("event", "0501")
    other_team = make_organisation("莘庄城管中队", OrganisationKind.DEPARTMENT_OFFICE, town_b)
    responsibility_set(category=vending, department=enforcement_bureau)
    responsibility_set(category=vending, grid=town_b, department=other_team)
    assert responsible_department(category=vending, grid=unit_a).department == enforcement_bureau


def test_it_skips_an_inactive_department(
    category: GetCategory,
    town_a: Grid,
    unit_a: Grid,
    enforcement_bureau: Organisation,
    make_organisation: MakeOrganisation,
) -> None:
    vending = category("event", "0501")
    closed = make_organisation("撤并的中队", OrganisationKind.DEPARTMENT_OFFICE, town_a)
    closed.is_active = False
    closed.save()
    responsibility_set(category=vending, department=enforcement_bureau)
    responsibility_set(category=vending, grid=town_a, department=closed)
    assert responsible_department(category=vending, grid=unit_a).department == enforcement_bureau


def test_it_reads_the_rows_in_one_query(
    category: GetCategory,
    town_a: Grid,
    block_a: Grid,
    enforcement_bureau: Organisation,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    vending = category("event", "0501")
    responsibility_set(category=category("event", "05"), department=enforcement_bureau)
    responsibility_set(category=vending, grid=town_a, department=enforcement_bureau)
    with django_assert_num_queries(1):
        responsible_department(category=vending, grid=block_a)
