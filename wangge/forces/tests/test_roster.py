"""Staff and rosters from the workbook a district keeps (XLSX), and back: the demo district's
rosters round-trip, and a bad row is reported with its sheet, row and reason while the good rows
around it are imported."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from wangge.forces.models import DutyEntry, DutySubstitute, Membership, OnCall, Shift
from wangge.forces.roster import RosterFileError, roster_export, roster_import
from wangge.people.choices import Role
from wangge.people.models import Person, RoleAssignment
from wangge.people.testing import Cast
from wangge.sim.demo import load_demo
from wangge.sim.grids import SimSize

pytestmark = pytest.mark.django_db

SMALL = SimSize(towns_per_district=2, areas_per_town=1, units_per_district=6, blocks_per_unit=2)


def snapshot() -> dict[str, set[Any]]:
    """The staff and rosters, as the district reads them: by names, numbers and codes."""
    entries = DutyEntry.objects.select_related(
        "grid", "organisation", "shift", "main_class", "person"
    ).prefetch_related("substitutes__person")
    return {
        "shifts": set(Shift.objects.values_list("name", "starts", "ends", "days")),
        "people": set(
            Person.objects.values_list("name", "phone", "organisation__name", "user__username")
        ),
        "roles": set(
            RoleAssignment.objects.values_list(
                "person__phone", "role", "grid__code", "starts_on", "ends_on"
            )
        ),
        "members": set(
            Membership.objects.values_list("organisation__name", "person__phone", "part")
        ),
        "entries": {
            (
                entry.grid.code,
                entry.organisation.name,
                entry.shift.name,
                entry.family,
                entry.main_class.code if entry.main_class else None,
                entry.person.phone,
                tuple(s.person.phone for s in entry.substitutes.all()),
            )
            for entry in entries
        },
        "on_call": set(OnCall.objects.values_list("organisation__name", "person__phone")),
    }


def forget_the_staff() -> None:
    """What a fresh database of the district holds before its rosters come in: the grids, the
    organisations and the catalog, nobody on them."""
    DutySubstitute.objects.all().delete()
    DutyEntry.objects.all().delete()
    OnCall.objects.all().delete()
    Membership.objects.all().delete()
    Shift.objects.all().delete()
    RoleAssignment.objects.all().delete()
    Person.objects.all().delete()
    get_user_model().objects.all().delete()


def test_the_demo_district_s_rosters_round_trip(tmp_path: Path) -> None:
    load_demo(size=SMALL, progress=lambda line: None)
    before = snapshot()
    assert len(before["entries"]) > 20 and before["members"] and before["on_call"]
    path = tmp_path / "rosters.xlsx"
    counts = roster_export(path)
    assert counts["值班表"] == len(before["entries"])

    forget_the_staff()
    result = roster_import(path)

    assert result.errors == []
    assert snapshot() == before
    # Importing the same workbook again changes nothing.
    again = roster_import(path)
    assert again.errors == [] and snapshot() == before


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def district_sheets(cast: Cast, tmp_path: Path) -> Path:
    """A district's workbook with a few good rows and a bad one in each sheet."""
    unit, town = cast.unit_a.code, cast.town_a.code
    return workbook(
        tmp_path / "roster.xlsx",
        {
            "班次": [
                ["班次", "开始", "结束", "适用日"],
                ["日间", "08:30", "17:30", "工作日"],
                ["夜间", "17:30", "08:30", "每天"],
                ["早班", "07:00", "15:00", "工作日"],  # overlaps 日间
                ["午班", "25:00", "15:00", "每天"],
            ],
            "人员": [
                ["姓名", "手机", "单位", "单位网格", "账号", "角色", "角色网格"],
                [
                    "王伟",
                    "13900000001",
                    "江川路第一居委工作站",
                    unit,
                    "wangwei",
                    "网格巡查员",
                    unit,
                ],
                ["李娜", "13900000002", "江川路第一居委工作站", unit, "", "协管员", unit],
                ["赵强", "13900000003", "江川路第二居委工作站", "", "", "协管员", unit],
                ["陈静", "13900000004", "江川路第一居委工作站", unit, "chenjing", "块长", unit],
                ["张敏", "13900000005", "城管执法局江川路中队", town, "", "下沉执法人员", ""],
            ],
            "成员": [
                ["单位", "单位网格", "姓名", "手机", "组成"],
                ["江川路第一居委工作站", unit, "张敏", "13900000005", "2"],
            ],
            "值班表": [
                [
                    "网格",
                    "单位",
                    "单位网格",
                    "班次",
                    "类别",
                    "值班人",
                    "值班人手机",
                    "替班人1",
                    "替班人1手机",
                ],
                [
                    unit,
                    "江川路第一居委工作站",
                    unit,
                    "日间",
                    "全部",
                    "王伟",
                    "13900000001",
                    "张敏",
                    "",
                ],
                [unit, "江川路第一居委工作站", unit, "夜间", "事件/街面秩序", "李娜", "", "", ""],
                [unit, "江川路第一居委工作站", unit, "夜间", "全部", "市场监管处置员", "", "", ""],
                [unit, "江川路第一居委工作站", unit, "早班", "全部", "王伟", "", "", ""],
            ],
            "备勤": [
                ["单位", "单位网格", "姓名", "手机"],
                ["江川路第一居委工作站", unit, "王伟", "13900000001"],
            ],
        },
    )


def test_bad_rows_are_reported_and_the_good_ones_imported(
    cast: Cast, district_sheets: Path
) -> None:
    result = roster_import(district_sheets)

    refused = {(error.sheet, error.row): error.reason for error in result.errors}
    assert set(refused) == {
        ("班次", 4),
        ("班次", 5),
        ("人员", 4),
        ("人员", 5),
        ("值班表", 4),
        ("值班表", 5),
    }
    assert "日间" in refused[("班次", 4)]
    assert "25:00" in refused[("班次", 5)]
    assert "江川路第二居委工作站" in refused[("人员", 4)]
    assert "市场监管处置员" in refused[("值班表", 4)]
    assert "早班" in refused[("值班表", 5)]
    assert result.imported == {"班次": 2, "人员": 3, "成员": 1, "值班表": 2, "备勤": 1}

    # A block chief sits on a block: the row is refused whole, the person not made either.
    assert not Person.objects.filter(name="陈静").exists()
    wang = Person.objects.get(phone="13900000001")
    assert wang.user is not None and wang.user.get_username() == "wangwei"
    assert wang.roles.get().role == Role.INSPECTOR
    day = DutyEntry.objects.get(shift__name="日间")
    assert day.person == wang and [s.person.name for s in day.substitutes.all()] == ["张敏"]
    night = DutyEntry.objects.get(shift__name="夜间")
    assert (night.family, night.main_class.name if night.main_class else None) == (
        "event",
        "街面秩序",
    )
    assert OnCall.objects.get().person == wang


def test_importing_again_changes_nothing(cast: Cast, district_sheets: Path) -> None:
    roster_import(district_sheets)
    before = snapshot()
    again = roster_import(district_sheets)
    assert len(again.errors) == 6
    assert snapshot() == before


def test_a_dry_run_imports_nothing(cast: Cast, district_sheets: Path) -> None:
    result = roster_import(district_sheets, dry_run=True)
    assert result.imported["人员"] == 3
    assert not Person.objects.filter(phone__startswith="1390000000").exists()
    assert not Shift.objects.exists()


def test_a_file_that_is_no_roster_is_refused(cast: Cast, tmp_path: Path) -> None:
    with pytest.raises(RosterFileError):
        roster_import(workbook(tmp_path / "other.xlsx", {"Sheet": [["a", "b"]]}))
    csv_file = tmp_path / "roster.csv"
    csv_file.write_text("姓名,手机\n", encoding="utf-8")
    with pytest.raises(RosterFileError):
        roster_import(csv_file)


def test_the_command_imports_lists_refusals_and_exports(
    cast: Cast, district_sheets: Path, tmp_path: Path
) -> None:
    out = io.StringIO()
    errors = tmp_path / "refused.csv"
    call_command("roster", "import", str(district_sheets), "--errors", str(errors), stdout=out)
    assert "Imported 9 of 15 rows" in out.getvalue()
    assert "班次 row 4:" in out.getvalue()
    with errors.open(encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["sheet", "row", "reason"] and len(rows) == 7

    exported = tmp_path / "out.xlsx"
    call_command("roster", "export", str(exported), stdout=io.StringIO())
    book = openpyxl.load_workbook(exported, read_only=True)
    assert book.sheetnames == ["班次", "人员", "成员", "值班表", "备勤"]
    with pytest.raises(CommandError):
        call_command("roster", "import", str(tmp_path / "missing.xlsx"), stdout=io.StringIO())
