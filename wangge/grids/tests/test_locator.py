from __future__ import annotations

import numpy as np
import pytest

from wangge.grids.choices import GridLevel
from wangge.grids.locator import NOT_FOUND, grid_index
from wangge.grids.models import Grid
from wangge.grids.services import grid_create, grid_update
from wangge.grids.testing import import_small_tree, point, square

pytestmark = pytest.mark.django_db

TOWN_A_BLOCK = "310112001001001001"


@pytest.fixture(autouse=True)
def tree() -> None:
    import_small_tree()


def test_it_finds_the_block_and_its_chain_up_to_the_district() -> None:
    location = grid_index().locate(*point(1.5, 1.5))
    assert location is not None
    assert location.grid.code == "310112001001001004"
    assert [g.code for g in location.chain] == [
        "310112",
        "310112001",
        "310112001001",
        "310112001001001",
        "310112001001001004",
    ]
    assert [g.level for g in location.chain] == [1, 2, 3, 4, 5]


def test_it_gives_a_point_on_a_shared_edge_to_the_smallest_code() -> None:
    # (1, 0.5) lies on the edge between blocks 001 and 002; (1, 1) on the corner of all four.
    for spot in [(1, 0.5), (1, 1), (0.5, 1)]:
        location = grid_index().locate(*point(*spot))
        assert location is not None
        assert location.grid.code == TOWN_A_BLOCK


def test_it_stops_at_the_deepest_grid_when_there_are_no_blocks() -> None:
    location = grid_index().locate(*point(3, 1))
    assert location is not None
    assert location.grid.code == "310112002001001"
    assert location.grid.level == GridLevel.UNIT


def test_it_finds_nothing_outside_the_district() -> None:
    assert grid_index().locate(*point(5, 1)) is None


def test_batch_answers_match_single_answers() -> None:
    rng = np.random.default_rng(7)
    xs, ys = rng.uniform(-0.5, 4.5, 500), rng.uniform(-0.5, 2.5, 500)
    lng, lat = zip(*(point(x, y) for x, y in zip(xs, ys, strict=True)), strict=True)
    ids = grid_index().locate_ids(np.array(lng), np.array(lat))
    for grid_id, spot in zip(ids.tolist(), zip(lng, lat, strict=True), strict=True):
        single = grid_index().locate(*spot)
        assert grid_id == (single.grid.id if single else NOT_FOUND)
    assert (ids == NOT_FOUND).sum() > 0 and (ids != NOT_FOUND).sum() > 0


def test_a_point_in_a_gap_between_children_goes_to_the_parent() -> None:
    unit = Grid.objects.get(code="310112002001001")
    grid_create(
        code="310112002001001001",
        name="半块",
        level=GridLevel.BLOCK,
        kind=unit.kind,
        geometry=square(2, 0, 3, 2),
        parent=unit,
    )
    assert grid_index().locate(*point(3.5, 1)).grid.code == "310112002001001"  # type: ignore[union-attr]
    assert grid_index().locate(*point(2.5, 1)).grid.code == "310112002001001001"  # type: ignore[union-attr]


def test_the_index_follows_changes_to_the_tree() -> None:
    before = grid_index()
    block = Grid.objects.get(code="310112001001001004")
    grid_update(grid=block, name="改名的块")
    after = grid_index()
    assert after is not before
    assert after.locate(*point(1.5, 1.5)).grid.name == "改名的块"  # type: ignore[union-attr]
    assert grid_index() is after  # no change, no rebuild
