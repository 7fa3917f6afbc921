from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.geometry import parse_boundary
from wangge.grids.io import GridRecord
from wangge.grids.selectors import tree_grids
from wangge.grids.services import grids_import
from wangge.grids.testing import record, small_tree, square
from wangge.grids.topology import ProblemKind, TreeGrid, check_tree
from wangge.sim.grids import generate_district


def as_tree(records: list[GridRecord]) -> list[TreeGrid]:
    return [TreeGrid(r.code, r.parent_code, r.level, parse_boundary(r.geometry)) for r in records]


def broken_tree() -> list[GridRecord]:
    """The small tree with one of each defect planted."""
    grids = small_tree()
    unit_b = "310112002001001"
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [
                [121.30, 31.00],
                [121.31, 31.01],
                [121.31, 31.00],
                [121.30, 31.01],
                [121.30, 31.00],
            ]
        ],
    }
    by_code = {g.code: g for g in grids}
    # Overlap: block 002 reaches half-way into block 001.
    by_code["310112001001001002"].geometry = square(0.5, 0, 2, 1)
    # Self-intersection: block 003 is a bow tie.
    by_code["310112001001001003"].geometry = bow_tie
    grids += [
        # Gap: unit B's two blocks leave [3.5, 4] × [0, 2] uncovered.
        record(unit_b + "001", GridLevel.BLOCK, square(2, 0, 3, 2), unit_b, GridKind.STREET),
        # Child outside parent: this block pokes 0.5 beyond unit B's top edge.
        record(unit_b + "002", GridLevel.BLOCK, square(3, 0, 3.5, 2.5), unit_b, GridKind.STREET),
    ]
    return grids


def test_the_demo_district_has_no_problems() -> None:
    assert check_tree(as_tree([g.as_record() for g in generate_district()])) == []


def test_it_finds_every_planted_defect_and_names_the_grids() -> None:
    problems = check_tree(as_tree(broken_tree()))
    found = {(p.kind, p.codes) for p in problems}
    assert found == {
        (ProblemKind.INVALID, ("310112001001001003",)),
        (ProblemKind.OVERLAP, ("310112001001001001", "310112001001001002")),
        (ProblemKind.OUTSIDE_PARENT, ("310112002001001002", "310112002001001")),
        (ProblemKind.GAP, ("310112002001001",)),
    }
    overlap = next(p for p in problems if p.kind == ProblemKind.OVERLAP)
    # 0.005° × 0.01° at 31°N: about 480 m × 1,110 m ≈ 530,000 m².
    assert 500_000 < overlap.area_m2 < 560_000
    assert "Self-intersection" in next(p for p in problems if p.kind == ProblemKind.INVALID).detail


@pytest.mark.django_db
def test_the_command_checks_the_tree_and_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grids_import(small_tree())
    call_command("grids", "check")
    assert "11 grids checked, 0 problems" in capsys.readouterr().out
    assert check_tree(tree_grids()) == []

    path = tmp_path / "broken.geojson"
    features = [
        {
            "type": "Feature",
            "geometry": r.geometry,
            "properties": {
                "code": r.code,
                "name": r.name,
                "level": r.level,
                "kind": r.kind,
                "parent_code": r.parent_code,
            },
        }
        for r in broken_tree()
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(SystemExit) as exit_:
        call_command("grids", "check", str(path))
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "overlap: 310112001001001001, 310112001001001002" in out
    assert "gap: 310112002001001" in out
    assert "outside_parent: 310112002001001002, 310112002001001" in out
    assert "invalid: 310112001001001003" in out
    assert "13 grids checked, 4 problems" in out
