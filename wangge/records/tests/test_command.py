"""``wangge records import KIND FILE`` sums up what it did and lists the rows it refused in a
file the centre can open in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wangge.people.testing import Cast
from wangge.records.models import Shop
from wangge.records.tests.conftest import gcj

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("records", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_sums_up_and_writes_the_errors(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    point = gcj(*spot_a)
    path = write_csv(
        [
            ["王记面馆", "江川路100号", *point, "", "餐饮", "王建国", "13900000001"],
            ["远方小店", "北京路1号", "116.39", "39.9", "", "", "", ""],
        ]
    )
    errors = tmp_path / "errors.csv"
    out, err = run("shop", str(path), "--errors", str(errors))
    assert out.splitlines() == [
        "Added 1, updated 0, 0 unchanged, 1 errors.",
        "row 3, 远方小店 / 北京路1号: The point lies outside every grid.",
    ]
    assert "100%" in err and "2 rows" in err
    assert errors.read_bytes().startswith(b"\xef\xbb\xbf")
    with errors.open(encoding="utf-8-sig", newline="") as file:
        assert list(csv.reader(file)) == [
            ["row", "key", "reason"],
            ["3", "远方小店 / 北京路1号", "The point lies outside every grid."],
        ]
    out, _err = run("shop", str(path), "--dry-run")
    assert out.splitlines()[0] == (
        "Dry run: would add 0, update 0, leave 1 as they are, refuse 1 rows."
    )
    assert Shop.objects.count() == 1


def test_columns_are_named_with_map_and_a_bad_file_is_refused(
    cast: Cast, spot_a: tuple[float, float], write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_csv([["好店", "江川路1号", *spot_a]], header=["店", "地址", "经度", "纬度"])
    with pytest.raises(CommandError) as refused:
        run("shop", str(path), "--crs", "wgs84")
    assert str(refused.value) == (
        "The file has no column for: name (店招名称 / 商铺名称 / 店名 / 名称).\n"
        "Name the columns of this file with --map FIELD=HEADER."
    )
    run("shop", str(path), "--crs", "wgs84", "--map", "name=店")
    shop = Shop.objects.get()
    assert (shop.lng, shop.lat) == pytest.approx(spot_a, abs=1e-9)
    not_a_book = tmp_path / "shops.xlsx"
    not_a_book.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="Cannot read"):
        run("shop", str(not_a_book))
