"""Patrol against complaint on hand-built cases (Minhang seed 000_5ac562c39a6533b0.txt:
"街镇网格化中心要通过对主动巡查与群众投诉的数据比对和类型分析,指导街面作业队伍有针对性开展网格巡查")."""

from __future__ import annotations

from django.db.models import Q

from wangge.cases.choices import Channel
from wangge.cases.services import actor_for
from wangge.cases.workflow import Status
from wangge.catalog.models import Category, TaskItem
from wangge.metrics.hotspots import Gap, patrol_vs_complaint
from wangge.metrics.testing import at, make_case
from wangge.people.testing import Cast

MARCH = (at(3, 1, 0), at(4, 1, 0))


def _listed_and_unlisted() -> tuple[Category, Category]:
    """A sub-class on the residential base task list, and one on no residential list."""
    listed = TaskItem.objects.filter(grid_kind="residential", town__isnull=True).values_list(
        "categories", flat=True
    )
    on_list = Category.objects.filter(Q(pk__in=listed) | Q(parent_id__in=listed))
    inside = on_list.filter(parent__isnull=False).order_by("code").first()
    outside = (
        Category.objects.filter(parent__isnull=False)
        .exclude(pk__in=on_list)
        .exclude(parent_id__in=listed)
        .order_by("code")
        .first()
    )
    assert inside is not None and outside is not None
    return inside, outside


def test_complaints_that_patrols_missed_by_grid_category_and_hour(cast: Cast) -> None:
    inside, outside = _listed_and_unlisted()
    a = cast.block_a  # in town A's residential unit
    for day in range(1, 15):  # the evening: complaints, and one patrol find
        make_case(a, inside, at(3, day, 19), channel=Channel.HOTLINE_12345)
    make_case(a, inside, at(3, 2, 20), channel=Channel.CITIZEN)
    make_case(a, inside, at(3, 3, 18, 30))
    for day in range(1, 4):  # the morning: patrols find more than is complained of
        make_case(a, inside, at(3, day, 9))
    make_case(a, inside, at(3, 4, 9), channel=Channel.HOTLINE_12319)
    # Not counted: outside the task list, a department's own inspection, a merged duplicate,
    # a complaint of February.
    make_case(a, outside, at(3, 5, 19), channel=Channel.HOTLINE_12345)
    make_case(a, inside, at(3, 5, 19), channel=Channel.DEPARTMENT)
    make_case(a, inside, at(3, 6, 19), channel=Channel.HOTLINE_12345, status=Status.MERGED)
    make_case(a, inside, at(2, 27, 19), channel=Channel.HOTLINE_12345)

    result = patrol_vs_complaint(actor_for(cast.alice).scope, start=MARCH[0], end=MARCH[1])

    assert (result.complaints, result.finds) == (16, 4)
    (row,) = result.heat
    assert row.category == inside.name
    assert [
        (hour, cell.complaints, cell.finds)
        for hour, cell in enumerate(row.hours)
        if cell.complaints or cell.finds
    ] == [(9, 1, 3), (18, 0, 1), (19, 14, 0), (20, 1, 0)]
    assert result.gaps == [
        Gap(cast.unit_a.code, cast.unit_a.name, inside.name, 18, complaints=15, finds=1)
    ]
    assert (result.gaps[0].start_hour, result.gaps[0].end_hour) == (18, 21)


def test_another_town_sees_none_of_it(cast: Cast) -> None:
    inside, _outside = _listed_and_unlisted()
    make_case(cast.block_a, inside, at(3, 1, 19), channel=Channel.HOTLINE_12345)
    theirs = patrol_vs_complaint(actor_for(cast.bob).scope, start=MARCH[0], end=MARCH[1])
    assert (theirs.complaints, theirs.heat, theirs.gaps) == (0, [], [])
    district = patrol_vs_complaint(actor_for(cast.carol).scope, start=MARCH[0], end=MARCH[1])
    assert district.complaints == 1
