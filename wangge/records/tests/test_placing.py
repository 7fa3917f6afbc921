"""Every record stands in exactly one unit grid: placed in the grid under its point, refused
outside the grids and where no unit grid answers for the point; a facility's code must name
the district it stands in and a class of the district's catalog. When the grids are re-cut, the
records follow their points."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from shapely.geometry import shape

from wangge.catalog.models import Category
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.services import grid_create, grid_delete, grid_update
from wangge.grids.testing import box
from wangge.people.testing import Cast
from wangge.records.models import Building, Company, Facility, Shop
from wangge.records.services import record_save
from wangge.records.tests.conftest import HUAWEI, MANHOLE, MINHANG_SHOP

pytestmark = pytest.mark.django_db


def shop(lng: float, lat: float, **more: object) -> Shop:
    fields = {"name": "王记面馆", "address": "江川路100号", "lng": lng, "lat": lat, **more}
    return Shop(**fields)


def test_a_shop_is_placed_in_the_grid_under_its_point_with_a_code_of_its_own(
    cast: Cast, spot_a: tuple[float, float]
) -> None:
    saved = record_save(record=shop(*spot_a, licence=" " + MINHANG_SHOP.lower()))
    assert saved.grid == cast.block_a and saved.grid.parent == cast.unit_a
    assert len(saved.code) == 8 and saved.licence == MINHANG_SHOP
    code = saved.code
    saved.holder_phone = "021-64301234"
    assert record_save(record=saved).code == code  # the code on the sticker stays


def test_a_point_outside_every_grid_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        record_save(
            record=Building(name="外滩大楼", address="中山东一路1号", lng=121.49, lat=31.24)
        )
    assert refused.value.message_dict == {"lng": ["The point lies outside every grid."]}
    assert not Building.objects.exists()


def test_a_point_that_no_unit_grid_holds_is_refused(cast: Cast) -> None:
    # A town with an area not yet cut into units: nobody there answers for a record.
    town = grid_create(
        code="310112003",
        name="新镇",
        level=GridLevel.TOWN,
        kind=GridKind.ADMINISTRATIVE,
        geometry=box(121.50, 31.00, 121.55, 31.05),
        parent=cast.district,
    )
    grid_create(
        code="310112003001",
        name="新镇第一片区",
        level=GridLevel.AREA,
        kind=GridKind.ADMINISTRATIVE,
        geometry=box(121.50, 31.00, 121.55, 31.05),
        parent=town,
    )
    with pytest.raises(ValidationError) as refused:
        record_save(record=shop(121.52, 31.02))
    assert refused.value.message_dict == {"lng": ["The point lies in no unit grid."]}


def test_a_facility_takes_its_class_and_name_from_its_code(
    cast: Cast, spot_a: tuple[float, float]
) -> None:
    saved = record_save(record=Facility(code=MANHOLE, name="", lng=spot_a[0], lat=spot_a[1]))
    assert saved.category == Category.objects.get(family="facility", code="0101")
    assert saved.name == "上水井盖" and saved.grid == cast.block_a


@pytest.mark.parametrize(
    ("code", "says"),
    [
        # Huangpu's division (310101) on a facility in Minhang.
        ("3101010101000042", "The code's division 310101 is not that of the district"),
        # 事件 0101 exists, 部件 0199 does not.
        ("3101120199000042", "The catalog has no facility sub-class 0199."),
        ("310112010100004", "A facility code has 16 digits."),
    ],
)
def test_a_facility_code_must_fit_the_district_and_the_catalog(
    cast: Cast, spot_a: tuple[float, float], code: str, says: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        record_save(record=Facility(code=code, name="井盖", lng=spot_a[0], lat=spot_a[1]))
    assert says in " ".join(refused.value.message_dict["code"])
    assert not Facility.objects.exists()


def test_a_company_needs_a_credit_code_whose_check_character_fits(
    cast: Cast, spot_a: tuple[float, float]
) -> None:
    company = Company(
        name="华为技术有限公司", credit_code=HUAWEI[:-1] + "7", lng=spot_a[0], lat=spot_a[1]
    )
    with pytest.raises(ValidationError) as refused:
        record_save(record=company)
    assert "should be 6" in refused.value.message_dict["credit_code"][0]
    company.credit_code = HUAWEI
    assert record_save(record=company).park == ""


def test_records_follow_their_points_when_the_grids_are_re_cut(cast: Cast) -> None:
    west, south, east, north = shape(cast.block_a.geometry).bounds
    middle = (west + east) / 2
    staying = record_save(record=shop(west + 0.001, south + 0.001))
    leaving = record_save(
        record=Building(name="江川大厦", address="江川路200号", lng=east - 0.001, lat=north - 0.001)
    )
    assert staying.grid == leaving.grid == cast.block_a
    # Block A keeps its western half; the eastern half becomes a block of its own.
    grid_update(grid=cast.block_a, geometry=box(west, south, middle, north))
    new_block = grid_create(
        code=f"{cast.unit_a.code}002",
        name="江川路第一居委二号块",
        level=GridLevel.BLOCK,
        kind=GridKind.RESIDENTIAL,
        geometry=box(middle, south, east, north),
        parent=cast.unit_a,
    )
    staying.refresh_from_db()
    leaving.refresh_from_db()
    assert staying.grid == cast.block_a
    assert leaving.grid == new_block


def test_a_removed_blocks_records_go_to_its_unit_and_a_unit_with_records_stays(
    cast: Cast,
) -> None:
    west, south, _east, _north = shape(cast.block_a.geometry).bounds
    held = record_save(record=shop(west + 0.001, south + 0.001))
    assert held.grid == cast.block_a
    grid_delete(grid=cast.block_a)
    held.refresh_from_db()
    assert held.grid == cast.unit_a
    # A unit's records would stand in no unit grid: they keep the unit.
    with pytest.raises(ProtectedError) as kept:
        grid_delete(grid=cast.unit_a)
    assert held in kept.value.protected_objects
    held.refresh_from_db()
    assert held.grid == cast.unit_a
