"""Distances in metres on the WGS-84 ellipsoid, checked against its published degree lengths."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from wangge.forces.geo import distance_to, distances_m, metres_per_degree


@pytest.mark.parametrize(
    ("lat", "longitude_m", "latitude_m"),
    [(0, 111_319.5, 110_574.3), (60, 55_800.0, 111_412.3), (90, 0.0, 111_694.0)],
)
def test_a_degree_is_as_long_as_the_ellipsoid_makes_it(
    lat: float, longitude_m: float, latitude_m: float
) -> None:
    along_parallel, along_meridian = metres_per_degree(lat)
    assert along_parallel == pytest.approx(longitude_m, abs=0.5)
    assert along_meridian == pytest.approx(latitude_m, abs=0.5)


def test_a_point_inside_a_grid_is_no_distance_from_it_and_one_outside_is_measured() -> None:
    grid = box(121.40, 31.00, 121.45, 31.05)
    assert distance_to(grid, 121.42, 31.02) == 0
    # 0.001° of latitude north of the grid's northern edge, at 31.05°N.
    assert distance_to(grid, 121.42, 31.051) == pytest.approx(110.87, abs=0.05)
    assert distances_m(121.42, 31.0, [121.42], [31.001])[0] == pytest.approx(110.87, abs=0.05)
