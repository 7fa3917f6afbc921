"""An order is imported once: importing the file again, or a later export that overlaps it,
skips the orders already imported; an order number repeated within a file is imported once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wangge.cases.models import Case, CaseEvent
from wangge.intake.hotline import RowError, hotline_import
from wangge.intake.models import Intake
from wangge.intake.tests.conftest import order_row
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def test_importing_the_same_file_again_skips_every_order(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    path = write_csv([order_row(f"R{i}", *spot_a) for i in range(5)] + [order_row("BAD", 0, 0)])
    first = hotline_import(path, batch=2)
    numbers = set(Case.objects.values_list("number", flat=True))

    errors: list[RowError] = []
    again = hotline_import(path, batch=2, on_error=errors.append)

    assert (first.imported, first.skipped, first.errors) == (5, 0, 1)
    assert (again.imported, again.skipped, again.errors) == (0, 5, 1)
    # The bad row is still bad; the good ones are not errors the second time.
    assert [e.order for e in errors] == ["BAD"]
    assert set(Case.objects.values_list("number", flat=True)) == numbers
    assert (Intake.objects.count(), CaseEvent.objects.count()) == (5, 5)


def test_an_overlapping_export_imports_only_the_new_orders(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    hotline_import(write_csv([order_row("O1", *spot_a), order_row("O2", *spot_a)], name="a.csv"))
    later = write_csv(
        [order_row("O2", *spot_a), order_row("O3", *spot_a), order_row("O4", *spot_a)], name="b.csv"
    )
    result = hotline_import(later)
    assert (result.imported, result.skipped, result.errors) == (2, 1, 0)
    assert sorted(Intake.objects.values_list("key", flat=True)) == ["O1", "O2", "O3", "O4"]


def test_an_order_repeated_in_one_file_is_imported_from_its_first_row(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            order_row("X1", *spot_a, description="第一次"),
            order_row("X2", *spot_a),
            order_row("X1", *spot_a, description="第二次"),
        ]
    )
    errors: list[RowError] = []
    result = hotline_import(path, batch=2, on_error=errors.append)
    assert (result.imported, result.errors) == (2, 1)
    assert Case.objects.get(intake__key="X1").description == "第一次"
    assert [(e.row, e.order, e.reason) for e in errors] == [
        (4, "X1", "The order number repeats row 2.")
    ]
