from __future__ import annotations

import numpy as np
import pytest

from wangge.core.coords import CRS, from_wgs84, geometry_from_wgs84, geometry_to_wgs84, to_wgs84

# Published test vectors of the GCJ-02 algorithm (eviltransform's tests): WGS-84 → GCJ-02.
VECTORS = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_it_matches_the_published_gcj02_vectors(
    wgs: tuple[float, float], gcj: tuple[float, float]
) -> None:
    assert np.allclose(from_wgs84(*wgs, CRS.GCJ02), gcj, atol=1e-9, rtol=0)
    assert np.allclose(to_wgs84(*gcj, CRS.GCJ02), wgs, atol=1e-9, rtol=0)


@pytest.mark.parametrize("crs", [CRS.GCJ02, CRS.BD09])
def test_round_trips_come_back_within_a_tenth_of_a_millimetre(crs: CRS) -> None:
    rng = np.random.default_rng(1)
    lng, lat = rng.uniform(120.8, 122.2, 1000), rng.uniform(30.6, 31.9, 1000)
    back = to_wgs84(*from_wgs84(lng, lat, crs), crs)
    assert np.abs(back[0] - lng).max() < 1e-9
    assert np.abs(back[1] - lat).max() < 1e-9


def test_baidu_is_offset_from_amap_by_the_published_bd09_shift() -> None:
    # BD-09 adds about 0.0065° east and 0.006° north to GCJ-02.
    gcj = from_wgs84(121.47, 31.23, CRS.GCJ02)
    bd = from_wgs84(121.47, 31.23, CRS.BD09)
    assert 0.005 < bd[0] - gcj[0] < 0.008
    assert 0.004 < bd[1] - gcj[1] < 0.008


def test_points_outside_china_are_left_alone() -> None:
    assert from_wgs84(2.35, 48.85, CRS.GCJ02) == (2.35, 48.85)


def test_geometries_convert_ring_by_ring() -> None:
    ring = [[121.3, 31.0], [121.4, 31.0], [121.4, 31.1], [121.3, 31.0]]
    geometry = {"type": "MultiPolygon", "coordinates": [[ring], [ring]]}
    converted = geometry_from_wgs84(geometry, CRS.GCJ02)
    assert converted["type"] == "MultiPolygon"
    assert converted["coordinates"][0][0][0] != ring[0]
    back = geometry_to_wgs84(converted, CRS.GCJ02)
    assert np.allclose(np.array(back["coordinates"]), np.array(geometry["coordinates"]), atol=1e-9)
    assert geometry_to_wgs84(geometry, CRS.WGS84) is geometry
