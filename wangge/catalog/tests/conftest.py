"""A small district for the catalog's tests.

Two towns under one district; town A has an area, a residential unit and a block under it, town B
a street unit. Organisations: the district construction commission (区建管委), the district city
management enforcement bureau (区城管执法局), a water utility, and each town's operations centre.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wangge.catalog.models import Category
from wangge.catalog.services import LoadSummary, catalog_load_defaults
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.models import Grid
from wangge.grids.services import grid_create
from wangge.grids.testing import box
from wangge.people.choices import OrganisationKind
from wangge.people.models import Organisation

MakeGrid = Callable[..., Grid]
MakeOrganisation = Callable[..., Organisation]


@pytest.fixture
def make_grid() -> MakeGrid:
    def make(
        code: str,
        name: str,
        level: int,
        parent: Grid | None = None,
        kind: str = GridKind.ADMINISTRATIVE,
    ) -> Grid:
        offset = int(code[-3:]) * 0.01
        return grid_create(
            code=code,
            name=name,
            level=level,
            kind=kind,
            parent=parent,
            geometry=box(121.3 + offset, 31.1 + offset, 121.31 + offset, 31.11 + offset),
        )

    return make


@pytest.fixture
def district(make_grid: MakeGrid) -> Grid:
    return make_grid("310112", "闵行区", GridLevel.DISTRICT)


@pytest.fixture
def town_a(make_grid: MakeGrid, district: Grid) -> Grid:
    return make_grid("310112001", "江川路街道", GridLevel.TOWN, district)


@pytest.fixture
def town_b(make_grid: MakeGrid, district: Grid) -> Grid:
    return make_grid("310112002", "莘庄镇", GridLevel.TOWN, district)


@pytest.fixture
def area_a(make_grid: MakeGrid, town_a: Grid) -> Grid:
    return make_grid("310112001001", "第一片区", GridLevel.AREA, town_a)


@pytest.fixture
def unit_a(make_grid: MakeGrid, area_a: Grid) -> Grid:
    return make_grid(
        "310112001001001", "东风居委", GridLevel.UNIT, area_a, kind=GridKind.RESIDENTIAL
    )


@pytest.fixture
def block_a(make_grid: MakeGrid, unit_a: Grid) -> Grid:
    return make_grid(
        "310112001001001001", "东风一村", GridLevel.BLOCK, unit_a, kind=GridKind.RESIDENTIAL
    )


@pytest.fixture
def street_unit_b(make_grid: MakeGrid, town_b: Grid) -> Grid:
    area = make_grid("310112002001", "莘庄片区", GridLevel.AREA, town_b)
    return make_grid("310112002001001", "莘松路街面", GridLevel.UNIT, area, kind=GridKind.STREET)


@pytest.fixture
def make_organisation() -> MakeOrganisation:
    def make(name: str, kind: str, jurisdiction: Grid, **extra: Any) -> Organisation:
        return Organisation.objects.create(name=name, kind=kind, jurisdiction=jurisdiction, **extra)

    return make


@pytest.fixture
def construction_commission(make_organisation: MakeOrganisation, district: Grid) -> Organisation:
    return make_organisation("区建管委", OrganisationKind.DEPARTMENT, district)


@pytest.fixture
def enforcement_bureau(make_organisation: MakeOrganisation, district: Grid) -> Organisation:
    return make_organisation("区城管执法局", OrganisationKind.DEPARTMENT, district)


@pytest.fixture
def water_utility(make_organisation: MakeOrganisation, district: Grid) -> Organisation:
    return make_organisation("闵行自来水公司", OrganisationKind.UTILITY, district)


@pytest.fixture
def centre_a(make_organisation: MakeOrganisation, town_a: Grid) -> Organisation:
    return make_organisation("江川路街道城运中心", OrganisationKind.TOWN_CENTRE, town_a)


@pytest.fixture
def centre_b(make_organisation: MakeOrganisation, town_b: Grid) -> Organisation:
    return make_organisation("莘庄镇城运中心", OrganisationKind.TOWN_CENTRE, town_b)


@pytest.fixture
def catalog(db: None) -> LoadSummary:
    return catalog_load_defaults()


@pytest.fixture
def category(catalog: LoadSummary) -> Callable[[str, str], Category]:
    def get(family: str, code: str) -> Category:
        return Category.objects.get(family=family, code=code)

    return get
