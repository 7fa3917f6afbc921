"""``wangge hotline import`` shows its progress, sums up what it did and lists the rows it
refused in a file the centre can open in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wangge.cases.models import Case
from wangge.core.coords import CRS
from wangge.intake.tests.conftest import HEADER, order_row
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("hotline", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_sums_up_and_writes_the_errors(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_csv(
        [
            order_row("C1", *spot_a),
            order_row("C2", *spot_a, category="乱停车"),
            order_row("C3", *spot_a),
        ]
    )
    errors = tmp_path / "errors.csv"
    out, err = run(str(path), "--errors", str(errors))

    assert out.splitlines() == [
        "Imported 2, skipped 0 as already imported, 1 errors.",
        "0 complaints had been found by patrols first.",
        "row 3, order C2: Unknown category: 乱停车",
    ]
    assert "100%" in err and "3 rows" in err
    # With a BOM, so that Excel reads the Chinese.
    assert errors.read_bytes().startswith(b"\xef\xbb\xbf")
    with errors.open(encoding="utf-8-sig", newline="") as file:
        assert list(csv.reader(file)) == [
            ["row", "order number", "reason"],
            ["3", "C2", "Unknown category: 乱停车"],
        ]

    out, _err = run(str(path))
    assert out.splitlines()[0] == "Imported 0, skipped 2 as already imported, 1 errors."
    assert Case.objects.count() == 2


def test_a_dry_run_says_what_it_would_do(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    out, _err = run(str(write_csv([order_row("D1", *spot_a)])), "--dry-run")
    assert out.splitlines()[0] == "Dry run: would import 1, skip 0, refuse 0 rows."
    assert not Case.objects.exists()


def test_columns_are_named_by_map_and_wgs84_taken_as_it_is(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    header = ["编号", *HEADER[1:]]
    path = write_csv([order_row("M1", *spot_a, crs=CRS.WGS84)], header=header)
    with pytest.raises(CommandError) as refused:
        run(str(path))
    assert str(refused.value) == (
        "The file has no column for: order (工单编号 / 工单号).\n"
        "Name the columns of this file with --map FIELD=HEADER."
    )
    run(str(path), "--map", "order=编号", "--crs", "wgs84")
    case = Case.objects.get(intake__key="M1")
    assert (case.lng, case.lat) == pytest.approx(spot_a, abs=1e-7)
    with pytest.raises(CommandError, match="--map takes FIELD=HEADER"):
        run(str(path), "--map", "order")


def test_a_file_that_is_not_an_export_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(path))
