"""The three-colour rating of blocks on hand-built cases (Jiading seed 004_33b6eee281a71861.txt:
"在小微网格层面,聚焦重点小微网格,运用三色管理模式加强管理"; "以客观评价为原则,以模型算法为支撑")."""

from __future__ import annotations

import time_machine
from django.utils import translation

from wangge.cases.choices import Channel
from wangge.cases.services import actor_for
from wangge.cases.workflow import Status
from wangge.catalog.models import Category
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.services import grid_create
from wangge.grids.testing import box
from wangge.metrics.colours import BlockRating, block_ratings
from wangge.metrics.models import ColourModel
from wangge.metrics.scoring import Colour
from wangge.metrics.testing import at, make_case
from wangge.people.testing import Cast

MARCH = (at(3, 1, 0), at(4, 1, 0))
NOW = at(3, 31, 12)


def _categories() -> tuple[Category, Category]:
    subclasses = Category.objects.filter(parent__isnull=False).order_by("family", "code")
    return subclasses[0], subclasses[1]


def _history(cast: Cast) -> None:
    """Block A (town A): 9 clocked cases in March, 4 of them late, and 2 chronic problems.
    Block B (town B): 4 cases, 2 of them 12345 complaints; three at the same spot.
    Block C (town A, small): 2 quiet patrol finds. Rejected and merged reports count nowhere."""
    first, second = _categories()
    a, b = cast.block_a, cast.block_b
    for day in range(1, 6):  # on time
        make_case(
            a, first, at(3, day), due_by=at(3, day + 3), closed_at=at(3, day + 1), east_m=day * 100
        )
    make_case(a, first, at(3, 6), due_by=at(3, 8), closed_at=at(3, 9), east_m=650)  # late
    make_case(a, first, at(3, 7), due_by=at(3, 9), closed_at=at(3, 12), east_m=750)  # late
    for day in (20, 21):  # still open, past due now
        make_case(a, second, at(3, day), status=Status.ON_SITE, due_by=at(3, 25), east_m=day * 40)
    for day in (3, 10):  # chronic problems reported in February, tracked by the district
        make_case(a, second, at(2, day), status=Status.CHRONIC, due_by=at(2, day + 3))
    make_case(a, first, at(3, 15), status=Status.REJECTED, channel=Channel.HOTLINE_12345)
    make_case(a, first, at(3, 15), status=Status.MERGED, due_by=at(3, 16))

    make_case(b, first, at(2, 27))  # before March: starts the run at the same spot
    make_case(b, first, at(3, 2), channel=Channel.HOTLINE_12345, east_m=10)
    make_case(b, first, at(3, 9), channel=Channel.HOTLINE_12345, east_m=20)
    make_case(b, second, at(3, 9), east_m=2000)
    make_case(b, first, at(3, 30), east_m=2000)  # same sub-class, far from the others

    c = grid_create(
        code=f"{cast.unit_a.code}002",
        name="江川路街道第一居委二号块",
        level=GridLevel.BLOCK,
        kind=GridKind.RESIDENTIAL,
        geometry=box(121.40, 31.00, 121.402, 31.002),
        parent=cast.unit_a,
    )
    make_case(c, first, at(3, 4), due_by=at(3, 6), closed_at=at(3, 5))
    make_case(c, second, at(3, 5), due_by=at(3, 7), closed_at=at(3, 6))


def _rate(cast: Cast, user: object) -> list[BlockRating]:
    with time_machine.travel(NOW, tick=False):
        return block_ratings(actor_for(user).scope, start=MARCH[0], end=MARCH[1])


def test_blocks_are_rated_worst_first_with_their_reasons(cast: Cast) -> None:
    _history(cast)
    ratings = _rate(cast, cast.carol)
    with translation.override("en"):
        assert [(r.code, r.colour, str(r.rating)) for r in ratings] == [
            (
                cast.block_a.code,
                Colour.RED,
                "Red: 4 overdue of 9 (44% ≥ 30%), 2 chronic cases (≥ 2)",
            ),
            (
                cast.block_b.code,
                Colour.YELLOW,
                "Yellow: 2 complaints of 4 (50% ≥ 40%), 2 cases again at the same spot (≥ 2)",
            ),
            (f"{cast.unit_a.code}002", Colour.GREEN, "Green"),
        ]
    a, b, c = ratings
    assert (a.rating.score, b.rating.score, c.rating.score) == (45, 30, 0)
    assert (a.facts.cases, a.facts.clocked, a.facts.overdue, a.facts.chronic) == (9, 9, 4, 2)
    assert (b.facts.cases, b.facts.complaints, b.facts.recurrences) == (4, 2, 2)
    # Block C: 0.002° × 0.002° at 31° N; 2 cases, too few for a share to count.
    assert c.facts.area_km2 is not None and 0.04 < c.facts.area_km2 < 0.05


def test_a_town_sees_its_own_blocks_and_the_district_all(cast: Cast) -> None:
    _history(cast)
    assert {r.code for r in _rate(cast, cast.alice)} == {
        cast.block_a.code,
        f"{cast.unit_a.code}002",
    }
    assert {r.code for r in _rate(cast, cast.bob)} == {cast.block_b.code}
    assert _rate(cast, cast.nobody) == []


def test_a_town_model_replaces_the_district_model_for_its_blocks(cast: Cast) -> None:
    _history(cast)
    # Town B tolerates more complaints; the district model counts every chronic case as red.
    ColourModel.objects.create(town=cast.town_b, complaints_yellow_at=0.6, complaints_red_at=0.8)
    ColourModel.objects.create(town=None, chronic_yellow_at=1, chronic_red_at=1)
    by_code = {r.code: r for r in _rate(cast, cast.carol)}
    assert by_code[cast.block_b.code].colour == Colour.GREEN
    assert by_code[cast.block_b.code].rating.score == 10  # the recurrence only
    assert by_code[cast.block_a.code].rating.score == 45


def test_the_density_factor_reads_cases_per_square_kilometre(cast: Cast) -> None:
    _history(cast)
    first, _second = _categories()
    small = cast.unit_a.code + "002"
    block = next(r for r in _rate(cast, cast.carol) if r.code == small)
    grid = cast.unit_a.children.get(code=small)
    for day in range(1, 31):
        make_case(grid, first, at(3, day, 9), east_m=day * 5 - 80)
    rated = next(r for r in _rate(cast, cast.carol) if r.code == small)
    # 32 cases on 0.191 km × 0.221 km = 0.0422 km² in 31 days: 32 / 0.0422 × 30 / 31 = 734 per
    # km² in 30 days, red at 600.
    assert rated.facts.cases == 32
    density = next(reason for reason in rated.rating.reasons if reason.factor == "density")
    assert (density.level, str(density)) == (Colour.RED, "734 cases per km² in 30 days (≥ 600)")
    assert block.rating.score == 0
