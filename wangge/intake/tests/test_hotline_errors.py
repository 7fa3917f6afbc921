"""A wrong row is reported with its row number, order number and reason, and leaves nothing
behind; the good rows beside it are imported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wangge.cases.models import Case, CaseEvent, CaseNumberCounter
from wangge.core.tables import ColumnsNotFound, TableFileError
from wangge.intake.hotline import RowError, hotline_import
from wangge.intake.models import Intake
from wangge.intake.tests.conftest import HEADER, order_row
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def test_each_bad_row_is_reported_and_the_good_ones_imported(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    lng, lat = spot_a
    no_number = order_row("", lng, lat)
    not_a_number = order_row("E3", lng, lat)
    not_a_number[3] = "东经121度"
    no_time = order_row("E7", lng, lat)
    no_time[8] = ""
    rows = [
        order_row("OK1", lng, lat),
        no_number,
        not_a_number,
        order_row("E4", lng, lat, category="乱停车"),
        order_row("E5", lng, lat, category="0101"),
        order_row("E6", lng, lat, category="市容环境"),
        no_time,
        order_row("E8", lng, lat, when="2026-13-01 08:00"),
        order_row("E9", lng, lat, when="2999-01-01 08:00"),
        order_row("E10", lng + 1, lat),
        order_row("E11", lng, lat, description="  "),
        order_row("E12", lng, lat, category="event-0102"),
        ["E13" * 40, *order_row("", lng, lat)[1:]],
    ]
    rows[11][2] = "很长的地址" * 50
    errors: list[RowError] = []
    result = hotline_import(write_csv([*rows, order_row("OK2", lng, lat)]), on_error=errors.append)

    assert (result.imported, result.errors) == (2, 12)
    assert [(e.row, e.order, e.reason) for e in errors] == [
        (3, "", "工单编号 is empty."),
        (4, "E3", "经度 is not a number: 东经121度"),
        (5, "E4", "Unknown category: 乱停车"),
        (
            6,
            "E5",
            "Category code 0101 is used by several families; "
            "write one of event-0101, facility-0101.",
        ),
        (7, "E6", "Unknown category: 市容环境"),
        (8, "E7", "受理时间 is empty."),
        (9, "E8", "受理时间 is not a date and time: 2026-13-01 08:00"),
        (10, "E9", "受理时间 is in the future: 2999-01-01 08:00"),
        (11, "E10", "The point lies outside every grid."),
        (12, "E11", "诉求内容: Describe the problem."),
        (
            13,
            "E12",
            "事发地址: Ensure this value has at most 200 characters (it has 250).",
        ),
        (14, "E13" * 40, "工单编号 is longer than 100 characters."),
    ]
    assert sorted(Intake.objects.values_list("key", flat=True)) == ["OK1", "OK2"]
    assert (Case.objects.count(), CaseEvent.objects.count()) == (2, 2)
    # Refused rows take no case numbers either.
    assert CaseNumberCounter.objects.get().last == 2


def test_a_row_with_several_problems_lists_them_all(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    row = order_row("M1", *spot_a, category="乱停车", when="昨天")
    row[4] = ""
    errors: list[RowError] = []
    hotline_import(write_csv([row]), on_error=errors.append)
    assert [e.reason for e in errors] == [
        "Unknown category: 乱停车 纬度 is empty. 受理时间 is not a date and time: 昨天"
    ]


def test_a_file_without_a_needed_column_is_refused_naming_it(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    header = [h for h in HEADER if h not in ("经度", "受理时间")]
    path = write_csv([["N1", "x", "y", "1", "暴露垃圾", "王", "1"]], header=header)
    with pytest.raises(ColumnsNotFound) as refused:
        hotline_import(path)
    assert str(refused.value) == (
        "The file has no column for: lng (经度), reported_at (受理时间 / 来电时间)."
    )
    with pytest.raises(ColumnsNotFound, match="Unknown field colour"):
        hotline_import(path, mapping={"colour": "颜色"})
    assert not Case.objects.exists()


def test_a_file_with_a_nul_is_refused_at_its_row(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path]
) -> None:
    # On PostgreSQL the NUL failed the whole batch inside the database; on SQLite it was kept.
    lng, lat = spot_a
    damaged = order_row("N2", lng, lat, description="路灯\x00不亮")
    path = write_csv([order_row("N1", lng, lat), damaged, order_row("N3", lng, lat)])
    with pytest.raises(TableFileError) as refused:
        hotline_import(path)
    assert str(refused.value).startswith("Row 3 holds a NUL character")
    assert not Case.objects.exists()
