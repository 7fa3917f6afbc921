"""Jing'an seed 002_f379301d1ac1d4c4.txt: 建立问题处置托底机制，明确区建管委为部件类问题托底处置
责任单位，各街镇为事件类问题托底处置责任单位。对于一时无法明确处置责任主体的问题，按照先处置、
后明确责任主体的原则 … 相关单位先行自行处置或协调处置。"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wangge.catalog.exceptions import NoResponsibleDepartment
from wangge.catalog.models import Category
from wangge.catalog.selectors import Routing, responsible_department
from wangge.catalog.services import fallback_owner_set
from wangge.grids.models import Grid
from wangge.people.models import Organisation

pytestmark = pytest.mark.django_db

GetCategory = Callable[[str, str], Category]


def test_it_gives_unowned_facilities_to_the_construction_commission(
    category: GetCategory, block_a: Grid, construction_commission: Organisation
) -> None:
    """区建管委为部件类问题托底处置责任单位."""
    fallback_owner_set(family="facility", organisation=construction_commission)
    routing = responsible_department(category=category("facility", "0114"), grid=block_a)
    assert routing == Routing(department=construction_commission, fallback=True)


def test_it_gives_unowned_events_to_the_case_s_town(
    category: GetCategory,
    block_a: Grid,
    street_unit_b: Grid,
    centre_a: Organisation,
    centre_b: Organisation,
) -> None:
    """各街镇为事件类问题托底处置责任单位."""
    fallback_owner_set(family="event", town_centre=True)
    stall = category("event", "0501")
    assert responsible_department(category=stall, grid=block_a) == Routing(
        department=centre_a, fallback=True
    )
    assert responsible_department(category=stall, grid=street_unit_b) == Routing(
        department=centre_b, fallback=True
    )


def test_it_gives_a_town_grid_its_own_centre(
    category: GetCategory, town_a: Grid, centre_a: Organisation
) -> None:
    fallback_owner_set(family="event", town_centre=True)
    routing = responsible_department(category=category("event", "0507"), grid=town_a)
    assert routing.department == centre_a


def test_it_raises_without_a_fallback_owner(category: GetCategory, block_a: Grid) -> None:
    with pytest.raises(NoResponsibleDepartment) as raised:
        responsible_department(category=category("facility", "0114"), grid=block_a)
    assert raised.value.grid == block_a
    assert "fallback" in str(raised.value)


def test_it_raises_when_the_town_has_no_centre(
    category: GetCategory, block_a: Grid, centre_b: Organisation
) -> None:
    fallback_owner_set(family="event", town_centre=True)
    with pytest.raises(NoResponsibleDepartment):
        responsible_department(category=category("event", "0501"), grid=block_a)


def test_it_raises_for_a_grid_above_any_town(
    category: GetCategory, district: Grid, centre_a: Organisation
) -> None:
    fallback_owner_set(family="event", town_centre=True)
    with pytest.raises(NoResponsibleDepartment):
        responsible_department(category=category("event", "0501"), grid=district)


def test_it_raises_when_the_fallback_organisation_is_inactive(
    category: GetCategory, block_a: Grid, construction_commission: Organisation
) -> None:
    fallback_owner_set(family="facility", organisation=construction_commission)
    construction_commission.is_active = False
    construction_commission.save()
    with pytest.raises(NoResponsibleDepartment):
        responsible_department(category=category("facility", "0114"), grid=block_a)
