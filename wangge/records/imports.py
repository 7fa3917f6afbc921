"""Grid records from the spreadsheets districts already keep (CSV or XLSX), one kind a file.

Each row is one record, known again by its natural key: a shop by its code, else its licence
number, else its name and address; a building by its code, else its address; a facility by its
16-digit code; a company by its unified social credit code. A row whose record exists updates
it (the columns the file has, no others; an empty cell of a code does not clear it), any other
row adds one, so importing the same file twice changes nothing the second time. Each row goes
through the services' checks; a wrong row is reported with its row number, its key and the
reason, and leaves nothing behind, while the good rows around it are imported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wangge.core.coords import CRS, to_wgs84
from wangge.core.tables import (
    CellProblem,
    Columns,
    NumberedRow,
    Progress,
    cell_number,
    chunks,
    empty_cell,
    find_columns,
    open_table,
    refusal_reason,
)
from wangge.records.choices import BuildingUse, RecordKind
from wangge.records.codes import normalise_code
from wangge.records.models import GridRecord
from wangge.records.selectors import MODELS
from wangge.records.services import RecordRules

BATCH = 1000
_SHOWN_ERRORS = 10
_POINT = {"lng": ("经度",), "lat": ("纬度",)}
_ACTIVE = {"is_active": ("状态", "经营状态", "是否有效")}

# Each kind's fields and the headers district spreadsheets give them, the likeliest first.
HEADERS: dict[RecordKind, dict[str, tuple[str, ...]]] = {
    RecordKind.SHOP: {
        "code": ("商铺编码", "门店编码", "二维码编号", "编码"),
        "name": ("店招名称", "商铺名称", "店名", "名称"),
        "address": ("经营地址", "地址", "门牌地址"),
        **_POINT,
        "licence": ("统一社会信用代码", "营业执照号", "注册号", "信用代码"),
        "business_type": ("业态", "经营类别", "行业类别"),
        "holder_name": ("门责人", "门责责任人", "责任人", "负责人"),
        "holder_phone": ("门责人电话", "责任人电话", "联系电话", "电话"),
        **_ACTIVE,
    },
    RecordKind.BUILDING: {
        "code": ("楼宇编码", "房屋编码", "建筑编码", "编码"),
        "name": ("楼宇名称", "建筑名称", "名称"),
        "address": ("地址", "门牌地址", "坐落"),
        **_POINT,
        "floors": ("层数", "地上层数", "楼层数"),
        "use": ("用途", "房屋用途", "建筑用途"),
        **_ACTIVE,
    },
    RecordKind.FACILITY: {
        "code": ("部件标识码", "部件编码", "标识码", "编码"),
        "name": ("部件名称", "名称"),
        "address": ("位置", "位置描述", "地址"),
        **_POINT,
        "owner": ("权属单位", "权属部门"),
        "maintainer": ("养护单位", "养护部门"),
        **_ACTIVE,
    },
    RecordKind.COMPANY: {
        "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码"),
        "name": ("企业名称", "单位名称", "公司名称", "名称"),
        "park": ("所属园区", "园区", "园区名称"),
        "address": ("经营地址", "注册地址", "地址"),
        **_POINT,
        **_ACTIVE,
    },
}
REQUIRED: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.SHOP: ("name", "address", "lng", "lat"),
    RecordKind.BUILDING: ("name", "address", "lng", "lat"),
    RecordKind.FACILITY: ("code", "lng", "lat"),
    RecordKind.COMPANY: ("credit_code", "name", "lng", "lat"),
}
# The natural keys of each kind, the first one a row fills being the one it is known by.
KEYS: dict[RecordKind, tuple[tuple[str, ...], ...]] = {
    RecordKind.SHOP: (("code",), ("licence",), ("name", "address")),
    RecordKind.BUILDING: (("code",), ("address",)),
    RecordKind.FACILITY: (("code",),),
    RecordKind.COMPANY: (("credit_code",),),
}
# An empty cell of a code does not clear it (a shop keeps the code on its sticker).
_CODES = frozenset({"code", "licence", "credit_code"})
# Codes the services tidy (full-width characters, spaces, small letters), tidied alike here so
# that a key finds what was saved under it.
_NORMALISED: dict[RecordKind, frozenset[str]] = {
    RecordKind.SHOP: frozenset({"licence"}),
    RecordKind.BUILDING: frozenset(),
    RecordKind.FACILITY: frozenset({"code"}),
    RecordKind.COMPANY: frozenset({"credit_code"}),
}

_YES = {"是", "在营", "营业", "在业", "存续", "正常", "有效", "启用", "1", "true", "yes", "y"}
_NO = {"否", "停业", "歇业", "注销", "吊销", "关闭", "迁出", "拆除", "无效", "停用", "0"}
_NO |= {"false", "no", "n"}
# Uses of buildings as the registers write them; the values themselves are taken too.
_USE_WORDS = {
    "住宅": BuildingUse.RESIDENTIAL,
    "居住": BuildingUse.RESIDENTIAL,
    "商业": BuildingUse.COMMERCIAL,
    "商铺": BuildingUse.COMMERCIAL,
    "办公": BuildingUse.OFFICE,
    "商务办公": BuildingUse.OFFICE,
    "工业": BuildingUse.INDUSTRIAL,
    "厂房": BuildingUse.INDUSTRIAL,
    "仓储": BuildingUse.INDUSTRIAL,
    "公共服务": BuildingUse.PUBLIC,
    "公共建筑": BuildingUse.PUBLIC,
    "公建": BuildingUse.PUBLIC,
    "综合": BuildingUse.MIXED,
    "混合": BuildingUse.MIXED,
    "商住": BuildingUse.MIXED,
    "其他": BuildingUse.OTHER,
}
_USES = {**{use.value: use for use in BuildingUse}, **_USE_WORDS}


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was not imported: its row number (as a spreadsheet counts, the header being
    row 1), the key it is known by (empty if it has none) and why."""

    row: int
    key: str
    reason: str


@dataclass
class RecordsImport:
    """What an import did: rows read, records added, updated and left as they were, rows
    refused, and the first refusals."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    first_errors: list[RowError] = field(default_factory=list)


def records_import(
    kind: RecordKind | str,
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    crs: CRS | str = CRS.GCJ02,
    encoding: str | None = None,
    dry_run: bool = False,
    on_error: Callable[[RowError], None] | None = None,
    progress: Callable[[Progress], None] | None = None,
    batch: int = BATCH,
) -> RecordsImport:
    """Import the records of ``kind`` in the CSV (UTF-8, with or without BOM, or GB18030; or
    ``encoding``) or XLSX file at ``path``. ``mapping`` names the header of a field whose header
    is not one of ``HEADERS``; coordinates are in ``crs``. Each row that is not imported is
    passed to ``on_error``. A dry run does everything and then takes it all back.

    Raises TableFileError if the file cannot be read or lacks a column it needs: at once, having
    imported nothing, or, for a file that turns unreadable part-way, after the batches before
    the bad spot (importing the mended file again adds the rest, and changes nothing else)."""
    kind = RecordKind(kind)
    result = RecordsImport()
    # Each batch commits on its own, unless a dry run holds them all to take them back.
    whole = transaction.atomic() if dry_run else contextlib.nullcontext()
    with open_table(path, encoding) as table, whole:
        run = _Run(
            kind=kind,
            columns=find_columns(table.header, HEADERS[kind], REQUIRED[kind], mapping or {}),
            crs=CRS(crs),
            rules=RecordRules(),
        )
        for rows, fraction in chunks(table, batch):
            with transaction.atomic():
                errors = run.write(rows, result)
            result.rows += len(rows)
            for error in errors:
                result.errors += 1
                if len(result.first_errors) < _SHOWN_ERRORS:
                    result.first_errors.append(error)
                if on_error:
                    on_error(error)
            if progress:
                progress(Progress(result.rows, fraction))
        if dry_run:
            transaction.set_rollback(True)
    return result


@dataclass
class _Row:
    """A row read and checked as far as the file alone allows: its number, the key it is known
    by, and its values by field."""

    number: int
    key: tuple[str, ...]
    values: dict[str, Any]


@dataclass
class _Run:
    kind: RecordKind
    columns: Columns
    crs: CRS
    rules: RecordRules
    first_row: dict[tuple[str, ...], int] = field(default_factory=dict)  # key → its first row

    def write(self, rows: list[NumberedRow], result: RecordsImport) -> list[RowError]:
        """Write the rows' records, each on its own; the errors of the rows not written, in
        their order."""
        errors: list[RowError] = []
        good: list[_Row] = []
        for number, cells in rows:
            try:
                good.append(self._read(number, cells))
            except _RowProblems as problems:
                errors.append(RowError(number, problems.key, " ".join(problems.reasons)))
        if good:
            lng, lat = to_wgs84(
                [r.values["lng"] for r in good], [r.values["lat"] for r in good], self.crs
            )
            for row, x, y in zip(good, lng.tolist(), lat.tolist(), strict=True):
                row.values["lng"], row.values["lat"] = x, y
        for row in good:
            try:
                # Each row on its own: a refused one leaves nothing behind.
                with transaction.atomic():
                    outcome = self._save(row)
            except ValidationError as exc:
                errors.append(self._error(row, self._reason(exc)))
                continue
            except IntegrityError:
                # Another import wrote a record of this key between the check and the save.
                reason = _("The record changed while it was imported; import the file again.")
                errors.append(self._error(row, reason))
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
        return sorted(errors, key=lambda e: e.row)

    def _save(self, row: _Row) -> str:
        """Add or update the row's record; says which it did, or that nothing changed."""
        model = MODELS[self.kind]
        key = dict(zip(self._key_fields(row.values), row.key, strict=True))
        found = list(model._default_manager.filter(**key)[:2])
        if len(found) > 1:
            raise ValidationError(
                _("Several records have %(key)s; tell them apart by their codes.")
                % {"key": " / ".join(row.key)}
            )
        record: GridRecord = found[0] if found else model()
        before = _state(record) if found else None
        for name, value in row.values.items():
            if not (name in _CODES and value == ""):
                setattr(record, name, value)
        self.rules.check(record)
        if before is not None and _state(record) == before:
            return "unchanged"
        record.save()
        return "updated" if found else "created"

    def _read(self, number: int, cells: list[str]) -> _Row:
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, (position, header) in self.columns.items():
            text = cells[position].strip() if position < len(cells) else ""
            if name in _NORMALISED[self.kind]:
                text = normalise_code(text)
            if not text and name in REQUIRED[self.kind]:
                problems.append(empty_cell(header))
                continue
            try:
                values[name] = _parse(name, text, header)
            except CellProblem as exc:
                problems.append(str(exc))
        key_fields = self._key_fields(values)
        key = tuple(str(values[name]) for name in key_fields)
        if problems:
            raise _RowProblems(" / ".join(key), problems)
        first = self.first_row.setdefault((*key_fields, *key), number)
        if first != number:
            raise _RowProblems(
                " / ".join(key), [_("The key repeats row %(row)d.") % {"row": first}]
            )
        return _Row(number, key, values)

    def _key_fields(self, values: Mapping[str, Any]) -> tuple[str, ...]:
        """The first natural key of the kind that ``values`` fill; the required fields fill
        the last one of every kind."""
        for fields in KEYS[self.kind]:
            if all(values.get(name) for name in fields):
                return fields
        return ()

    def _error(self, row: _Row, reason: str) -> RowError:
        return RowError(row.number, " / ".join(row.key), reason)

    def _reason(self, refusal: ValidationError) -> str:
        # The point as a whole lies outside the grids, not one of its coordinates.
        return refusal_reason(refusal, self.columns, unnamed=("lng",))


class _RowProblems(Exception):
    def __init__(self, key: str, reasons: list[str]) -> None:
        super().__init__(key)
        self.key = key
        self.reasons = reasons


def _parse(name: str, text: str, header: str) -> Any:
    """The value of a field written as ``text`` in the column ``header``, or CellProblem."""
    if name in ("lng", "lat"):
        return cell_number(text, header)
    if name == "floors":
        if not text:
            return None
        floors = cell_number(text.removesuffix("层"), header)
        if not floors.is_integer():
            raise CellProblem(
                _("%(column)s is not a whole number: %(value)s") % {"column": header, "value": text}
            )
        return int(floors)
    if name == "use":
        if not text:
            return BuildingUse.OTHER
        if (use := _USES.get(text.lower())) is None:
            raise CellProblem(
                _("%(column)s is not a use of buildings: %(value)s; the uses are %(uses)s.")
                % {"column": header, "value": text, "uses": "、".join(_USE_WORDS)}
            )
        return use
    if name == "is_active":
        word = text.lower()
        if not word or word in _YES:
            return True
        if word in _NO:
            return False
        raise CellProblem(
            _("%(column)s says neither yes nor no: %(value)s") % {"column": header, "value": text}
        )
    return text


def _state(record: GridRecord) -> dict[str, Any]:
    """The values of the record that an import may change."""
    return {
        f.attname: getattr(record, f.attname)
        for f in record._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    }
