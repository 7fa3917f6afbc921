from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wangge.grids.io import GridImportError, read_feature_collection
from wangge.grids.models import Grid
from wangge.grids.selectors import grids_feature_collection
from wangge.grids.services import grids_import
from wangge.sim.grids import SimSize, district_outlines, generate_district

pytestmark = pytest.mark.django_db

SMALL = SimSize(towns_per_district=3, areas_per_town=2, units_per_district=12, blocks_per_unit=3)
DISTRICTS_FILE = Path(__file__).resolve().parents[2] / "sim/data/shanghai-districts.gcj02.geojson"


def snapshot() -> list[tuple[str, str, int, str, str | None, str]]:
    return [
        (
            g.code,
            g.name,
            g.level,
            g.kind,
            g.parent.code if g.parent else None,
            json.dumps(g.geometry),
        )
        for g in Grid.objects.select_related("parent").order_by("code")
    ]


def test_import_export_import_gives_back_the_same_tree(tmp_path: Path) -> None:
    grids_import(g.as_record() for g in generate_district(size=SMALL))
    first = snapshot()
    exported = tmp_path / "grids.geojson"
    call_command("grids", "export", "-o", str(exported))
    for level in range(5, 0, -1):
        Grid.objects.filter(level=level).delete()
    assert not Grid.objects.exists()
    call_command("grids", "import", str(exported))
    assert snapshot() == first
    assert len(first) == 1 + 3 + 6 + 12 + 36


def test_export_writes_the_agreed_properties() -> None:
    grids_import(g.as_record() for g in generate_district(size=SMALL))
    collection = grids_feature_collection()
    town = next(f for f in collection["features"] if f["properties"]["level"] == "town")
    assert set(town["properties"]) == {"code", "name", "level", "kind", "parent_code"}
    assert town["properties"]["parent_code"] == "310112"


def test_the_sixteen_real_districts_import_from_gcj02_and_locate_wgs84_points() -> None:
    from wangge.grids.locator import grid_index

    call_command("grids", "import", str(DISTRICTS_FILE), "--crs", "gcj02", "--level", "district")
    assert Grid.objects.count() == 16 == len(district_outlines())
    # Minhang district government (沪闵路6258号, Xinzhuang), WGS-84 as a phone's GPS gives it.
    location = grid_index().locate(121.3773, 31.1148)
    assert location is not None and location.grid.name == "闵行区"
    # People's Square (人民广场) lies in Huangpu.
    location = grid_index().locate(121.4692, 31.2317)
    assert location is not None and location.grid.name == "黄浦区"


def test_gcj02_boundaries_are_stored_as_wgs84() -> None:
    call_command("grids", "import", str(DISTRICTS_FILE), "--crs", "gcj02")
    minhang = Grid.objects.get(code="310112")
    raw = json.loads(DISTRICTS_FILE.read_text())
    source = next(f for f in raw["features"] if f["properties"]["adcode"] == "310112")
    gcj_lng, gcj_lat = source["geometry"]["coordinates"][0][0][0]
    wgs_lng, wgs_lat = minhang.geometry["coordinates"][0][0][0]
    # GCJ-02 shifts Shanghai by roughly 450 m east and 200 m south of WGS-84.
    assert 0.003 < gcj_lng - wgs_lng < 0.006
    assert -0.003 < gcj_lat - wgs_lat < -0.001


def feature(
    code: str, parent: str | None, level: str = "town", **extra: object
) -> dict[str, object]:
    ring = [[121.3, 31.0], [121.31, 31.0], [121.31, 31.01], [121.3, 31.01], [121.3, 31.0]]
    properties = {"code": code, "name": f"网格{code}", "level": level, "parent_code": parent}
    return {
        "type": "Feature",
        "properties": {**properties, **extra},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def collection(*features: dict[str, object]) -> dict[str, object]:
    return {"type": "FeatureCollection", "features": list(features)}


def test_bad_input_imports_nothing_and_names_every_bad_feature(tmp_path: Path) -> None:
    broken_geometry = feature("310112003", "310112")
    broken_geometry["geometry"] = {"type": "Polygon", "coordinates": [[[121.3, 31.0], ["x", 1]]]}
    data = collection(
        feature("310112", None, "district"),
        feature("310112001", "310112"),
        feature("310112001", "310112"),  # duplicate code
        feature("310112002", "310199"),  # unknown parent
        broken_geometry,
    )
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as error:
        call_command("grids", "import", str(path))
    message = str(error.value)
    assert "nothing imported" in message
    assert "feature 3 (code 310112001): code 310112001 appears twice" in message
    assert (
        "feature 4 (code 310112002): parent code 310199 is in neither the file nor the tree"
        in message
    )
    assert "feature 5 (code 310112003): a ring needs at least four positions" in message
    assert not Grid.objects.exists()


def test_a_code_already_in_the_tree_is_refused() -> None:
    grids_import(read_feature_collection(collection(feature("310112", None, "district"))))
    with pytest.raises(
        GridImportError, match=r"feature 1 \(code 310112\): a grid with code 310112 already exists"
    ):
        grids_import(read_feature_collection(collection(feature("310112", None, "district"))))
    assert Grid.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "the file is not JSON"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (
            '{"type": "FeatureCollection", "features": '
            '[{"type": "Feature", "properties": {}, "geometry": null}]}',
            "feature 1: property 'code' is missing",
        ),
    ],
)
def test_malformed_files_are_refused_with_the_reason(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(text)
    with pytest.raises(CommandError, match=problem):
        call_command("grids", "import", str(path))
    assert not Grid.objects.exists()


def test_codes_follow_the_national_pattern() -> None:
    data = collection(
        feature("310112", None, "district"),
        feature("3101120011", "310112"),  # a town adds three digits, not four
        feature("310113001", "310112"),  # a child's code starts with its parent's
    )
    with pytest.raises(GridImportError) as error:
        grids_import(read_feature_collection(data))
    assert error.value.problems == [
        "feature 2 (code 3101120011): code '3101120011' must have 9 digits at this level",
        "feature 3 (code 310113001): code '310113001' must start with its parent's code '310112'",
    ]
    assert not Grid.objects.exists()


def test_an_overlong_name_is_refused_before_the_database_sees_it() -> None:
    data = collection(feature("310112", None, "district", name="长" * 101))
    with pytest.raises(GridImportError, match="name is longer than 100 characters"):
        read_feature_collection(data)


def test_the_published_districts_check_clean_with_their_level_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # With no parent in the file there is nothing to tile; each outline must be valid.
    call_command("grids", "check", str(DISTRICTS_FILE), "--crs", "gcj02", "--level", "district")
    assert "16 grids checked, 0 problems" in capsys.readouterr().out
