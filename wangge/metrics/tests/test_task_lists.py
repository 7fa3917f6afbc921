"""The rebuild reads every task list at once (``catalog.selectors.task_lists``) instead of asking
``on_task_list`` for each grid and sub-class; both must give the same answer, or a rebuilt
``found_complaint`` would differ from the one counted when the case was registered."""

from __future__ import annotations

from wangge.catalog.models import Category, TaskItem
from wangge.catalog.selectors import on_task_list, task_lists
from wangge.grids.choices import GridKind
from wangge.grids.models import Grid
from wangge.metrics.rollups import grid_chain
from wangge.people.testing import Cast


def test_the_task_lists_read_at_once_answer_as_the_single_question(cast: Cast) -> None:
    subclasses = list(Category.objects.filter(parent__isnull=False).order_by("pk"))
    own, retired, main = subclasses[0], subclasses[1], subclasses[2].parent
    assert main is not None
    town_item = TaskItem.objects.create(
        grid_kind=GridKind.RESIDENTIAL, town=cast.town_a, task_class="自选", name="自选项"
    )
    town_item.categories.add(own)
    inactive = TaskItem.objects.create(
        grid_kind=GridKind.RESIDENTIAL, task_class="停用", name="停用项", is_active=False
    )
    inactive.categories.add(retired)
    whole_class = TaskItem.objects.create(
        grid_kind=GridKind.STREET, task_class="大类", name="整个大类"
    )
    whole_class.categories.add(main)

    lists = task_lists()
    answers = {True: 0, False: 0}
    for grid in Grid.objects.all():
        chain = grid_chain(grid.pk, grid.path)
        for category in subclasses:
            expected = on_task_list(category=category, grid=grid)
            assert lists.cover(category_id=category.pk, kind=grid.kind, chain=chain) == expected, (
                grid.code,
                category.code,
            )
            answers[expected] += 1
    assert answers[True] and answers[False]
